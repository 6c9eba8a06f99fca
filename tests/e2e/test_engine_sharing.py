"""Browser: one engine for every open tab (SharedWorker), and the two fallbacks: no SharedWorker (a dedicated
worker per tab) and no precompiled standard library (Pyodide's own is installed instead).

Playwright cannot see or route a SharedWorker's requests, so the shared case reads the test server's own
request log; the fallbacks run in contexts without SharedWorker, where every request is seen.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.conftest import route_local

pytestmark = pytest.mark.e2e
TIMEOUT = 90_000
WASM = "/assets/pyodide/pyodide.asm.wasm"


def _answer(page: Page, minutes: str) -> None:
    w = page.locator("[data-widget=units]")
    w.locator("[name=code]").first.fill("97110")
    w.locator("[name=minutes]").first.fill(minutes)
    w.get_by_role("button", name="Calculate").click()


def _units(page: Page) -> str | None:
    result = page.locator("[data-widget=units] [data-role=result]")
    expect(result).to_have_attribute("data-state", "done", timeout=TIMEOUT)
    return result.locator("[data-code='97110']").get_attribute("data-units")


def test_second_tab_uses_the_running_engine(browser, served_site: tuple[str, list[str]]) -> None:
    base_url, server_log = served_site
    context = browser.new_context()
    # pages may only talk to the test server (the shared worker's own requests are checked in the server log)
    context.route("**/*", lambda r: r.continue_() if r.request.url.startswith(base_url) else r.abort())
    try:
        first = context.new_page()
        before = server_log.count(WASM)
        first.goto(base_url + "calculator/")
        _answer(first, "23")  # a first action during the boot runs once the engine is ready
        assert _units(first) == "2"
        assert first.evaluate("window.TCG.workerKind()") == "shared"
        assert first.evaluate("window.TCG.stdlib()") == "precompiled"
        assert server_log.count(WASM) == before + 1

        second = context.new_page()
        # it joins the running engine at once, without an interaction and even when the browser asks to save data
        # (joining downloads nothing); a page in save-data mode with no engine running waits for an interaction
        save_data = "{configurable: true, get: () => ({saveData: true})}"
        second.add_init_script(f"Object.defineProperty(Navigator.prototype, 'connection', {save_data})")
        second.goto(base_url + "calculator/")
        status = second.locator("[data-widget=units] [data-role=status]")
        expect(status).to_have_attribute("data-state", "ready", timeout=TIMEOUT)
        _answer(second, "38")
        assert _units(second) == "3"
        assert second.evaluate("window.TCG.workerKind()") == "shared"
        assert server_log.count(WASM) == before + 1, "the second tab booted a Python of its own"

        # the first tab still answers after the second one closed
        second.close()
        _answer(first, "53")
        assert _units(first) == "4"
        assert not [h for h in server_log.hosts if not h.startswith("127.0.0.1:")]
    finally:
        context.close()


def test_without_shared_worker_each_tab_has_its_own_engine(browser, base_url: str) -> None:
    context = browser.new_context()
    seen = route_local(context, base_url)  # this context has no SharedWorker
    try:
        pages = [context.new_page(), context.new_page()]
        for page, minutes, units in zip(pages, ("23", "38"), ("2", "3"), strict=True):
            page.goto(base_url + "calculator/")
            _answer(page, minutes)
            assert _units(page) == units
            assert page.evaluate("typeof window.SharedWorker") == "undefined"
            assert page.evaluate("window.TCG.workerKind()") == "dedicated"
        assert sum(u.endswith(WASM) for u in seen) >= 1
        assert [u for u in seen if not u.startswith(base_url)] == []
    finally:
        context.close()


def test_missing_precompiled_stdlib_falls_back_to_pyodides_own(page: Page, offline_context, base_url: str) -> None:
    gone: list[str] = []

    def missing(route) -> None:  # the newest route wins: this one answers 404 for the precompiled stdlib
        gone.append(route.request.url)
        route.fulfill(status=404, body="gone")

    offline_context.route("**/assets/runtime/python_stdlib.*.zip", missing)
    page.goto(base_url + "calculator/")
    _answer(page, "23")
    assert _units(page) == "2"
    assert page.evaluate("window.TCG.stdlib()") == "pyodide"
    # a first visit has no snapshot in the cache (and it was made on the precompiled stdlib anyway)
    assert page.evaluate("window.TCG.snapshot()") == "not-cached"
    assert gone, "the precompiled stdlib was not tried"
    assert any(u.endswith("/assets/pyodide/python_stdlib.zip") for u in offline_context.seen_urls), "no fallback"
