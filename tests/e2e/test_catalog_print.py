"""Browser: the catalog filter works without Pyodide, every activity shows with JavaScript off, print opens blocks."""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser, Page, expect

from build_tools.load import load_project

pytestmark = pytest.mark.e2e
TIMEOUT = 30_000


def test_catalog_filter_hides_what_does_not_match(page: Page, offline_context, base_url: str) -> None:
    activities = [d.data for d in load_project().activities.values()]
    code = activities[0]["likely_code"]
    wanted = sum(1 for a in activities if a["likely_code"] == code)
    page.goto(base_url + "activities/")
    count = page.locator(".tcg-catalog-count")
    expect(count).to_have_text(f"{len(activities)} of {len(activities)} activities", timeout=TIMEOUT)
    page.select_option("select[name=code]", code)
    expect(count).to_have_text(f"{wanted} of {len(activities)} activities")
    expect(page.locator(".tcg-catalog-item:visible")).to_have_count(wanted)
    page.select_option("select[name=code]", "")
    expect(page.locator(".tcg-catalog-item:visible")).to_have_count(len(activities))
    requested = [u for u in offline_context.seen_urls if "pyodide" in u or u.endswith(".wasm")]
    assert requested == [], "the catalog must not start Pyodide"


def test_without_javascript_every_activity_is_listed(browser: Browser, base_url: str) -> None:
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(base_url + "activities/")
    expect(page.locator(".tcg-catalog-filter")).to_be_hidden()
    expect(page.locator(".tcg-catalog-item:visible")).to_have_count(len(load_project().activities))
    page.goto(base_url + "tree/")
    first = page.locator(".tcg-tree li a").first
    target = first.get_attribute("href")
    first.click()
    assert page.url.endswith(target)
    context.close()


def test_print_hides_navigation_and_opens_collapsed_blocks(page: Page, offline_context, base_url: str) -> None:
    page.goto(base_url + "activities/card-shuffling/")
    note = page.locator("details p").first
    expect(note).to_be_hidden(timeout=TIMEOUT)
    page.emulate_media(media="print")
    expect(note).to_be_visible()
    expect(page.locator(".md-sidebar--primary")).to_be_hidden()
    expect(page.locator(".md-header")).to_be_hidden()
