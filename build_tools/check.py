"""The whole validation as one function: load, schema pass, cross-reference checks; returns every problem.

`python -m build_tools check` and the MkDocs hooks both call `check_project`, so
they report the very same messages.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from build_tools import ROOT, checks, clock
from build_tools.checks.schema import schemas, validate_project
from build_tools.load import Project, load_project
from build_tools.report import Problem


def check_loaded(project: Project, today: dt.date | None = None) -> list[Problem]:
    """Schema and cross-reference problems of an already loaded project, plus its load problems, sorted."""
    schemas.cache_clear()  # `mkdocs serve` runs many checks in one process: read the schemas afresh
    problems = project.load_problems()
    by_doc = validate_project(project)
    ok = {doc.path for doc in project.documents() if doc.ok and not by_doc[doc.path]}
    problems += [p for found in by_doc.values() for p in found]
    ctx = checks.Context(project, ok, today or clock.today())
    problems += checks.run(ctx)
    return sorted(set(problems))


def check_project(root: Path = ROOT, today: dt.date | None = None) -> tuple[Project, list[Problem]]:
    """Load the data under `root` and return it with every problem found (empty when the data is sound)."""
    project = load_project(root)
    return project, check_loaded(project, today)
