"""Where the browser gets Pyodide: the CDN URL follows the npm pin; the local copy is complete; the CSP follows both."""

from __future__ import annotations

import filecmp
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from build_tools import pyodide


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
