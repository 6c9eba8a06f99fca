"""Browser: every page of the built site at 360x740 (touch) fits the screen, shows a border on every input and
has no serious or critical axe finding; widgets after use pass axe too; the site search and the catalog filter.

One shared phone page walks the sitemap (fast: no Pyodide on most pages); axe checks the first page of each
kind whole and the content of the others (tests/e2e/test_accessibility.py checks each kind's whole page too).
Widths are the document's scrollWidth against 360, as the project's rules ask, not innerWidth.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from engine import practice
from tests.e2e.test_accessibility import blocking_violations

pytestmark = pytest.mark.e2e
TIMEOUT = 90_000
PHONE = 360
EXTRA = ["instructor/answer-key/", "instructor/worksheet/"]  # left out of the sitemap's search, still pages

#: every visible form control outside Material's own header/search, whose border is missing on any side
BORDERLESS = """() => [...document.querySelectorAll(
    'input:not([type=hidden]):not([type=checkbox]):not([type=radio]):not([type=range]), select, textarea')]
  .filter((e) => e.offsetParent !== null && !e.closest('.md-header, .md-search, .md-sidebar'))
  .filter((e) => { const s = getComputedStyle(e);
    return ['Top', 'Right', 'Bottom', 'Left'].some((k) =>
      parseFloat(s['border' + k + 'Width']) < 1 || s['border' + k + 'Style'] === 'none' ||
      s['border' + k + 'Color'] === s.backgroundColor); })
  .map((e) => e.name || e.id || e.outerHTML.slice(0, 60))"""


def site_paths(base_url: str, page: Page) -> list[str]:
    page.goto(base_url + "sitemap.xml")
    locs = re.findall(r"<loc>([^<]+)</loc>", page.content())
    paths = [loc.split("://", 1)[1].split("/", 1)[1] for loc in locs]
    return list(dict.fromkeys([*paths, *EXTRA]))


def page_kind(path: str) -> str:
    """A page's kind: its first path segment with a page under it ("activities/wrist-curls/" -> "activities/*")."""
    parts = path.strip("/").split("/")
    return parts[0] + "/*" if len(parts) > 1 else path


def _problems(page: Page) -> list[str]:
    out = []
    width = page.evaluate("document.documentElement.scrollWidth")
    if width > PHONE:
        out.append(f"{width} px wide")
    if bad := page.evaluate(BORDERLESS):
        out.append(f"inputs without a visible border: {bad}")
    return out


def test_every_page_fits_a_phone_has_bordered_inputs_and_passes_axe(browser, base_url: str) -> None:
    """Pages as they load: the search index, Pyodide and the engine are not fetched here (each page loads faster)."""
    from tests.e2e.conftest import DEVICES

    context = browser.new_context(**DEVICES["phone"])
    skip = ("/search/", "/pyodide/", "engine.zip", "engine.json")
    context.route(
        "**/*",
        lambda r: (
            r.continue_()
            if r.request.url.startswith(base_url) and not any(x in r.request.url for x in skip)
            else r.abort()
        ),
    )
    page = context.new_page()
    try:
        paths = site_paths(base_url, page)
        assert len(paths) > 20, paths
        found = {}
        kinds_seen: set[str] = set()
        for path in paths:
            response = page.goto(base_url + path, wait_until="domcontentloaded")
            assert response is not None and response.ok, path
            # the first page of each kind is checked whole (header, navigation, footer); the others, made from the
            # same template, have their content checked (the part that differs): the walk stays within CI's time
            whole = page_kind(path) not in kinds_seen
            kinds_seen.add(page_kind(path))
            problems = _problems(page) + blocking_violations(page, None if whole else ".md-content")
            if problems:
                found[path] = problems
        assert not found, found
    finally:
        context.close()


def test_widgets_after_use_fit_and_pass_axe(shared_phone: Page, base_url: str, data: dict) -> None:
    """Widgets in their used state: practice in quiz mode with feedback, drills graded, builder with links, coach."""
    page = shared_phone
    cid = sorted(
        c for c, case in data["cases"].items() if case["answer"].get("units") and not case["answer"].get("blocks")
    )[0]
    page.goto(f"{base_url}practice/#quiz={practice.format_quiz(3, [cid])}")
    expect(page.locator("[data-role=case]")).to_be_visible(timeout=TIMEOUT)
    page.select_option("[data-role=choices]", index=1)
    for box in page.locator("[data-role=unit-rows] input").all():
        box.fill("1")
    page.get_by_role("button", name="Check my answer").click()
    expect(page.locator("[data-role=feedback] [data-verdict]")).to_be_visible(timeout=TIMEOUT)
    expect(page.locator("[data-role=units-legend]")).not_to_contain_text("cms")
    expect(page.locator("[data-role=units-legend]")).not_to_contain_text("ama")
    activity_links = page.locator("[data-role=feedback] a[href*='/activities/']")
    for i in range(activity_links.count()):
        shown = activity_links.nth(i).inner_text().strip()
        assert not re.fullmatch(r"[a-z0-9]+(?:-[a-z0-9]+)+", shown), f"activity links show names, not slugs: {shown}"
    assert not _problems(page) and not blocking_violations(page), "practice quiz with feedback"

    page.goto(base_url + "drills/")
    expect(page.locator("[data-role=rows] input").first).to_be_visible(timeout=TIMEOUT)
    for box in page.locator("[data-role=rows] input").all():
        box.fill("2")
    page.get_by_role("button", name="Check my units").click()
    expect(page.locator("[data-role=feedback] > *").first).to_be_visible(timeout=TIMEOUT)
    assert not _problems(page) and not blocking_violations(page), "drills after grading"

    page.goto(base_url + "instructor/")
    page.locator("input[name=case]").first.check()
    page.get_by_role("button", name="Make the quiz link").click()
    expect(page.locator("[data-role=links]")).to_be_visible(timeout=TIMEOUT)
    assert not _problems(page) and not blocking_violations(page), "quiz builder with links"

    for path in ("instructor/answer-key/", "instructor/worksheet/", "instructor/lms-export/", "codes/"):
        page.goto(base_url + path)
        assert not blocking_violations(page), path

    page.goto(base_url + "coach/")
    note = page.locator("[data-widget=coach] textarea")
    note.fill("Ther ex 20 min. Pt tolerated well. Same as last visit.")
    page.locator("[data-widget=coach] [data-role=code]").select_option("97110")  # checked against a code: flags
    page.locator("[data-widget=coach] button[type=submit]").click()
    expect(page.locator("[data-widget=coach] mark").first).to_be_visible(timeout=TIMEOUT)
    assert not _problems(page), "coach after a check"
    found = blocking_violations(page)
    assert not found, "coach after a check:\n" + "\n".join(found)


def test_catalog_filters_live_in_the_address(shared_phone: Page, base_url: str) -> None:
    page = shared_phone
    page.goto(base_url + "activities/")
    form = page.locator("form.tcg-catalog-filter")
    expect(form).to_be_visible()
    for select in form.locator("select").all():
        assert select.bounding_box()["height"] >= 44
    code = form.locator("select[name=code]")
    value = code.locator("option").nth(1).get_attribute("value")
    code.select_option(value)
    assert f"code={value}" in page.url
    shown = page.locator(".tcg-catalog-item:visible").count()
    assert 0 < shown < page.locator(".tcg-catalog-item").count()
    # nothing matches: the count says 0 and a hint says what to do
    for name in ("deficit", "diagnosis", "setting", "population"):
        options = form.locator(f"select[name={name}] option")
        for i in range(1, options.count()):
            form.locator(f"select[name={name}]").select_option(index=i)
            if page.locator(".tcg-catalog-item:visible").count() == 0:
                break
        if page.locator(".tcg-catalog-item:visible").count() == 0:
            break
    expect(page.locator(".tcg-catalog-count")).to_contain_text("0 of")
    expect(page.locator(".tcg-catalog-hint")).to_be_visible()
    assert not blocking_violations(page)
    # a reload (or Back to this address) keeps the filters; clear empties them and the address
    page.reload()
    expect(code).to_have_value(value)
    page.get_by_role("button", name="Clear the filters").tap()
    expect(code).to_have_value("")
    expect(page.locator(".tcg-catalog-hint")).to_be_hidden()
    assert "code=" not in page.url
    assert page.locator(".tcg-catalog-item:visible").count() == page.locator(".tcg-catalog-item").count()


def _search(page: Page, base_url: str, words: str) -> list[str]:
    page.goto(base_url)
    page.locator("label.md-search-icon, .md-header__button[for=__search]").first.click()
    page.locator(".md-search__input").press_sequentially(words, delay=20)  # Material searches on key events
    items = page.locator(".md-search-result__item > a")
    terms = "+".join(re.split(r"[\s\-]+", words.lower()))
    expect(page.locator(f".md-search-result__item a[href*='h={terms}']").first).to_be_attached(timeout=20_000)
    return [href.split("#")[0].split("?")[0] for href in items.evaluate_all("(as) => as.map((a) => a.href)")]


@pytest.mark.parametrize(
    ("words", "expect_path"), [("NMES", "codes/"), ("e-stim", "codes/"), ("group", "codes/97150/")]
)
def test_search_finds_synonyms_and_ranks_the_code_page(
    shared_phone: Page, base_url: str, words: str, expect_path: str
) -> None:
    results = _search(shared_phone, base_url, words)
    wanted = base_url + expect_path
    assert any(r.rstrip("/") == wanted.rstrip("/") for r in results[:3]), (words, results[:5])


def test_quiz_builder_is_in_the_navigation_and_the_search(shared_phone: Page, base_url: str) -> None:
    shared_phone.goto(base_url)
    assert shared_phone.locator("nav a[href$='instructor/']").count() >= 1
    results = _search(shared_phone, base_url, "quiz builder")
    assert base_url + "instructor/" in results[:3], results[:5]
