"""Benchmark (a script, not a test): how fast the unit calculator gives its first answer in headless Chromium.

Builds the site with the local Pyodide copy, serves it on 127.0.0.1 and measures, interleaved in one run
(each round takes every scenario once, so the machine's load hits them alike):
- today:      the boot before precompiled Python and SharedWorker: a dedicated worker and Pyodide's own
              python_stdlib.zip (the page is served without the stdlib's and the snapshot's names, as a build
              without Node makes it);
- first visit: the shipped page on a first visit: SharedWorker, the precompiled standard library and
              engine; the memory snapshot is not in the cache yet, so the engine boots from the .pyc files (and
              fetches the snapshot afterwards, for the next visit);
- snapshot:   the same, restored from the build's memory snapshot of Pyodide with the engine imported
              (build_tools/make_snapshot.mjs), fetched at once (the page is served with snapshot policy
              "always"): the snapshot boot itself, to weigh it against the .pyc boot;
- repeat:     a repeat visit in a persistent profile (HTTP and wasm code caches warm, the snapshot cached by
              the first visit; the browser restarted, so the engine boots again, from the snapshot);
- second tab: a second tab opened while the first one has the engine running;
- peer:       the peer pattern (markdown-exec, pyodide-mkdocs-theme): Pyodide loaded eagerly on the main
              thread, the engine unpacked and called there.
The question is put by a script in the page the moment the calculator is mounted, and the answer's time is
taken in the page when it is shown (page clock from navigation start), so Playwright's typing and polling
(about 0.15 s) are not counted. Each prints that time to the first answer, its ratio to the peer in the
same run, and the main thread's total blocking time (sum over long tasks of the part above 50 ms, navigation
to answer) with its longest task. For the second tab it also prints when the page had the running engine
(status "ready").
Also prints the bytes a reading page and the calculator page fetch.

Usage: .venv/bin/python benchmarks/widget_boot.py [--runs 5]
Record the printed figures, with the date, machine and load, in docs/about-performance.md.
"""

from __future__ import annotations

import argparse
import datetime
import functools
import os
import platform
import re
import statistics
import subprocess
import sys
import tempfile
import threading
from collections.abc import Callable
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from playwright.sync_api import Browser, BrowserContext, Page, Playwright, Route, sync_playwright

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from build_tools.export import engine_archive  # noqa: E402

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking"]
TIMEOUT = 120_000
NO_SHARED_WORKER = "delete window.SharedWorker;"
#: long tasks of the main thread, from navigation start on (read back at the first answer)
LONG_TASKS = """
window.__longTasks = [];
new PerformanceObserver((list) => {
  for (const e of list.getEntries()) window.__longTasks.push([e.startTime, e.duration]);
}).observe({ type: "longtask", buffered: true });
// page-clock marks, taken in the page (no polling delay): the first answer shown, and the engine ready
// and the question is put the moment the calculator is mounted (a user who typed while the page loaded)
new MutationObserver((records) => {
  for (const r of records) {
    const state = r.target.dataset && r.target.dataset.state;
    if (state === "done" && !window.__answeredAt) window.__answeredAt = performance.now();
    if (state === "ready" && !window.__readyAt) window.__readyAt = performance.now();
    if (r.attributeName === "data-mounted" && r.target.dataset.widget === "units" && !window.__askedAt) {
      window.__askedAt = performance.now();
      r.target.querySelector("[name=code]").value = "97110";
      r.target.querySelector("[name=minutes]").value = "23";
      r.target.querySelector("form").requestSubmit();
    }
  }
}).observe(document, { attributes: true, attributeFilter: ["data-state", "data-mounted"], subtree: true });
"""
#: page-clock ms at which each second tab had the running engine
SECOND_TAB_READY: list[float] = []

#: the peer pattern: Pyodide on the main thread, started eagerly by the page itself
PEER_PAGE = """<!doctype html>
<html><head><meta charset="utf-8"><title>peer pattern</title></head>
<body><h1>Peer pattern</h1><output id="answer"></output>
<script type="module">
const base = new URL("assets/pyodide/", location.href).href;
const { loadPyodide } = await import(base + "pyodide.mjs");
const py = await loadPyodide({ indexURL: base });
const [archive, data] = await Promise.all([
  fetch("peer-engine.zip").then((r) => r.arrayBuffer()),
  fetch("assets/data/engine.json").then((r) => r.text()),
]);
py.unpackArchive(archive, "zip", { extractDir: "/home/pyodide" });
const api = py.pyimport("engine.api");
api.load(data);
const reply = JSON.parse(api.call("units", JSON.stringify({ rule: "cms", entries: [{ code: "97110", minutes: 23 }] })));
const out = document.getElementById("answer");
out.textContent = JSON.stringify(reply.result.total_units);
out.dataset.state = "done";
</script></body></html>
"""


class _Quiet(SimpleHTTPRequestHandler):
    def log_message(self, *args: object) -> None:
        pass


def build(site: Path, url: str) -> None:
    env = {**os.environ, "SITE_URL": url, "PYODIDE_SOURCE": "local", "NO_MKDOCS_2_WARNING": "1"}
    subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "-q", "-d", str(site)], cwd=ROOT, env=env, check=True
    )
    (site / "peer.html").write_text(PEER_PAGE, encoding="utf-8")
    (site / "peer-engine.zip").write_bytes(engine_archive())  # the source engine, as a peer would ship it


def measured(page: Page) -> tuple[float, float, float]:
    """(ms to the first answer, total blocking time ms, longest task ms), from the page's own marks."""
    ms, tasks = page.evaluate("[window.__answeredAt, window.__longTasks || []]")
    tasks = [(start, duration) for start, duration in tasks if start <= ms]
    return ms, sum(max(0.0, d - 50) for _, d in tasks), max((d for _, d in tasks), default=0.0)


def ask(page: Page, url: str) -> tuple[float, float, float]:
    """Open the calculator and ask as soon as it is mounted (the answer comes when the engine is ready)."""
    page.goto(url + "calculator/", wait_until="commit")  # the page itself asks (LONG_TASKS)
    page.locator("[data-widget=units] [data-role=result][data-state=done]").wait_for(timeout=TIMEOUT)
    assert page.locator("[data-widget=units] [data-code='97110']").get_attribute("data-units") == "2"
    return measured(page)


def fresh(browser: Browser, *, shared: bool = True, metas: dict[str, str] | None = None) -> BrowserContext:
    """A new incognito context; `metas` rewrites those <meta name="tcg-..."> values of the calculator page."""
    context = browser.new_context()
    context.add_init_script(LONG_TASKS)
    if not shared:
        context.add_init_script(NO_SHARED_WORKER)
    if metas:
        context.route("**/calculator/", functools.partial(_with_metas, metas))
    return context


def _with_metas(metas: dict[str, str], route: Route) -> None:
    response = route.fetch()
    body = response.text()
    for name, value in metas.items():
        body, found = re.subn(
            rf'<meta name="tcg-{name}" content="[^"]*">', f'<meta name="tcg-{name}" content="{value}">', body
        )
        assert found == 1, name
    route.fulfill(response=response, body=body)


#: the page as a build without Node serves it: no precompiled stdlib, no snapshot
NO_NODE = {"stdlib": "", "snapshot": ""}


def _cold(browser: Browser, url: str, expect: list[str], **kwargs: object) -> tuple[float, float, float]:
    """One cold visit in a fresh context; `expect` is [stdlib, snapshot] as the worker must report them."""
    context = fresh(browser, **kwargs)  # type: ignore[arg-type]
    page = context.new_page()
    try:
        result = ask(page, url)
        booted = page.evaluate("[window.TCG.stdlib(), window.TCG.snapshot()]")
        assert booted == expect, booted
        return result
    finally:
        context.close()


def today(browser: Browser, url: str, **_: object) -> tuple[float, float, float]:
    return _cold(browser, url, ["pyodide", "none"], shared=False, metas=NO_NODE)


def first_visit(browser: Browser, url: str, **_: object) -> tuple[float, float, float]:
    return _cold(browser, url, ["precompiled", "not-cached"])


def snapshot(browser: Browser, url: str, **_: object) -> tuple[float, float, float]:
    return _cold(browser, url, ["precompiled", "used"], metas={"snapshot-policy": "always"})


def second_tab(browser: Browser, url: str, **_: object) -> tuple[float, float, float]:
    context = fresh(browser)
    try:
        ask(context.new_page(), url)
        page = context.new_page()
        result = ask(page, url)
        assert page.evaluate("window.TCG.workerKind()") == "shared"
        SECOND_TAB_READY.append(page.evaluate("window.__readyAt"))
        return result
    finally:
        context.close()


def repeat(
    browser: Browser, url: str, *, playwright: Playwright, profile: Path, **_: object
) -> tuple[float, float, float]:
    """A visit in a persistent profile that already saw the calculator once (a browser restart in between)."""
    for visit in range(2):
        context = playwright.chromium.launch_persistent_context(
            str(profile), executable_path=CHROMIUM, args=ARGS, headless=True
        )
        context.add_init_script(LONG_TASKS)
        try:
            page = context.pages[0] if context.pages else context.new_page()
            result = ask(page, url)
            if visit == 0:  # the first visit fetches the snapshot for the next one: let it finish
                page.wait_for_function("window.TCG.snapshotCached()", timeout=TIMEOUT)
            else:
                assert page.evaluate("window.TCG.snapshot()") == "used"
        finally:
            context.close()
        if visit == 1:
            return result
    raise AssertionError("unreachable")


def peer(browser: Browser, url: str, **_: object) -> tuple[float, float, float]:
    context = fresh(browser)
    page = context.new_page()
    try:
        page.goto(url + "peer.html")
        page.locator("#answer[data-state=done]").wait_for(timeout=TIMEOUT)
        assert page.locator("#answer").inner_text() == "2"
        return measured(page)
    finally:
        context.close()


SCENARIOS: dict[str, Callable[..., tuple[float, float, float]]] = {
    "today (dedicated worker, source stdlib)": today,
    "first visit (pyc boot, snapshot not cached)": first_visit,
    "snapshot boot (fetched at once)": snapshot,
    "repeat visit, persistent profile": repeat,
    "second tab while the first is open": second_tab,
    "peer (Pyodide eagerly on the main thread)": peer,
}


def page_bytes(browser: Browser, url: str, path: str) -> tuple[int, int, int]:
    """Body bytes, request count, Pyodide/runtime bytes of one page in a fresh context, after the idle start
    (no SharedWorker here, so that the engine's requests are seen too)."""
    context = browser.new_context()
    context.add_init_script(NO_SHARED_WORKER)
    sizes: list[tuple[str, int]] = []
    context.on("requestfinished", lambda r: sizes.append((r.url, r.sizes()["responseBodySize"])))
    page = context.new_page()
    page.goto(url + path)
    page.wait_for_timeout(6000)  # past the shim's idle start
    if page.locator("[data-widget=units]").count():
        page.locator("[data-widget=units] [data-role=status][data-state=ready]").wait_for(timeout=TIMEOUT)
    page.wait_for_timeout(500)
    context.close()
    runtime = sum(n for u, n in sizes if "/assets/pyodide/" in u or "/assets/runtime/" in u)
    return sum(n for _, n in sizes), len(sizes), runtime


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5, help="rounds; each takes every scenario once")
    args = parser.parse_args()
    load_before = os.getloadavg()
    results: dict[str, list[tuple[float, float, float]]] = {name: [] for name in SCENARIOS}
    with tempfile.TemporaryDirectory() as tmp:
        site = Path(tmp) / "site"
        site.mkdir()
        server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=str(site)))
        url = f"http://127.0.0.1:{server.server_address[1]}/"
        build(site, url)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
            for i in range(args.runs):
                for name, scenario in SCENARIOS.items():
                    profile = Path(tmp) / f"profile-{i}"
                    results[name].append(scenario(browser, url, playwright=p, profile=profile))
                print(
                    f"  round {i + 1}: " + ", ".join(f"{r[-1][0] / 1000:.2f}" for r in results.values()),
                    file=sys.stderr,
                    flush=True,
                )
            home = page_bytes(browser, url, "")
            calc = page_bytes(browser, url, "calculator/")
            version = browser.version
            browser.close()
        server.shutdown()

    cpu = next(
        (ln.split(":", 1)[1].strip() for ln in Path("/proc/cpuinfo").read_text().splitlines() if "model name" in ln),
        platform.processor(),
    )
    print(f"date: {datetime.datetime.now(datetime.UTC):%Y-%m-%d %H:%M} UTC")
    print(f"machine: {platform.system()} {platform.release()}, {os.cpu_count()} cores ({cpu}), Chromium {version}")
    print(f"load average (1 min) before / after: {load_before[0]:.2f} / {os.getloadavg()[0]:.2f}; rounds: {args.runs}")
    peer_ms = statistics.median(r[0] for r in results["peer (Pyodide eagerly on the main thread)"])
    print(f"{'scenario':44} {'first answer':>12} {'/ peer':>7} {'TBT':>8} {'longest task':>13}  runs (s)")
    for name, rows in results.items():
        ms = statistics.median(r[0] for r in rows)
        tbt = statistics.median(r[1] for r in rows)
        longest = max(r[2] for r in rows)
        runs = ", ".join(f"{r[0] / 1000:.2f}" for r in rows)
        print(f"{name:44} {ms / 1000:>10.2f} s {ms / peer_ms:>6.2f}x {tbt:>5.0f} ms {longest:>10.0f} ms  {runs}")
    ready = ", ".join(f"{ms / 1000:.2f}" for ms in SECOND_TAB_READY)
    print(f"second tab, engine ready on the page: median {statistics.median(SECOND_TAB_READY) / 1000:.2f} s ({ready})")
    print(f"bytes, reading page (home): {home[0]:,} in {home[1]} requests, Pyodide and runtime {home[2]:,}")
    print(f"bytes, calculator page after the idle start: {calc[0]:,} in {calc[1]} requests, runtime {calc[2]:,}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
