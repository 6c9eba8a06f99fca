"""Benchmark (a script, not a test): how fast the unit calculator answers in headless Chromium.

Builds the site with the local Pyodide copy, serves it on 127.0.0.1 and prints:
- cold: navigation to the first answer in a fresh browser context (empty HTTP cache);
- warm: the same in a new page of the same context (HTTP cache warm, new worker);
- the median time per answer once the engine is ready (50 answers through the form);
- bytes fetched by a page without a widget and by the calculator page (incl. Pyodide).

Usage: .venv/bin/python benchmarks/widget_boot.py [--runs 3]
Record the printed figures, with the date and machine, in docs/about-performance.md.
"""

from __future__ import annotations

import argparse
import datetime
import functools
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from playwright.sync_api import BrowserContext, sync_playwright

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking"]
TIMEOUT = 120_000

#: 50 answers through the form, timed inside the page from submit to the rendered card
ANSWER_LOOP = """
async (runs) => {
  const root = document.querySelector("[data-widget=units]");
  const form = root.querySelector("form");
  const out = root.querySelector("[data-role=result]");
  const minutes = root.querySelector("[name=minutes]");
  const times = [];
  for (let i = 0; i < runs; i++) {
    minutes.value = String(8 + (i % 60));
    const t0 = performance.now();
    const done = new Promise((resolve) => {
      const obs = new MutationObserver(() => {
        if (out.dataset.state === "done") { obs.disconnect(); resolve(); }
      });
      obs.observe(out, { attributes: true, attributeFilter: ["data-state"] });
    });
    form.requestSubmit();
    await done;
    times.push(performance.now() - t0);
  }
  return times;
}
"""


class _Quiet(SimpleHTTPRequestHandler):
    def log_message(self, *args: object) -> None:
        pass


def build(site: Path, url: str) -> None:
    env = {**os.environ, "SITE_URL": url, "PYODIDE_SOURCE": "local", "NO_MKDOCS_2_WARNING": "1"}
    subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "-q", "-d", str(site)], cwd=ROOT, env=env, check=True
    )


def first_answer_ms(context: BrowserContext, url: str) -> float:
    """From navigation start to the first rendered answer, typing at once (ms, page clock)."""
    page = context.new_page()
    page.goto(url + "calculator/")
    w = page.locator("[data-widget=units]")
    w.locator("[name=code]").first.fill("97110")
    w.locator("[name=minutes]").first.fill("23")
    w.get_by_role("button", name="Calculate").click()
    w.locator("[data-role=result][data-state=done]").wait_for(timeout=TIMEOUT)
    ms = page.evaluate("performance.now()")
    page.close()
    return ms


def page_bytes(browser, url: str, path: str, answer: bool) -> tuple[int, int, int]:
    """Body bytes, request count and Pyodide's share of the bytes for one page in a fresh context
    (after the idle start; optionally with one answer)."""
    context = browser.new_context()
    sizes: list[tuple[str, int]] = []
    context.on("requestfinished", lambda r: sizes.append((r.url, r.sizes()["responseBodySize"])))
    page = context.new_page()
    page.goto(url + path)
    page.wait_for_timeout(6000)  # past the shim's idle start
    if answer:
        w = page.locator("[data-widget=units]")
        w.locator("[name=code]").first.fill("97110")
        w.locator("[name=minutes]").first.fill("23")
        w.get_by_role("button", name="Calculate").click()
        w.locator("[data-role=result][data-state=done]").wait_for(timeout=TIMEOUT)
    page.wait_for_timeout(500)
    context.close()
    pyodide = sum(n for u, n in sizes if "/assets/pyodide/" in u or u.endswith(("engine.zip", "engine.json")))
    return sum(n for _, n in sizes), len(sizes), pyodide


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3, help="cold and warm starts to take the median of")
    parser.add_argument("--answers", type=int, default=50)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        site = Path(tmp) / "site"
        site.mkdir()
        server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=str(site)))
        url = f"http://127.0.0.1:{server.server_address[1]}/"
        build(site, url)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
            cold, warm = [], []
            for _ in range(args.runs):
                context = browser.new_context()
                cold.append(first_answer_ms(context, url))
                warm.append(first_answer_ms(context, url))
                context.close()
            context = browser.new_context()
            page = context.new_page()
            page.goto(url + "calculator/")
            first_answer = page.locator("[data-widget=units] [name=minutes]")
            first_answer.fill("23")
            page.locator("[data-widget=units] [name=code]").first.fill("97110")
            page.get_by_role("button", name="Calculate").click()
            page.locator("[data-role=result][data-state=done]").wait_for(timeout=TIMEOUT)
            answers = page.evaluate(ANSWER_LOOP, args.answers)
            context.close()
            home = page_bytes(browser, url, "", answer=False)
            calc = page_bytes(browser, url, "calculator/", answer=True)
            version = browser.version
            browser.close()
        server.shutdown()

    cpu = next(
        (
            ln.split(":", 1)[1].strip()
            for ln in Path("/proc/cpuinfo").read_text().splitlines()
            if ln.startswith("model name")
        ),
        platform.processor(),
    )
    print(f"date: {datetime.datetime.now(datetime.UTC):%Y-%m-%d %H:%M} UTC")
    print("load average at the end (1, 5, 15 min): " + ", ".join(f"{x:.2f}" for x in os.getloadavg()))
    print(f"machine: {platform.system()} {platform.release()}, {os.cpu_count()} cores ({cpu}), Chromium {version}")
    print(
        f"cold start, navigation to first answer: median {statistics.median(cold) / 1000:.2f} s "
        f"(runs: {', '.join(f'{t / 1000:.2f}' for t in cold)})"
    )
    print(
        f"warm start (HTTP cache warm, new worker): median {statistics.median(warm) / 1000:.2f} s "
        f"(runs: {', '.join(f'{t / 1000:.2f}' for t in warm)})"
    )
    print(
        f"per answer once ready ({len(answers)} answers): median {statistics.median(answers):.1f} ms, "
        f"max {max(answers):.1f} ms"
    )
    print(f"bytes, page without a widget (home): {home[0]:,} in {home[1]} requests, Pyodide and engine {home[2]:,}")
    print(f"bytes, calculator page and first answer: {calc[0]:,} in {calc[1]} requests, Pyodide and engine {calc[2]:,}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
