import pytest
from playwright.sync_api import expect
from tests.e2e.test_coach_visit import THREE, OPEN, _check, TIMEOUT
pytestmark = pytest.mark.e2e

def test_shots(user_device, press, base_url):
    page = user_device.new_page()
    for name, text in (("three", THREE), ("open", OPEN)):
        widget, result = _check(page, press, base_url, text)
        result.scroll_into_view_if_needed()
        result.screenshot(path=f"/tmp/shot-{user_device.device_name}-{name}.png")
    page.emulate_media(media="print")
    page.pdf(path=f"/tmp/print-{user_device.device_name}.pdf") if user_device.device_name == "desktop" else None
    page.screenshot(path=f"/tmp/print-{user_device.device_name}.png", full_page=True)
