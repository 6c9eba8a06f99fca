"""The worked examples in real Pyodide (CPython 3.14 in WebAssembly) under Node give the CPython results.

The engine goes in exactly as the browser gets it: the archive build_tools.export.engine_archive()
writes, unpacked with pyodide.unpackArchive. The Node script is written to a temporary folder.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml

from build_tools.export import engine_archive, engine_data
from build_tools.load import load_project
from engine.units import compute

pytestmark = pytest.mark.pyodide
ROOT = Path(__file__).resolve().parents[1]
PYODIDE_DIR = ROOT / "node_modules" / "pyodide"
EXAMPLES_DIR = Path(__file__).parent / "worked_examples"

NODE_SCRIPT = """
import { readFileSync } from "node:fs";
import { pathToFileURL } from "node:url";
const [pyodideDir, payloadPath, archivePath] = process.argv.slice(2);
const { loadPyodide } = await import(pathToFileURL(pyodideDir + "/pyodide.mjs").href);
const py = await loadPyodide({ indexURL: pyodideDir + "/" });
py.unpackArchive(new Uint8Array(readFileSync(archivePath)), "zip", { extractDir: "/home/pyodide" });
py.globals.set("payload_json", readFileSync(payloadPath, "utf8"));
const out = py.runPython(`
import json, sys
sys.path.insert(0, "/home/pyodide")
from engine import api, units
payload = json.loads(payload_json)
results = []
for case in payload["cases"]:
    entries = [(e["code"], e.get("minutes"), e["discipline"]) if "discipline" in e else (e["code"], e.get("minutes"))
               for e in case["entries"]]
    try:
        results.append(units.compute(entries, payload["rules"][case["rule"]], payload["codes"]))
    except units.UnitInputError as exc:
        results.append({"error": str(exc), "field": exc.field})
json.dumps({"version": list(sys.version_info[:2]), "platform": sys.platform, "results": results})
`);
process.stdout.write(out);
"""


def cases() -> list[dict[str, Any]]:
    """Every worked example, plus a few that exercise warnings, service codes, refusals and errors."""
    out = []
    for path in sorted(EXAMPLES_DIR.glob("*.yaml")):
        doc = yaml.safe_load(path.read_text(encoding="utf-8"))
        out += [{"rule": doc["rule"], "entries": ex["entries"]} for ex in doc["examples"]]
    extra = [
        [{"code": "97110", "minutes": 33}, {"code": "97140", "minutes": 7}, {"code": "97165"}],
        [{"code": "97014"}, {"code": "97110", "minutes": 18}, {"code": "97140", "minutes": 5}],
        [{"code": "97110", "minutes": 7}, {"code": "97140", "minutes": 7}, {"code": "97112", "minutes": 7}],
        [{"code": "97545", "minutes": 120}],
        [{"code": "97139", "minutes": 20}],
        [{"code": "97129", "minutes": 20}, {"code": "97130", "minutes": 10}],
        [{"code": "97112", "minutes": 20}, {"code": "97129", "minutes": 20}, {"code": "97110", "minutes": 20}],
        [{"code": "97110", "minutes": "7.5"}],
        [{"code": "97110", "minutes": 1441}],
    ]
    return out + [{"rule": rule, "entries": e} for e in extra for rule in ("cms", "ama")]


def cpython(case: dict[str, Any], data: dict[str, Any]) -> dict[str, Any]:
    from engine.units import UnitInputError

    entries = [
        (e["code"], e.get("minutes"), e["discipline"]) if "discipline" in e else (e["code"], e.get("minutes"))
        for e in case["entries"]
    ]
    try:
        return compute(entries, data["rules"][case["rule"]], data["codes"])
    except UnitInputError as exc:
        return {"error": str(exc), "field": exc.field}


def test_worked_examples_give_the_same_results_in_pyodide(tmp_path: Path) -> None:
    node = shutil.which("node")
    if node is None or not (PYODIDE_DIR / "pyodide.mjs").exists():
        message = "needs node and node_modules/pyodide (npm ci)"
        if os.environ.get("TCG_REQUIRE_BROWSER") == "1":
            pytest.fail(message)
        pytest.skip(message)
    data = engine_data(load_project())
    todo = [c for c in cases() if all(e["code"] in data["codes"] for e in c["entries"])]
    assert len(todo) >= 10, "too few worked examples have their codes in the registry"
    payload = {"codes": data["codes"], "rules": data["rules"], "cases": todo}
    (tmp_path / "payload.json").write_text(json.dumps(payload), encoding="utf-8")
    (tmp_path / "engine.zip").write_bytes(engine_archive())
    (tmp_path / "run.mjs").write_text(NODE_SCRIPT, encoding="utf-8")
    args = [node, str(tmp_path / "run.mjs"), str(PYODIDE_DIR), str(tmp_path / "payload.json")]
    run = subprocess.run([*args, str(tmp_path / "engine.zip")], capture_output=True, text=True, timeout=180)
    assert run.returncode == 0, run.stderr[-3000:]
    reply = json.loads(run.stdout)
    assert reply["platform"] == "emscripten" and reply["version"] >= [3, 14], reply["version"]
    expected = [cpython(c, data) for c in todo]
    assert sum("error" in r for r in expected) >= 4, "the error cases must be among the compared results"
    for case, want, got in zip(todo, expected, reply["results"], strict=True):
        assert got == want, case
