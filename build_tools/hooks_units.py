"""MkDocs wiring for the engine markers (`<!-- engine:... -->`): expanded from the engine at build time.

Kept apart from build_tools/hooks.py so the unit-rules page has one owner; registered in
mkdocs.yml `hooks:`. The project is loaded once per build, only when a page has a marker.
"""

from __future__ import annotations

from typing import Any

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError

from build_tools.export import engine_data
from build_tools.load import load_project
from build_tools.pages.units import MarkerError, expand_page

_state: dict[str, Any] = {}


def on_pre_build(*, config: MkDocsConfig) -> None:
    _state.clear()


def on_page_markdown(markdown: str, *, page: Any, config: MkDocsConfig, files: Any) -> str:
    if "<!-- engine:" not in markdown:
        return markdown
    if "project" not in _state:
        _state["project"] = load_project()
        _state["data"] = engine_data(_state["project"])
    try:
        return expand_page(markdown, _state["project"], _state["data"], page.file.src_uri)
    except MarkerError as exc:
        raise PluginError(str(exc)) from exc
