"""Checks that must hold on hostile or broken projects: no traceback, no cascade of false errors, bounded work."""

from __future__ import annotations

import copy
import shutil
from pathlib import Path

import pytest

from build_tools import checks
from build_tools.check import check_loaded
from build_tools.checks import tree as tree_checks
from build_tools.load import load_project
from tests.conftest import CHECK_DAY

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def copy_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    base = tmp_path_factory.mktemp("cascade") / "root"
    base.mkdir()
    shutil.copy2(ROOT / "decision_tree.yaml", base / "decision_tree.yaml")
    shutil.copytree(ROOT / "data", base / "data")
    (base / "docs").symlink_to(ROOT / "docs", target_is_directory=True)
    return base


@pytest.mark.parametrize("target", ["data/codes/97110.yaml", "data/sources.yaml", "data/payers/cms.yaml"])
def test_one_broken_file_is_reported_alone(copy_root: Path, target: str) -> None:
    """A file that cannot be read is reported once; what refers to it stays quiet (was 75 and 581 errors)."""
    path = copy_root / target
    saved = path.read_bytes()
    try:
        path.write_text("key: [\n", encoding="utf-8")
        problems = check_loaded(load_project(copy_root), today=CHECK_DAY)
    finally:
        path.write_bytes(saved)
    assert [p.path for p in problems] == [path]
    assert problems[0].message.startswith("YAML syntax:")


def _chain_project(length: int, back_to_start: bool) -> tuple[checks.Context, object]:
    project = load_project(ROOT)
    tree = copy.deepcopy(project.tree.data)
    outcome = next(n for n in tree["nodes"] if n["type"] == "outcome")
    template = next(n for n in tree["nodes"] if n["type"] == "question")
    nodes = []
    for i in range(length):
        q = copy.deepcopy(template)
        q["id"] = f"q_chain_{i}"
        nxt = f"q_chain_{i + 1}" if i + 1 < length else ("q_chain_0" if back_to_start else outcome["id"])
        q["answers"] = [{**q["answers"][0], "id": "a_on", "next": nxt}]
        nodes.append(q)
    tree["root"], tree["nodes"] = "q_chain_0", [*nodes, outcome]
    project.tree.data = tree
    return checks.Context(project, {project.tree.path}, CHECK_DAY), project


def test_a_1200_question_chain_is_checked_without_recursion() -> None:
    ctx, _ = _chain_project(1200, back_to_start=False)
    assert list(tree_checks.no_cycles(ctx)) == []
    assert list(tree_checks.all_reachable(ctx)) == []


def test_a_1200_question_loop_is_one_short_message() -> None:
    ctx, _ = _chain_project(1200, back_to_start=True)
    found = list(tree_checks.no_cycles(ctx))
    assert [p.message for p in found] == [
        "answer a_on of q_chain_1199 leads back to q_chain_0: the tree has a cycle "
        "(q_chain_0 -> q_chain_1 -> q_chain_2 -> ... 1195 more ... -> q_chain_1198 -> q_chain_1199 -> q_chain_0)"
    ]
