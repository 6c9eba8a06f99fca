"""build_tools/checks/valid_cache.py: a rebuild skips validating data that passed the same schemas before."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from build_tools.checks import schema, valid_cache
from build_tools.load import Project, load_project


@pytest.fixture
def root(project_root: Path, tmp_path: Path) -> Path:
    shutil.copytree(project_root / "data", tmp_path / "data")
    shutil.copy(project_root / "decision_tree.yaml", tmp_path)
    return tmp_path


def _validated(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Record the names of the documents validate_project really validates."""
    seen: list[str] = []
    real = schema.validate_document

    def spy(doc, name):  # type: ignore[no-untyped-def]
        seen.append(doc.path.name)
        return real(doc, name)

    monkeypatch.setattr(schema, "validate_document", spy)
    return seen


def _activity(project: Project) -> str:
    return sorted(project.activities)[0]


def test_a_rebuild_validates_only_what_changed(root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    seen = _validated(monkeypatch)
    first = load_project(root)
    assert not any(schema.validate_project(first).values())
    assert len(seen) == len(first.documents())
    seen.clear()
    # same data: nothing is validated again, and the answer is the same
    assert not any(schema.validate_project(load_project(root)).values())
    assert seen == []
    # data changed in memory (not on disk) is validated afresh, and its problem is found
    changed = load_project(root)
    slug = _activity(changed)
    changed.activities[slug].data["name"] = 7
    found = schema.validate_project(changed)
    assert seen == [f"{slug}.yaml"]
    assert [p.message for p in found[changed.activities[slug].path]] == ["name must be text, not a number: 7"]


def test_a_document_with_problems_is_never_remembered(root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    project = load_project(root)
    slug = _activity(project)
    project.activities[slug].data["name"] = 7
    assert schema.validate_project(project)[project.activities[slug].path]
    seen = _validated(monkeypatch)
    assert schema.validate_project(project)[project.activities[slug].path]
    assert seen == [f"{slug}.yaml"]


def test_other_schemas_make_other_entries(root: Path) -> None:
    data = load_project(root).activities
    doc = data[sorted(data)[0]]
    found = schema.schemas()
    changed = {**found, "activity.schema.json": {**found["activity.schema.json"], "description": "edited"}}
    one, two = valid_cache.schema_digest(found), valid_cache.schema_digest(changed)
    assert one != two
    assert valid_cache.entry(one, "activity.schema.json", doc.data) != valid_cache.entry(
        two, "activity.schema.json", doc.data
    )
    # a date and the same text as a string are different data
    assert valid_cache.entry(one, "x", {"d": __import__("datetime").date(2026, 1, 2)}) != valid_cache.entry(
        one, "x", {"d": "2026-01-02"}
    )


def test_an_unusable_cache_is_only_a_slower_check(root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (root / ".cache").write_text("not a folder", encoding="utf-8")  # the cache folder cannot be made
    seen = _validated(monkeypatch)
    assert not any(schema.validate_project(load_project(root)).values())
    assert not any(schema.validate_project(load_project(root)).values())
    assert len(seen) == 2 * len(load_project(root).documents())


def test_without_cache_everything_is_validated(root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    schema.validate_project(load_project(root))
    seen = _validated(monkeypatch)
    project = load_project(root)
    schema.validate_project(project, cache=False)
    assert len(seen) == len(project.documents())
