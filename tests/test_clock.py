"""build_tools.clock: the one place that reads "today", settable and time-zone safe."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest

from build_tools import ROOT, clock
from build_tools.check import check_loaded
from build_tools.load import load_project

UTC = dt.UTC


def test_fixed_day_comes_from_the_environment_variable() -> None:
    assert clock.today({"TCG_TODAY": "2027-06-01"}) == dt.date(2027, 6, 1)


def test_a_bad_fixed_day_names_the_variable_and_the_format() -> None:
    with pytest.raises(clock.ClockError, match=r"TCG_TODAY must be a date written YYYY-MM-DD: '2027-13-01'"):
        clock.today({"TCG_TODAY": "2027-13-01"})


@pytest.mark.parametrize(
    ("now", "expected"),
    [
        (dt.datetime(2026, 12, 31, 23, 59, 30, tzinfo=UTC), dt.date(2027, 1, 1)),
        (dt.datetime(2026, 12, 31, 9, 59, 59, tzinfo=UTC), dt.date(2026, 12, 31)),
        (dt.datetime(2026, 12, 31, 10, 0, 0, tzinfo=UTC), dt.date(2027, 1, 1)),
        (dt.datetime(2026, 6, 1, 0, 0, tzinfo=dt.timezone(dt.timedelta(hours=-10))), dt.date(2026, 6, 2)),
    ],
)
def test_today_is_the_latest_date_anywhere_on_earth(now: dt.datetime, expected: dt.date) -> None:
    assert clock.today({}, now=now) == expected


def test_the_real_data_passes_on_a_later_day_and_a_future_review_is_refused(tmp_path: Path) -> None:
    shutil.copy2(ROOT / "decision_tree.yaml", tmp_path / "decision_tree.yaml")
    shutil.copytree(ROOT / "data", tmp_path / "data")
    project = load_project(tmp_path)
    assert check_loaded(project, today=dt.date(2099, 1, 1)) == []
    newest = max(dt.date.fromisoformat(d.data["reviewed"]) for d in project.records["codes"].values())
    problems = check_loaded(project, today=newest - dt.timedelta(days=1))
    assert any("reviewed must not be in the future" in p.message for p in problems)


def test_only_the_clock_module_reads_the_clock() -> None:
    """The date class of bug stays fixed: no other module of the build or the engine asks for today or now."""
    import re

    reads = re.compile(r"\b(date\.today|datetime\.now|datetime\.utcnow|time\.time|localtime)\(")
    offenders = [
        str(path.relative_to(ROOT))
        for folder in ("build_tools", "engine")
        for path in sorted((ROOT / folder).rglob("*.py"))
        if path.name != "clock.py" and reads.search(path.read_text(encoding="utf-8"))
    ]
    assert offenders == []
