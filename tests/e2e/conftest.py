"""Browser fixtures for the user-flow tests: a desktop (1280x900) and a touch phone (360x740) context.

A failed test that used `device` leaves a full-page screenshot of each open page in
test-results/ (or $TCG_ARTIFACTS), named after the test, for CI to keep as an artefact.
"""

from __future__ import annotations

import contextlib
import os
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

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
def device_context(request: pytest.FixtureRequest, browser, base_url: str, local_only) -> Iterator:
    """One browser context per device and test module (its HTTP cache keeps Pyodide's files between tests)."""
    context = browser.new_context(**DEVICES[request.param], accept_downloads=True)
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=base_url.rstrip("/"))
    context.seen_urls = local_only(context, base_url)
    context.device_name = request.param
    context.touch = request.param == "phone"
    yield context
    context.close()


@pytest.fixture
def device(request: pytest.FixtureRequest, device_context):
    """The device's context for one test; the pages the test opened are screenshotted on failure, then closed."""
    before = set(device_context.pages)
    yield device_context
    opened = [p for p in device_context.pages if p not in before]
    if request.node.stash.get(_FAILED, False):
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        stem = re.sub(r"[^A-Za-z0-9_.-]+", "_", request.node.nodeid.split("::")[-1])
        for i, page in enumerate(opened):
            with contextlib.suppress(Exception):  # a screenshot is a courtesy; the failure itself is reported
                page.screenshot(path=str(ARTIFACTS / f"{stem}-{i}.png"), full_page=True)
    for page in opened:
        page.close()


@pytest.fixture
def press(device):
    """Tap on the phone, click on the desktop."""

    def go(locator) -> None:
        if device.touch:
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
    yield page
    context.close()
