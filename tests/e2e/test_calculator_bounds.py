"""Browser: the calculator with many tied rows answers at once (a few allocations and a count), and refuses 2_3."""

from __future__ import annotations

from math import comb

import pytest
from playwright.sync_api import Page, expect

from build_tools.export import engine_data
from build_tools.load import load_project

pytestmark = pytest.mark.e2e
TIMEOUT = 90_000


def test_twenty_tied_rows_and_misread_minutes(page: Page, offline_context, base_url: str) -> None:
    codes = engine_data(load_project())["codes"]
    timed = sorted(c for c, info in codes.items() if info.get("unit_basis") == "timed_15")[:20]
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(base_url + "calculator/")
    w = page.locator("[data-widget=units]")
    while w.locator("[data-role=row]").count() < len(timed):
        w.locator("[data-role=add]").click()
    for i, code in enumerate(timed):
        w.locator("[name=code]").nth(i).fill(code)
        w.locator("[name=minutes]").nth(i).fill("7")
    w.locator("[name=rule]").select_option("cms")
    w.get_by_role("button", name="Calculate").click()
    result = w.locator("[data-role=result]")
    expect(result).to_have_attribute("data-state", "done", timeout=TIMEOUT)
    units = (7 * len(timed) + 7) // 15
    assert w.locator("[data-alloc]").count() == 5
    expect(w.locator("[data-role=alternatives] [data-role=more]")).to_have_text(
        f"and {comb(len(timed), units) - 6} more (not listed)"
    )
    # Python's int() would read 2_3 as 23: the engine refuses it, by the field
    w.locator("[name=minutes]").nth(0).fill("2_3")
    w.get_by_role("button", name="Calculate").click()
    expect(result).to_have_attribute("data-state", "error", timeout=TIMEOUT)
    expect(w.locator(".tcg-field-error:not([hidden])")).to_contain_text("write it with the digits 0-9 only")
    assert errors == []
