"""MkDocs wiring for the engine markers (`<!-- engine:... -->`): expanded from the engine at build time.

Kept apart from build_tools/hooks.py so the unit-rules page has one owner; registered in
mkdocs.yml `hooks:`. It uses the project hooks.py loaded and checked for this build (build_tools.session),
so no YAML file is parsed twice; the engine data is made once, when the first page has a marker.
"""

from __future__ import annotations

from typing import Any

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError

from build_tools import session
from build_tools.export import engine_data
from build_tools.pages.units import MarkerError, expand_page

_state: dict[str, Any] = {}


def on_pre_build(*, config: MkDocsConfig) -> None:
    _state.clear()


def on_page_markdown(markdown: str, *, page: Any, config: MkDocsConfig, files: Any) -> str:
    if "<!-- engine:" not in markdown:
        return markdown
    if "data" not in _state:
        _state["data"] = engine_data(session.project())
    try:
        return expand_page(markdown, session.project(), _state["data"], page.file.src_uri)
    except MarkerError as exc:
        raise PluginError(str(exc)) from exc
