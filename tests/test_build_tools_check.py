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
