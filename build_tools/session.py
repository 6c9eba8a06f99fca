"""The project loaded for the build in progress, shared by the MkDocs hook modules.

MkDocs loads each hook file as a module of its own, so hooks.py (which loads and checks
the data once, in on_pre_build) hands the loaded project to the others through here:
every YAML file is parsed once per build.
"""

from __future__ import annotations

from build_tools.load import Project

_current: dict[str, Project] = {}


def set_project(project: Project) -> None:
    _current["project"] = project


def project() -> Project:
    """The project of the build in progress (set by hooks.on_pre_build, which runs first)."""
    if "project" not in _current:
        raise RuntimeError("no build in progress: build_tools/hooks.py must be listed first under mkdocs.yml hooks")
    return _current["project"]
