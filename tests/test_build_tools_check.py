"""build_tools check: the real data passes, and the command line reports problems with exit 1."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path


def test_real_data_passes_check(project_root: Path) -> None:
    run = subprocess.run(
        [sys.executable, "-m", "build_tools", "check"], cwd=project_root, capture_output=True, text=True
    )
    assert run.returncode == 0, run.stderr
    assert "0 problems" in run.stdout


def test_problems_are_reported_sorted_with_fixes_and_a_count(project_root: Path, tmp_path: Path) -> None:
    import shutil

    root = tmp_path / "project"
    shutil.copytree(project_root / "data", root / "data")
    shutil.copy2(project_root / "decision_tree.yaml", root / "decision_tree.yaml")
    rule = (root / "data" / "payers" / "cms.yaml").read_text(encoding="utf-8")
    (root / "data" / "payers" / "zz.yaml").write_text(rule.replace("id: cms", "id: zz\nid: zz"), encoding="utf-8")
    (root / "data" / "payers" / "aa.yaml").write_text(rule.replace("id: cms", "id: aa\nalgorithm: pooled"), "utf-8")
    run = subprocess.run(
        [sys.executable, "-m", "build_tools", "check", "--root", str(root)], capture_output=True, text=True
    )
    assert run.returncode == 1
    lines = run.stderr.strip().splitlines()
    assert lines[-1] == f"{len(lines) - 1} problems found"
    assert lines[:-1] == sorted(lines[:-1], key=lambda line: (line.split(":")[0], *map(int, line.split(":")[1:3])))
    assert lines[0] == "data/payers/aa.yaml:4:1: duplicate key 'algorithm' (first at line 2) (fix: keep one of the two)"
    assert lines[-2] == "data/payers/zz.yaml:2:1: duplicate key 'id' (first at line 1) (fix: keep one of the two)"


def _copy_project(project_root: Path, root: Path) -> None:
    import shutil

    shutil.copytree(project_root / "data", root / "data")
    shutil.copy2(project_root / "decision_tree.yaml", root / "decision_tree.yaml")


def test_a_future_review_date_is_refused_on_the_real_clock(project_root: Path, tmp_path: Path) -> None:
    """No TCG_TODAY: the command line takes today from the clock, and year 2999 is in the future on any run."""
    import os

    root = tmp_path / "project"
    _copy_project(project_root, root)
    path = root / "data" / "codes" / "97110.yaml"
    text = path.read_text(encoding="utf-8")
    reviewed = next(line for line in text.splitlines() if line.startswith("reviewed:"))
    path.write_text(text.replace(reviewed, "reviewed: '2999-01-01'"), encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if k != "TCG_TODAY"}
    run = subprocess.run(
        [sys.executable, "-m", "build_tools", "check", "--root", str(root)], capture_output=True, text=True, env=env
    )
    assert run.returncode == 1
    assert "data/codes/97110.yaml:" in run.stderr
    assert "reviewed must not be in the future: '2999-01-01'" in run.stderr


def test_tcg_today_fixes_the_day_and_a_bad_value_is_named(project_root: Path, tmp_path: Path) -> None:
    import os

    root = tmp_path / "project"
    _copy_project(project_root, root)
    cmd = [sys.executable, "-m", "build_tools", "check", "--root", str(root)]
    early = subprocess.run(cmd, capture_output=True, text=True, env={**os.environ, "TCG_TODAY": "2000-01-01"})
    assert early.returncode == 1
    assert "(today is 2000-01-01)" in early.stderr
    bad = subprocess.run(cmd, capture_output=True, text=True, env={**os.environ, "TCG_TODAY": "tomorrow"})
    assert bad.returncode == 2
    assert bad.stderr.strip() == "python -m build_tools check: TCG_TODAY must be a date written YYYY-MM-DD: 'tomorrow'"


def test_a_file_name_with_a_line_break_stays_on_one_problem_line(tmp_path: Path) -> None:
    """Issue 26 (report, quirk 13): a file name holding a newline split its problem line in two."""
    from build_tools.report import Problem, render

    problem = Problem(tmp_path / "data" / "codes" / "x\ny.yaml", 1, 1, "file is empty", "add the record")
    assert render([problem], tmp_path).splitlines() == [
        "data/codes/x\\ny.yaml:1:1: file is empty (fix: add the record)",
        "1 problem found",
    ]
