"""Shared fixtures: the project root, and for browser tests a built site served on 127.0.0.1.

With TCG_REQUIRE_BROWSER=1 (set by .ci/run) a missing Chromium or local Pyodide
fails the run instead of skipping the browser tests.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import os
import shutil
import subprocess
import sys
import threading
from collections.abc import Iterator
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from build_tools import cache_lock

ROOT = Path(__file__).resolve().parents[1]
#: the fixed "today" of tests that check data: later than any review date the data will hold, so the
#: suite passes on any day and whatever the newest review (no test reads the clock)
CHECK_DAY = dt.date(2099, 12, 31)
PYODIDE_DIR = ROOT / "node_modules" / "pyodide"
CHROMIUM = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]
REQUIRE_BROWSER = os.environ.get("TCG_REQUIRE_BROWSER") == "1"


def missing_browser_parts() -> list[str]:
    missing = []
    if not Path(CHROMIUM).exists():
        missing.append(f"Chromium at {CHROMIUM} (apt-get install chromium)")
    if not (PYODIDE_DIR / "pyodide.mjs").exists():
        missing.append(f"local Pyodide at {PYODIDE_DIR} (npm ci)")
    return missing


@pytest.fixture(scope="session")
def project_root() -> Path:
    return ROOT


@pytest.fixture(scope="session")
def built_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The site built once with --strict (Pyodide from the CDN setting, as deployed), for page tests.

    Under pytest-xdist (scripts/test.sh runs two workers) the workers share one build: the first to take the
    lock builds, the other waits and reads it (its served site, below, is its own: it carries its port)."""
    base = tmp_path_factory.getbasetemp()
    shared = (base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base) / "built-cdn"
    site, status = shared / "site", shared / "status.json"
    with cache_lock.exclusive(shared):
        if not status.is_file():
            env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "PYODIDE_SOURCE": "cdn"}
            run = subprocess.run(
                [sys.executable, "-m", "mkdocs", "build", "--strict", "-q", "-d", str(site)],
                cwd=ROOT,
                env=env,
                capture_output=True,
                text=True,
            )
            status.write_text(json.dumps({"returncode": run.returncode, "stderr": run.stderr}), encoding="utf-8")
    built = json.loads(status.read_text(encoding="utf-8"))
    assert built["returncode"] == 0, built["stderr"]
    return site


@pytest.fixture(scope="session")
def browser(browser):
    """Playwright's browser, whose contexts have no service worker unless a test passes
    `service_workers="allow"` (tests/e2e/test_offline.py): a worker answers from its cache, and Playwright's
    routes do not see what a worker answers, which the other tests rely on. The pages see no
    `navigator.serviceWorker` (as in a browser without one) rather than Playwright's "block", whose stub logs a
    console warning that the tests of a clean console would count."""
    new_context = browser.new_context

    def blocking_by_default(**kwargs):
        if "service_workers" in kwargs:
            return new_context(**kwargs)
        context = new_context(service_workers="block", **kwargs)
        context.add_init_script(NO_SERVICE_WORKER)
        return context

    browser.new_context = blocking_by_default
    return browser


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict) -> dict:
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": [*browser_type_launch_args.get("args", []), *CHROMIUM_ARGS],
    }


class RequestLog(list):
    """Paths requested from the test server, in order; `hosts` holds the Host header each one was sent to."""

    def __init__(self) -> None:
        super().__init__()
        self.hosts: list[str] = []


class _RecordingHandler(SimpleHTTPRequestHandler):
    """Serves the built site quietly and records every request path and Host header."""

    requests: RequestLog

    def log_message(self, *args: object) -> None:
        self.requests.append(self.path)
        headers = getattr(self, "headers", None)
        self.requests.hosts.append(headers.get("Host", "") if headers else "")


@pytest.fixture(scope="session")
def served_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, list[str]]]:
    """Build the site once (local Pyodide, site_url = the test server) and serve it."""
    missing = missing_browser_parts()
    if missing:
        message = "browser tests need " + "; ".join(missing)
        if REQUIRE_BROWSER:
            pytest.fail(message)
        pytest.skip(message)
    site = tmp_path_factory.mktemp("site")
    requests = RequestLog()
    handler = type("Handler", (_RecordingHandler,), {"requests": requests})
    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(handler, directory=str(site)))
    url = f"http://127.0.0.1:{server.server_address[1]}/"
    env = {**os.environ, "SITE_URL": url, "PYODIDE_SOURCE": "local", "NO_MKDOCS_2_WARNING": "1"}
    subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "-q", "-d", str(site)], cwd=ROOT, env=env, check=True
    )
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    requests.site_dir = site  # tests/e2e/test_offline.py serves copies of it
    yield url, requests
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="session")
def base_url(served_site: tuple[str, list[str]]) -> str:
    return served_site[0]


#: Playwright neither sees nor routes a SharedWorker's requests, so a context whose every request must be seen
#: runs the engine in the dedicated worker (the fallback); tests/e2e/test_engine_sharing.py covers the shared one.
NO_SHARED_WORKER = "delete window.SharedWorker;"
NO_SERVICE_WORKER = "delete Navigator.prototype.serviceWorker;"
#: axe-core from node_modules, served to tests at a same-origin path (the CSP allows no inline script)
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
AXE_PATH = "__tests__/axe.min.js"


def inject_axe(page, base_url: str | None = None) -> None:
    """Load axe-core into `page` as a script from its own origin (the test server), as the site's CSP requires."""
    assert AXE.exists(), "axe-core missing: run npm ci"
    origin = base_url or "/".join(page.url.split("/", 3)[:3]) + "/"
    url = origin + AXE_PATH
    if getattr(page, "axe_routed", None) != url:
        page.route(url, lambda r: r.fulfill(path=str(AXE), content_type="text/javascript"))
        page.axe_routed = url
    page.add_script_tag(url=url)


def route_local(context, base_url: str) -> list[str]:
    """Abort every request of `context` not to the local test server; return the list recording them all.

    The context gets no SharedWorker, so that the engine's requests are recorded (and routed) too."""
    seen: list[str] = []
    context.add_init_script(NO_SHARED_WORKER)

    def route(r) -> None:
        seen.append(r.request.url)
        if r.request.url.startswith(base_url):
            r.continue_()
        else:
            r.abort()

    context.route("**/*", route)
    return seen


@pytest.fixture(scope="session")
def local_only():
    """`route_local` for tests that make their own browser contexts."""
    return route_local


@pytest.fixture
def offline_context(context, base_url: str):
    """The test's context with every foreign request aborted; `context.seen_urls` records all requests."""
    context.seen_urls = route_local(context, base_url)
    return context
