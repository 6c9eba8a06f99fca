"""Browser: on a widget page Material's search index waits until the engine has answered or the search is used
(docs/assets/js/search-gate.js), so building it does not compete with Pyodide's start; search still works."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.test_calculator import enter, submit

pytestmark = pytest.mark.e2e
TIMEOUT = 90_000
#: when the engine's first answer came (page clock), and when the search index was requested (waited on as
#: functions, not expressions: Playwright polls an expression with eval, which the site's CSP forbids)
RECORDER = "window.addEventListener('tcg:engine-answered', () => { window.__answeredAt = performance.now(); });"
INDEX_REQUESTED = (
    "() => performance.getEntriesByType('resource').find((e) => e.name.endsWith('/search/search_index.json'))"
    "?.startTime ?? null"
)


def _index_requested(page: Page) -> float | None:
    return page.evaluate(f"({INDEX_REQUESTED})()")


def _search(page: Page, query: str) -> None:
    box = page.locator("input[data-md-component=search-query]")
    box.focus()
    box.fill(query)
    expect(page.locator(".md-search-result__item").first).to_be_visible(timeout=TIMEOUT)


def test_calculator_requests_the_search_index_only_after_the_first_answer(
    page: Page, offline_context, base_url: str
) -> None:
    page.add_init_script(RECORDER)
    page.goto(base_url + "calculator/")
    status = page.locator("[data-widget=units] [data-role=status]")
    expect(status).to_have_attribute("data-state", "ready", timeout=TIMEOUT)
    # the engine is up, but has answered nothing yet: Material's request waits
    assert _index_requested(page) is None
    assert page.evaluate("window.TCGSearchGate.held()") == 1
    assert not [u for u in offline_context.seen_urls if u.endswith("/search/search_index.json")]
    enter(page, [("97110", "23"), ("97140", "10")])
    card = submit(page)
    assert card["state"] == "done" and card["total_units"] == 2
    page.wait_for_function(f"() => ({INDEX_REQUESTED})() !== null", timeout=TIMEOUT)
    answered_at, requested_at = page.evaluate(f"[window.__answeredAt, ({INDEX_REQUESTED})()]")
    assert answered_at is not None and requested_at >= answered_at
    # and search works with the index loaded late
    _search(page, "timed")


def test_focusing_the_search_box_loads_the_index_before_any_answer(page: Page, offline_context, base_url: str) -> None:
    page.add_init_script(RECORDER)
    page.goto(base_url + "calculator/")
    page.wait_for_function("() => window.TCGSearchGate && window.TCGSearchGate.held() === 1", timeout=TIMEOUT)
    assert _index_requested(page) is None
    _search(page, "timed")
    assert _index_requested(page) is not None
    assert page.evaluate("window.__answeredAt") is None, "the index waited for an answer instead of the search box"


def test_reading_pages_load_the_index_at_once(page: Page, offline_context, base_url: str) -> None:
    page.goto(base_url)
    assert page.locator("[data-widget]").count() == 0
    page.wait_for_function(f"() => ({INDEX_REQUESTED})() !== null", timeout=TIMEOUT)
    assert page.evaluate("window.TCGSearchGate.held()") == 0
