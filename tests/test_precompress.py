"""Every runtime file the site ships has .gz and .br copies beside it, under the same content-hashed name."""

from __future__ import annotations

import base64
import gzip
import hashlib
import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from build_tools import precompress


def _unbrotli(paths: list[Path]) -> list[bytes]:
    """Brotli-decoded contents, by Node's zlib (Python's stdlib has no brotli)."""
    script = (
        "const z = require('node:zlib'), fs = require('node:fs');"
        "process.stdout.write(JSON.stringify(process.argv.slice(1).map("
        "(p) => z.brotliDecompressSync(fs.readFileSync(p)).toString('base64'))));"
    )
    run = subprocess.run(["node", "-e", script, *map(str, paths)], capture_output=True, text=True, check=True)
    return [base64.b64decode(b) for b in json.loads(run.stdout)]


def _check_copies(site: Path, files: list[Path]) -> None:
    brs = []
    for path in files:
        data = path.read_bytes()
        gz = path.with_name(path.name + ".gz").read_bytes()
        assert gzip.decompress(gz) == data, path
        assert gz[4:8] == b"\0\0\0\0" and not gz[3] & 0x08, f"{path}.gz: carries a time or a file name"
        brs.append(path.with_name(path.name + ".br"))
    if shutil.which("node"):
        assert _unbrotli(brs) == [p.read_bytes() for p in files]


def test_built_site_ships_gz_and_br_beside_every_runtime_file(built_site: Path) -> None:
    files = precompress.shipped_files(built_site)
    names = {p.relative_to(built_site).as_posix() for p in files}
    # the engine archive, the precompiled stdlib, the snapshot (their hashed names) and the data JSON
    for pattern in (r"engine\.[0-9a-f]{12}\.zip", r"python_stdlib\.[0-9a-f]{12}\.zip", r"snapshot\.[0-9a-f]{12}\.bin"):
        assert any(re.fullmatch("assets/runtime/" + pattern, n) for n in names), pattern
    assert {"assets/data/engine.json", "assets/data/calculator.json"} <= names
    _check_copies(built_site, files)
    # the content hash in a name is the uncompressed file's: the copies keep it and add only the suffix
    for path in files:
        if path.parent.name == "runtime":
            assert hashlib.sha256(path.read_bytes()).hexdigest()[:12] in path.name
    # nothing else in the site gets copies (pages and widget scripts are left to the host; MkDocs makes its own
    # sitemap.xml.gz)
    copies = {p for p in built_site.rglob("*") if p.suffix in (".gz", ".br")} - {built_site / "sitemap.xml.gz"}
    assert copies == {p.with_name(p.name + s) for p in files for s in (".gz", ".br")}


def test_local_pyodide_files_get_copies_and_the_cache_makes_them_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    site, root = tmp_path / "site", tmp_path / "root"
    for rel, data in {
        "assets/pyodide/pyodide.asm.wasm": b"\0asm" + bytes(range(256)) * 40,
        "assets/pyodide/pyodide.mjs": b"export const x = 1;\n" * 50,
        "assets/runtime/engine.0123456789ab.zip": b"PK" + b"z" * 500,
        "assets/data/engine.json": b'{"codes": {}}',
        "assets/js/units.js": b"console.log(1);",
        "index.html": b"<html></html>",
    }.items():
        (site / rel).parent.mkdir(parents=True, exist_ok=True)
        (site / rel).write_bytes(data)
    written = precompress.precompress(site, root)
    files = precompress.shipped_files(site)
    assert [p.relative_to(site).as_posix() for p in files] == [
        "assets/data/engine.json",
        "assets/pyodide/pyodide.asm.wasm",
        "assets/pyodide/pyodide.mjs",
        "assets/runtime/engine.0123456789ab.zip",
    ]
    _check_copies(site, files)
    if shutil.which("node"):  # 11 for the runtime and Pyodide, 9 for the data (capped by TCG_BROTLI_QUALITY)
        cached = {p.name for p in (root / precompress.CACHE_DIR).glob("*.br")}
        for path in files:
            digest = hashlib.sha256(path.read_bytes()).hexdigest()
            quality = precompress.BROTLI_QUALITY["data" if path.parent.name == "data" else "pyodide"]
            assert f"{digest}.q{quality}.br" in cached, path
    assert not (site / "assets/js/units.js.gz").exists() and not (site / "index.html.br").exists()
    # a second site with the same files starts no Node: the copies come from .cache/compressed/
    again = tmp_path / "again"
    shutil.copytree(site, again, ignore=shutil.ignore_patterns("*.gz", "*.br"))
    monkeypatch.setattr(precompress.subprocess, "run", lambda *a, **k: pytest.fail("Node was started again"))
    assert [p.relative_to(again) for p in precompress.precompress(again, root)] == [
        p.relative_to(site) for p in written
    ]
    for p in written:
        assert (again / p.relative_to(site)).read_bytes() == p.read_bytes()


def test_without_node_the_site_ships_gz_only(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    site = tmp_path / "site"
    (site / "assets/data").mkdir(parents=True)
    (site / "assets/data/engine.json").write_text('{"a": 1}', encoding="utf-8")
    monkeypatch.setattr(precompress.shutil, "which", lambda name: None)
    written = precompress.precompress(site, tmp_path / "root")
    assert [p.name for p in written] == ["engine.json.gz"]
    assert gzip.decompress(written[0].read_bytes()) == b'{"a": 1}'
