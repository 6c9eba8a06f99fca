// Make the engine's memory snapshot with Pyodide under Node (run by build_tools/pyodide.py at build time).
// Usage: node make_snapshot.mjs <pyodide dir> <precompiled stdlib zip> <precompiled engine zip> <out file>
// Starts Pyodide on the very standard library the site serves (zipimport keeps that archive's directory, with
// file offsets, in the heap: a snapshot is only valid with the archive it was made on), imports every engine
// module, and writes the heap (Pyodide's `_makeSnapshot` / `makeMemorySnapshot()`) gzipped to <out file>.
// Prints {"build": <Pyodide BUILD_ID>, "size": <snapshot bytes before gzip>} on stdout.
// The engine's data is not in the snapshot: the worker loads it after the restore, so editing the data
// does not change the snapshot.
import { readFileSync, writeFileSync } from "node:fs";
import { pathToFileURL } from "node:url";
import { gzipSync } from "node:zlib";

const [pyodideDir, stdlib, engineZip, out] = process.argv.slice(2);
const { loadPyodide } = await import(pathToFileURL(pyodideDir + "/pyodide.mjs").href);
const py = await loadPyodide({ indexURL: pyodideDir + "/", stdLibURL: stdlib, _makeSnapshot: true });
py.unpackArchive(new Uint8Array(readFileSync(engineZip)), "zip", { extractDir: "/home/pyodide" });
py.runPython(`
import importlib
import pkgutil
import sys

sys.path.insert(0, "/home/pyodide")
import engine

for module in pkgutil.walk_packages(engine.__path__, "engine."):
    importlib.import_module(module.name)
`);
const snapshot = py.makeMemorySnapshot();
writeFileSync(out, gzipSync(snapshot, { level: 6 }));
process.stdout.write(JSON.stringify({ build: py._api.config.BUILD_ID, size: snapshot.length }));
