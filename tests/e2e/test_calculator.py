"""Browser: the unit calculator page, entered through the UI on one 360 px page, against the CPython engine.

One page (one cold Pyodide start) serves every test in this module, in order: the Medicare worked
examples, a tie, a rule switch, the compare view, bad input, 50 seeded random sessions, keyboard use.
Expected answers come from the engine run in-process (engine.api -> engine.units, as the worker
calls it) on the same data the build exports.
"""

from __future__ import annotations

import json
import random
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from build_tools.export import calculator_data
from build_tools.load import load_project
from engine import api

pytestmark = pytest.mark.e2e
TIMEOUT = 90_000
WIDTH = 360

#: records Content-Security-Policy violations before any page script runs
CSP_RECORDER = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (e) => {
  window.__cspViolations.push(e.violatedDirective + " " + e.blockedURI);
});
"""

#: everything the result card shows, read back from the DOM
READ_CARD = """
(root) => {
  const out = root.querySelector("[data-role=result]");
  const formError = root.querySelector("[data-role=form-error]");
  const texts = (sel) => [...out.querySelectorAll(sel)].map((n) => n.textContent.trim());
  const value = (role) => {
    const n = out.querySelector("[data-role=" + role + "]");
    return n ? Number(n.dataset.value) : null;
  };
  return {
    state: out.dataset.state,
    rule: out.dataset.rule,
    timed_minutes: value("timed-minutes"),
    treatment_minutes: value("treatment-minutes"),
    total_units: value("total-units"),
    units: Object.fromEntries(
      [...out.querySelectorAll("tr[data-code]")].map((tr) => [tr.dataset.code, Number(tr.dataset.units)]),
    ),
    alternatives: [...out.querySelectorAll("[data-alloc]")].map((li) => JSON.parse(li.dataset.alloc)),
    warnings: texts("[data-role=warnings] li"),
    steps: texts("[data-role=steps] li"),
    errors: [...root.querySelectorAll(".tcg-field-error:not([hidden])")].map((p) => [p.dataset.field, p.textContent]),
    form_error: formError.hidden ? null : formError.textContent,
    card_hidden: root.querySelector("[data-role=card]").hidden,
  };
}
"""


def expected(data: dict[str, Any], rows: list[tuple[str, str]], rule: str) -> dict[str, Any]:
    """The CPython engine's answer for the same form rows, through engine.api as the worker calls it."""
    api.load(json.dumps(data))
    args = {"rule": rule, "entries": [{"code": code, "minutes": minutes} for code, minutes in rows]}
    reply = json.loads(api.call("units", json.dumps(args)))
    if "error" in reply:
        return {"error": (reply["error"]["field"], reply["error"]["message"])}
    return reply["result"]


@pytest.fixture(scope="module")
def calc(browser, served_site: tuple[str, list[str]], local_only):
    """One 360 px page on the calculator, recording every request; closed after the module."""
    base_url = served_site[0]
    context = browser.new_context(viewport={"width": WIDTH, "height": 800})
    seen = local_only(context, base_url)
    context.add_init_script(CSP_RECORDER)
    page = context.new_page()
    page.goto(base_url + "calculator/")
    page.seen_urls = seen
    yield page
    context.close()


def widget(page: Page):
    return page.locator("[data-widget=units]")


def enter(page: Page, rows: list[tuple[str, str]], rule: str | None = None) -> None:
    """Type the rows into the form (adding or removing rows as needed) and pick the rule."""
    w = widget(page)
    while w.locator("[data-role=row]").count() > max(len(rows), 1):
        w.locator("[data-role=remove]").last.click()
    while w.locator("[data-role=row]").count() < len(rows):
        w.locator("[data-role=add]").click()
    for i, (code, minutes) in enumerate(rows):
        w.locator("[name=code]").nth(i).fill(code)
        w.locator("[name=minutes]").nth(i).fill(minutes)
    if rule:
        w.locator("[name=rule]").select_option(rule)


def submit(page: Page, button: str = "Calculate") -> dict[str, Any]:
    w = widget(page)
    w.get_by_role("button", name=button).click()
    expect(w.locator("[data-role=result]")).not_to_have_attribute("data-state", "busy", timeout=TIMEOUT)
    return w.evaluate(READ_CARD)


def calculate(page: Page, rows: list[tuple[str, str]], rule: str) -> dict[str, Any]:
    enter(page, rows, rule)
    return submit(page)


def assert_same(card: dict[str, Any], want: dict[str, Any]) -> None:
    """The card shows exactly the engine's answer (or its error, by the right field)."""
    if "error" in want:
        field, message = want["error"]
        assert card["state"] == "error" and card["card_hidden"]
        assert (card["errors"] == [[field, message]]) if field else (card["form_error"] == message), (card, want)
        return
    assert card["state"] == "done" and card["rule"] == want["rule"]
    for key in ("timed_minutes", "treatment_minutes", "total_units", "units", "alternatives", "warnings", "steps"):
        assert card[key] == want[key], key


def test_medicare_worked_examples(calc: Page, data: dict[str, Any]) -> None:
    """Pub. 100-04 ch. 5 sec. 20.2 examples: the published allocations, and exactly the engine's card."""
    ex1 = [("97112", "24"), ("97110", "23")]
    card = calculate(calc, ex1, "cms")
    assert card["units"] == {"97112": 2, "97110": 1} and card["alternatives"] == []
    assert_same(card, expected(data, ex1, "cms"))

    ex3 = [("97110", "33"), ("97140", "7")]
    card = calculate(calc, ex3, "cms")
    assert card["units"] == {"97110": 2, "97140": 1}
    assert_same(card, expected(data, ex3, "cms"))

    tie = [("97112", "20"), ("97110", "20")]
    card = calculate(calc, tie, "cms")
    assert card["total_units"] == 3 and len(card["alternatives"]) == 1
    assert sorted([card["units"], *card["alternatives"]], key=lambda a: sorted(a.items())) == sorted(
        [{"97112": 2, "97110": 1}, {"97112": 1, "97110": 2}], key=lambda a: sorted(a.items())
    )
    assert_same(card, expected(data, tie, "cms"))
    shown = widget(calc).locator("[data-alloc]").all_text_contents()
    assert [sorted(text.split(", ")) for text in shown] == [["97110: 2 units", "97112: 1 unit"]]
    assert "3 units in total" in widget(calc).locator("[data-role=announce]").text_content()
    expect(widget(calc).locator("[data-role=card] .tcg-disclaimer")).to_be_visible()


def test_rule_switch_and_compare(calc: Page, data: dict[str, Any]) -> None:
    rows = [("97110", "33"), ("97140", "7")]
    cms = calculate(calc, rows, "cms")
    # switching the rule recalculates at once
    widget(calc).locator("[name=rule]").select_option("ama")
    result = widget(calc).locator("[data-role=result]")
    expect(result).to_have_attribute("data-rule", "ama", timeout=TIMEOUT)
    expect(result).to_have_attribute("data-state", "done", timeout=TIMEOUT)
    ama = widget(calc).evaluate(READ_CARD)
    assert_same(ama, expected(data, rows, "ama"))
    assert (ama["units"], ama["total_units"]) != (cms["units"], cms["total_units"])

    submit(calc, "Compare rules")
    table = widget(calc).locator("[data-role=compare-table]")
    heads = table.locator("thead th[data-rule]")
    expect(heads).to_have_count(len(data["rules"]))
    order = heads.evaluate_all("(ths) => ths.map((th) => th.dataset.rule)")
    want = {rule: expected(data, rows, rule) for rule in order}
    totals = table.locator("tr[data-role=total-units] td").all_text_contents()
    assert totals == [str(want[r]["total_units"]) for r in order]
    for code in ("97110", "97140"):
        cells = table.locator(f"tr[data-code='{code}'] td").all_text_contents()
        assert cells == [str(want[r]["units"][code]) for r in order]
    # the comparison fits a 360 px phone: only the table's own box may scroll sideways
    assert calc.evaluate("document.scrollingElement.scrollWidth") <= WIDTH


def test_evidence_and_rule_choice_come_from_the_rule_data(calc: Page) -> None:
    page_data = calculator_data(load_project())
    options = widget(calc).locator("[name=rule] option")
    assert options.evaluate_all("(os) => os.map((o) => [o.value, o.textContent])") == [
        [r["id"], r["label"]] for r in page_data["rules"]
    ]
    assert widget(calc).locator("datalist option").count() == len(page_data["codes"])
    for rule in page_data["rules"]:
        section = calc.locator(f"[data-widget=rule-evidence] section[data-rule='{rule['id']}']")
        expect(section.locator("h3")).to_have_text(rule["label"])
        expect(section.locator("li")).to_have_count(len(rule["sources"]))
        for source in rule["sources"]:
            expect(section).to_contain_text(source["title"])


BAD_INPUT = [
    [("97110", "")],  # empty minutes
    [("", "20")],  # empty code
    [("97110", "-5")],  # negative
    [("97110", "twenty")],  # text
    [("97110", "1441")],  # over 24 hours
    [("97110", "700"), ("97112", "800")],  # over 24 hours together
    [("97110", "20"), ("99999", "10")],  # unknown code
    [("97110", "20"), ("97110", "10")],  # the same code twice
]


@pytest.mark.parametrize("rows", BAD_INPUT, ids=lambda rows: "+".join(f"{c or '_'}={m or '_'}" for c, m in rows))
def test_bad_input_shows_the_engines_message_by_the_field(
    calc: Page, data: dict[str, Any], rows: list[tuple[str, str]]
) -> None:
    want = expected(data, rows, "cms")
    assert "error" in want, "these rows must be refused by the engine"
    card = calculate(calc, rows, "cms")
    assert_same(card, want)
    field = want["error"][0]
    if field and field.startswith("entries."):
        _, index, name = field.split(".")
        box = widget(calc).locator(f"[name={name}]").nth(int(index))
        expect(box).to_have_attribute("aria-invalid", "true")
        expect(box).to_be_focused()
        described = box.get_attribute("aria-describedby").split()
        error_id = widget(calc).locator(f".tcg-field-error[data-field='{field}']").get_attribute("id")
        assert error_id in described
    # the page stays usable: fix the input and the error goes away
    card = calculate(calc, [("97110", "23")], "cms")
    assert card["state"] == "done" and card["errors"] == [] and card["form_error"] is None


def test_fifty_random_sessions_equal_the_cpython_engine(calc: Page, data: dict[str, Any]) -> None:
    rng = random.Random(20261123)
    timed = sorted(c for c, info in data["codes"].items() if info.get("unit_basis") == "timed_15")
    service = sorted(c for c, info in data["codes"].items() if info.get("unit_basis") == "service")
    assert len(timed) >= 5 and service
    outcomes = {"done": 0, "error": 0}
    for _ in range(50):
        codes = rng.sample(timed, rng.randint(1, 4)) + rng.sample(service, rng.choice([0, 0, 0, 1]))
        rows = [(code, str(rng.randint(0, 70))) for code in codes]
        rule = rng.choice(sorted(data["rules"]))
        card = calculate(calc, rows, rule)
        assert_same(card, expected(data, rows, rule))
        outcomes[card["state"]] += 1
    assert outcomes["done"] >= 40, outcomes


def test_keyboard_alone_and_announcement(calc: Page, data: dict[str, Any]) -> None:
    calc.reload()  # fresh form; the HTTP cache makes the restart quick
    w = widget(calc)
    first_code = w.locator("[name=code]").first
    expect(first_code).to_be_visible(timeout=TIMEOUT)
    for _ in range(80):  # Tab from the top of the page to the first code box
        calc.keyboard.press("Tab")
        if first_code.evaluate("(el) => el === document.activeElement"):
            break
    expect(first_code).to_be_focused()
    calc.keyboard.type("97110")
    calc.keyboard.press("Tab")
    calc.keyboard.type("33")
    calc.keyboard.press("Tab")  # the only row's Remove button is disabled, so focus goes to "Add a code"
    expect(w.locator("[data-role=add]")).to_be_focused()
    calc.keyboard.press("Enter")
    expect(w.locator("[name=code]").nth(1)).to_be_focused()
    calc.keyboard.type("97140")
    calc.keyboard.press("Tab")
    calc.keyboard.type("7")
    calc.keyboard.press("Enter")  # submits the form
    result = w.locator("[data-role=result]")
    expect(result).to_have_attribute("data-state", "done", timeout=TIMEOUT)
    want = expected(data, [("97110", "33"), ("97140", "7")], w.locator("[name=rule]").input_value())
    assert_same(w.evaluate(READ_CARD), want)
    live = w.locator("[data-role=announce]")
    assert live.get_attribute("aria-live") == "polite"
    expect(live).to_contain_text(f"{want['total_units']} units in total")
    # removing a row by keyboard moves focus to the row before it
    w.locator("[data-role=remove]").nth(1).focus()
    calc.keyboard.press("Enter")
    expect(w.locator("[data-role=row]")).to_have_count(1)
    expect(w.locator("[name=code]").first).to_be_focused()


def test_page_made_no_foreign_request_and_no_csp_violation(calc: Page, served_site: tuple[str, list[str]]) -> None:
    base_url, server_log = served_site
    foreign = [u for u in calc.seen_urls if not u.startswith(base_url)]
    assert foreign == [], f"requests left the test server: {foreign}"
    # the worker's Pyodide files were fetched from the test server, as the browser and the server both saw
    assert any(u.endswith("assets/pyodide/pyodide.asm.wasm") for u in calc.seen_urls)
    assert "/assets/pyodide/pyodide.asm.wasm" in server_log
    host = base_url.split("/")[2]
    assert set(server_log.hosts) == {host} and host.startswith("127.0.0.1:")
    assert calc.evaluate("window.__cspViolations") == []
    csp = calc.locator("meta[http-equiv='Content-Security-Policy']").get_attribute("content")
    assert "cdn.jsdelivr.net" not in csp and "worker-src 'self'" in csp
