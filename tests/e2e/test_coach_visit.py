"""Browser: the coach reads a whole visit note, on a desktop (1280x900) and a touch phone (360x740).

Each block is marked in the note and coded, an open question is answered in place (and the units follow), both
rules' units sit side by side, the summary copies as the engine's plain text and prints without the form.
Expected values come from the engine in CPython (engine.api), never typed here.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from engine import api
from tests.conftest import inject_axe

pytestmark = pytest.mark.e2e
TIMEOUT = 90_000
THREE = (
    "TherEx 12 min: SLR 3x10, bridges 3x10, VC for quad set.\n"
    "NMR 10 min: tandem stance on foam, perturbations, LOB x3, Berg 41/56.\n"
    "TherAct 16 min: floor to counter lifts x8, CGA, mod VC hip hinge. Goal: unload dishwasher at home.\n"
    "Total timed 38 min"
)
#: block 2 has no heading the content can lean on, so its walk stops at "what was this block for?"
OPEN = (
    "TherEx 12 min: SLR 3x10, bridges 3x10, VC for quad set.\n"
    "Tx 20 min: amb 150 ft with RW, CGA, then standing balance on foam with LOB x2."
)


def _engine(data: dict, text: str, answers: dict | None = None) -> dict[str, Any]:
    api.load(json.dumps(data))
    reply = json.loads(api.call("visit", json.dumps({"text": text, "rules": ["cms", "ama"], "answers": answers or {}})))
    assert "result" in reply, reply
    return reply["result"]["report"]


def _fits(page: Page, where: str) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    view = page.viewport_size["width"]
    assert width <= view, f"{where}: page is {width} px wide at {view} px"


def _check(page: Page, press, base_url: str, text: str):
    page.goto(base_url + "coach/")
    widget = page.locator("[data-widget=visit][data-mounted]")
    expect(widget).to_be_visible(timeout=TIMEOUT)
    widget.locator("[data-role=note]").fill(text)
    press(widget.get_by_role("button", name="Check the visit"))
    result = widget.locator("[data-role=result]")
    expect(result).to_have_attribute("data-state", "done", timeout=TIMEOUT)
    return widget, result


def _units(result, rule: str) -> dict[str, str]:
    rows = result.locator(f"[data-rule={rule}] tbody tr")
    cells = [rows.nth(i).locator("td") for i in range(rows.count())]
    return {c.nth(0).inner_text(): c.nth(1).inner_text() for c in cells}


def test_a_three_block_visit_is_marked_coded_and_billed_under_both_rules(
    user_device, press, base_url: str, data: dict
) -> None:
    want = _engine(data, THREE)
    page = user_device.new_page()
    widget, result = _check(page, press, base_url, THREE)

    # the note, each block marked with its number; the marks and the text between are the note itself
    marks = result.locator("[data-role=note-view] mark[data-block]")
    expect(marks).to_have_count(3)
    assert [marks.nth(i).get_attribute("data-block") for i in range(3)] == ["1", "2", "3"]
    shown = result.locator("[data-role=note-view]").evaluate(
        "el => { const c = el.cloneNode(true); c.querySelectorAll('.tcg-visit__num').forEach(n => n.remove());"
        " return c.textContent; }"
    )
    assert shown == THREE

    blocks = result.locator("[data-role=blocks] > li")
    expect(blocks).to_have_count(3)
    assert [blocks.nth(i).get_attribute("data-code") for i in range(3)] == ["97110", "97112", "97530"]
    for i, b in enumerate(want["blocks"]):
        expect(blocks.nth(i).locator("[data-role=code-line]")).to_have_text("Code: " + b["code_line"])
        expect(blocks.nth(i)).to_have_attribute("data-verdict", b["documentation"]["verdict"])
        expect(blocks.nth(i).locator("[data-role=add] li")).to_have_count(len(b["documentation"]["add"]))
        expect(blocks.nth(i).locator("[data-role=path] li")).to_have_count(len(b["path"]))

    # the day's units: Medicare and the per-code rule side by side (stacked on the phone), 3 units each
    for rule in ("cms", "ama"):
        assert _units(result, rule) == {"97110": "1", "97112": "1", "97530": "1"}
        expect(result.locator(f"[data-rule={rule}] [data-role=total]")).to_have_text("3")
    cms, ama = (result.locator(f".tcg-visit__payer[data-rule={r}]").bounding_box() for r in ("cms", "ama"))
    if user_device.device_name == "desktop":
        assert abs(cms["y"] - ama["y"]) < 2 and ama["x"] > cms["x"], (cms, ama)
    else:
        assert ama["y"] > cms["y"], (cms, ama)
    expect(result.locator("[data-role=warnings-box]")).to_be_hidden()

    # the steps fold away; opened, they are the engine's steps under each rule
    steps = result.locator("[data-role=steps-box]")
    expect(steps.locator("[data-role=steps]")).to_be_hidden()
    press(steps.locator("summary"))
    for s in want["steps"]:
        expect(steps.locator(f"[data-rule={s['rule']}] li")).to_have_count(len(s["steps"]))
    _fits(page, "visit result")

    # no accessibility violation of any impact on the result (axe-core from node_modules)
    page.mouse.move(0, 0)
    page.evaluate("document.activeElement && document.activeElement.blur()")
    inject_axe(page, base_url)
    violations = page.evaluate(
        "axe.run(document.querySelector('[data-widget=visit]'), {resultTypes: ['violations']}).then(r => r.violations)"
    )
    assert [(v["id"], v["impact"], [n["target"] for n in v["nodes"]][:3]) for v in violations] == []

    # "Copy as text": the engine's plain-text summary, on the clipboard
    press(widget.get_by_role("button", name="Copy as text"))
    expect(widget.locator("[data-role=copy-status]")).to_have_text("Copied the summary as plain text.")
    assert page.evaluate("navigator.clipboard.readText()") == want["text"]

    # "Print": the browser's print, and on paper the result without the form or the rest of the page
    page.evaluate("() => { window.__printed = 0; window.print = () => { window.__printed += 1; }; }")
    press(widget.get_by_role("button", name="Print"))
    assert page.evaluate("window.__printed") == 1
    page.emulate_media(media="print")
    try:
        expect(result).to_be_visible()
        expect(widget.locator("form")).to_be_hidden()
        expect(page.locator("[data-widget=coach]")).to_be_hidden()
        expect(widget.get_by_role("button", name="Print")).to_be_hidden()
        expect(result.locator("[data-rule=cms] [data-role=total]")).to_be_visible()
    finally:
        page.emulate_media(media="screen")

    # the note is kept nowhere
    stored = page.evaluate("() => JSON.stringify([Object.entries(localStorage), Object.entries(sessionStorage)])")
    assert "perturbations" not in stored and "perturbations" not in page.url


def _path_to_code(data: dict, text: str, number: int, given: list, depth: int = 5) -> list | None:
    """Answers to block `number`'s open questions that reach a code, first found (answers in tree order)."""
    block = next(b for b in _engine(data, text, {str(number): given})["blocks"] if b["number"] == number)
    if block["codes"]["cms"]:
        return given
    if not block["question"] or depth == 0:
        return None
    for a in block["question"]["answers"]:
        found = _path_to_code(data, text, number, [*given, [block["question"]["id"], a["id"]]], depth - 1)
        if found:
            return found
    return None


def test_an_open_question_answered_in_place_codes_the_block_and_updates_the_units(
    user_device, press, base_url: str, data: dict
) -> None:
    before = _engine(data, OPEN)
    assert [b["question"]["id"] if b["question"] else None for b in before["blocks"]] == [None, "q_focus"]
    answers = _path_to_code(data, OPEN, 2, [])
    assert answers, "no answer reaches a code: pick another note"
    after = _engine(data, OPEN, {"2": answers})

    page = user_device.new_page()
    _widget, result = _check(page, press, base_url, OPEN)
    block = result.locator("[data-role=blocks] > li[data-block='2']")
    expect(block.locator("[data-role=question]")).to_have_attribute("data-question", "q_focus")
    expect(result.locator("[data-role=warnings-box]")).to_be_visible()
    assert _units(result, "cms") == {c["code"]: str(c["units"]) for c in before["payers"][0]["lines"]}
    _fits(page, "visit with an open question")

    for question, answer in answers:
        asked = block.locator("[data-role=question]")
        expect(asked).to_have_attribute("data-question", question, timeout=TIMEOUT)
        press(asked.locator(f"button[data-answer={answer}]"))
        expect(result).to_have_attribute("data-state", "done", timeout=TIMEOUT)
    expect(block.locator("[data-role=question]")).to_have_count(0, timeout=TIMEOUT)
    code = after["blocks"][1]["codes"]["cms"][0]
    expect(block).to_have_attribute("data-code", code)
    expect(block.locator("[data-role=code-line]")).to_have_text("Code: " + after["blocks"][1]["code_line"])
    for i, rule in enumerate(("cms", "ama")):
        want = {c["code"]: str(c["units"]) for c in after["payers"][i]["lines"]}
        expect(result.locator(f"[data-rule={rule}] tbody tr[data-code='{code}']")).to_have_count(1, timeout=TIMEOUT)
        assert _units(result, rule) == want
        total = str(after["payers"][i]["total_units"])
        expect(result.locator(f"[data-rule={rule}] [data-role=total]")).to_have_text(total)
    assert after["payers"][0]["total_units"] != before["payers"][0]["total_units"]
    expect(page.locator(":focus")).to_contain_text(after["blocks"][1]["title"])
    _fits(page, "visit after the answers")

    # "Clear my answers" puts the question back
    press(block.get_by_role("button", name="Clear my answers"))
    expect(block.locator("[data-role=question]")).to_have_attribute("data-question", "q_focus", timeout=TIMEOUT)


def test_the_billable_blocks_go_to_todays_session_and_open_in_the_calculator(
    user_device, press, base_url: str, data: dict
) -> None:
    want = _engine(data, THREE)["session"]
    page = user_device.new_page()
    widget, _result = _check(page, press, base_url, THREE)
    press(widget.get_by_role("button", name="Add the billable blocks to today's session"))
    status = widget.locator("[data-role=copy-status]")
    expect(status).to_contain_text(f"Added {len(want)} blocks")
    stored = page.evaluate("JSON.parse(localStorage.getItem('tcg-session')).blocks")
    assert stored == want
    press(status.get_by_role("link"))
    calc = page.locator("[data-widget=units][data-mounted]")
    expect(calc).to_be_visible(timeout=TIMEOUT)
    expect(page.locator("[data-role=session-note]")).to_be_visible(timeout=TIMEOUT)
    for block in want:
        expect(page.locator("[data-role=session-blocks]")).to_contain_text(block["code"])
    _fits(page, "calculator from the session")
