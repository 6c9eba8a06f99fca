"""Browser fixtures for the user-flow tests: a desktop (1280x900) and a touch phone (360x740) context.

A failed test that used `user_device` leaves a full-page screenshot of each open page in
test-results/ (or $TCG_ARTIFACTS), named after the test, for CI to keep as an artefact.
"""

from __future__ import annotations

import contextlib
import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from build_tools.export import engine_data
from build_tools.load import load_project

ARTIFACTS = Path(os.environ.get("TCG_ARTIFACTS") or Path(__file__).resolve().parents[2] / "test-results")
DEVICES = {
    "desktop": {"viewport": {"width": 1280, "height": 900}},
    "phone": {
        "viewport": {"width": 360, "height": 740},
        "has_touch": True,
        "is_mobile": True,
        "device_scale_factor": 2,
    },
}


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo):
    report = yield
    if report.when == "call":
        item.stash[_FAILED] = report.failed
    return report


_FAILED = pytest.StashKey[bool]()


@pytest.fixture(scope="module", params=list(DEVICES), ids=list(DEVICES))
def user_context(request: pytest.FixtureRequest, browser, base_url: str, local_only) -> Iterator:
    """One browser context per device and test module (its HTTP cache keeps Pyodide's files between tests)."""
    context = browser.new_context(**DEVICES[request.param], accept_downloads=True)
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=base_url.rstrip("/"))
    context.seen_urls = local_only(context, base_url)
    context.device_name = request.param
    context.touch = request.param == "phone"
    yield context
    context.close()


@pytest.fixture
def user_device(request: pytest.FixtureRequest, user_context):
    """The device's context for one test; the pages the test opened are screenshotted on failure, then closed."""
    before = set(user_context.pages)
    yield user_context
    opened = [p for p in user_context.pages if p not in before]
    if request.node.stash.get(_FAILED, False):
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        stem = re.sub(r"[^A-Za-z0-9_.-]+", "_", request.node.nodeid.split("::")[-1])
        for i, page in enumerate(opened):
            with contextlib.suppress(Exception):  # a screenshot is a courtesy; the failure itself is reported
                page.screenshot(path=str(ARTIFACTS / f"{stem}-{i}.png"), full_page=True)
    for page in opened:
        page.close()


@pytest.fixture
def press(user_device):
    """Tap on the phone, click on the desktop."""

    def go(locator) -> None:
        if user_device.touch:
            locator.scroll_into_view_if_needed()
            locator.tap()
        else:
            locator.click()

    return go


@pytest.fixture(scope="session")
def shared_phone(browser, base_url: str, local_only) -> Iterator:
    """One 360x740 touch page for the checks run over every page (one context: fast)."""
    context = browser.new_context(**DEVICES["phone"])
    local_only(context, base_url)
    page = context.new_page()
    page.base = base_url  # test_accessibility.blocking_violations injects axe from here
    yield page
    context.close()


@pytest.fixture(scope="session")
def data() -> dict[str, Any]:
    """The engine's data, as the site's JSON carries it (read once for the browser tests)."""
    return engine_data(load_project())


def code_cases(data: dict) -> list[dict]:
    """The practice cases that ask only for a code (no units), in id order."""
    return sorted((c for c in data["cases"].values() if not c["answer"].get("units")), key=lambda c: c["id"])
