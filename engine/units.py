"""Minutes to billable units: the 15-minute table and the payer rules built on it."""

from __future__ import annotations

from typing import Any


class UnitInputError(ValueError):
    """Input the unit math cannot accept; the message names the field and the fix."""


def table_units(minutes: int, unit_minutes: int = 15, min_minutes: int = 8) -> int:
    """Units for a number of minutes by the 15-minute table (8-22 = 1, 23-37 = 2, ...)."""
    if minutes < min_minutes:
        return 0
    return (minutes + unit_minutes - min_minutes) // unit_minutes


def compute(entries: list[tuple[str, int | None]], rule: dict[str, Any], codes: dict[str, Any]) -> dict:
    """Units for one day's codes under `rule` (walking skeleton: one timed code)."""
    if len(entries) != 1:
        raise UnitInputError("the skeleton engine takes exactly one code=minutes entry")
    code, minutes = entries[0]
    if code not in codes:
        raise UnitInputError(f"unknown code {code!r}")
    if minutes is None or minutes < 0:
        raise UnitInputError(f"{code}: minutes must be a whole number of minutes, 0 or more")
    params = rule["parameters"]
    units = table_units(minutes, params["unit_minutes"], params["min_minutes"])
    return {
        "rule": rule["id"],
        "timed_minutes": minutes,
        "timed_units": units,
        "total_units": units,
        "units": {code: units},
        "alternatives": [],
        "warnings": [],
        "steps": [f"{code}: {minutes} timed minutes give {units} unit(s) by the 15-minute table."],
    }
