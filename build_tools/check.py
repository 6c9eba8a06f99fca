"""The whole validation: load, schema pass, cross-reference checks; returns every problem."""

from __future__ import annotations

from pathlib import Path

from build_tools import ROOT
from build_tools.load import Project, load_project
from build_tools.report import Problem
from build_tools.schema import validate_project


def check_project(root: Path = ROOT) -> tuple[Project | None, list[Problem]]:
    project = load_project(root)
    return project, validate_project(project)
