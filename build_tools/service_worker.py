"""The service worker's lists and version, derived from the files the build actually wrote (offline use:
docs/about-performance.md, "Offline and repeat visits").

`sw-manifest.json` at the site root holds:
- `precache`: [url, hash] of every page and asset the site serves (the search index, the data JSON, the
  scripts, styles and images), site-root-relative; a page `x/index.html` by its address `x/`. The worker
  caches them all when it installs, in one cache per version.
- `runtime`: {url: hash} of the engine's runtime files (Pyodide's files, the precompiled stdlib, the engine
  archive, the snapshot). The worker caches them, under their content-hashed names (`url?tcg=<hash>`), only
  when a widget page fetched them, or after the engine answered, and drops names no build lists any more
  when a new version activates. With `extra.pyodide.source: cdn` Pyodide's files are the pinned CDN URLs
  (their hash is the pinned version: the URL names it).
- `prefetch`: the runtime URLs a boot needs (without Pyodide's own python_stdlib.zip, the fallback, when the
  build precompiled one): what the worker fetches into its cache once the engine answered on a page.
- `version`: a hash of the two lists; written into `sw.js` too, so that a new build is a new worker for the
  browser, which then shows the page's "new version" notice.

Never precached: the `.gz`/`.br` copies, source maps, the host's `_headers`, the worker and its manifest, and
Material's search language files (an English site loads none). Under `mkdocs serve` the worker is written as
one that removes itself and its caches (a site built and served earlier on the same address would otherwise
keep answering from its cache and hide the live-reloaded pages); the pages then register none.
"""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path, PurePosixPath

from build_tools import ROOT, pyodide

MANIFEST = "sw-manifest.json"
SCRIPT = "sw.js"
TEMPLATE = ROOT / "docs" / SCRIPT
VERSION_MARK = "__TCG_SW_VERSION__"
CDN_MARK = "__TCG_SW_CDN__"
SKIP_SUFFIXES = (".gz", ".br", ".map")
SKIP_PREFIXES = (pyodide.RUNTIME_DIR, pyodide.LOCAL_BASE, "assets/javascripts/lunr/")
SKIP_NAMES = frozenset({"_headers", SCRIPT, MANIFEST})


def _hash(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()[:12]


def page_url(path: str) -> str:
    """The address a file is asked for by: `x/index.html` -> `x/`, `index.html` -> `./`, else the path."""
    if path == "index.html":
        return "./"
    return path[: -len("index.html")] if path.endswith("/index.html") else path


def _files(site_dir: Path) -> list[str]:
    return sorted(p.relative_to(site_dir).as_posix() for p in site_dir.rglob("*") if p.is_file())


def _skipped(path: str) -> bool:
    return path.endswith(SKIP_SUFFIXES) or path.startswith(SKIP_PREFIXES) or PurePosixPath(path).name in SKIP_NAMES


#: the one file whose bytes change with the day of the build (MkDocs dates every <loc>): hashed without the dates,
#: so that a rebuild of the same content is the same version and shows returning visitors no "new version" notice
_BUILD_DATES = {"sitemap.xml": re.compile(rb"<lastmod>[^<]*</lastmod>")}


def _content(site_dir: Path, path: str) -> bytes:
    data = (site_dir / path).read_bytes()
    return _BUILD_DATES[path].sub(b"", data) if path in _BUILD_DATES else data


def precache(site_dir: Path, files: list[str] | None = None) -> list[list[str]]:
    """[url, hash] of every page and asset the worker caches at install, in path order (`files`: the site's
    files, when already listed)."""
    return [[page_url(p), _hash(_content(site_dir, p))] for p in files or _files(site_dir) if not _skipped(p)]


def runtime(site_dir: Path, pyodide_base: str, pyodide_version: str, files: list[str] | None = None) -> dict[str, str]:
    """{url: hash} of the runtime files: assets/runtime/* and Pyodide's (local copies, or the pinned CDN URLs)."""
    found = {
        p: _hash((site_dir / p).read_bytes())
        for p in files or _files(site_dir)
        if p.startswith(pyodide.RUNTIME_DIR) and not p.endswith(SKIP_SUFFIXES)
    }
    for name in pyodide.RUNTIME_FILES:
        if "://" in pyodide_base:  # the CDN: a versioned URL, immutable
            found[pyodide_base + name] = pyodide_version
        elif (site_dir / pyodide_base / name).is_file():
            found[pyodide_base + name] = _hash((site_dir / pyodide_base / name).read_bytes())
    return dict(sorted(found.items()))


def prefetch(files: dict[str, str], pyodide_base: str) -> list[str]:
    """The runtime URLs a boot fetches: all but Pyodide's own stdlib when the build precompiled one."""
    precompiled = any(u.startswith(pyodide.RUNTIME_DIR + "python_stdlib.") for u in files)
    fallback = pyodide_base + "python_stdlib.zip"
    return [u for u in files if not (precompiled and u == fallback)]


def manifest(site_dir: Path, pyodide_base: str, pyodide_version: str) -> dict:
    files = _files(site_dir)  # listed once: a site of 5,000 pages takes a while to walk
    pre = precache(site_dir, files)
    run = runtime(site_dir, pyodide_base, pyodide_version, files)
    lists = json.dumps({"precache": pre, "runtime": run}, sort_keys=True, separators=(",", ":"))
    return {
        "version": _hash(lists.encode()),
        "precache": pre,
        "runtime": run,
        "prefetch": prefetch(run, pyodide_base),
    }


def script(version: str, pyodide_base: str, template: str | None = None) -> str:
    """sw.js for `version` ("" = the worker that removes itself, for `mkdocs serve`)."""
    source = TEMPLATE.read_text(encoding="utf-8") if template is None else template
    if VERSION_MARK not in source or CDN_MARK not in source:
        raise ValueError(f"{TEMPLATE}: the worker template lost {VERSION_MARK} or {CDN_MARK}")
    cdn = pyodide_base if "://" in pyodide_base else ""
    return source.replace(VERSION_MARK, version).replace(CDN_MARK, cdn)


def write(site_dir: Path, pyodide_base: str, *, serve: bool = False, root: Path = ROOT) -> dict | None:
    """Write sw-manifest.json and sw.js into a built site (last: after every other file); returns the manifest.
    Under `serve`, only the self-removing worker."""
    if serve:
        (site_dir / SCRIPT).write_text(script("", pyodide_base), encoding="utf-8")
        return None
    version = pyodide.pinned_version(root) if "://" in pyodide_base else ""
    found = manifest(site_dir, pyodide_base, version)
    (site_dir / MANIFEST).write_text(json.dumps(found, indent=1) + "\n", encoding="utf-8")
    (site_dir / SCRIPT).write_text(script(found["version"], pyodide_base), encoding="utf-8")
    return found
