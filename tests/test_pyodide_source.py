"""Where the browser gets Pyodide: the CDN URL follows the npm pin; the local copy is complete; the CSP follows both."""

from __future__ import annotations

import ast
import filecmp
import gzip
import hashlib
import importlib.util
import io
import json
import os
import re
import shutil
import struct
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from build_tools import pyodide
from build_tools.export import engine_archive


def _json(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def test_cdn_url_is_the_pinned_npm_version(project_root: Path) -> None:
    pin = _json(project_root / "package.json")["dependencies"]["pyodide"]
    lock = _json(project_root / "package-lock.json")["packages"]
    assert re.fullmatch(r"\d+\.\d+\.\d+", pin), "pin pyodide exactly (npm install --save-exact)"
    assert lock[""]["dependencies"]["pyodide"] == pin
    assert lock["node_modules/pyodide"]["version"] == pin
    assert pyodide.pinned_version(project_root) == pin
    assert pyodide.base_url("cdn", project_root) == f"https://cdn.jsdelivr.net/pyodide/v{pin}/full/"


def test_cdn_url_has_the_shape_pyodide_itself_uses(project_root: Path) -> None:
    mjs = project_root / "node_modules" / "pyodide" / "pyodide.mjs"
    if not mjs.exists():
        pytest.skip("node_modules/pyodide missing (npm ci)")
    assert _json(mjs.parent / "package.json")["version"] == pyodide.pinned_version(project_root)
    template = pyodide.CDN_TEMPLATE.split("{version}")
    assert re.search(re.escape(template[0]) + r"\$\{\w+\}" + re.escape(template[1]), mjs.read_text(encoding="utf-8"))


def _fake_root(tmp_path: Path, pin: str, installed: str | None) -> Path:
    (tmp_path / "package.json").write_text(json.dumps({"dependencies": {"pyodide": pin}}), encoding="utf-8")
    if installed:
        pkg = tmp_path / "node_modules" / "pyodide"
        pkg.mkdir(parents=True)
        (pkg / "package.json").write_text(json.dumps({"version": installed}), encoding="utf-8")
        for name in pyodide.RUNTIME_FILES:
            (pkg / name).write_bytes(name.encode())
    return tmp_path


def test_bad_settings_are_refused_with_the_fix(tmp_path: Path) -> None:
    with pytest.raises(pyodide.PyodideSetupError, match="pin pyodide exactly"):
        pyodide.pinned_version(_fake_root(tmp_path, "^314.0.7", None))
    with pytest.raises(pyodide.PyodideSetupError, match="must be 'cdn' or 'local'"):
        pyodide.base_url("https://example.org/", tmp_path)
    with pytest.raises(pyodide.PyodideSetupError, match="snapshot must be one of cached, always, off"):
        pyodide.snapshot_policy("sometimes")
    assert [pyodide.snapshot_policy(p) for p in ("cached", "always", "off")] == ["cached", "always", "off"]


def test_local_copy_needs_the_pinned_install(tmp_path: Path) -> None:
    root = _fake_root(tmp_path, "314.0.7", "314.0.6")
    with pytest.raises(pyodide.PyodideSetupError, match="differs from the pin"):
        pyodide.local_package_dir(root)
    (root / "node_modules" / "pyodide" / "pyodide.asm.wasm").unlink()
    with pytest.raises(pyodide.PyodideSetupError, match=r"missing pyodide\.asm\.wasm .*npm ci"):
        pyodide.local_package_dir(root)


def test_local_copy_holds_every_runtime_file(tmp_path: Path, project_root: Path) -> None:
    if not (project_root / "node_modules" / "pyodide" / "pyodide.mjs").exists():
        pytest.skip("node_modules/pyodide missing (npm ci)")
    pyodide.copy_local(tmp_path, project_root)
    dest = tmp_path / pyodide.LOCAL_BASE
    assert sorted(p.name for p in dest.iterdir()) == sorted(pyodide.RUNTIME_FILES)
    src = project_root / "node_modules" / "pyodide"
    _, mismatch, errors = filecmp.cmpfiles(src, dest, pyodide.RUNTIME_FILES, shallow=False)
    assert mismatch == errors == []


def test_cdn_build_allows_only_the_pinned_cdn_directory(tmp_path: Path, project_root: Path) -> None:
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "PYODIDE_SOURCE": "cdn"}
    run = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "-q", "-d", str(tmp_path / "site")],
        cwd=project_root,
        env=env,
        capture_output=True,
        text=True,
    )
    assert run.returncode == 0, run.stderr
    page = (tmp_path / "site" / "calculator" / "index.html").read_text(encoding="utf-8")
    csp = re.search(r'<meta http-equiv="Content-Security-Policy" content="([^"]+)"', page).group(1)
    directives = {d.split()[0]: d.split()[1:] for d in csp.split(";") if d.strip()}
    cdn = pyodide.base_url("cdn", project_root)
    assert cdn in directives["script-src"] and cdn in directives["connect-src"]
    assert directives["worker-src"] == ["'self'"]
    assert "'wasm-unsafe-eval'" in directives["script-src"] and "'unsafe-eval'" not in directives["script-src"]
    assert f'<meta name="tcg-pyodide-base" content="{cdn}">' in page
    # the policy comes before every script of the page
    assert page.index("Content-Security-Policy") < page.index("<script")
    assert not (tmp_path / "site" / "assets" / "pyodide").exists()


# --- precompiled Python and hashed runtime names -----------------------------------------------------------------


def _needs_pyodide(project_root: Path) -> None:
    if not (project_root / "node_modules" / "pyodide" / "pyodide.mjs").exists() or not shutil.which("node"):
        pytest.skip("node and node_modules/pyodide needed (npm ci)")


def _first_line_of_docstring(path: Path) -> bytes:
    doc = ast.get_docstring(ast.parse(path.read_text(encoding="utf-8")), clean=False)
    assert doc, f"{path} has a docstring"
    return doc.splitlines()[0].encode()


def test_precompiled_archives_hold_pyc_for_boot_and_engine(project_root: Path) -> None:
    _needs_pyodide(project_root)
    compiled = pyodide.precompiled(engine_archive(), project_root)
    assert compiled is not None
    stdlib, engine = (zipfile.ZipFile(io.BytesIO(data)) for data in (compiled.stdlib, compiled.engine))
    names = set(stdlib.namelist())
    # what CPython needs to start, and what the engine imports, is bytecode; the rest is not shipped at all
    for module in ("encodings/__init__", "encodings/utf_8", "json/__init__", "re/__init__", "dataclasses"):
        assert f"{module}.pyc" in names and f"{module}.py" not in names, module
    assert all(n.endswith(".pyc") for n in names), "only compiled modules are shipped"
    for unused in ("unittest/__init__", "email/__init__", "pdb", "pkgutil", "argparse", "sqlite3/__init__"):
        assert f"{unused}.py" not in names and f"{unused}.pyc" not in names, unused
    # modules frozen into the interpreter run without their file: not shipped
    for frozen in ("os", "site", "codecs", "zipimport", "importlib/_bootstrap", "importlib/_bootstrap_external"):
        assert f"{frozen}.pyc" not in names, frozen
    # stored, not deflated, so that the host's brotli or gzip compresses the whole archive at once
    for archive in (stdlib, engine):
        assert {i.compress_type for i in archive.infolist()} == {zipfile.ZIP_STORED}
    # compiled as `python -OO`: no docstrings (these are json's, typing's and the engine's api module's)
    for archive, member, text in (
        (stdlib, "json/__init__.pyc", b"JSON (JavaScript Object Notation)"),
        (stdlib, "typing.pyc", b"Special type indicating an unconstrained type."),
        (engine, "engine/api.pyc", _first_line_of_docstring(project_root / "engine" / "api.py")),
    ):
        assert text not in archive.read(member), member
    # the engine's own imports, XML and zip files included (engine/lms_export.py)
    for module in ("xml/etree/ElementTree", "zipfile/__init__", "csv", "base64", "hashlib", "random"):
        assert f"{module}.pyc" in names, module
    # a .pyc of Pyodide's CPython (3.14), not of the CPython running the build
    magic = stdlib.read("json/__init__.pyc")[:4]
    assert magic[2:4] == b"\r\n"
    if sys.version_info[:2] != (3, 14):
        assert magic != importlib.util.MAGIC_NUMBER, "compiled by the build's CPython instead of Pyodide's"
    source = {n for n in zipfile.ZipFile(io.BytesIO(engine_archive())).namelist()}
    assert sorted(engine.namelist()) == sorted(n + "c" for n in source)
    assert engine.read("engine/api.pyc")[:4] == magic
    # the memory snapshot: a gzipped heap without its zero pages, of the size Node reported, for one Pyodide build
    assert re.fullmatch(r"[0-9a-f]{64}", compiled.build)
    whole = pyodide.heap(compiled.snapshot, compiled.size)
    assert len(whole) == compiled.size > 10_000_000
    sparse = gzip.decompress(compiled.snapshot)
    page, runs = struct.unpack_from("<II", sparse)
    nonzero = [i for i in range(0, compiled.size, page) if any(whole[i : i + page])]
    # exactly the pages that are not all zero are shipped (the last one may be short)
    assert len(sparse) == 8 + 8 * runs + sum(len(whole[i : i + page]) for i in nonzero) < compiled.size * 0.6


def test_the_sparse_heap_lays_its_pages_into_zeros_and_refuses_what_does_not_add_up() -> None:
    def blob(page: int, runs: list[tuple[int, int]], data: bytes) -> bytes:
        return gzip.compress(struct.pack(f"<II{2 * len(runs)}I", page, len(runs), *sum(runs, ())) + data)

    # pages of 4 bytes, a heap of 10: page 0, page 1 zero, page 2 short (the heap's end)
    assert pyodide.heap(blob(4, [(0, 1), (2, 1)], b"abcdij"), 10) == b"abcd\0\0\0\0ij"
    assert pyodide.heap(blob(4, [(0, 3)], b"abcdefghij"), 10) == b"abcdefghij"
    assert pyodide.heap(blob(4, [], b""), 6) == bytes(6)
    for bad in (
        blob(4, [(0, 1)], b"abcdX"),  # bytes left over
        blob(4, [(0, 2)], b"abcd"),  # a run past the data
        blob(4, [(2, 1), (0, 1)], b"ijabcd"),  # out of order
        blob(4, [(3, 1)], b"abcd"),  # outside the heap
        blob(0, [], b""),  # no page size
        gzip.compress(bytes(10)),  # a whole heap (the older form) is no sparse heap of that size
    ):
        with pytest.raises(ValueError):
            pyodide.heap(bad, 10)


def test_precompiled_result_is_cached_by_version_and_engine(
    project_root: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _needs_pyodide(project_root)
    root = tmp_path / "project"
    (root / "node_modules").mkdir(parents=True)
    (root / "node_modules" / "pyodide").symlink_to(project_root / "node_modules" / "pyodide")
    (root / "package.json").write_text((project_root / "package.json").read_text(encoding="utf-8"), encoding="utf-8")
    engine = engine_archive()
    # the project's own cache entry (compiled by the first build of the session) seeds this root's cache
    assert pyodide.precompiled(engine, project_root) is not None
    key = pyodide.cache_key(engine, project_root)
    shutil.copytree(project_root / pyodide.CACHE_DIR / key, root / pyodide.CACHE_DIR / key)
    first = pyodide.precompiled(engine, root)
    assert first is not None and len(list((root / pyodide.CACHE_DIR).iterdir())) == 1
    # a second build with the same inputs starts no Node at all
    monkeypatch.setattr(pyodide.shutil, "which", lambda name: None)
    monkeypatch.setattr(pyodide.subprocess, "run", lambda *a, **k: pytest.fail("Node was started again"))
    assert pyodide.precompiled(engine, root) == first
    # another engine is another cache entry (and, without Node, no precompiled Python at all)
    assert pyodide.precompiled(engine + b"changed", root) is None


def test_two_clean_builds_make_the_same_runtime_byte_for_byte(project_root: Path, tmp_path: Path) -> None:
    """A deploy from a CI without .cache/ keeps every hashed name (returning visitors keep their cached snapshot)."""
    _needs_pyodide(project_root)
    made = []
    for name in ("first", "second"):
        root = tmp_path / name
        (root / "node_modules").mkdir(parents=True)
        (root / "node_modules" / "pyodide").symlink_to(project_root / "node_modules" / "pyodide")
        (root / "package.json").write_text((project_root / "package.json").read_text(encoding="utf-8"), "utf-8")
        compiled = pyodide.precompiled(engine_archive(), root)  # an empty cache: Node compiles and snapshots anew
        assert compiled is not None
        made.append(compiled)
    first, second = made
    for part in ("stdlib", "engine", "snapshot"):
        a, b = getattr(first, part), getattr(second, part)
        assert hashlib.sha256(a).hexdigest() == hashlib.sha256(b).hexdigest(), f"{part} differs between clean builds"
    assert pyodide.snapshot_file(first) == pyodide.snapshot_file(second)


def test_runtime_without_node_modules_ships_the_source_engine(tmp_path: Path) -> None:
    root = _fake_root(tmp_path, "314.0.7", None)
    files = pyodide.runtime_files(b"engine source zip", root)
    assert set(files) == {"engine"}
    path, data = files["engine"]
    assert data == b"engine source zip"
    assert path == pyodide.RUNTIME_DIR + pyodide.hashed_name("engine", data, ".zip")


def test_hashed_names_follow_the_content() -> None:
    a, b = pyodide.hashed_name("engine", b"one", ".zip"), pyodide.hashed_name("engine", b"two", ".zip")
    assert a != b and a == pyodide.hashed_name("engine", b"one", ".zip")
    assert re.fullmatch(r"engine\.[0-9a-f]{12}\.zip", a)


def test_built_site_serves_its_runtime_under_hashed_names(built_site: Path) -> None:
    page = (built_site / "calculator" / "index.html").read_text(encoding="utf-8")
    metas = dict(re.findall(r'<meta name="tcg-(engine|stdlib|snapshot)" content="([^"]*)">', page))
    assert set(metas) == {"engine", "stdlib", "snapshot"}
    runtime = sorted(p.name for p in (built_site / "assets" / "runtime").iterdir() if p.suffix not in (".gz", ".br"))
    assert sorted(Path(v).name for v in metas.values() if v) == runtime
    for rel in filter(None, metas.values()):
        data = (built_site / rel).read_bytes()
        assert hashlib.sha256(data).hexdigest()[:12] in rel
    # the cdn build serves the precompiled stdlib itself (same origin: the CSP's connect-src 'self' covers it)
    if metas["stdlib"]:
        assert metas["stdlib"].startswith(pyodide.RUNTIME_DIR)
        csp = re.search(r'http-equiv="Content-Security-Policy" content="([^"]+)"', page).group(1)
        assert "connect-src 'self'" in csp
    # the snapshot names the Pyodide build, the engine and the stdlib of this very page
    assert bool(metas["snapshot"]) == bool(metas["stdlib"]), "a snapshot is made whenever Python is precompiled"
    if metas["snapshot"]:
        header = pyodide.snapshot_header((built_site / metas["snapshot"]).read_bytes())
        assert header is not None
        assert header["engine"] in metas["engine"] and header["stdlib"] in metas["stdlib"]
        assert f'<meta name="tcg-snapshot-header" content="{header["line"]}">' in page
        assert f'<meta name="tcg-snapshot-size" content="{header["size"]}">' in page


def test_a_failing_node_run_reports_the_python_traceback_not_minified_code(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    stderr = "file:///x/pyodide.asm.mjs:1\n" + "var a=1;" * 2000 + "\nPythonError: Traceback (most recent call last):\n"
    stderr += "ModuleNotFoundError: No module named 'engine'\n    at file:///x/make_snapshot.mjs:17:4\n"
    done = subprocess.CompletedProcess(args=[], returncode=1, stdout="", stderr=stderr)
    monkeypatch.setattr(pyodide.subprocess, "run", lambda *a, **k: done)
    with pytest.raises(pyodide.PyodideSetupError) as caught:
        pyodide._node("node", pyodide.SNAPSHOTTER, tmp_path)
    message = str(caught.value)
    assert "No module named 'engine'" in message and "make_snapshot.mjs:17:4" in message
    assert "var a=1" not in message and len(message) < 1000


def _build(project_root: Path, site: Path, **env: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "-q", "-d", str(site)],
        cwd=project_root,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1", "PYODIDE_SOURCE": "cdn", **env},
        capture_output=True,
        text=True,
    )


def test_snapshot_policy_off_ships_no_snapshot_and_a_bad_policy_stops_the_build(
    tmp_path: Path, project_root: Path
) -> None:
    run = _build(project_root, tmp_path / "site", PYODIDE_SNAPSHOT="off")
    assert run.returncode == 0, run.stderr
    page = (tmp_path / "site" / "calculator" / "index.html").read_text(encoding="utf-8")
    assert '<meta name="tcg-snapshot" content="">' in page
    assert '<meta name="tcg-snapshot-policy" content="off">' in page
    assert not list((tmp_path / "site" / "assets" / "runtime").glob("snapshot.*"))
    bad = _build(project_root, tmp_path / "bad", PYODIDE_SNAPSHOT="sometimes")
    assert bad.returncode != 0 and "extra.pyodide.snapshot must be one of cached, always, off" in bad.stderr
    assert not (tmp_path / "bad").exists()
