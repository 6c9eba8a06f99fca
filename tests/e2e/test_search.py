"""Material's search, typed in the search box at 1280x900 and 360x740 (touch), knows the clinicians' words.

The terms come from the data (note heading phrases, codes' and unit rules' search_terms) and go into the
built search index (build_tools/search_terms.py); here the real search worker ranks them.
"""

from __future__ import annotations

import re
from urllib.parse import quote_plus

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.e2e

#: what a clinician types -> the page that must come first
FIRST = {
    "TherEx": "codes/97110/",
    "TherAct": "codes/97530/",
    "TE": "codes/97110/",
    "TA": "codes/97530/",
    "NMR": "codes/97112/",
    "neuro re-ed": "codes/97112/",
    "e-stim": "codes/",
    "estim": "codes/",
    "NMES": "codes/",
    "HP/CP": "codes/",
    "8 minute rule": "units/",
}


def _open_search(page, user_device, base_url: str) -> None:
    page.goto(base_url)
    if user_device.touch:
        page.locator("label.md-header__button[for='__search']").tap()
    else:
        page.locator("input.md-search__input").click()
    expect(page.locator("input.md-search__input")).to_be_focused()


def _highlight(query: str) -> str:
    """The ?h= value Material puts on result links for `query` (its terms, split like the index)."""
    return "+".join(quote_plus(t) for t in re.split(r"[\s\-]+", query.lower()) if t)


def test_each_clinicians_word_finds_its_page_first(user_device, base_url: str) -> None:
    """Every word of FIRST, typed in one open search box (cleared between words), ranks its page first."""
    page = user_device.new_page()
    _open_search(page, user_device, base_url)
    box = page.locator("input.md-search__input")
    for query, target in FIRST.items():
        box.fill("")
        page.keyboard.type(query, delay=40)
        first = page.locator(".md-search-result__item > a.md-search-result__link").first
        # the link carries the whole query, so the ranking checked is the one for the full query, not a prefix
        pattern = re.escape(base_url + target) + r"\?h=" + re.escape(_highlight(query)) + "$"
        expect(first, query).to_have_attribute("href", re.compile(pattern), timeout=15_000)


def test_half_typed_hyphens_log_nothing(user_device, base_url: str) -> None:
    page = user_device.new_page()
    logged: list[str] = []

    def keep(kind: str, text: str) -> None:
        if kind in ("error", "warning"):
            logged.append(f"{kind}: {text}")

    page.on("console", lambda m: keep(m.type, m.text))
    page.on("pageerror", lambda e: logged.append(f"pageerror: {e}"))
    page.on("worker", lambda w: w.on("console", lambda m: keep(m.type, m.text)))
    _open_search(page, user_device, base_url)
    box = page.locator("input.md-search__input")
    for query in ["e-", "neuro re-", "8-"]:
        box.fill("")
        page.keyboard.type(query, delay=80)
        page.keyboard.type("x", delay=80)  # one more key: the query after the hyphen is searched too
        expect(page.locator(".md-search-result__meta")).not_to_have_text("", timeout=15_000)
        page.wait_for_timeout(300)
    assert logged == []
