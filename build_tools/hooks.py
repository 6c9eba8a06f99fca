"""MkDocs event wiring only: validate before anything is written, add generated pages, write assets."""

from __future__ import annotations

from typing import Any

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.structure.files import File, Files

from build_tools import pyodide
from build_tools.check import check_project
from build_tools.export import write_site_assets
from build_tools.load import Project
from build_tools.pages import generated_pages
from build_tools.report import render

_state: dict[str, Any] = {}


def _pyodide_source(config: MkDocsConfig) -> str:
    return str(config.extra.get("pyodide", {}).get("source", "cdn"))


def on_config(config: MkDocsConfig) -> MkDocsConfig:
    try:
        config.extra["pyodide_base"] = pyodide.base_url(_pyodide_source(config))
        if _pyodide_source(config) == "local":
            pyodide.local_package_dir()
    except pyodide.PyodideSetupError as exc:
        raise PluginError(str(exc)) from exc
    return config


def on_pre_build(*, config: MkDocsConfig) -> None:
    """Runs before MkDocs empties the site folder: bad data stops the build with the site untouched."""
    project, problems = check_project()
    if problems:
        raise PluginError("invalid data:\n" + render(problems))
    _state["project"] = project


def _project() -> Project:
    return _state["project"]


def on_files(files: Files, *, config: MkDocsConfig) -> Files:
    _state["page_sources"] = {}
    for src_uri, (content, source) in generated_pages(_project()).items():
        files.append(File.generated(config, src_uri, content=content))
        _state["page_sources"][src_uri] = source
    return files


def on_post_build(*, config: MkDocsConfig) -> None:
    from pathlib import Path

    site_dir = Path(config.site_dir)
    write_site_assets(_project(), site_dir)
    if _pyodide_source(config) == "local":
        pyodide.copy_local(site_dir)


def on_page_context(context: dict[str, Any], *, page: Any, config: MkDocsConfig, nav: Any) -> dict[str, Any]:
    """Point the edit link at the file a page comes from (the YAML, for generated pages)."""
    base = config.extra.get("edit_base")
    if base:
        source = _state.get("page_sources", {}).get(page.file.src_uri, f"docs/{page.file.src_uri}")
        page.edit_url = base + source
    return context
