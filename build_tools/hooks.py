"""MkDocs event wiring only: validate before anything is written, build into a staging folder, add pages.

A build never leaves a half-written site: bad data stops it in on_pre_build with
the same messages as `python -m build_tools check`; everything else is written to a
sibling staging folder that replaces the site folder only when the build succeeded
(including --strict's warning count). On any error the staging folder is deleted
and the old site stays byte-identical.
"""

from __future__ import annotations

import logging
import shutil
import sys
import tempfile
from pathlib import Path
from typing import Any

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import event_priority
from mkdocs.structure.files import File, Files
from mkdocs.utils import CountHandler

from build_tools import clock, precompress, preload, pyodide, search_terms, security, service_worker, session
from build_tools.check import check_project
from build_tools.clock import ClockError
from build_tools.export import engine_archive, write_site_assets
from build_tools.freshness import render_warnings, stale_facts
from build_tools.load import Project
from build_tools.pages import generated_pages
from build_tools.report import render

_state: dict[str, Any] = {}


def _pyodide_source(config: MkDocsConfig) -> str:
    return str(config.extra.get("pyodide", {}).get("source", "cdn"))


def _snapshot_policy(config: MkDocsConfig) -> str:
    return pyodide.snapshot_policy(config.extra.get("pyodide", {}).get("snapshot", "cached"))


def on_startup(*, command: str, dirty: bool) -> None:
    _state["command"] = command  # `serve`: no service worker (build_tools/service_worker.py)


def on_config(config: MkDocsConfig) -> MkDocsConfig:
    # the service worker pages register (site-root-relative), none under `mkdocs serve`
    config.extra["tcg_sw"] = "" if _state.get("command") == "serve" else service_worker.SCRIPT
    try:
        config.extra["pyodide_base"] = pyodide.base_url(_pyodide_source(config))
        cdn = config.extra["pyodide_base"] if _pyodide_source(config) == "cdn" else ""
        config.extra["tcg_csp"] = security.meta_csp(cdn)
        config.extra["tcg_headers"] = security.headers_file(cdn)
        config.extra["tcg_snapshot_policy"] = _snapshot_policy(config)
        if _pyodide_source(config) == "local":
            pyodide.local_package_dir()
    except pyodide.PyodideSetupError as exc:
        raise PluginError(str(exc)) from exc
    final = Path(config.site_dir).resolve()
    final.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{final.name}.staging-", dir=final.parent))
    _state.update(final=final, staging=staging)
    config.site_dir = str(staging)
    return config


def on_pre_build(*, config: MkDocsConfig) -> None:
    """Runs before anything is written: bad data stops the build with the site untouched."""
    root = Path(config.config_file_path).resolve().parent
    try:
        project, problems = check_project(root)
    except ClockError as exc:
        raise PluginError(str(exc)) from exc
    if problems:
        raise PluginError("invalid data:\n" + render(problems, root))
    stale = stale_facts(project, clock.today())
    if stale:  # printed, not logged: --strict counts logged warnings, and an old figure never fails the build
        print(render_warnings(stale, root), file=sys.stderr)
    _state["project"] = project
    session.set_project(project)
    try:
        runtime = pyodide.runtime_files(engine_archive(root / "engine"), root)
    except (pyodide.PyodideSetupError, FileNotFoundError) as exc:
        raise PluginError(str(exc)) from exc
    if config.extra["tcg_snapshot_policy"] == "off":
        runtime.pop("snapshot", None)
    _state["runtime"] = runtime
    # site-root-relative URLs for the page's <meta> tags (overrides/main.html); no stdlib: Pyodide's own
    config.extra["tcg_runtime"] = {name: path for name, (path, _data) in runtime.items()}
    header = pyodide.snapshot_header(runtime["snapshot"][1]) if "snapshot" in runtime else None
    if header:  # what the worker must find at the top of the snapshot before it uses it, and the heap's size
        config.extra["tcg_runtime"].update(snapshot_header=header["line"], snapshot_size=header["size"])


def _project() -> Project:
    return _state["project"]


def on_files(files: Files, *, config: MkDocsConfig) -> Files:
    _state["page_sources"] = {}
    for src_uri, (content, source) in generated_pages(_project()).items():
        files.append(File.generated(config, src_uri, content=content))
        _state["page_sources"][src_uri] = source
    return files


def on_page_context(context: dict[str, Any], *, page: Any, config: MkDocsConfig, nav: Any) -> dict[str, Any]:
    """Point the edit link at the file a page comes from (the YAML, for generated pages)."""
    base = config.extra.get("edit_base")
    if base:
        source = _state.get("page_sources", {}).get(page.file.src_uri, f"docs/{page.file.src_uri}")
        # a page made from a whole folder links to the folder (GitHub cannot edit a folder)
        page.edit_url = (base.replace("/edit/", "/tree/") if source.endswith("/") else base) + source
    return context


def on_post_page(output: str, *, page: Any, config: MkDocsConfig) -> str:
    """Fetch the page's blocking scripts at once (build_tools/preload.py: the CSP meta tag turns the browser's
    look-ahead off)."""
    return preload.add_preloads(output)


def _strict_warnings() -> int:
    handlers = logging.getLogger("mkdocs").handlers
    return sum(n for h in handlers if isinstance(h, CountHandler) for _level, n in h.get_counts())


def _swap_into_place(staging: Path, final: Path) -> None:
    """Replace `final` by `staging` with two renames on one file system."""
    old = None
    if final.exists():
        old = Path(tempfile.mkdtemp(prefix=f".{final.name}.old-", dir=final.parent))
        final.rename(old / "site")
    staging.rename(final)
    if old is not None:
        shutil.rmtree(old)


@event_priority(-100)
def on_post_build(*, config: MkDocsConfig) -> None:
    """Write the site assets (the runtime files with .gz and .br copies beside them), then move the finished site
    into place (last of all post-build work)."""
    staging = Path(config.site_dir)
    index = staging / "search" / "search_index.json"
    if index.is_file():  # written by the search plugin's on_post_build, which runs before this one
        search_terms.add_to_index(index, search_terms.page_terms(_project()))
    write_site_assets(_project(), staging)
    (staging / "_headers").write_text(config.extra["tcg_headers"], encoding="utf-8")
    pyodide.write_runtime(staging, _state["runtime"])
    if _pyodide_source(config) == "local":
        pyodide.copy_local(staging)
    precompress.precompress(staging, Path(config.config_file_path).resolve().parent)
    # last of the files: its lists and version come from every file written above
    service_worker.write(staging, config.extra["pyodide_base"], serve=_state.get("command") == "serve")
    if _strict_warnings():
        return  # MkDocs aborts right after this; on_build_error removes the staging folder
    _swap_into_place(staging, _state["final"])
    config.site_dir = str(_state["final"])
    _state.pop("staging", None)


def on_build_error(*, error: Exception) -> None:
    """Drop the staging folder: the previous site stays as it was."""
    staging = _state.pop("staging", None)
    if staging is not None:
        shutil.rmtree(staging, ignore_errors=True)
