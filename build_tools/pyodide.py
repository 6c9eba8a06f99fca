"""Where the browser gets Pyodide (the pinned CDN URL, or a local copy of the npm package), and the runtime files
the site itself serves: the standard library and the engine precompiled to .pyc, under content-hashed names."""

from __future__ import annotations

import hashlib
import json
import logging
import shutil
import subprocess
import tempfile
from pathlib import Path

from build_tools import ROOT

log = logging.getLogger("mkdocs.tcg.pyodide")

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


# --- precompiled Python and the content-hashed runtime files -------------------------------------------------

#: the site folder of the files named by content hash (serve it with a long, immutable cache lifetime)
RUNTIME_DIR = "assets/runtime/"
#: compiled archives, by Pyodide version and engine hash (outside the site; gitignored)
CACHE_DIR = Path(".cache") / "pyc"
COMPILER = Path(__file__).with_name("compile_python.mjs")


def _digest(*parts: bytes) -> str:
    h = hashlib.sha256()
    for part in parts:
        h.update(len(part).to_bytes(8, "big") + part)
    return h.hexdigest()


def cache_key(engine_zip: bytes, root: Path = ROOT) -> str:
    """The compile cache's entry name: Pyodide version, engine archive and compiler script."""
    return _digest(pinned_version(root).encode(), engine_zip, COMPILER.read_bytes())[:20]


def precompiled(engine_zip: bytes, root: Path = ROOT) -> tuple[bytes, bytes] | None:
    """(stdlib zip, engine zip) compiled to .pyc by Pyodide's own CPython under Node, or None without Node or the
    npm package (the browser then compiles the source, as before). Cached in .cache/pyc/ by Pyodide version,
    engine and compiler: a rebuild with the same inputs starts no Node."""
    try:
        pkg = local_package_dir(root)
    except PyodideSetupError as exc:
        log.info("no precompiled Python: %s", exc)
        return None
    node = shutil.which("node")
    key = cache_key(engine_zip, root)
    cache = root / CACHE_DIR / key
    if not (cache / "stdlib.zip").is_file() or not (cache / "engine.zip").is_file():
        if node is None:
            log.info("no precompiled Python: node is not installed")
            return None
        cache.parent.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(prefix=f"{key}.", dir=cache.parent))
        try:
            source = tmp.parent / f"{tmp.name}.engine-src.zip"
            source.write_bytes(engine_zip)
            run = subprocess.run(
                [node, str(COMPILER), str(pkg), str(source), str(tmp)], capture_output=True, text=True, timeout=600
            )
            source.unlink()
            if run.returncode != 0:
                raise PyodideSetupError(f"{COMPILER}: compiling Python with Pyodide failed:\n{run.stderr[-2000:]}")
            if not cache.is_dir():  # another build may have written it meanwhile
                tmp.rename(cache)  # atomic: a cache entry is whole or absent
        finally:
            shutil.rmtree(tmp, ignore_errors=True)
    return (cache / "stdlib.zip").read_bytes(), (cache / "engine.zip").read_bytes()


def hashed_name(stem: str, data: bytes, suffix: str) -> str:
    """`stem.<first 12 hex of sha256>.suffix`: a new content gets a new name, so the old one can be cached forever."""
    return f"{stem}.{hashlib.sha256(data).hexdigest()[:12]}{suffix}"


def runtime_files(engine_zip: bytes, root: Path = ROOT) -> dict[str, tuple[str, bytes]]:
    """What goes into assets/runtime/: {'engine': (site path, bytes), 'stdlib': ...}; 'stdlib' only when compiled.

    The engine is the .pyc archive when Pyodide could compile it, else the source archive."""
    compiled = precompiled(engine_zip, root)
    engine = compiled[1] if compiled else engine_zip
    files = {"engine": (RUNTIME_DIR + hashed_name("engine", engine, ".zip"), engine)}
    if compiled:
        files["stdlib"] = (RUNTIME_DIR + hashed_name("python_stdlib", compiled[0], ".zip"), compiled[0])
    return files


def write_runtime(site_dir: Path, files: dict[str, tuple[str, bytes]]) -> None:
    for path, data in files.values():
        dest = site_dir / path
        dest.parent.mkdir(parents=True, exist_ok=True)
        dest.write_bytes(data)
