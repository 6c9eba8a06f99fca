// Benchmark helper (run by benchmarks/widget_boot.py, not by the build): a Pyodide memory snapshot with the
// engine imported, for the "snapshot" scenario that the site does not ship (see docs/about-performance.md).
// Usage: node make_snapshot.mjs <pyodide dir> <site's precompiled stdlib zip> <site's engine zip> <out .gz>
// The snapshot is taken on the very standard library the page mounts: zipimport keeps that archive's
// directory (file offsets) in the heap, so a snapshot is only valid with the archive it was made on.
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
writeFileSync(out, gzipSync(py.makeMemorySnapshot(), { level: 6 }));
