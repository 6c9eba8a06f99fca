"""Where the browser gets Pyodide: the pinned CDN URL, or a local copy of the npm package."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from build_tools import ROOT

#: the files a browser actually fetches to start Pyodide
RUNTIME_FILES = ("pyodide.mjs", "pyodide.asm.mjs", "pyodide.asm.wasm", "python_stdlib.zip", "pyodide-lock.json")
LOCAL_BASE = "assets/pyodide/"
CDN_TEMPLATE = "https://cdn.jsdelivr.net/pyodide/v{version}/full/"


class PyodideSetupError(RuntimeError):
    """The configured Pyodide source cannot be used; the message says how to fix it."""


def pinned_version(root: Path = ROOT) -> str:
    """The exact pyodide version pinned in package.json."""
    version = json.loads((root / "package.json").read_text(encoding="utf-8"))["dependencies"]["pyodide"]
    if not version[:1].isdigit():
        raise PyodideSetupError(f"package.json: pin pyodide exactly (e.g. 314.0.7), not {version!r}")
    return version


def base_url(source: str, root: Path = ROOT) -> str:
    """The Pyodide base URL for `source` ('cdn' or 'local'); local is relative to the site root."""
    if source == "cdn":
        return CDN_TEMPLATE.format(version=pinned_version(root))
    if source == "local":
        return LOCAL_BASE
    raise PyodideSetupError(f"mkdocs.yml: extra.pyodide.source must be 'cdn' or 'local', not {source!r}")


def local_package_dir(root: Path = ROOT) -> Path:
    """node_modules/pyodide, checked to hold the pinned version's runtime files."""
    pkg = root / "node_modules" / "pyodide"
    missing = [name for name in RUNTIME_FILES if not (pkg / name).is_file()]
    if missing:
        raise PyodideSetupError(f"{pkg}: missing {', '.join(missing)} (fix: run `npm ci` in {root})")
    installed = json.loads((pkg / "package.json").read_text(encoding="utf-8"))["version"]
    if installed != pinned_version(root):
        raise PyodideSetupError(
            f"{pkg}: version {installed} differs from the pin {pinned_version(root)} (fix: run `npm ci`)"
        )
    return pkg


def copy_local(site_dir: Path, root: Path = ROOT) -> None:
    """Copy the runtime files into the built site so it works offline."""
    src = local_package_dir(root)
    dest = site_dir / LOCAL_BASE
    dest.mkdir(parents=True, exist_ok=True)
    for name in RUNTIME_FILES:
        shutil.copy2(src / name, dest / name)
