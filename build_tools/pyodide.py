"""Where the browser gets Pyodide (the pinned CDN URL, or a local copy of the npm package), and the runtime files
the site itself serves under content-hashed names: the standard library and the engine precompiled to .pyc, and a
memory snapshot of Pyodide with the engine imported (the fastest boot; the worker checks it and falls back to the
.pyc boot when it is missing, stale or corrupt)."""

from __future__ import annotations

import gzip
import hashlib
import json
import logging
import re
import shutil
import struct
import subprocess
import tempfile
from pathlib import Path
from typing import NamedTuple

from build_tools import ROOT, cache_lock

log = logging.getLogger("mkdocs.tcg.pyodide")

#: the files a browser actually fetches to start Pyodide
RUNTIME_FILES = ("pyodide.mjs", "pyodide.asm.mjs", "pyodide.asm.wasm", "python_stdlib.zip", "pyodide-lock.json")
LOCAL_BASE = "assets/pyodide/"
CDN_TEMPLATE = "https://cdn.jsdelivr.net/pyodide/v{version}/full/"


class PyodideSetupError(RuntimeError):
    """The configured Pyodide source cannot be used; the message says how to fix it."""


#: when the browser boots from the memory snapshot (extra.pyodide.snapshot in mkdocs.yml)
SNAPSHOT_POLICIES = ("cached", "always", "off")


def snapshot_policy(value: object) -> str:
    """The configured snapshot policy, checked (YAML reads a bare `off`, also from !ENV, as false)."""
    if value is False:
        value = "off"
    if value not in SNAPSHOT_POLICIES:
        raise PyodideSetupError(
            f"mkdocs.yml: extra.pyodide.snapshot must be one of {', '.join(SNAPSHOT_POLICIES)}, not {value!r}"
        )
    return str(value)


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
SNAPSHOTTER = Path(__file__).with_name("make_snapshot.mjs")
#: first line of the snapshot file the site serves, before the gzipped sparse heap (the worker reads it first);
#: /2: the heap without its zero pages (make_snapshot.mjs `sparse()`, `heap()` below)
SNAPSHOT_HEADER = "TCG-SNAPSHOT/2 build={build} size={size} engine={engine} stdlib={stdlib}\n"
SNAPSHOT_HEADER_RE = re.compile(
    r"TCG-SNAPSHOT/2 build=(?P<build>[0-9a-f]+) size=(?P<size>[0-9]+)"
    r" engine=(?P<engine>[0-9a-f]{12}) stdlib=(?P<stdlib>[0-9a-f]{12})\n"
)


class Compiled(NamedTuple):
    """What the build makes with Pyodide under Node."""

    stdlib: bytes  # only the stdlib modules that boot and the engine run, as .pyc (compile_python.mjs finds them)
    engine: bytes  # the engine as .pyc
    snapshot: bytes  # the gzipped sparse heap of a Pyodide that imported the engine on that stdlib (see `heap`)
    build: str  # the BUILD_ID of the Pyodide that made the snapshot (it restores only into that build)
    size: int  # the snapshot's size before gzip


def _digest(*parts: bytes) -> str:
    h = hashlib.sha256()
    for part in parts:
        h.update(len(part).to_bytes(8, "big") + part)
    return h.hexdigest()


def cache_key(engine_zip: bytes, root: Path = ROOT) -> str:
    """The compile cache's entry name: Pyodide version, engine archive and the two Node scripts."""
    return _digest(pinned_version(root).encode(), engine_zip, COMPILER.read_bytes(), SNAPSHOTTER.read_bytes())[:20]


CACHED = ("stdlib.zip", "engine.zip", "snapshot.gz", "snapshot.json")


def _node(node: str, script: Path, *args: Path) -> str:
    run = subprocess.run([node, str(script), *map(str, args)], capture_output=True, text=True, timeout=600)
    if run.returncode != 0:
        # Node quotes the minified line it failed in: keep the readable lines (the Python traceback, the stack)
        readable = [line for line in run.stderr.splitlines() if len(line) <= 300]
        raise PyodideSetupError(f"{script}: running Pyodide under Node failed:\n" + "\n".join(readable[-30:]))
    return run.stdout


def precompiled(engine_zip: bytes, root: Path = ROOT) -> Compiled | None:
    """The standard library and engine compiled to .pyc by Pyodide's own CPython under Node, and the memory
    snapshot made on them; None without Node or the npm package (the browser then compiles the source, as before).
    Cached in .cache/pyc/ by Pyodide version, engine and scripts: a rebuild with the same inputs starts no Node."""
    try:
        pkg = local_package_dir(root)
    except PyodideSetupError as exc:
        log.info("no precompiled Python: %s", exc)
        return None
    node = shutil.which("node")
    key = cache_key(engine_zip, root)
    cache = root / CACHE_DIR / key
    if not _whole(cache) and node is None:
        log.info("no precompiled Python: node is not installed")
        return None
    with cache_lock.exclusive(cache.parent):  # a build running at the same time fills it once; this one reuses it
        if not _whole(cache):
            _fill(cache, node, pkg, engine_zip, key)
    made = json.loads((cache / "snapshot.json").read_text(encoding="utf-8"))
    return Compiled(
        stdlib=(cache / "stdlib.zip").read_bytes(),
        engine=(cache / "engine.zip").read_bytes(),
        snapshot=(cache / "snapshot.gz").read_bytes(),
        build=str(made["build"]),
        size=int(made["size"]),
    )


def _whole(cache: Path) -> bool:
    return all((cache / name).is_file() for name in CACHED)


def _fill(cache: Path, node: str, pkg: Path, engine_zip: bytes, key: str) -> None:
    """Compile and snapshot into a temporary folder, then rename it to `cache`: an entry is whole or absent."""
    tmp = Path(tempfile.mkdtemp(prefix=f"{key}.", dir=cache.parent))
    try:
        source = tmp.parent / f"{tmp.name}.engine-src.zip"
        source.write_bytes(engine_zip)
        try:
            _node(node, COMPILER, pkg, source, tmp)
        finally:
            source.unlink()
        made = _node(node, SNAPSHOTTER, pkg, tmp / "stdlib.zip", tmp / "engine.zip", tmp / "snapshot.gz")
        (tmp / "snapshot.json").write_text(made, encoding="utf-8")
        if cache.is_dir():  # an older entry without every file
            shutil.rmtree(cache, ignore_errors=True)
        tmp.rename(cache)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def heap(snapshot: bytes, size: int) -> bytes:
    """The whole heap of a compiled snapshot (gzip of make_snapshot.mjs's sparse form: u32 page size, u32 number
    of runs, (u32 first page, u32 pages) per run of pages that are not all zero, then their bytes; little-endian),
    as the worker rebuilds it; ValueError when the form does not add up to `size` bytes."""
    data = gzip.decompress(snapshot)
    page, count = struct.unpack_from("<II", data)
    if not page or 8 + 8 * count > len(data):
        raise ValueError("not a sparse heap")
    runs = [struct.unpack_from("<II", data, 8 + 8 * i) for i in range(count)]
    out, at, done = bytearray(size), 8 + 8 * count, 0
    for first, pages in runs:
        start = first * page
        end = min(start + pages * page, size)
        if start < done or start >= end or end - start > len(data) - at:
            raise ValueError("a run out of order, outside the heap or past the data")
        out[start:end] = data[at : at + end - start]
        at, done = at + end - start, end
    if at != len(data):
        raise ValueError("bytes left over after the last run")
    return bytes(out)


def _content_hash(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()[:12]


def hashed_name(stem: str, data: bytes, suffix: str) -> str:
    """`stem.<first 12 hex of sha256>.suffix`: a new content gets a new name, so the old one can be cached forever."""
    return f"{stem}.{_content_hash(data)}{suffix}"


def snapshot_file(compiled: Compiled) -> bytes:
    """The snapshot as the site serves it: one header line naming the Pyodide build, the heap's size and the
    engine and stdlib it was made with (by the hashes in their file names), then the gzipped heap."""
    header = SNAPSHOT_HEADER.format(
        build=compiled.build,
        size=compiled.size,
        engine=_content_hash(compiled.engine),
        stdlib=_content_hash(compiled.stdlib),
    )
    return header.encode("ascii") + compiled.snapshot


def snapshot_header(data: bytes) -> dict[str, str] | None:
    """The fields of a served snapshot's header line, plus the line itself ('line'); None when it has none.

    The page names the line it expects (<meta name="tcg-snapshot-header">): the worker compares the two, so the
    format is known here only."""
    match = SNAPSHOT_HEADER_RE.match(data[:512].decode("ascii", "replace"))
    return {**match.groupdict(), "line": match.group(0).rstrip("\n")} if match else None


def runtime_files(engine_zip: bytes, root: Path = ROOT) -> dict[str, tuple[str, bytes]]:
    """What goes into assets/runtime/: {'engine': (site path, bytes), 'stdlib': ..., 'snapshot': ...}; 'stdlib' and
    'snapshot' only when Pyodide could compile. The engine is then the .pyc archive, else the source archive."""
    compiled = precompiled(engine_zip, root)
    engine = compiled.engine if compiled else engine_zip
    files = {"engine": (RUNTIME_DIR + hashed_name("engine", engine, ".zip"), engine)}
    if compiled:
        files["stdlib"] = (RUNTIME_DIR + hashed_name("python_stdlib", compiled.stdlib, ".zip"), compiled.stdlib)
        snapshot = snapshot_file(compiled)
        files["snapshot"] = (RUNTIME_DIR + hashed_name("snapshot", snapshot, ".bin"), snapshot)
    return files


def write_runtime(site_dir: Path, files: dict[str, tuple[str, bytes]]) -> None:
    for path, data in files.values():
        dest = site_dir / path
        dest.parent.mkdir(parents=True, exist_ok=True)
        dest.write_bytes(data)
