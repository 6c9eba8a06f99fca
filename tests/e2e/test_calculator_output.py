"""The calculator's result as a clinician takes it away, at 1280x900 and 360x740 (touch): the rule's name,
the copied text and the printout.

- The rule picker names the per-code rule as the data's label does ("Commercial / per-code payer: ...").
- Copy as text keeps each label with its value on one line, and the compare view's steps come along.
- Print prints the result card alone (no intro, no form, no buttons) on one Letter page.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from engine import units

pytestmark = pytest.mark.e2e
TIMEOUT = 90_000
ROWS = [("97110", 12), ("97112", 10), ("97530", 16)]


def _calculate(page, press, base_url: str) -> None:
    page.goto(base_url + "calculator/")
    w = page.locator("[data-widget=units]")
    for i, (code, minutes) in enumerate(ROWS):
        if i:
            press(w.locator("[data-role=add]"))
        w.locator("[name=code]").nth(i).fill(code)
        w.locator("[name=minutes]").nth(i).fill(str(minutes))
    w.locator("[name=rule]").select_option("cms")
    press(w.get_by_role("button", name="Calculate"))
    expect(w.locator("[data-role=result]")).to_have_attribute("data-state", "done", timeout=TIMEOUT)


def _copy(page, press) -> list[str]:
    press(page.get_by_role("button", name="Copy as text"))
    expect(page.locator("[data-role=copied]")).to_have_text("Copied as plain text.")
    return page.evaluate("navigator.clipboard.readText()").splitlines()


def test_per_code_rule_is_named_for_the_payer(user_device, press, base_url: str, data: dict) -> None:
    page = user_device.new_page()
    page.goto(base_url + "calculator/")
    option = page.locator("[data-widget=units] [name=rule] option[value=ama]")
    expect(option).to_have_text(data["rules"]["ama"]["label"], timeout=TIMEOUT)
    assert data["rules"]["ama"]["label"].startswith("Commercial / per-code payer")


def test_copied_text_keeps_label_and_value_together(user_device, press, base_url: str, data: dict) -> None:
    page = user_device.new_page()
    _calculate(page, press, base_url)
    want = units.compute(ROWS, data["rules"]["cms"], data["codes"])
    lines = _copy(page, press)
    assert lines[0] == "Result: " + data["rules"]["cms"]["label"]
    assert f"Total timed minutes: {want['timed_minutes']}" in lines
    assert f"Total units: {want['total_units']}" in lines
    assert not {"Total units", "Total timed minutes", str(want["total_units"])} & set(lines)
    for code, n in want["units"].items():
        assert any(re.fullmatch(rf"{code}\t.*\t{n}", line) for line in lines), (code, lines)
    assert "1. " + want["steps"][0] in lines
    # a new result clears "Copied": the clipboard no longer holds what is shown
    page.get_by_role("button", name="Compare rules").click()
    expect(page.locator("[data-role=result]")).to_have_attribute("data-mode", "compare", timeout=TIMEOUT)
    expect(page.locator("[data-role=copied]")).to_have_text("")
    lines = _copy(page, press)
    for rule in ("cms", "ama"):
        at = lines.index("Steps: " + data["rules"][rule]["label"] + ":")
        assert lines[at + 1].startswith("1. "), lines[at : at + 2]


def test_print_is_the_result_alone_on_one_page(user_device, press, base_url: str) -> None:
    page = user_device.new_page()
    _calculate(page, press, base_url)
    page.emulate_media(media="print")
    card = page.locator("[data-role=card]")
    expect(card).to_be_visible()
    expect(page.locator("[data-widget=units] form")).to_be_hidden()
    expect(page.locator("#pitfalls")).to_be_hidden()
    expect(page.locator("#evidence")).to_be_hidden()
    expect(card.get_by_role("button", name="Print")).to_be_hidden()
    expect(card.locator("[data-role=steps]")).to_be_visible()
    pdf = page.pdf(format="Letter")
    assert len(re.findall(rb"/Type\s*/Page(?!s)", pdf)) == 1
    page.emulate_media(media="screen")
