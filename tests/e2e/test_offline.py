"""Browser: the service worker (docs/sw.js, with the lists and version the build wrote in sw-manifest.json).

A first visit installs it and caches every page and asset, and the runtime once a widget page used it, while a
reading page still fetches no Pyodide byte and runs no widget script; a repeat visit with the network gone reads
a page, searches, opens the calculator and gets an answer from the cached engine; a new build shows the
"new version" notice, the page keeps its old version until Reload, and Reload brings the new one.

With the `cdn` setting, Pyodide's files from the CDN are cached too (they come with CORS headers, as from
jsDelivr), and the calculator answers offline as well.

Each test serves its own copy of a site the session built (no build of its own) on its own server, which it can
stop (offline for real: the worker's own requests cannot reach it either) or change (a new build). These contexts
allow service workers (tests/conftest.py blocks them for every other test) and have no SharedWorker, so each
tab boots an engine of its own, from whatever the worker has cached.
"""

from __future__ import annotations

import functools
import json
import re
import shutil
import threading
from collections.abc import Iterator
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from playwright.sync_api import Error, Page, expect

from build_tools import pyodide, service_worker
from tests.conftest import NO_SHARED_WORKER, PYODIDE_DIR

pytestmark = pytest.mark.e2e
TIMEOUT = 90_000
WIDGET_SCRIPTS = re.compile(r"/assets/js/(widgets|session|units|tree|coach|visit|practice|drills|instructor)\.js$")
REGISTRATIONS = "navigator.serviceWorker.getRegistrations().then((r) => r.length)"
CACHES = """async () => {
  const out = {};
  for (const name of await caches.keys()) out[name] = (await (await caches.open(name)).keys()).map((r) => r.url);
  return out;
}"""


class _Quiet(SimpleHTTPRequestHandler):
    log: list[str]

    def log_message(self, *args: object) -> None:
        self.log.append(self.path)


class _Cdn(_Quiet):
    """A CDN: sends the CORS header jsDelivr sends."""

    def end_headers(self) -> None:
        self.send_header("Access-Control-Allow-Origin", "*")
        super().end_headers()

    def log_message(self, *args: object) -> None:
        self.log.append(f"{self.command} {self.path}")


class _Site:
    """A copy of a folder (a built site; served as it is without `dest`) on a server of its own; `log` holds the
    paths asked for."""

    def __init__(self, source: Path, dest: Path | None, handler: type = _Quiet, host: str = "127.0.0.1") -> None:
        if dest is not None:
            shutil.copytree(source, dest, ignore=shutil.ignore_patterns("*.gz", "*.br"))
        self.dir = dest or source
        self.log: list[str] = []
        served = type("Handler", (handler,), {"log": self.log})
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(served, directory=str(self.dir)))
        self.url = f"http://{host}:{self.server.server_address[1]}/"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def manifest(self) -> dict:
        return json.loads((self.dir / service_worker.MANIFEST).read_text(encoding="utf-8"))

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def site(served_site, tmp_path: Path) -> Iterator[_Site]:
    copy = _Site(served_site[1].site_dir, tmp_path / "site")
    yield copy
    copy.stop()


@pytest.fixture
def cdn_site(built_site: Path, tmp_path: Path) -> Iterator[tuple[_Site, _Site]]:
    """A copy of the session's `cdn` build whose pinned jsDelivr URL is replaced, in its pages and its worker, by
    a local CDN on another origin (`localhost` rather than 127.0.0.1: cross-origin, with CORS, as jsDelivr is)."""
    cdn = _Site(PYODIDE_DIR, None, handler=_Cdn, host="localhost")
    copy = _Site(built_site, tmp_path / "cdn-site")
    for page in copy.dir.rglob("*.html"):
        page.write_text(page.read_text(encoding="utf-8").replace(pyodide.base_url("cdn"), cdn.url), encoding="utf-8")
    service_worker.write(copy.dir, cdn.url)
    yield copy, cdn
    copy.stop()
    cdn.stop()


@pytest.fixture
def sw_context(browser):
    context = browser.new_context(service_workers="allow")
    context.add_init_script(NO_SHARED_WORKER)
    yield context
    context.close()


def _caches(page: Page, base: str) -> tuple[list[str], list[str], list[str]]:
    """(names of the site caches, their URLs, the runtime cache's URLs) for the site at `base`."""
    found = page.evaluate(CACHES)
    sites = sorted(n for n in found if n.startswith(f"tcg-site {base} "))
    return sites, [u for n in sites for u in found[n]], found.get(f"tcg-runtime {base}", [])


def _until(page: Page, check, tries: int = 300) -> bool:
    """Whether `check()` came true within `tries` tenths of a second (a page being reloaded counts as not yet)."""
    for _ in range(tries):
        try:
            if check():
                return True
        except Error:
            pass
        page.wait_for_timeout(100)
    return False


def _installed(page: Page) -> None:
    """The worker is active (it takes no page over: the next page loaded is the first it controls)."""
    active = "navigator.serviceWorker.getRegistration().then((r) => r && r.active && r.active.state)"
    assert _until(page, lambda: page.evaluate(active) == "activated")
    assert page.evaluate("navigator.serviceWorker.controller") is None


def _answer(page: Page) -> str | None:
    w = page.locator("[data-widget=units]")
    w.locator("[name=code]").first.fill("97110")
    w.locator("[name=minutes]").first.fill("23")
    w.get_by_role("button", name="Calculate").click()
    result = w.locator("[data-role=result]")
    expect(result).to_have_attribute("data-state", "done", timeout=TIMEOUT)
    return result.locator("[data-code='97110']").first.get_attribute("data-units")


def test_a_first_visit_caches_the_site_and_the_next_one_works_offline(sw_context, site: _Site) -> None:
    manifest = site.manifest()
    page = sw_context.new_page()
    page.goto(site.url + "guide/documentation/")
    _installed(page)
    names, urls, runtime = _caches(page, site.url)
    assert names == [f"tcg-site {site.url} {manifest['version']}"]
    assert len(urls) == len(manifest["precache"]) + 1  # and the manifest itself
    assert {site.url + "calculator/", site.url + "search/search_index.json", site.url + "404.html"} <= set(urls)
    # the reading page: no Pyodide byte (the install caches pages and assets, never the runtime), no widget run
    assert runtime == []
    assert [p for p in site.log if "/assets/runtime/" in p or "/assets/pyodide/" in p] == []
    loaded = page.evaluate("performance.getEntriesByType('resource').map((e) => e.name)")
    assert [u for u in loaded if WIDGET_SCRIPTS.search(u)] == [] and page.evaluate("typeof window.TCG") == "undefined"

    # a widget page (the first the worker controls): its boot's runtime files go into the runtime cache, by
    # their content-hashed names, as they are fetched
    page.goto(site.url + "calculator/")
    assert _answer(page) == "2"
    # (the snapshot too: fetched after the first answer, for the next visit)
    wanted = {site.url + u + "?tcg=" + manifest["runtime"][u] for u in manifest["prefetch"]}
    assert _until(page, lambda: set(_caches(page, site.url)[2]) == wanted), _caches(page, site.url)[2]
    assert site.url + pyodide.LOCAL_BASE + "python_stdlib.zip" not in manifest["prefetch"]  # the fallback only

    # the next visit, with no network at all
    page.close()
    site.stop()
    sw_context.set_offline(True)
    again = sw_context.new_page()
    again.goto(site.url + "guide/abn/")
    expect(again.locator("h1")).to_contain_text("ABN")
    # the worker looks pages up by their exact address, and one with a query string without it
    with_query = again.goto(site.url + "guide/abn/?from=a-link")
    assert with_query is not None and with_query.status == 200
    expect(again.locator("h1")).to_contain_text("ABN")
    # the search index, as Material's search worker fetches it
    docs = "fetch('../../search/search_index.json').then((r) => r.json()).then((index) => index.docs.length)"
    assert again.evaluate(docs) >= len([u for u, _hash in manifest["precache"] if u.endswith("/")])
    again.goto(site.url + "calculator/")
    assert _answer(again) == "2"
    assert again.evaluate("window.TCG.snapshot()") == "used"  # booted from the cached snapshot
    gone = again.goto(site.url + "no-such-page/")
    assert gone.status == 404 and "404" in again.locator("h1").inner_text()


def test_a_new_build_shows_the_notice_and_reload_brings_it(sw_context, site: _Site) -> None:
    page = sw_context.new_page()
    page.goto(site.url)
    _installed(page)
    old_title = page.locator("h1").first.inner_text()
    old = site.manifest()["version"]
    assert page.locator(".tcg-update").count() == 0

    # a new build: one page changed, then the lists, the version and the worker written again
    index = site.dir / "index.html"
    text = re.sub(r"(<h1[^>]*>)", r"\1New build: ", index.read_text(encoding="utf-8"), count=1)
    index.write_text(text, encoding="utf-8")
    new = service_worker.write(site.dir, pyodide.LOCAL_BASE)["version"]
    assert new != old

    page.reload()  # the old version still answers (from its cache), and finds the new worker
    notice = page.get_by_role("status").filter(has_text="A new version of this site is available")
    expect(notice).to_be_visible(timeout=TIMEOUT)
    assert page.locator("h1").first.inner_text() == old_title
    expect(page.locator(".tcg-update button")).to_have_text(["Reload", "Later"])
    assert page.evaluate("document.activeElement === document.body"), "the notice must not take the focus"

    notice.get_by_role("button", name="Reload").click()
    expect(page.locator("h1").first).to_contain_text("New build: ", timeout=TIMEOUT)
    # the old version's cache is gone (activate drops it)
    assert _until(page, lambda: _caches(page, site.url)[0] == [f"tcg-site {site.url} {new}"])
    expect(page.locator(".tcg-update")).to_have_count(0)

    # then `mkdocs serve` on the same address: its worker removes itself and the caches, and a page with MkDocs'
    # live-reload script registers none (even one that names the worker: `mkdocs serve --clean` builds as `build`)
    text = index.read_text(encoding="utf-8")
    index.write_text(text.replace("</body>", "<script>livereload(1, 2);</script></body>"), encoding="utf-8")
    (site.dir / service_worker.MANIFEST).unlink()
    service_worker.write(site.dir, pyodide.LOCAL_BASE, serve=True)
    page.reload()
    removed = _until(page, lambda: page.evaluate(REGISTRATIONS) == 0 and _caches(page, site.url) == ([], [], []))
    assert removed, (page.evaluate(REGISTRATIONS), page.evaluate(CACHES), site.log[-20:])
    page.reload()
    expect(page.locator("h1").first).to_contain_text("New build: ")
    assert page.evaluate("navigator.serviceWorker.controller") is None


def test_with_the_cdn_setting_pyodide_from_the_cdn_is_cached_too(sw_context, cdn_site) -> None:
    site, cdn = cdn_site
    manifest = site.manifest()
    from_cdn = {u for u in manifest["prefetch"] if u.startswith(cdn.url)}
    assert from_cdn == {cdn.url + name for name in pyodide.RUNTIME_FILES if name != "python_stdlib.zip"}
    # a first visit straight to the calculator: its engine starts without the worker, and its files are cached
    # once it has answered (from the HTTP cache)
    page = sw_context.new_page()
    page.goto(site.url + "calculator/")
    assert _answer(page) == "2"
    assert {"GET /pyodide.mjs", "GET /pyodide.asm.wasm"} <= set(cdn.log), cdn.log  # from the other origin
    wanted = {u + "?tcg=" + manifest["runtime"][u] for u in from_cdn}
    assert _until(page, lambda: wanted <= set(_caches(page, site.url)[2])), _caches(page, site.url)[2]

    page.close()
    site.stop()
    cdn.stop()
    sw_context.set_offline(True)
    again = sw_context.new_page()
    again.goto(site.url + "calculator/")
    assert _answer(again) == "2"
