"""Browser: the guide pages made from data (topics, modifier reference, what to re-check) at phone width.

Each page opens, fits 360 px without sideways scrolling (wide tables scroll inside themselves),
has no serious axe violation, and is reachable from a code page by its link.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from build_tools.load import load_project
from tests.e2e.test_accessibility import blocking_violations

pytestmark = pytest.mark.e2e
WIDTH, HEIGHT = 360, 740
TOPICS = sorted(load_project().records["topics"])
PATHS = [f"guide/{slug}/" for slug in TOPICS] + ["guide/modifiers/", "guide/re-check/"]


@pytest.fixture(scope="module")
def phone(browser, served_site: tuple[str, list[str]], local_only):
    context = browser.new_context(viewport={"width": WIDTH, "height": HEIGHT}, has_touch=True, is_mobile=True)
    local_only(context, served_site[0])
    page = context.new_page()
    page.base = served_site[0]
    yield page
    context.close()


@pytest.mark.parametrize("path", PATHS)
def test_guide_page_fits_the_phone_and_passes_axe(phone: Page, path: str) -> None:
    response = phone.goto(phone.base + path)
    assert response is not None and response.ok, path
    assert phone.evaluate("document.scrollingElement.scrollWidth") <= WIDTH, path
    found = blocking_violations(phone)
    assert not found, "\n".join(found)


def test_code_page_links_to_its_guides(phone: Page) -> None:
    phone.goto(phone.base + "codes/97530/")
    phone.locator("article").get_by_role("link", name="Modifier reference").first.click()
    phone.wait_for_url("**/guide/modifiers/")
    expect(phone.locator("article h1")).to_contain_text("Modifier reference")
    expect(phone.locator("article table").first).to_be_visible()
    expect(phone.locator("article").get_by_text("59, or XU where the payer requires it")).to_be_visible()
