"""Precompressed copies of the runtime files, for hosts that serve them (nginx `gzip_static`/`brotli_static`,
Caddy `precompressed`, Netlify, Cloudflare Pages ...): beside every file the site ships under assets/runtime/,
assets/pyodide/ and assets/data/*.json goes `<name>.gz` and `<name>.br`, under the same content-hashed name.

- `.gz`: Python's gzip at level 9 with mtime 0 (no time, no file name in the header): the same bytes from the
  same input, on every machine.
- `.br`: Python's standard library has no brotli and the `brotli` package is no dependency of the project, so
  Node's zlib makes it (build_tools/brotli.mjs). Node is what precompiles Python already; without Node the build
  ships `.gz` only and says so. Quality 11 (the smallest) for the runtime and Pyodide files, which change only
  with the engine or the Pyodide version; quality 9 for the data JSON, which changes with every data edit
  (engine.json: 0.04 s instead of 0.8 s, 9% larger).

Both are cached in .cache/compressed/ by the content's sha256 and quality: quality 11 costs about a minute of CPU
for Pyodide's 9.6 MB wasm, paid once per Pyodide version, not per build.
"""

from __future__ import annotations

import gzip
import hashlib
import logging
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from build_tools import ROOT, cache_lock

log = logging.getLogger("mkdocs.tcg.precompress")

CACHE_DIR = Path(".cache") / "compressed"
BROTLI = Path(__file__).with_name("brotli.mjs")
#: the site folders (and name patterns) whose files get precompressed copies
PATTERNS = ("assets/runtime/*", "assets/pyodide/*", "assets/data/*.json")
SUFFIXES = (".gz", ".br")
#: brotli quality by site folder (see above)
BROTLI_QUALITY = {"runtime": 11, "pyodide": 11, "data": 9}
#: TCG_BROTLI_QUALITY=N caps every quality (the test command sets 5: the same files, made in a fraction of the
#: time on a clean clone; a deploy keeps the defaults)
_CAP = os.environ.get("TCG_BROTLI_QUALITY", "")
if _CAP.isdigit():
    BROTLI_QUALITY = {k: min(v, int(_CAP)) for k, v in BROTLI_QUALITY.items()}


def shipped_files(site_dir: Path) -> list[Path]:
    """The runtime files of a built site that get precompressed copies (not the copies themselves)."""
    found = {p for pattern in PATTERNS for p in site_dir.glob(pattern) if p.is_file() and p.suffix not in SUFFIXES}
    return sorted(found)


def gzip_bytes(data: bytes) -> bytes:
    """Reproducible gzip: level 9, mtime 0, no file name."""
    return gzip.compress(data, compresslevel=9, mtime=0)


def _brotli(node: str, todo: list[tuple[int, Path, Path]]) -> None:
    if not todo:
        return
    args = [str(part) for job in todo for part in job]
    run = subprocess.run([node, str(BROTLI), *args], capture_output=True, text=True, timeout=1800)
    if run.returncode != 0:
        raise RuntimeError(f"{BROTLI}: brotli under Node failed:\n{run.stderr[-2000:]}")


def precompress(site_dir: Path, root: Path = ROOT) -> list[Path]:
    """Write `.gz` (always) and `.br` (with Node) beside every shipped runtime file; returns the files written."""
    cache = root / CACHE_DIR
    cache.mkdir(parents=True, exist_ok=True)
    node = shutil.which("node")
    if node is None:
        log.info("no .br copies: node is not installed (Python's stdlib has no brotli); shipping .gz only")
    files = shipped_files(site_dir)
    digests = {path: hashlib.sha256(path.read_bytes()).hexdigest() for path in files}
    quality = {path: BROTLI_QUALITY[path.parent.name] for path in files}
    brs = {path: cache / f"{digests[path]}.q{quality[path]}.br" for path in files}
    with cache_lock.exclusive(cache):  # a build running at the same time compresses each file once
        missing_br = [path for path in files if not brs[path].is_file()]
        if node is not None and missing_br:
            with tempfile.TemporaryDirectory(dir=cache) as tmp:
                staged = {path: Path(tmp) / brs[path].name for path in missing_br}
                _brotli(node, [(quality[path], path, staged[path]) for path in missing_br])
                for path in missing_br:
                    staged[path].replace(brs[path])  # whole files only: a cache entry is complete or absent
        for path in files:
            gz = cache / f"{digests[path]}.gz"
            if not gz.is_file():
                tmp_gz = gz.with_suffix(".tmp")
                tmp_gz.write_bytes(gzip_bytes(path.read_bytes()))
                tmp_gz.replace(gz)
    written = []
    for path in files:
        gz = cache / f"{digests[path]}.gz"
        shutil.copyfile(gz, path.with_name(path.name + ".gz"))
        written.append(path.with_name(path.name + ".gz"))
        if node is not None and brs[path].is_file():
            shutil.copyfile(brs[path], path.with_name(path.name + ".br"))
            written.append(path.with_name(path.name + ".br"))
    return written
