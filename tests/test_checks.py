"""Every bad input under tests/bad_input/ fails the whole check with exactly its expected messages.

See tests/bad_input/README.md for the fixture format. Each fixture is dropped into
a copy of the real project, so cross-reference fixtures resolve against the real
codes, activities, sources and tree.
"""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

import pytest

from build_tools import checks
from build_tools.check import check_loaded
from build_tools.checks import tree as checks_tree
from build_tools.load import load_project
from build_tools.yaml_strict import MAX_BYTES
from tests.conftest import CHECK_DAY

ROOT = Path(__file__).resolve().parents[1]
BAD = Path(__file__).parent / "bad_input"
FIXTURES = sorted(p for p in BAD.rglob("*") if p.is_file() and p.suffix not in (".expect", ".md"))
REPLACES = {"tree": "decision_tree.yaml", "vocab": "data/vocab.yaml", "sources": "data/sources.yaml"}
HEADER = re.compile(rb"^#\s*(expect|file|max_bytes):\s?(.*)$")


def fixture_spec(path: Path) -> tuple[str, list[str], int]:
    """(target path in the project, expected 'line:col: message' lines, size limit) of one fixture."""
    kind = path.parent.name
    target = REPLACES.get(kind) or f"data/{'payers' if kind == 'loader' else kind}/{path.name}"
    expected, limit = [], MAX_BYTES
    for raw in path.read_bytes().splitlines():
        match = HEADER.match(raw)
        if not match:
            continue
        key, value = match.group(1).decode(), match.group(2).decode("utf-8").strip()
        if key == "expect":
            expected.append(value)
        elif key == "file":
            target = value
        else:
            limit = int(value)
    sidecar = path.with_name(path.name + ".expect")
    if sidecar.exists():
        expected += [line for line in sidecar.read_text(encoding="utf-8").splitlines() if line.strip()]
    return target, expected, limit


@pytest.fixture(scope="module")
def project_copy(tmp_path_factory: pytest.TempPathFactory) -> Path:
    base = tmp_path_factory.mktemp("project")
    shutil.copy2(ROOT / "decision_tree.yaml", base / "decision_tree.yaml")
    shutil.copytree(ROOT / "data", base / "data")
    return base


@pytest.fixture
def project_root(project_copy: Path, tmp_path: Path) -> Path:
    root = tmp_path / "root"
    shutil.copytree(project_copy, root, copy_function=os.symlink)  # cheap: files are links, the fixture a copy
    (root / "docs").symlink_to(ROOT / "docs", target_is_directory=True)  # links in data text resolve against it
    return root


@pytest.mark.parametrize("fixture", FIXTURES, ids=[str(p.relative_to(BAD)) for p in FIXTURES])
def test_bad_input_fails_with_its_message(fixture: Path, project_root: Path) -> None:
    target, expected, limit = fixture_spec(fixture)
    assert expected, f"{fixture}: no '# expect:' line and no .expect file"
    dest = project_root / target
    dest.parent.mkdir(parents=True, exist_ok=True)
    dest.unlink(missing_ok=True)
    shutil.copyfile(fixture, dest)
    problems = check_loaded(load_project(project_root, max_bytes=limit), today=CHECK_DAY)
    found = [
        f"{p.line}:{p.column}: {p.message}" + (f" (fix: {p.fix})" if p.fix else "") for p in problems if p.path == dest
    ]
    assert found == expected


def test_fixture_set_covers_every_rule_and_trap() -> None:
    """At least 30 fixtures, 10 with a fix hint, and every cross-reference rule is exercised by one."""
    specs = [fixture_spec(p) for p in FIXTURES]
    assert len(FIXTURES) >= 30
    assert sum(any("(fix: " in e for e in expected) for _t, expected, _l in specs) >= 10
    names = {p.stem for p in FIXTURES}
    covered = {
        "files_all_loaded": "stray-extension",
        "ids_match_filenames": "id-differs-from-file-name",
        "unique_list_ids": "duplicate-source-id",
        "dates_not_future": "future-date",
        "sources_exist": "dangling-source",
        "codes_exist": "dangling-addon-code",
        "activities_exist": "dangling-activity",
        "vocabulary_terms_exist": "unknown-vocab-term",
        "unit_rules_exist": "unknown-unit-rule",
        "answers_billable_alone": "addon-code-as-only-answer",
        "node_ids_unique": "duplicate-node-id",
        "answer_ids_unique": "duplicate-answer-id",
        "targets_exist": "dangling-next",
        "no_cycles": "cycle",
        "all_reachable": "unreachable-node",
        "outcome_references_exist": "outcome-unknown-code",
        "case_paths_walk": "tree-path-wrong-answer",
        "patterns_compile": "bad-coach-pattern",
        "case_minutes_agree": "unskilled-minutes-and-wrong-total",
        "case_blocks_agree": "blocks-out-of-order",
        "no_sentence_in_two_files": "duplicate-sentence",
        "topics_exist": "dangling-topic",
        "answer_links_exist": "outranks-unknown-answer",
        "evidence_patterns_compile": "evidence-bad-pattern",
        "text_is_safe": "xss-in-text",
        "patterns_are_linear": "redos-pattern",
        "unit_rules_compute": "min-above-unit",
        "case_units_compute": "minutes-over-a-day",
        "policy_walks_exist": "policy-unknown-answer",
    }
    rule_names = {r.__name__ for r in checks.rules()} | {r.__name__ for r in checks_tree.RULES}
    assert rule_names == set(covered)
    assert set(covered.values()) <= names
