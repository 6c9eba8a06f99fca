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
import nodeCrypto from "node:crypto";
import { gzipSync } from "node:zlib";

const [pyodideDir, stdlib, engineZip, out] = process.argv.slice(2);

// Reproducible byte for byte: the heap records the clock (file times in the in-memory file system, start-up
// timestamps) and entropy drawn at start-up (libc's random state). Both are fixed while the snapshot is made, so
// the same inputs give the same file and its hashed name survives a deploy from a clean CI. Nothing here reaches
// the browser: the worker reseeds Python's random after every restore, and the hash seed is fixed on purpose.
const FIXED_MS = 0;
Date.now = () => FIXED_MS;
performance.now = () => FIXED_MS;
let counter = 0;
const fixedFill = (array) => {
  const bytes = new Uint8Array(array.buffer, array.byteOffset, array.byteLength);
  for (let i = 0; i < bytes.length; i++) bytes[i] = (counter = (counter * 1103515245 + 12345) >>> 0) >>> 24;
  return array;
};
globalThis.crypto.getRandomValues = fixedFill;
nodeCrypto.randomFillSync = fixedFill; // what Pyodide's getentropy calls under Node
const { loadPyodide } = await import(pathToFileURL(pyodideDir + "/pyodide.mjs").href);
const py = await loadPyodide({ indexURL: pyodideDir + "/", stdLibURL: stdlib, _makeSnapshot: true, env: { PYTHONHASHSEED: "0" } });
py.unpackArchive(new Uint8Array(readFileSync(engineZip)), "zip", { extractDir: "/home/pyodide" });
py.FS.writeFile("/tmp/engine.zip", new Uint8Array(readFileSync(engineZip)));
py.runPython(`
import importlib
import sys
import zipfile

sys.path.insert(0, "/home/pyodide")
# every engine module (by the archive's names: the stdlib archive holds only what the engine runs, no pkgutil)
with zipfile.ZipFile("/tmp/engine.zip") as z:
    for name in sorted(z.namelist()):
        importlib.import_module(name[:-4].replace("/", ".").removesuffix(".__init__"))
import os

os.remove("/tmp/engine.zip")  # not part of the heap the browser restores

# the heap must not depend on the build machine's entropy: fix the seeds that CPython drew at start-up (the hash
# seed is fixed by PYTHONHASHSEED above; the worker reseeds random from the browser after every restore)
import gc

for obj in gc.get_objects():
    if isinstance(obj, sys.modules["random"].Random if "random" in sys.modules else ()):
        obj.seed(0)
`);
const snapshot = py.makeMemorySnapshot();
writeFileSync(out, gzipSync(snapshot, { level: 6 }));
process.stdout.write(JSON.stringify({ build: py._api.config.BUILD_ID, size: snapshot.length }));
