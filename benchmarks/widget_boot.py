"""Benchmark (a script, not a test): what a user meets before the unit calculator's first answer, in headless
Chromium, on a network profile, against the peer pattern with its own cache.

Builds the site with the local Pyodide copy and serves it on 127.0.0.1 as a host configured as
docs/about-performance.md recommends ("configured", the default): the build's `.br` copies with
`Content-Encoding: br`, the other text files gzipped (as any host compresses them), `Cache-Control` immutable for
the content-hashed `assets/runtime/` and one day for `assets/pyodide/`. `--host plain` serves the files as
Python's http.server does (no compression, no Cache-Control), as earlier runs did.

Network profiles, through Chromium's DevTools protocol: "localhost" (no throttling) and "clinic Wi-Fi" (10 Mbit/s
down, 5 Mbit/s up, 40 ms round trip). The page is throttled by `Network.emulateNetworkConditions` on its own
session. The engine's SharedWorker is its own target, which the page's conditions do not cover: the script
attaches to it at the browser level while it waits for the debugger, and throttles it with
`Network.emulateNetworkConditionsByRule` (the older command answers but does not throttle a shared worker in
Chromium 156). Chromium throttles each target on its own, so the page and its shared worker each get the
profile's bandwidth; on a real link they would share it. The page's own bytes before the worker starts are
small (the search index waits for the first answer), so this flatters the site a little on a first visit.

Every browser launch uses a profile directory of its own and is left to settle before the first navigation: a
fresh profile spends about 2.6 s of CPU on the browser's own UI right after launch. The script watches the CPU
time of the browser's processes and starts once they have been idle (under 8% of a core) for 0.5 s (at most 10
s); it prints how long that took and the CPU used.

Scenarios, each in every round, interleaved (the order of the profiles and of the blocks alternates):
- ours: first visit (new profile; the snapshot is not cached, so the .pyc boot), then, once the snapshot is in
  the cache, a second tab (the running SharedWorker), then the browser restarted on the same profile: a repeat
  visit (HTTP and wasm code caches warm, the snapshot boot);
- ours, snapshot policy "always": a first visit that fetches the memory snapshot at once (a copy of the page
  with that policy, served as `calculator-always/`);
- peer (markdown-exec, pyodide-mkdocs-theme style: Pyodide's classic start on the main thread, eagerly, the
  engine as a source zip, the same `engine.api.call("units", ...)`): first visit, second tab, and a repeat
  visit after a restart on its own profile, so it has its own HTTP and wasm code caches like ours.
The question (97110, 23 minutes) is put by a script in the page the moment the calculator is mounted, and the
answer's time is taken in the page (navigation start to the answer shown), so Playwright's typing is not counted.
Bytes are the `encodedDataLength` of every `Network.loadingFinished` of the page and of the shared worker
(headers included, compressed as sent; cache hits count 0), finished between navigation start and the answer;
"visit" bytes run to the end of the visit (for ours' first visit, until the snapshot is in the cache).

Prints one table per profile (medians over the rounds, min-max, the ratio to the peer's same scenario), every
request a first visit finished before its answer with its bytes as sent (the last round), the goals of issue #25
met or not, the bytes of a reading page, the machine and the load (`uptime` before, after
and at every round). Usage: .venv/bin/python benchmarks/widget_boot.py [--runs 5] [--host plain]
[--profiles localhost,clinic-wifi]. Record the output, with the date, machine and load, in
docs/about-performance.md.
"""

from __future__ import annotations

import argparse
import datetime
import functools
import gzip
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from playwright.sync_api import BrowserContext, CDPSession, Page, Playwright, sync_playwright

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from build_tools.export import engine_archive  # noqa: E402

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking"]
TIMEOUT = 180_000
MBIT = 1_000_000 / 8  # bytes per second
#: name -> DevTools network conditions (None: no throttling)
PROFILES: dict[str, dict[str, float] | None] = {
    "localhost": None,
    "clinic-wifi": {"latency": 40, "downloadThroughput": 10 * MBIT, "uploadThroughput": 5 * MBIT},
}
#: long tasks of the main thread, and page-clock marks: the first answer shown, the engine ready; the question
#: is put the moment the calculator is mounted (a user who typed while the page loaded)
MARKS = """
window.__longTasks = [];
new PerformanceObserver((list) => {
  for (const e of list.getEntries()) window.__longTasks.push([e.startTime, e.duration]);
}).observe({ type: "longtask", buffered: true });
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

#: the peer pattern (as in ../shared/reviews/perf-3.md): Pyodide's classic pyodide.js in the <head>, loadPyodide
#: run eagerly on the main thread, the engine shipped as a source zip
PEER_PAGE = """<!doctype html>
<html><head><meta charset="utf-8"><title>peer pattern</title>
<script src="assets/pyodide/pyodide.js"></script></head>
<body><h1>Peer pattern</h1><output id="answer"></output>
<script>
(async () => {
  const py = await loadPyodide({ indexURL: new URL("assets/pyodide/", location.href).href });
  const [archive, data] = await Promise.all([
    fetch("peer-engine.zip").then((r) => r.arrayBuffer()),
    fetch("assets/data/engine.json").then((r) => r.text()),
  ]);
  py.unpackArchive(archive, "zip", { extractDir: "/home/pyodide" });
  const api = py.pyimport("engine.api");
  api.load(data);
  const call = JSON.stringify({ rule: "cms", entries: [{ code: "97110", minutes: 23 }] });
  const reply = JSON.parse(api.call("units", call));
  const out = document.getElementById("answer");
  out.textContent = JSON.stringify(reply.result.total_units);
  out.dataset.state = "done";
})();
</script></body></html>
"""
TEXT = (".html", ".css", ".js", ".mjs", ".json", ".svg", ".xml", ".txt", ".map")


# ---- the host ----------------------------------------------------------------------------------------------


class Host(SimpleHTTPRequestHandler):
    """http.server, and with `configured`: `.br`/`.gz` copies sent with Content-Encoding, Cache-Control set."""

    configured = True
    encoding = ""

    def log_message(self, *args: object) -> None:
        pass

    def translate_path(self, path: str) -> str:
        real = super().translate_path(path)
        self.encoding = ""
        if self.configured and os.path.isfile(real):
            accepted = self.headers.get("Accept-Encoding") or ""
            for encoding, suffix in (("br", ".br"), ("gzip", ".gz")):
                if encoding in accepted and os.path.isfile(real + suffix):
                    self.encoding = encoding
                    return real + suffix
        return real

    def guess_type(self, path: str | os.PathLike[str]) -> str:
        path = str(path)
        if self.encoding and path.endswith((".br", ".gz")):
            path = path[:-3]
        return super().guess_type(path)

    def end_headers(self) -> None:
        if self.configured:
            if self.encoding:
                self.send_header("Content-Encoding", self.encoding)
                self.send_header("Vary", "Accept-Encoding")
            path = self.path.split("?", 1)[0]
            if "/assets/runtime/" in path:
                self.send_header("Cache-Control", "public, max-age=31536000, immutable")
            elif "/assets/pyodide/" in path:
                self.send_header("Cache-Control", "public, max-age=86400")
        super().end_headers()


def build(site: Path, url: str, configured: bool) -> None:
    env = {**os.environ, "SITE_URL": url, "PYODIDE_SOURCE": "local", "NO_MKDOCS_2_WARNING": "1"}
    subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "-q", "-d", str(site)], cwd=ROOT, env=env, check=True
    )
    (site / "peer.html").write_text(PEER_PAGE, encoding="utf-8")
    (site / "peer-engine.zip").write_bytes(engine_archive())  # the source engine, as a peer would ship it
    # the peer's classic loader (the site itself ships only pyodide.mjs)
    shutil.copy(ROOT / "node_modules" / "pyodide" / "pyodide.js", site / "assets" / "pyodide" / "pyodide.js")
    page = (site / "calculator" / "index.html").read_text(encoding="utf-8")
    cached = '<meta name="tcg-snapshot-policy" content="cached">'
    assert cached in page
    (site / "calculator-always").mkdir()
    always = page.replace(cached, '<meta name="tcg-snapshot-policy" content="always">')
    (site / "calculator-always" / "index.html").write_text(always, encoding="utf-8")
    if configured:  # what a host compresses on the fly, made once here (the build precompresses the runtime)
        for path in site.rglob("*"):
            if path.is_file() and path.suffix in TEXT and not path.with_name(path.name + ".br").exists():
                path.with_name(path.name + ".gz").write_bytes(gzip.compress(path.read_bytes(), 6, mtime=0))


# ---- the browser: settling, throttling, bytes --------------------------------------------------------------


def _tree_cpu(root: int) -> float:
    """CPU seconds (user + system) of process `root` and all its descendants."""
    children: dict[int, list[int]] = {}
    cpu: dict[int, float] = {}
    tick = os.sysconf("SC_CLK_TCK")
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            stat = Path(entry.path, "stat").read_text()
        except OSError:
            continue
        fields = stat[stat.rindex(")") + 2 :].split()
        pid = int(entry.name)
        children.setdefault(int(fields[1]), []).append(pid)
        cpu[pid] = (int(fields[11]) + int(fields[12])) / tick
    total, todo = 0.0, [root]
    while todo:
        pid = todo.pop()
        total += cpu.get(pid, 0.0)
        todo.extend(children.get(pid, []))
    return total


def _browser_pid(profile: Path) -> int:
    flag = f"--user-data-dir={profile}".encode()
    for entry in os.scandir("/proc"):
        if entry.name.isdigit():
            try:
                if flag in Path(entry.path, "cmdline").read_bytes().split(b"\0"):
                    return int(entry.name)
            except OSError:
                continue
    raise RuntimeError(f"no browser process for {profile}")


def settle(profile: Path, *, window: float = 0.25, quiet: int = 2, limit: float = 10.0) -> tuple[float, float]:
    """Wait until the browser of `profile` has been idle for `quiet` windows; (seconds waited, CPU seconds used)."""
    pid = _browser_pid(profile)
    start, first = time.monotonic(), _tree_cpu(pid)
    last, calm = first, 0
    while time.monotonic() - start < limit:
        time.sleep(window)
        now = _tree_cpu(pid)
        calm = calm + 1 if now - last < 0.08 * window else 0
        last = now
        if calm >= quiet:
            break
    return time.monotonic() - start, last - first


@dataclass
class Finished:
    timestamp: float  # DevTools MonotonicTime, s
    size: int
    url: str


@dataclass
class ByteLog:
    """Network.loadingFinished of every page and shared worker of one browser. Their timestamps are on the
    browser's monotonic clock, the same for every target: the first requestWillBeSent (which also has the wall
    time) maps it to the wall clock, where the page's performance.timeOrigin is."""

    done: list[Finished] = field(default_factory=list)
    urls: dict[tuple[str, str], str] = field(default_factory=dict)
    offset: float | None = None  # wallTime - timestamp, s

    def event(self, session: str, method: str, params: dict) -> None:
        if method == "Network.requestWillBeSent":
            self.urls[session, params["requestId"]] = params["request"]["url"]
            if self.offset is None:
                self.offset = params["wallTime"] - params["timestamp"]
        elif method == "Network.responseReceived":
            self.urls.setdefault((session, params["requestId"]), params["response"]["url"])
        elif method == "Network.loadingFinished":
            url = self.urls.get((session, params["requestId"]), "")
            self.done.append(Finished(params["timestamp"], int(params["encodedDataLength"]), url))

    def _picked(self, start_ms: float, end_ms: float) -> list[Finished]:
        offset = self.offset or 0.0
        return [f for f in self.done if start_ms <= (f.timestamp + offset) * 1000 <= end_ms]

    def between(self, start_ms: float, end_ms: float) -> tuple[int, int]:
        """(bytes, of them Pyodide and runtime bytes) finished in [start_ms, end_ms] (wall clock, ms)."""
        picked = self._picked(start_ms, end_ms)
        runtime = sum(f.size for f in picked if "/assets/pyodide/" in f.url or "/assets/runtime/" in f.url)
        return sum(f.size for f in picked), runtime

    def urls_between(self, start_ms: float, end_ms: float) -> list[str]:
        return [f.url for f in self._picked(start_ms, end_ms)]

    def requests_between(self, start_ms: float, end_ms: float) -> list[tuple[str, int]]:
        """(url, encodedDataLength) of every request finished in [start_ms, end_ms], largest first."""
        return sorted(((f.url, f.size) for f in self._picked(start_ms, end_ms)), key=lambda r: -r[1])


class Browser:
    """One launch of Chromium on `profile`, settled; every page and shared worker throttled to `conditions`."""

    def __init__(self, p: Playwright, profile: Path, conditions: dict[str, float] | None) -> None:
        self.conditions = conditions
        self.log = ByteLog()
        self._workers: set[str] = set()
        self.context: BrowserContext = p.chromium.launch_persistent_context(
            str(profile), executable_path=CHROMIUM, args=ARGS, headless=True
        )
        self.context.add_init_script(MARKS)
        self.settled = settle(profile)
        assert self.context.browser is not None
        self.root = self.context.browser.new_browser_cdp_session()
        self.root.on("Target.attachedToTarget", self._attached)
        self.root.on("Target.receivedMessageFromTarget", self._message)
        # shared workers wait for us on start: throttled before their first request
        self.root.send(
            "Target.setAutoAttach",
            {
                "autoAttach": True,
                "waitForDebuggerOnStart": True,
                "flatten": True,
                "filter": [{"type": "shared_worker"}],
            },
        )
        self._pages = list(self.context.pages)

    def _attached(self, event: dict) -> None:
        target = event["targetInfo"]["targetId"]
        # only the auto-attach (waiting): attaching ourselves below is reported here too
        if event["targetInfo"]["type"] != "shared_worker" or target in self._workers:
            return
        self._workers.add(target)
        # a session of the old (non-flat) kind, which this client can talk through
        session = self.root.send("Target.attachToTarget", {"targetId": target})["sessionId"]
        commands: list[tuple[str, dict]] = [("Network.enable", {})]
        if self.conditions:
            rule = {"urlPattern": "", **self.conditions}
            commands.append(
                ("Network.emulateNetworkConditionsByRule", {"offline": False, "matchedNetworkConditions": [rule]})
            )
        commands.append(("Runtime.runIfWaitingForDebugger", {}))
        for i, (method, params) in enumerate(commands):
            message = json.dumps({"id": i + 1, "method": method, "params": params})
            self.root.send("Target.sendMessageToTarget", {"sessionId": session, "message": message})

    def _message(self, event: dict) -> None:
        message = json.loads(event["message"])
        if "method" in message:
            self.log.event(event["sessionId"], message["method"], message.get("params", {}))
        elif "error" in message:
            raise RuntimeError(f"shared worker session: {message}")

    def page(self) -> Page:
        page = self._pages.pop() if self._pages else self.context.new_page()
        cdp: CDPSession = self.context.new_cdp_session(page)
        name = f"page-{id(cdp)}"
        for method in ("Network.requestWillBeSent", "Network.responseReceived", "Network.loadingFinished"):
            cdp.on(method, functools.partial(self.log.event, name, method))
        cdp.send("Network.enable")
        if self.conditions:
            cdp.send("Network.emulateNetworkConditions", {"offline": False, **self.conditions})
        return page

    def close(self) -> None:
        self.context.close()


# ---- visits ------------------------------------------------------------------------------------------------


@dataclass
class Visit:
    ms: float  # navigation start to the answer shown, page clock
    longest: float  # longest main-thread task before the answer, ms
    bytes: int  # bytes finished before the answer
    runtime: int  # of them Pyodide and runtime bytes
    visit_bytes: int  # bytes finished from navigation start to the end of the visit
    settle: tuple[float, float] | None = None  # (s waited, CPU s) after the launch that preceded the visit
    extra: dict[str, object] = field(default_factory=dict)


def _visit(browser: Browser, page: Page, url: str, selector: str, answer: str, value_of: str) -> tuple[Visit, float]:
    page.goto(url, wait_until="commit")
    page.locator(selector).wait_for(timeout=TIMEOUT)
    assert page.locator(value_of).evaluate(answer) == "2", "wrong answer"
    origin, ms, tasks = page.evaluate("[performance.timeOrigin, window.__answeredAt, window.__longTasks || []]")
    longest = max((d for s, d in tasks if s <= ms), default=0.0)
    page.wait_for_timeout(50)  # let the last loadingFinished events of the answer arrive
    total, runtime = browser.log.between(origin, origin + ms)
    visit = Visit(ms, longest, total, runtime, total)
    visit.extra["requests"] = browser.log.requests_between(origin, origin + ms)
    return visit, origin


def ours(browser: Browser, page: Page, base: str, path: str = "calculator/") -> tuple[Visit, float]:
    return _visit(
        browser,
        page,
        base + path,
        "[data-widget=units] [data-role=result][data-state=done]",
        "(el) => el.dataset.units",
        "[data-widget=units] [data-code='97110']",
    )


def peer(browser: Browser, page: Page, base: str) -> tuple[Visit, float]:
    return _visit(browser, page, base + "peer.html", "#answer[data-state=done]", "(el) => el.textContent", "#answer")


def _end(browser: Browser, visit: Visit, origin: float) -> Visit:
    visit.visit_bytes = browser.log.between(origin, time.time() * 1000 + 1000)[0]
    return visit


def block_ours(p: Playwright, profile: Path, base: str, conditions: dict | None) -> dict[str, Visit]:
    browser = Browser(p, profile, conditions)
    try:
        page = browser.page()
        first, origin = ours(browser, page, base)
        first.settle = browser.settled
        assert page.evaluate("[window.TCG.stdlib(), window.TCG.snapshot()]") == ["precompiled", "not-cached"]
        page.wait_for_function("() => window.TCG.snapshotCached()", timeout=TIMEOUT)  # fetched for the next visit
        first = _end(browser, first, origin)
        tab = browser.page()
        second, origin2 = ours(browser, tab, base)
        assert tab.evaluate("window.TCG.workerKind()") == "shared"
        second.extra["ready"] = tab.evaluate("window.__readyAt")
        second = _end(browser, second, origin2)
    finally:
        browser.close()
    browser = Browser(p, profile, conditions)
    try:
        page = browser.page()
        again, origin = ours(browser, page, base)
        again.settle = browser.settled
        assert page.evaluate("window.TCG.snapshot()") == "used"
        again = _end(browser, again, origin)
    finally:
        browser.close()
    return {"first visit": first, "second tab": second, "repeat visit": again}


def block_always(p: Playwright, profile: Path, base: str, conditions: dict | None) -> dict[str, Visit]:
    browser = Browser(p, profile, conditions)
    try:
        page = browser.page()
        visit, origin = ours(browser, page, base, "calculator-always/")
        visit.settle = browser.settled
        assert page.evaluate("[window.TCG.stdlib(), window.TCG.snapshot()]") == ["precompiled", "used"]
        return {"first visit, snapshot at once": _end(browser, visit, origin)}
    finally:
        browser.close()


def block_peer(p: Playwright, profile: Path, base: str, conditions: dict | None) -> dict[str, Visit]:
    browser = Browser(p, profile, conditions)
    try:
        first, origin = peer(browser, browser.page(), base)
        first.settle = browser.settled
        first = _end(browser, first, origin)
        second, origin2 = peer(browser, browser.page(), base)
        second = _end(browser, second, origin2)
    finally:
        browser.close()
    browser = Browser(p, profile, conditions)
    try:
        again, origin = peer(browser, browser.page(), base)
        again.settle = browser.settled
        again = _end(browser, again, origin)
    finally:
        browser.close()
    return {"peer first visit": first, "peer second tab": second, "peer repeat visit": again}


BLOCKS = {"ours": block_ours, "always": block_always, "peer": block_peer}
#: ours -> the peer's same scenario
LIKE = {
    "first visit": "peer first visit",
    "first visit, snapshot at once": "peer first visit",
    "second tab": "peer second tab",
    "repeat visit": "peer repeat visit",
}
ORDER = [
    "first visit",
    "first visit, snapshot at once",
    "repeat visit",
    "second tab",
    "peer first visit",
    "peer repeat visit",
    "peer second tab",
]


def reading_page(p: Playwright, profile: Path, base: str) -> tuple[int, int, bool]:
    """(bytes, Pyodide and runtime bytes, any widget script) of the home page, 6 s past its load."""
    browser = Browser(p, profile, None)
    try:
        page = browser.page()
        page.goto(base)
        origin = page.evaluate("performance.timeOrigin")
        page.wait_for_timeout(6000)
        total, runtime = browser.log.between(origin, time.time() * 1000 + 1000)
        urls = browser.log.urls_between(origin, time.time() * 1000 + 1000)
        widget = any(u.endswith(("/widgets.js", "/units.js", "/engine.worker.js")) for u in urls)
        return total, runtime, widget
    finally:
        browser.close()


# ---- report ------------------------------------------------------------------------------------------------


def _load() -> str:
    one, five, _ = os.getloadavg()
    return f"{one:.2f}/{five:.2f}"


def _mb(n: float) -> str:
    return f"{n / 1e6:.2f} MB"


def _goal(ok: bool, text: str) -> str:
    return f"[{'met' if ok else 'NOT met'}] {text}"


def goals(profile: str, by_name: dict[str, list[Visit]]) -> list[str]:
    """The goals of issue #25 that this profile's figures speak to."""
    med = {name: statistics.median(v.ms for v in visits) for name, visits in by_name.items()}
    out = []
    if profile == "clinic-wifi" and "first visit" in med and "peer first visit" in med:
        ratio = med["first visit"] / med["peer first visit"]
        before = statistics.median(v.bytes for v in by_name["first visit"])
        out.append(_goal(ratio <= 0.4, f"{profile}: first visit at most 0.4x the peer: {ratio:.2f}x"))
        out.append(_goal(before <= 4e6, f"{profile}: at most 4 MB before the first answer: {_mb(before)}"))
    if "repeat visit" in med and "peer repeat visit" in med:
        ratio = med["repeat visit"] / med["peer repeat visit"]
        out.append(_goal(ratio <= 0.4, f"{profile}: repeat visit at most 0.4x the peer's repeat visit: {ratio:.2f}x"))
    if "second tab" in med:
        out.append(
            _goal(med["second tab"] <= 300, f"{profile}: second tab at most 0.3 s: {med['second tab'] / 1000:.2f} s")
        )
    return out


def table(profile: str, by_name: dict[str, list[Visit]], runs: int) -> list[str]:
    cond = PROFILES[profile]
    what = "no throttling"
    if cond:
        down, up = cond["downloadThroughput"] / MBIT, cond["uploadThroughput"] / MBIT
        what = f"{down:g} Mbit/s down, {up:g} up, {cond['latency']:g} ms round trip"
    lines = ["", f"profile {profile} ({what}), {runs} rounds, medians [min-max]:"]
    lines.append(
        f"{'scenario':31} {'first answer':>22} {'/ peer':>7} {'bytes before':>12} {'runtime':>10} "
        f"{'visit bytes':>11} {'longest':>8}  runs (s)"
    )
    med = {name: statistics.median(v.ms for v in visits) for name, visits in by_name.items()}
    for name in [n for n in ORDER if n in by_name]:
        visits = by_name[name]
        ms = [v.ms for v in visits]
        ratio = f"{med[name] / med[LIKE[name]]:.2f}x" if LIKE.get(name) in med else ""
        lines.append(
            f"{name:31} {med[name] / 1000:>6.2f} s [{min(ms) / 1000:.2f}-{max(ms) / 1000:.2f}] {ratio:>7} "
            f"{_mb(statistics.median(v.bytes for v in visits)):>12} "
            f"{_mb(statistics.median(v.runtime for v in visits)):>10} "
            f"{_mb(statistics.median(v.visit_bytes for v in visits)):>11} "
            f"{max(v.longest for v in visits):>5.0f} ms  " + ", ".join(f"{m / 1000:.2f}" for m in ms)
        )
    if "second tab" in by_name:
        ready = statistics.median(float(v.extra["ready"]) for v in by_name["second tab"])  # type: ignore[arg-type]
        lines.append(f"second tab, engine ready on the page: median {ready / 1000:.2f} s")
    if "first visit" in by_name:  # where the bytes before the answer go (the last round)
        requests: list[tuple[str, int]] = by_name["first visit"][-1].extra["requests"]  # type: ignore[assignment]
        lines.append(f"first visit, every request finished before the answer (last round, {len(requests)}):")
        for url, size in requests:
            lines.append(f"  {size:>10,}  {url.split('://', 1)[-1].split('/', 1)[-1] or '/'}")
    settled = [v.settle for visits in by_name.values() for v in visits if v.settle]
    if settled:
        waited, cpu = statistics.median(s[0] for s in settled), statistics.median(s[1] for s in settled)
        lines.append(
            f"settle after each launch: median {waited:.1f} s waited (max {max(s[0] for s in settled):.1f} s), "
            f"{cpu:.2f} s of the browser's CPU in it"
        )
    return lines


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5, help="rounds; each takes every scenario once")
    parser.add_argument("--host", choices=["configured", "plain"], default="configured")
    parser.add_argument("--profiles", default=",".join(PROFILES), help="comma-separated: " + ", ".join(PROFILES))
    parser.add_argument("--blocks", default=",".join(BLOCKS), help="comma-separated: " + ", ".join(BLOCKS))
    args = parser.parse_args()
    profiles = args.profiles.split(",")
    blocks = args.blocks.split(",")
    loads = [f"before: {_load()}"]
    results: dict[str, dict[str, list[Visit]]] = {name: {} for name in profiles}
    Host.configured = args.host == "configured"
    with tempfile.TemporaryDirectory() as tmp:
        site = Path(tmp) / "site"
        site.mkdir()
        server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Host, directory=str(site)))
        url = f"http://127.0.0.1:{server.server_address[1]}/"
        build(site, url, Host.configured)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        n = 0
        with sync_playwright() as p:
            for i in range(args.runs):
                order = [(prof, block) for prof in profiles for block in blocks]
                for prof, block in order if i % 2 == 0 else order[::-1]:
                    n += 1
                    got = BLOCKS[block](p, Path(tmp) / f"profile-{n}", url, PROFILES[prof])
                    for name, visit in got.items():
                        results[prof].setdefault(name, []).append(visit)
                loads.append(f"round {i + 1}: {_load()}")
                print(f"  round {i + 1} done, load {_load()}", file=sys.stderr, flush=True)
                for profile, by_name in results.items():  # the figures so far, should the run be cut short
                    print("\n".join(table(profile, by_name, i + 1)), file=sys.stderr, flush=True)
            home = reading_page(p, Path(tmp) / "profile-home", url)
            probe = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
            version = probe.version
            probe.close()
        server.shutdown()
    cpu = next(
        (ln.split(":", 1)[1].strip() for ln in Path("/proc/cpuinfo").read_text().splitlines() if "model name" in ln),
        platform.processor(),
    )
    print(f"date: {datetime.datetime.now(datetime.UTC):%Y-%m-%d %H:%M} UTC")
    print(f"machine: {platform.system()} {platform.release()}, {os.cpu_count()} cores ({cpu}), Chromium {version}")
    print(f"host: {args.host}; rounds: {args.runs}; load average 1/5 min: " + "; ".join(loads))
    print(
        "peer: the pattern page of review perf-3 (classic pyodide.js, loadPyodide on the main thread, source zip), "
        "not the pyodide-mkdocs-theme / markdown-exec plugins themselves, which are not installed here"
    )
    for profile, by_name in results.items():
        print("\n".join(table(profile, by_name, args.runs)))
    print("\ngoals (issue #25):")
    for profile, by_name in results.items():
        print("\n".join(goals(profile, by_name)))
    print(
        _goal(
            home[1] == 0 and not home[2],
            f"reading page (home, localhost): {home[0]:,} bytes, Pyodide and runtime bytes {home[1]:,}, "
            f"widget script: {'yes' if home[2] else 'none'}",
        )
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
