"""The worked examples in real Pyodide (CPython 3.14 in WebAssembly) under Node give the CPython results.

The engine goes in exactly as the browser gets it: the archive build_tools.export.engine_archive()
writes, unpacked with pyodide.unpackArchive. The Node script is written to a temporary folder.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml

from build_tools.export import engine_archive, engine_data
from build_tools.load import load_project
from build_tools.precompress import gzip_bytes
from engine import practice
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


# --- the standard library the site ships: only what the engine runs ---------------------------------------------

HANDLERS_SCRIPT = """
import { readFileSync } from "node:fs";
import { pathToFileURL } from "node:url";
const [pyodideDir, stdlibPath, enginePath, dataPath, callsPath, apiSource] = process.argv.slice(2);
const { loadPyodide } = await import(pathToFileURL(pyodideDir + "/pyodide.mjs").href);
// as the worker boots: the site's stdlib archive through stdLibURL, the engine's .pyc archive unpacked
const py = await loadPyodide({ indexURL: pyodideDir + "/", stdLibURL: stdlibPath });
py.unpackArchive(new Uint8Array(readFileSync(enginePath)), "zip", { extractDir: "/home/pyodide" });
py.runPython("import random; random.seed()");
const api = py.pyimport("engine.api");
api.load(readFileSync(dataPath, "utf8"));
const calls = JSON.parse(readFileSync(callsPath, "utf8"));
const replies = calls.map(([fn, args]) => JSON.parse(api.call(fn, JSON.stringify(args))));
let pkgutil;
try {
  py.runPython("import pkgutil");
  pkgutil = "importable";
} catch (e) {
  pkgutil = String(e).includes("No module named 'pkgutil'") ? "missing" : String(e);
}
const handlers = py.runPython("import json; from engine import api as a; json.dumps(sorted(a.HANDLERS))");
// the archives' code keeps its line numbers but no columns; a traceback through them formats with the lines
py.FS.writeFile("/tmp/shipped.zip", new Uint8Array(readFileSync(stdlibPath)));
py.FS.writeFile("/tmp/source.zip", new Uint8Array(readFileSync(pyodideDir + "/python_stdlib.zip")));
py.FS.writeFile("/tmp/api.py", readFileSync(apiSource));
const traceback = py.runPython(`
import json, marshal, traceback, types, zipfile
from engine import api as a
try:
    json.loads("{")
except ValueError:
    text = traceback.format_exc()
def lines(code):
    yield from (line for *_, line in code.co_lines() if line)
    for c in code.co_consts:
        if isinstance(c, types.CodeType):
            yield from lines(c)
shipped = marshal.loads(zipfile.ZipFile("/tmp/shipped.zip").read("json/__init__.pyc")[16:])
source = compile(zipfile.ZipFile("/tmp/source.zip").read("json/__init__.py"), "json", "exec", optimize=2)
engine = compile(open("/tmp/api.py").read(), "api", "exec", optimize=2)
json.dumps({"text": text, "positions": [list(p) for f in (json.loads, a.call) for p in f.__code__.co_positions()],
            "same_lines": [sorted(lines(shipped)) == sorted(lines(source)),
                           sorted(lines(a.call.__code__)) == sorted(lines(next(
                               c for c in engine.co_consts if getattr(c, "co_name", "") == "call")))]})
`);
const out = { replies, pkgutil, handlers: JSON.parse(handlers), traceback: JSON.parse(traceback) };
process.stdout.write(JSON.stringify(out));
"""

VISIT_NOTE = "Therex 97110 23 min: squats 3x10.\nManual therapy 10 min: STM to L lumbar paraspinals."


def _handler_calls(data: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    """At least one call of every engine.api handler (results and errors), with arguments the pages send."""
    from engine import api

    api.load(json.dumps(data))
    chosen = json.loads(api.call("practice_set", json.dumps({"seed": 3})))["result"]
    quiz = chosen["quiz"]
    ids = practice.parse_quiz(quiz, data["cases"])["ids"]  # the page sees only opaque refs; the engine knows ids
    graded = json.loads(api.call("practice_grade", json.dumps({"case": ids[0], "code": "97110", "units": 2})))
    drill = json.loads(api.call("drill", json.dumps({"seed": 1, "level": 1})))["result"]
    return [
        ("practice_set", {"seed": 3}),
        ("practice_set", {"quiz": quiz}),
        ("practice_set", {"ids": ids[:2], "seed": 2}),
        ("practice_grade", {"case": ids[0], "code": "97110", "units": 2, "ids": ids}),
        ("practice_grade", {"case": "no-such-case"}),
        ("quiz_link", {"ids": ids[:2], "seed": 5}),
        ("quiz_key", {"key": practice.key_code(quiz, data["cases"])}),
        ("quiz_key", {"key": "k-not-a-key"}),
        ("quiz_review", {"quiz": practice.format_quiz(1, ids[:1], "end"), "progress": graded["result"]["progress"]}),
        ("quiz_review", {"quiz": quiz, "progress": None}),
        ("practice_csv", {"quiz": quiz, "progress": graded["result"]["progress"], "student": "A, B"}),
        ("quiz_export", {"quiz": quiz, "format": "qti"}),
        ("quiz_export", {"quiz": quiz, "format": "moodle"}),
        ("quiz_export", {"quiz": quiz, "format": "pdf"}),
        ("drill", {"seed": 1, "level": 1}),
        ("drill", {"seed": "x", "level": 1}),
        ("grade_drill", {"drill": {"seed": 1, "level": 1}, "answer": {e["code"]: "1" for e in drill["entries"]}}),
        ("units", {"rule": "cms", "entries": [{"code": "97110", "minutes": 23}, {"code": "97140", "minutes": "10"}]}),
        ("units", {"rule": "ama", "entries": [{"code": "97530", "minutes": 30, "discipline": "PT+OT"}]}),
        ("units", {"rule": "cms", "entries": [{"code": "97110", "minutes": "7.5"}]}),
        ("coach", {"text": "Pt lifted a box with CGA, 10 min.", "code": "97530"}),
        ("coach", {"text": "squats 3x10", "code": ""}),
        ("walk", {"walk": ""}),
        ("walk", {"walk": "q_nope:a_nope"}),
        ("suggest", {"text": "Therex: squats 3x10 with cues for knee alignment, 15 min"}),
        ("suggest", {"text": ""}),
        ("visit", {"text": VISIT_NOTE, "rules": ["cms", "ama"]}),
    ]


def _comparable(reply: dict[str, Any]) -> dict[str, Any]:
    """A reply with a zip's bytes replaced by its members (zlib builds may deflate the same data differently)."""
    import base64
    import io
    import zipfile

    result = reply.get("result")
    if isinstance(result, dict) and "base64" in result:
        with zipfile.ZipFile(io.BytesIO(base64.b64decode(result["base64"]))) as z:
            members = {name: z.read(name).decode("utf-8") for name in z.namelist()}
        return {**reply, "result": {**result, "base64": members}}
    return reply


def test_every_handler_runs_in_pyodide_on_the_shipped_stdlib(tmp_path: Path) -> None:
    """The site's stdlib archive holds only the modules the engine runs, and every entry point still works on it."""
    from build_tools import pyodide
    from engine import api

    node = shutil.which("node")
    if node is None or not (PYODIDE_DIR / "pyodide.mjs").exists():
        if os.environ.get("TCG_REQUIRE_BROWSER") == "1":
            pytest.fail("needs node and node_modules/pyodide (npm ci)")
        pytest.skip("needs node and node_modules/pyodide (npm ci)")
    compiled = pyodide.precompiled(engine_archive(), ROOT)
    assert compiled is not None
    # sent smaller than Pyodide's whole python_stdlib.zip, although every module in it is bytecode (larger than
    # source): compressed as a host sends it (the archive stores its members, the host compresses the whole)
    whole = (PYODIDE_DIR / "python_stdlib.zip").read_bytes()
    assert len(gzip_bytes(compiled.stdlib)) < len(gzip_bytes(whole)) / 2
    data = engine_data(load_project())
    calls = _handler_calls(data)
    assert {fn for fn, _args in calls} == set(api.HANDLERS), "every handler needs a call here"
    (tmp_path / "stdlib.zip").write_bytes(compiled.stdlib)
    (tmp_path / "engine.zip").write_bytes(compiled.engine)
    (tmp_path / "data.json").write_text(json.dumps(data), encoding="utf-8")
    (tmp_path / "calls.json").write_text(json.dumps(calls), encoding="utf-8")
    (tmp_path / "run.mjs").write_text(HANDLERS_SCRIPT, encoding="utf-8")
    names = ("stdlib.zip", "engine.zip", "data.json", "calls.json")
    api_source = ROOT / "engine" / "api.py"
    run = subprocess.run(
        [node, str(tmp_path / "run.mjs"), str(PYODIDE_DIR), *(str(tmp_path / n) for n in names), str(api_source)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert run.returncode == 0, run.stderr[-3000:]
    out = json.loads(run.stdout)
    # the boot really used the site's archive: a module the engine never imports is not in it
    assert out["pkgutil"] == "missing"
    assert out["handlers"] == sorted(api.HANDLERS)
    # the code keeps CPython's line numbers (compiled here from the same source) but no columns, and a traceback
    # through the standard library still formats, with its lines
    tb = out["traceback"]
    assert "json/decoder.py" in tb["text"] and "JSONDecodeError" in tb["text"], tb["text"]
    assert re.search(r'json/decoder\.py", line \d+, in raw_decode', tb["text"]), tb["text"]
    assert all(column is None for _line, _end, column, _end_column in tb["positions"])
    assert tb["same_lines"] == [True, True], "json's and engine.api.call's lines, against a compile of the source"
    api.load(json.dumps(data))
    for (fn, args), got in zip(calls, out["replies"], strict=True):
        want = json.loads(api.call(fn, json.dumps(args)))
        assert _comparable(got) == _comparable(want), (fn, args)
    assert sum("error" in r for r in out["replies"]) >= 5 and sum("result" in r for r in out["replies"]) >= 15
