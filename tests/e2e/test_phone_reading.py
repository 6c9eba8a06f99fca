"""Reading on a 360x740 touch phone: the drawer reaches Training, the side-by-side table fits the screen,
the codes index has targets of at least 24 x 24 px, and a practice case starts on the first screen."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import DEVICES

pytestmark = pytest.mark.e2e
TIMEOUT = 90_000
WIDTH, HEIGHT = DEVICES["phone"]["viewport"]["width"], DEVICES["phone"]["viewport"]["height"]


@pytest.fixture
def phone(browser, base_url: str, local_only) -> Iterator[Page]:
    context = browser.new_context(**DEVICES["phone"])
    local_only(context, base_url)
    page = context.new_page()
    yield page
    context.close()


def test_drawer_reaches_training_in_three_taps(phone: Page, base_url: str) -> None:
    phone.goto(base_url + "guide/glossary/")  # a page inside another section (Guides)
    phone.locator("label.md-header__button[for='__drawer']").tap()  # 1
    top_level = ".md-nav--primary > .md-nav__list > .md-nav__item > label.md-nav__link"
    training = phone.locator(top_level, has_text="Training")
    expect(training).to_be_visible()
    expect(training).to_be_in_viewport()
    training.tap()  # 2
    practice = phone.locator(".md-nav--primary a.md-nav__link", has_text="Practice cases")
    expect(practice).to_be_in_viewport()
    practice.tap()  # 3
    expect(phone).to_have_url(base_url + "practice/")


def _rightmost_cell(page: Page) -> float:
    return page.evaluate(
        "Math.max(...[...document.querySelectorAll('.tcg-stack td, .tcg-stack th')]"
        ".filter((c) => c.getClientRects().length && !c.closest('thead'))"
        ".map((c) => c.getBoundingClientRect().right))"
    )


def test_side_by_side_table_fits_the_phone(phone: Page, base_url: str) -> None:
    phone.goto(base_url + "guide/compare-97110-97112-97530/")
    table = phone.locator(".tcg-stack table")
    expect(table.locator("td[data-label]").first).to_be_attached()
    assert phone.evaluate("document.documentElement.scrollWidth") <= WIDTH
    # no cell is cut off at the side: each sits inside the screen, and each says which code it is about
    assert _rightmost_cell(phone) <= WIDTH
    labels = set(table.locator("td[data-label]").evaluate_all("cells => cells.map((c) => c.dataset.label)"))
    assert {"97110 Therapeutic exercise", "97112 Neuromuscular re-education"} <= labels


def test_codes_index_targets_are_at_least_24px(phone: Page, base_url: str) -> None:
    phone.goto(base_url + "codes/")
    small = phone.evaluate(
        "[...document.querySelectorAll('article table a')].filter((a) => a.getClientRects().length)"
        ".map((a) => [a.textContent, a.getBoundingClientRect()])"
        ".filter(([, r]) => r.width < 24 || r.height < 24).map(([t, r]) => `${t} ${r.width}x${r.height}`)"
    )
    assert phone.locator("article table a").count() > 20
    assert small == []
    assert phone.evaluate("document.documentElement.scrollWidth") <= WIDTH
    # the registry reads as one card per code, none cut off at the side
    expect(phone.locator(".tcg-stack td[data-label='Family']").first).to_be_visible()
    assert _rightmost_cell(phone) <= WIDTH


def test_practice_case_starts_on_the_first_screen(phone: Page, base_url: str) -> None:
    phone.goto(base_url + "practice/")
    title = phone.locator("[data-widget=practice] [data-role=case] [data-role=title]")
    expect(title).to_be_visible(timeout=TIMEOUT)
    top = title.evaluate("(el) => el.getBoundingClientRect().top + window.scrollY")
    assert top < HEIGHT, f"the case title starts {top:.0f} px down a {HEIGHT} px screen"
    # the script focuses the case when it is drawn: no thick ring round the whole card
    case = phone.locator("[data-widget=practice] [data-role=case]")
    expect(case).to_be_focused()
    assert case.evaluate("(el) => getComputedStyle(el).outlineStyle") == "none"
    assert phone.evaluate("document.documentElement.scrollWidth") <= WIDTH


def test_drill_starts_on_the_first_screen(phone: Page, base_url: str) -> None:
    phone.goto(base_url + "drills/")
    title = phone.locator("[data-widget=drill] [data-role=drill] [data-role=title]")
    expect(title).to_be_visible(timeout=TIMEOUT)
    top = title.evaluate("(el) => el.getBoundingClientRect().top + window.scrollY")
    assert top < HEIGHT, f"the drill title starts {top:.0f} px down a {HEIGHT} px screen"
