"""Browser: which scripts a page loads (widget code only where a widget is), when the Pyodide worker starts (idle,
first interaction, never on pages without a widget), and what the calculator page shows when Python cannot load."""

from __future__ import annotations

import re
from urllib.parse import urljoin

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.test_calculator import CSP_RECORDER

pytestmark = pytest.mark.e2e
TIMEOUT = 90_000
#: longer than the shim's idle fallback (requestIdleCallback timeout 4 s)
IDLE_WAIT_MS = 6_000
PYODIDE_FILES = ("pyodide.mjs", "pyodide.asm.wasm", "python_stdlib.zip", "engine.worker.js")
#: every script loader.js may load (the shim and the widgets)
WIDGET_SCRIPTS = ("widgets", "session", "units", "tree", "coach", "practice", "drills", "instructor", "catalog")


def _pyodide_requests(urls: list[str]) -> list[str]:
    return [u for u in urls if any(u.split("?")[0].endswith(name) for name in PYODIDE_FILES) or "/assets/runtime/" in u]


def _widget_scripts(urls: list[str]) -> list[str]:
    return [u for u in urls if any(u.endswith(f"/assets/js/{name}.js") for name in WIDGET_SCRIPTS)]


def test_no_pyodide_without_widget_then_idle_start_and_one_worker(page: Page, offline_context, base_url: str) -> None:
    page.add_init_script(CSP_RECORDER)
    page.goto(base_url)
    expect(page.locator("h1")).to_be_visible()
    assert page.locator("[data-widget]").count() == 0, "the home page must stay a page without widgets"
    page.evaluate("window.__sameDocument = true")
    page.wait_for_timeout(IDLE_WAIT_MS)
    assert _pyodide_requests(offline_context.seen_urls) == []
    # a reading page loads the loader and no widget code at all
    assert any(u.endswith("/assets/js/loader.js") for u in offline_context.seen_urls)
    assert _widget_scripts(offline_context.seen_urls) == []
    assert page.evaluate("typeof window.TCG") == "undefined"

    # instant navigation to the calculator: the idle page starts the engine without any interaction
    page.locator("a.md-nav__link[href$='calculator/']").first.click()
    status = page.locator("[data-widget=units] [data-role=status]")
    expect(status).to_have_attribute("data-state", "ready", timeout=TIMEOUT)
    assert any(u.endswith("assets/pyodide/pyodide.asm.wasm") for u in offline_context.seen_urls)
    # the calculator page loaded the shim and its own widget script, nothing else
    assert sorted(u.rsplit("/", 1)[1] for u in _widget_scripts(offline_context.seen_urls)) == [
        "session.js",
        "units.js",
        "widgets.js",
    ]
    # the fast path: the build's precompiled standard library, not Pyodide's source one
    assert page.evaluate("window.TCG.stdlib()") == "precompiled"
    assert any("/assets/runtime/python_stdlib." in u for u in offline_context.seen_urls)
    assert not any(u.endswith("/assets/pyodide/python_stdlib.zip") for u in offline_context.seen_urls)

    # away and back again: the same document and the same worker, already warm
    page.locator("a.md-nav__link[href$='tree/']").first.click()
    expect(page.locator("[data-widget=units]")).to_have_count(0, timeout=TIMEOUT)
    page.locator("a.md-nav__link[href$='calculator/']").first.click()
    expect(page.locator("[data-widget=units] [data-role=status]")).to_have_attribute("data-state", "ready")
    assert page.evaluate("window.__sameDocument") is True, "instant navigation was not used"
    assert page.evaluate("window.TCG.workersStarted()") == 1
    assert [u for u in offline_context.seen_urls if not u.startswith(base_url)] == []
    # the Content-Security-Policy blocked nothing the site itself needs, on any page visited
    assert page.evaluate("window.__cspViolations") == []


def test_save_data_waits_for_the_first_interaction(page: Page, offline_context, base_url: str) -> None:
    page.add_init_script(
        "Object.defineProperty(Navigator.prototype, 'connection', {configurable: true, get: () => ({saveData: true})})"
    )
    page.goto(base_url + "calculator/")
    code = page.locator("[data-widget=units] [name=code]").first
    expect(code).to_be_visible()
    page.wait_for_timeout(IDLE_WAIT_MS)
    assert _pyodide_requests(offline_context.seen_urls) == []
    expect(page.locator("[data-widget=units] [data-role=status]")).to_have_attribute("data-state", "idle")

    code.focus()  # the first interaction starts it
    expect(page.locator("[data-widget=units] [data-role=status]")).not_to_have_attribute("data-state", "idle")
    assert page.evaluate("window.TCG.workersStarted()") == 1
    for _ in range(300):  # the worker script is requested as soon as the worker is created
        if _pyodide_requests(offline_context.seen_urls):
            break
        page.wait_for_timeout(100)
    assert _pyodide_requests(offline_context.seen_urls)


def test_failed_start_explains_links_the_static_tables_and_retries(page: Page, offline_context, base_url: str) -> None:
    offline_context.route("**/assets/pyodide/pyodide.mjs", lambda r: r.abort())  # newest route wins
    page.goto(base_url + "calculator/?pyodide=https://example.org/evil/")  # the page URL never picks the source
    w = page.locator("[data-widget=units]")
    w.locator("[name=code]").first.fill("97110")
    w.locator("[name=minutes]").first.fill("23")
    w.get_by_role("button", name="Calculate").click()
    failed = w.locator("[data-role=failed]")
    expect(failed).to_be_visible(timeout=TIMEOUT)
    assert failed.get_attribute("role") == "alert"
    expect(w.locator("[data-role=failed-detail]")).not_to_be_empty()
    link = failed.get_by_role("link", name="unit rules page")
    assert link.evaluate("(a) => a.href") == base_url + "units/"
    expect(w.locator("[data-role=card]")).to_be_hidden()

    # the page still works, and once Python can load, the next try answers
    offline_context.unroute("**/assets/pyodide/pyodide.mjs")
    w.locator("[name=minutes]").first.fill("38")
    started = page.evaluate("window.TCG.workersStarted()")
    w.get_by_role("button", name="Calculate").click()
    expect(w.locator("[data-role=result]")).to_have_attribute("data-state", "done", timeout=TIMEOUT)
    expect(failed).to_be_hidden()
    assert page.evaluate("window.TCG.workersStarted()") == started + 1, "focus and typing must not retry on their own"
    assert [u for u in offline_context.seen_urls if not u.startswith(base_url)] == []


def test_blocking_scripts_are_fetched_by_their_preload_links_once(page: Page, offline_context, base_url: str) -> None:
    # Chromium does not look ahead past the page's CSP <meta>, so the build adds a preload link for every blocking
    # script (build_tools/preload.py): each is fetched once, by its link, never again by its <script>
    url = base_url + "calculator/"
    source = page.request.get(url).text()
    blocking = [urljoin(url, src) for src in re.findall(r'<script src="([^"]+)"></script>', source)]
    assert len(blocking) >= 8, "the page's own blocking scripts (Material's and the site's)"
    page.goto(url)
    page.wait_for_load_state("load")
    fetched = page.evaluate("() => performance.getEntriesByType('resource').map((r) => [r.name, r.initiatorType])")
    for src in blocking:
        kinds = [kind for name, kind in fetched if name == src]
        assert kinds == ["link"], f"{src} fetched as {kinds}, want once, by its preload link"
