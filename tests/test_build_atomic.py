"""A failed build leaves an existing site folder byte-identical, early (bad data) or late (--strict warnings).

Each test builds a copy of the project, so it can break the data or the docs freely.
Bad data also fails `mkdocs build` with the very lines `python -m build_tools check` prints.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

COPIED = ("mkdocs.yml", "decision_tree.yaml", "package.json", "data", "docs", "overrides", "build_tools", "schemas")
COPIED += ("engine", "tests/worked_examples")
ENV = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "PYODIDE_SOURCE": "cdn"}


def snapshot(folder: Path) -> dict[str, str]:
    """Relative path -> sha256 of every file (and '<dir>' for every folder) under `folder`."""
    found = {}
    for path in sorted(folder.rglob("*")):
        rel = str(path.relative_to(folder))
        found[rel] = "<dir>" if path.is_dir() else hashlib.sha256(path.read_bytes()).hexdigest()
    return found


def mkdocs_build(project: Path, site: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "-d", str(site), *extra],
        cwd=project,
        env=ENV,
        capture_output=True,
        text=True,
    )


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory, project_root: Path) -> tuple[Path, Path]:
    """A copy of the project and a site folder built from it."""
    base = tmp_path_factory.mktemp("atomic")
    project = base / "project"
    for name in COPIED:
        src = project_root / name
        if src.is_dir():
            shutil.copytree(src, project / name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            project.mkdir(exist_ok=True)
            shutil.copy2(src, project / name)
    site = base / "out" / "site"
    run = mkdocs_build(project, site)
    assert run.returncode == 0, run.stderr
    return project, site


def leftovers(site: Path) -> list[str]:
    return sorted(p.name for p in site.parent.iterdir() if p.name != site.name)


def test_a_project_without_its_engine_fails_before_anything_is_written(
    built: tuple[Path, Path], tmp_path: Path
) -> None:
    project, site = built
    before = snapshot(site)
    api = project / "engine" / "api.py"
    api.rename(tmp_path / "api.py")
    try:
        run = mkdocs_build(project, site)
    finally:
        (tmp_path / "api.py").rename(api)
    assert run.returncode != 0
    assert "the engine package is missing (no api.py)" in run.stderr and "Traceback" not in run.stderr
    assert snapshot(site) == before and leftovers(site) == []


def test_bad_data_fails_before_anything_is_written(built: tuple[Path, Path], tmp_path: Path) -> None:
    project, site = built
    before = snapshot(site)
    record = project / "data" / "codes" / "97110.yaml"
    good = record.read_bytes()
    try:
        record.write_bytes(good.replace(b'code: "97110"', b"code: 97110\nname: twice"))
        run = mkdocs_build(project, site)
        check = subprocess.run(
            [sys.executable, "-m", "build_tools", "check", "--root", str(project)],
            capture_output=True,
            text=True,
        )
    finally:
        record.write_bytes(good)
    assert run.returncode != 0 and check.returncode == 1
    lines = check.stderr.strip().splitlines()
    assert lines[-1].endswith("problems found") or lines[-1] == "1 problem found"
    assert any(line.startswith("data/codes/97110.yaml:") and "duplicate key 'name'" in line for line in lines)
    for line in lines:
        assert line in run.stderr
    assert snapshot(site) == before
    assert leftovers(site) == []


def test_late_failure_leaves_no_partial_site(built: tuple[Path, Path]) -> None:
    """--strict aborts after every page is written (a broken link); the old site stays as it was."""
    project, site = built
    before = snapshot(site)
    broken = project / "docs" / "broken-link.md"
    broken.write_text("# Broken\n\n[nowhere](no-such-page.md)\n", encoding="utf-8")
    try:
        run = mkdocs_build(project, site, "--strict")
    finally:
        broken.unlink()
    assert run.returncode != 0
    assert "no-such-page.md" in run.stderr
    assert snapshot(site) == before
    assert leftovers(site) == []


def test_successful_build_replaces_the_site_whole(built: tuple[Path, Path]) -> None:
    project, site = built
    (site / "stale.html").write_text("left over from an older build", encoding="utf-8")
    run = mkdocs_build(project, site)
    assert run.returncode == 0, run.stderr
    assert not (site / "stale.html").exists()
    assert (site / "codes" / "97530" / "index.html").is_file()
    assert len(list((site / "assets" / "runtime").glob("engine.*.zip"))) == 1
    assert leftovers(site) == []
