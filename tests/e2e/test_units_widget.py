"""Browser: the unit widget runs the Python engine in a Pyodide worker, also after instant navigation."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.e2e
TIMEOUT = 90_000


def _calculate(page: Page, code: str, minutes: str) -> None:
    widget = page.locator("[data-widget=units]")
    widget.locator("[name=code]").first.fill(code)
    widget.locator("[name=minutes]").first.fill(minutes)
    widget.get_by_role("button", name="Calculate").click()


def test_widget_answers_and_survives_instant_navigation(page: Page, offline_context, base_url: str) -> None:
    page.goto(base_url + "calculator/")
    page.evaluate("window.__sameDocument = true")
    _calculate(page, "97110", "23")
    result = page.locator("[data-widget=units] [data-role=result]")
    expect(result).to_have_attribute("data-state", "done", timeout=TIMEOUT)
    expect(result.locator("[data-code='97110']")).to_have_attribute("data-units", "2")

    # instant navigation away and back: same document, same worker, widget mounted again
    page.locator("a.md-nav__link[href$='tree/']").first.click()
    expect(page.locator("h1")).to_contain_text("Which code", timeout=TIMEOUT)
    page.locator("a.md-nav__link[href$='calculator/']").first.click()
    expect(page.locator("[data-widget=units][data-mounted]")).to_be_visible(timeout=TIMEOUT)
    assert page.evaluate("window.__sameDocument") is True, "instant navigation was not used"
    _calculate(page, "97110", "38")
    result = page.locator("[data-widget=units] [data-role=result]")
    expect(result.locator("[data-code='97110']")).to_have_attribute("data-units", "3", timeout=TIMEOUT)
    assert page.evaluate("window.TCG.workersStarted()") == 1

    foreign = [u for u in offline_context.seen_urls if not u.startswith(base_url)]
    assert foreign == [], f"requests left the test server: {foreign}"


def test_a_question_asked_before_the_rule_list_arrived_is_answered(page: Page, offline_context, base_url: str) -> None:
    held = []  # calculator.json (the rule list) is held back until the question has been asked
    offline_context.route("**/assets/data/calculator.json", lambda route: held.append(route))
    page.goto(base_url + "calculator/", wait_until="domcontentloaded")
    expect(page.locator("[data-widget=units][data-mounted]")).to_be_attached(timeout=TIMEOUT)
    _calculate(page, "97110", "23")
    expect(page.locator("[data-widget=units] [data-role=result]")).to_have_attribute("data-state", "busy")
    assert held, "the rule list was not requested"
    for route in held:
        route.continue_()
    result = page.locator("[data-widget=units] [data-role=result]")
    expect(result).to_have_attribute("data-state", "done", timeout=TIMEOUT)
    expect(result.locator("[data-code='97110']")).to_have_attribute("data-units", "2")
    expect(page.locator("[data-widget=units] [data-role=form-error]")).to_be_hidden()
