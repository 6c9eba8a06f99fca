"""Browser: the engine boots from the build's memory snapshot, and falls back to the .pyc boot when the snapshot
is missing, stale (made for another engine or Pyodide build), corrupt, or refused by Pyodide itself.

Every test runs in a context without SharedWorker (`offline_context`), so that the worker's requests can be
routed; `TCG.snapshot()` reports what became of the snapshot, and the answer must be right either way.
"""

from __future__ import annotations

import gzip
import re
from collections.abc import Callable

import pytest
from playwright.sync_api import Page, Route, expect

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


def test_the_engine_boots_from_the_snapshot(page: Page, offline_context, base_url: str) -> None:
    page.goto(base_url + "calculator/")
    assert _answer(page) == "2"
    assert page.evaluate("window.TCG.snapshot()") == "used"
    assert page.evaluate("window.TCG.stdlib()") == "precompiled"
    seen = offline_context.seen_urls
    assert any(re.search(r"/assets/runtime/snapshot\.[0-9a-f]{12}\.bin$", u) for u in seen)
    assert not any(ENGINE.search(u) for u in seen), "the engine archive was fetched though the snapshot holds it"
    # the restored engine answers the other widgets' questions too (modules imported before the snapshot)
    replies = page.evaluate(
        """async () => [
          await window.TCG.call("drill", {seed: 7, level: 2}),
          await window.TCG.call("suggest", {text: "Pt performed therex: SLR 3x10, bridges 2x15 for hip strength."}),
          await window.TCG.call("quiz_export", {quiz: "x", format: "pdf"}),
        ]"""
    )
    assert "result" in replies[0] and "result" in replies[1], replies
    assert replies[2]["error"]["field"] == "quiz", replies[2]


@pytest.mark.parametrize(
    ("case", "change"),
    [
        ("missing", None),
        ("stale", lambda d: re.sub(rb"engine=[0-9a-f]{12}", b"engine=000000000000", d, count=1)),
        ("stale", lambda d: re.sub(rb"build=[0-9a-f]+", b"build=0123abcd", d, count=1)),
        ("corrupt", lambda d: d[: len(d) // 2]),
        ("corrupt", lambda d: b"not a snapshot at all"),
        ("corrupt", lambda d: _header_and_heap(d)[0] + b"\x1f\x8b" + bytes(1000)),
        # passes every check of ours, but is not a Pyodide heap: Pyodide refuses it
        ("failed", lambda d: _header_and_heap(d)[0] + gzip.compress(bytes(int(re.search(rb"size=(\d+)", d)[1])))),
    ],
)
def test_a_bad_snapshot_falls_back_to_the_pyc_boot(
    page: Page, offline_context, base_url: str, case: str, change: Callable[[bytes], bytes] | None
) -> None:
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
