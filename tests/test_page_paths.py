"""build_tools/page_paths.py: the one list of generated pages, held to what the generators make."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from build_tools.load import Project, load_project
from build_tools.page_paths import generated_paths
from build_tools.pages import generated_pages


@pytest.fixture(scope="module")
def project(project_root: Path) -> Project:
    return load_project(project_root)


def test_the_list_is_what_the_generators_make(project: Project) -> None:
    assert generated_paths(project) == set(generated_pages(project))


def test_a_page_without_its_data_is_not_listed(project: Project) -> None:
    slug = sorted(project.activities)[0]
    kept = {k: v for k, v in project.activities.items() if k != slug}
    fewer = dataclasses.replace(project, records={**project.records, "activities": kept})
    assert f"activities/{slug}.md" in generated_paths(project)
    assert f"activities/{slug}.md" not in generated_paths(fewer)
    assert generated_paths(fewer) == set(generated_pages(fewer))


def test_generators_and_list_that_disagree_stop_the_build(project: Project, monkeypatch: pytest.MonkeyPatch) -> None:
    import build_tools.pages as pages

    monkeypatch.setattr(pages, "generated_paths", lambda p: generated_paths(p) | {"guide/ghost.md"})
    with pytest.raises(RuntimeError, match=r"page_paths\.py.*guide/ghost\.md"):
        pages.generated_pages(project)
