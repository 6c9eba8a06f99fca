"""Benchmark (a script, not a test): how fast whole visit notes are read, in CPython and in Pyodide.

CPython: every visit of tests/note_bank/visits.yaml read by engine.visit under Medicare, `--rounds` times
over, in this one process (one core); prints visit notes per second (goal: at least 200) and the
slowest note. Pyodide (when node_modules/pyodide is installed): the engine as the browser gets it (the
archive build_tools.export.engine_archive() writes) in Pyodide under Node; after the engine is loaded and
the data parsed, each note is read through engine.api.call("visit", ...) as the worker does, and the
script prints the median and the slowest time per note (goal: under 50 ms).

Usage: .venv/bin/python benchmarks/visit_speed.py [--rounds 20]
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from build_tools.export import engine_archive, engine_data  # noqa: E402
from build_tools.load import load_project  # noqa: E402
from engine import visit  # noqa: E402

NODE_SCRIPT = """
import { readFileSync } from "node:fs";
import { pathToFileURL } from "node:url";
const [pyodideDir, dataPath, notesPath, archivePath] = process.argv.slice(2);
const { loadPyodide } = await import(pathToFileURL(pyodideDir + "/pyodide.mjs").href);
const py = await loadPyodide({ indexURL: pyodideDir + "/" });
py.unpackArchive(new Uint8Array(readFileSync(archivePath)), "zip", { extractDir: "/home/pyodide" });
py.runPython("import sys; sys.path.insert(0, '/home/pyodide'); from engine import api");
const api = py.globals.get("api");
api.load(readFileSync(dataPath, "utf8"));
const notes = JSON.parse(readFileSync(notesPath, "utf8"));
api.call("visit", JSON.stringify({ text: notes[0], rules: ["cms", "ama"] }));
const times = [];
for (const text of notes) {
  const t0 = performance.now();
  const reply = JSON.parse(api.call("visit", JSON.stringify({ text, rules: ["cms", "ama"] })));
  times.push(performance.now() - t0);
  if (!reply.result) throw new Error("no result: " + JSON.stringify(reply));
}
process.stdout.write(JSON.stringify(times));
"""


def cpython(notes: list[str], data: dict, rounds: int) -> None:
    start = time.perf_counter()
    slowest = 0.0
    for _ in range(rounds):
        for text in notes:
            t0 = time.perf_counter()
            visit.read(text, data, "cms")
            slowest = max(slowest, time.perf_counter() - t0)
    elapsed = time.perf_counter() - start
    count = rounds * len(notes)
    print(
        f"CPython {sys.version.split()[0]}: {count / elapsed:.0f} visit notes/s on one core "
        f"({count} reads, slowest {slowest * 1000:.1f} ms)"
    )


def pyodide(notes: list[str], data: dict) -> None:
    pyodide_dir = ROOT / "node_modules" / "pyodide"
    if not pyodide_dir.is_dir() or shutil.which("node") is None:
        print("Pyodide: skipped (node_modules/pyodide or node missing; run scripts/setup.sh --test)")
        return
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        (folder / "run.mjs").write_text(NODE_SCRIPT, encoding="utf-8")
        (folder / "data.json").write_text(json.dumps(data), encoding="utf-8")
        (folder / "notes.json").write_text(json.dumps(notes), encoding="utf-8")
        (folder / "engine.zip").write_bytes(engine_archive())
        args = [str(pyodide_dir), str(folder / "data.json"), str(folder / "notes.json"), str(folder / "engine.zip")]
        done = subprocess.run(["node", str(folder / "run.mjs"), *args], capture_output=True, text=True, check=False)
    if done.returncode != 0:
        print(f"Pyodide: failed: {done.stderr.strip()[-400:]}")
        return
    times = sorted(json.loads(done.stdout))
    print(
        f"Pyodide: median {times[len(times) // 2]:.1f} ms per visit note (both payers), "
        f"slowest {times[-1]:.1f} ms, over {len(times)} notes, after the engine was ready"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=20, help="times each note is read in CPython")
    args = parser.parse_args(argv)
    data = engine_data(load_project())
    bank = yaml.safe_load((ROOT / "tests" / "note_bank" / "visits.yaml").read_text(encoding="utf-8"))
    notes = [v["text"] for v in bank]
    cpython(notes, data, args.rounds)
    pyodide(notes, data)
    return 0


if __name__ == "__main__":
    sys.exit(main())
