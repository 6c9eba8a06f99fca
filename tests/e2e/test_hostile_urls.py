"""Browser: pages of every kind loaded with a hostile hash and query string stay quiet.

No page error (an uncaught exception, such as URIError from a malformed %-escape), no dialog (an
alert from injected markup), no element made from the URL, and no request off the test server.
The quiz links with a malformed escape (#quiz=%ZZ) fall back with the engine's message.
"""

from __future__ import annotations

import re
import urllib.request

import pytest
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.e2e
TIMEOUT = 90_000
QUERY = "?q=%3Cimg%20src%3Dx%20onerror%3Dalert(1)%3E&x=%ZZ&pyodide=https://evil.example/"
#: markup once decoded, and a malformed escape that makes decodeURIComponent throw, in one fragment
HOSTILE_HASH = "#%3Cimg%20src%3Dx%20onerror%3Dalert(1)%3E%ZZ"
HASHES = [HOSTILE_HASH, "#quiz=%ZZ", "#walk=%ZZ%3Cscript%3E"]


def _pages(base_url: str) -> list[str]:
    with urllib.request.urlopen(base_url + "sitemap.xml") as reply:  # the local test server
        locs = re.findall(r"<loc>([^<]+)</loc>", reply.read().decode("utf-8"))
    pages = sorted({loc.removeprefix(base_url) for loc in locs} | {"instructor/worksheet/", "instructor/answer-key/"})
    assert len(pages) > 30
    return pages


@pytest.fixture
def page(browser, base_url: str, local_only):
    """A fresh 1280x900 context for each test, every request recorded and foreign ones aborted."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.seen_urls = local_only(context, base_url)
    yield context.new_page()
    context.close()


def _watch(page: Page) -> list[str]:
    trouble: list[str] = []
    page.on("pageerror", lambda exc: trouble.append(f"page error: {exc}"))

    def dialog(d) -> None:
        trouble.append(f"dialog: {d.message}")
        d.dismiss()

    page.on("dialog", dialog)
    return trouble


def _some_of_each_kind(pages: list[str], each: int = 3) -> list[str]:
    """Every page that is one of a kind, and the first `each` pages of a kind made from one template (the
    activity and code pages share their scripts and template: more of them only costs CI time)."""
    from tests.e2e.test_every_page import page_kind

    taken: dict[str, int] = {}
    out = []
    for path in pages:
        kind = page_kind(path)
        taken[kind] = taken.get(kind, 0) + 1
        if kind == path or taken[kind] <= each:
            out.append(path)
    return out


def test_every_kind_of_page_with_a_hostile_query_and_hash(page: Page, base_url: str) -> None:
    trouble = _watch(page)
    pages = _some_of_each_kind(_pages(base_url))
    assert {"activities/", "codes/", "guide/", "calculator/"} <= {p.split("/")[0] + "/" for p in pages}
    for path in pages:
        page.goto(base_url + path + QUERY + HOSTILE_HASH)
        page.wait_for_load_state("load")
        assert page.locator("img[src='x'], script[src*='evil']").count() == 0, path
    page.wait_for_timeout(500)
    assert trouble == []
    foreign = [u for u in page.context.seen_urls if not u.startswith(base_url)]
    assert foreign == []


@pytest.mark.parametrize("path", ["practice/", "instructor/worksheet/", "tree/", "calculator/", "coach/", "drills/"])
def test_widget_pages_with_malformed_escapes(page: Page, base_url: str, path: str) -> None:
    trouble = _watch(page)
    for fragment in HASHES:
        page.goto(base_url + path + QUERY + fragment)
        page.wait_for_load_state("load")
        page.wait_for_timeout(300)
    if path == "practice/":
        page.goto(base_url + path + "#quiz=%ZZ")
        status = page.locator("[data-widget=practice] [data-role=status]")
        expect(status).to_contain_text("this quiz link is not valid", timeout=TIMEOUT)
        expect(page.locator("[data-role=case]")).to_be_visible()
    if path == "instructor/worksheet/":
        page.goto(base_url + path + "#key=%ZZ")
        status = page.locator("[data-widget=worksheet] [data-role=status]")
        expect(status).to_contain_text("Showing every case", timeout=TIMEOUT)
        page.goto(base_url + path + "#quiz=%ZZ")  # a student's quiz link never opens the key
        page.reload()  # the same document: a new fragment alone does not reload it
        expect(status).to_contain_text("student's quiz link", timeout=TIMEOUT)
    assert trouble == []
    assert [u for u in page.context.seen_urls if not u.startswith(base_url)] == []


def test_tampered_progress_in_storage_shows_no_negative_streak(page: Page, base_url: str) -> None:
    trouble = _watch(page)
    page.goto(base_url + "practice/")
    page.evaluate(
        "localStorage.setItem('tcg-practice-progress', JSON.stringify("
        "{answers: {'<img src=x onerror=alert(1)>': 'yes'}, streak: -5, best_streak: 'x'}))"
    )
    page.reload()
    score = page.locator("[data-role=score]")
    expect(score).to_contain_text("streak 0 · best 0", timeout=TIMEOUT)
    assert trouble == []
