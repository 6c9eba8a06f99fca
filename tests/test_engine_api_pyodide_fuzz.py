"""Every engine.api handler, fed the same generated hostile inputs in CPython and in Pyodide under Node,
answers with {"result"} or {"error": {"message"}} and never raises, and both runtimes give the same reply.

The inputs come from a seeded generator (a fixed list, so a failure reproduces): visit notes cut from the
note bank and spliced with hostile pieces (control characters, huge numbers, brackets, unpaired
surrogates as text, very long runs), unit entries with odd minutes and disciplines, walks and coach calls.
"""

from __future__ import annotations

import json
import os
import random
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml

from build_tools.export import engine_archive, engine_data
from build_tools.load import load_project
from engine import api

pytestmark = pytest.mark.pyodide
ROOT = Path(__file__).resolve().parents[1]
PYODIDE_DIR = ROOT / "node_modules" / "pyodide"
PIECES = [
    "",
    " ",
    "\n",
    "\t",
    "\x00",
    "\x07",
    "\u202e",
    "\ufffe",
    "[" * 50,
    "]]]]",
    "{x}",
    "<script>",
    "9" * 400,
    "-1",
    "1e9",
    "0x1F",
    "٣٠",
    "12'",
    "x12 min",
    "10-15 min",
    "Total timed 999",
    "no cues",
    "Goal:",
    "Plan:",
    "TherEx 12 min:",
    "NMR:",
    "@PT+OT",
    "@XX",
    "97530",
    "G0283",
    "é" * 100,
    "a" * 5000,
]
NODE_SCRIPT = """
import { readFileSync } from "node:fs";
import { pathToFileURL } from "node:url";
const [pyodideDir, dataPath, callsPath, archivePath] = process.argv.slice(2);
const { loadPyodide } = await import(pathToFileURL(pyodideDir + "/pyodide.mjs").href);
const py = await loadPyodide({ indexURL: pyodideDir + "/" });
py.unpackArchive(new Uint8Array(readFileSync(archivePath)), "zip", { extractDir: "/home/pyodide" });
py.runPython("import sys; sys.path.insert(0, '/home/pyodide'); from engine import api");
const api = py.globals.get("api");
api.load(readFileSync(dataPath, "utf8"));
const calls = JSON.parse(readFileSync(callsPath, "utf8"));
process.stdout.write(JSON.stringify(calls.map(([fn, args]) => JSON.parse(api.call(fn, args)))));
"""


def _text(rng: random.Random, notes: list[str]) -> str:
    base = rng.choice(notes)
    cut = rng.randrange(len(base) + 1)
    return base[:cut] + rng.choice(PIECES) + base[cut:] if rng.random() < 0.8 else rng.choice(PIECES)


def calls() -> list[tuple[str, str]]:
    """(handler, JSON arguments) for every handler, seeded."""
    rng = random.Random(20261203)
    bank = Path(__file__).parent / "note_bank" / "visits.yaml"
    notes = [v["text"] for v in yaml.safe_load(bank.read_text(encoding="utf-8"))]
    out: list[tuple[str, Any]] = []
    for _ in range(40):
        text = _text(rng, notes)
        out.append(("visit", {"text": text, "rules": rng.choice([["cms", "ama"], ["cms"], ["nope"], [], "cms", [1]])}))
        out.append(("visit", {"text": text, "answers": rng.choice([{}, {"1": [["q_focus", "a_task"]]}, {"x": 1}, []])}))
        out.append(("suggest", {"text": text}))
        out.append(("coach", {"text": text, "code": rng.choice(["", "97110", "97530", "99999", "[x]"])}))
        minutes = rng.choice([0, 7, 8, 23, 1440, 1441, -5, "12", "7.5", "1e3", None, [], "٣٠"])
        code = rng.choice(["97110", "97530", "97129", "97010", "G0283", "97545", "", "9711"])
        entry: dict[str, Any] = {"code": code, "minutes": minutes}
        if rng.random() < 0.5:
            entry["discipline"] = rng.choice(["PT", "OT", "SLP", "PT+OT", "PT+PT", "XX", "", 3])
        out.append(("units", {"entries": [entry], "rule": rng.choice(["cms", "ama", "x", None])}))
        out.append(
            (
                "walk",
                rng.choice([{"walk": rng.choice(PIECES)}, {"steps": [["q_skilled", "a_yes"]]}, {"node": "o_97110"}]),
            )
        )
    return [(fn, json.dumps(args)) for fn, args in out]


def test_every_handler_answers_alike_in_cpython_and_pyodide(tmp_path: Path) -> None:
    node = shutil.which("node")
    if node is None or not (PYODIDE_DIR / "pyodide.mjs").exists():
        message = "needs node and node_modules/pyodide (npm ci)"
        if os.environ.get("TCG_REQUIRE_BROWSER") == "1":
            pytest.fail(message)
        pytest.skip(message)
    data = json.dumps(engine_data(load_project()))
    todo = calls()
    api.load(data)
    want = [json.loads(api.call(fn, args)) for fn, args in todo]
    for reply in want:
        assert set(reply) <= {"result", "error"} and len(reply) == 1, reply
        if "error" in reply:
            assert reply["error"]["message"] and len(reply["error"]["message"]) < 2000
    assert sum("error" in r for r in want) >= 20 and sum("result" in r for r in want) >= 20
    (tmp_path / "data.json").write_text(data, encoding="utf-8")
    (tmp_path / "calls.json").write_text(json.dumps(todo), encoding="utf-8")
    (tmp_path / "engine.zip").write_bytes(engine_archive())
    (tmp_path / "run.mjs").write_text(NODE_SCRIPT, encoding="utf-8")
    args = [
        node,
        str(tmp_path / "run.mjs"),
        str(PYODIDE_DIR),
        str(tmp_path / "data.json"),
        str(tmp_path / "calls.json"),
    ]
    run = subprocess.run([*args, str(tmp_path / "engine.zip")], capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stderr[-3000:]
    got = json.loads(run.stdout)
    for (fn, call_args), w, g in zip(todo, want, got, strict=True):
        assert g == w, (fn, call_args[:200])
