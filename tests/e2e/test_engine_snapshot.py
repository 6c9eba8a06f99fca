"""Browser: the engine boots from the build's memory snapshot, and falls back to the .pyc boot when the snapshot
is missing, stale (made for another engine or Pyodide build), corrupt, or refused by Pyodide itself.

Under the default policy ("cached") a first visit boots from the .pyc files and fetches the snapshot into the
HTTP cache for the next visit, which boots from it. The fallback tests serve the page with policy "always", so
that the snapshot is fetched (and can be routed) on the visit itself.
Every test runs in a context without SharedWorker (`offline_context`), so that each tab boots its own worker
and the worker's requests can be routed; `TCG.snapshot()` reports what became of the snapshot, and the answer
must be right either way.
"""

from __future__ import annotations

import gzip
import re
import struct
from collections.abc import Callable

import pytest
from playwright.sync_api import Page, Route, expect

from tests.conftest import NO_SHARED_WORKER

pytestmark = pytest.mark.e2e
TIMEOUT = 90_000
SNAPSHOT = "**/assets/runtime/snapshot.*.bin"
ENGINE = re.compile(r"/assets/runtime/engine\.[0-9a-f]{12}\.zip$")


def _answer(page: Page, minutes: str = "23") -> str | None:
    w = page.locator("[data-widget=units]")
    w.locator("[name=code]").first.fill("97110")
    w.locator("[name=minutes]").first.fill(minutes)
    w.get_by_role("button", name="Calculate").click()
    result = w.locator("[data-role=result]")
    expect(result).to_have_attribute("data-state", "done", timeout=TIMEOUT)
    return result.locator("[data-code='97110']").get_attribute("data-units")


def _serve(context, change: Callable[[bytes], bytes]) -> list[str]:
    """Serve the snapshot changed by `change`; returns the URLs served so."""
    served: list[str] = []

    def route(r: Route) -> None:
        served.append(r.request.url)
        original = r.fetch()
        r.fulfill(response=original, body=change(original.body()))

    context.route(SNAPSHOT, route)
    return served


def _header_and_heap(data: bytes) -> tuple[bytes, bytes]:
    end = data.index(b"\n") + 1
    return data[:end], data[end:]


def _always(context) -> None:
    """Serve the calculator page with snapshot policy "always" (fetch the snapshot on the visit itself)."""

    def route(r: Route) -> None:
        response = r.fetch()
        body = response.text().replace(
            '<meta name="tcg-snapshot-policy" content="cached">', '<meta name="tcg-snapshot-policy" content="always">'
        )
        assert 'content="always"' in body
        r.fulfill(response=response, body=body)

    context.route("**/calculator/", route)


def _runtime_requests(seen: list[str], pattern: re.Pattern[str]) -> int:
    return sum(1 for u in seen if pattern.search(u))


SNAPSHOT_URL = re.compile(r"/assets/runtime/snapshot\.[0-9a-f]{12}\.bin$")


def test_a_first_visit_caches_the_snapshot_and_the_next_one_boots_from_it(
    browser, served_site: tuple[str, list[str]]
) -> None:
    # no routing here: Playwright turns the HTTP cache off in a routed context. Requests are read from the
    # test server's log instead, and without SharedWorker each tab boots a worker of its own.
    base_url, log = served_site
    context = browser.new_context()
    context.add_init_script(NO_SHARED_WORKER)
    snapshots, engines = (
        (lambda: sum(1 for u in log if SNAPSHOT_URL.search(u))),
        (lambda: sum(1 for u in log if ENGINE.search(u))),
    )
    before = (snapshots(), engines())
    try:
        page = context.new_page()
        page.goto(base_url + "calculator/")
        assert _answer(page) == "2"
        # first visit: the .pyc boot (the snapshot is not in the cache yet), then the snapshot fetched for later
        assert page.evaluate("window.TCG.snapshot()") == "not-cached"
        assert page.evaluate("window.TCG.stdlib()") == "precompiled"
        page.wait_for_function("window.TCG.snapshotCached()", timeout=TIMEOUT)
        assert (snapshots(), engines()) == (before[0] + 1, before[1] + 1)

        # next visit (a new tab with its own worker): the snapshot comes from the cache, with the engine in it
        again = context.new_page()
        again.goto(base_url + "calculator/")
        assert _answer(again) == "2"
        assert again.evaluate("window.TCG.snapshot()") == "used"
        assert (snapshots(), engines()) == (before[0] + 1, before[1] + 1), "fetched again instead of the cache"
        # the restored engine answers the other widgets' questions too (modules imported before the snapshot)
        replies = again.evaluate(
            """async () => [
              await window.TCG.call("drill", {seed: 7, level: 2}),
              await window.TCG.call("suggest", {text: "Pt performed therex: SLR 3x10, bridges 2x15 for hip strength."}),
              await window.TCG.call("quiz_export", {quiz: "x", format: "pdf"}),
            ]"""
        )
        assert "result" in replies[0] and "result" in replies[1], replies
        assert replies[2]["error"]["field"] == "quiz", replies[2]
        assert _answer(again, "38") == "3"
        assert not [h for h in log.hosts if not h.startswith("127.0.0.1:")]
    finally:
        context.close()


def test_policy_always_boots_from_the_snapshot_on_the_first_visit(page: Page, offline_context, base_url: str) -> None:
    _always(offline_context)
    page.goto(base_url + "calculator/")
    assert _answer(page) == "2"
    assert page.evaluate("window.TCG.snapshot()") == "used"
    assert _runtime_requests(offline_context.seen_urls, ENGINE) == 0


@pytest.mark.parametrize(
    ("case", "change"),
    [
        ("missing", None),
        ("stale", lambda d: re.sub(rb"engine=[0-9a-f]{12}", b"engine=000000000000", d, count=1)),
        ("stale", lambda d: re.sub(rb"build=[0-9a-f]+", b"build=0123abcd", d, count=1)),
        ("corrupt", lambda d: d[: len(d) // 2]),
        ("corrupt", lambda d: b"not a snapshot at all"),
        ("corrupt", lambda d: _header_and_heap(d)[0] + b"\x1f\x8b" + bytes(1000)),
        # a whole heap of the right size (the older form) is no sparse heap: it does not add up
        ("corrupt", lambda d: _header_and_heap(d)[0] + gzip.compress(bytes(int(re.search(rb"size=(\d+)", d)[1])))),
        # passes every check of ours (a sparse heap with no page that is not zero), but is not a Pyodide heap:
        # Pyodide refuses it
        ("failed", lambda d: _header_and_heap(d)[0] + gzip.compress(struct.pack("<II", 65536, 0))),
    ],
)
def test_a_bad_snapshot_falls_back_to_the_pyc_boot(
    page: Page, offline_context, base_url: str, case: str, change: Callable[[bytes], bytes] | None
) -> None:
    _always(offline_context)
    if change is None:
        offline_context.route(SNAPSHOT, lambda r: r.fulfill(status=404, body="gone"))
    else:
        _serve(offline_context, change)
    page.goto(base_url + "calculator/")
    assert _answer(page) == "2"
    assert page.evaluate("window.TCG.snapshot()") == case
    assert page.evaluate("window.TCG.stdlib()") == "precompiled"
    assert any(ENGINE.search(u) for u in offline_context.seen_urls), "the fallback needs the engine archive"
    assert _answer(page, "38") == "3"
