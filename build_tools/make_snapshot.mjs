// Make the engine's memory snapshot with Pyodide under Node (run by build_tools/pyodide.py at build time).
// Usage: node make_snapshot.mjs <pyodide dir> <precompiled stdlib zip> <precompiled engine zip> <out file>
// Starts Pyodide on the very standard library the site serves (zipimport keeps that archive's directory, with
// file offsets, in the heap: a snapshot is only valid with the archive it was made on), imports every engine
// module, and writes the heap (Pyodide's `_makeSnapshot` / `makeMemorySnapshot()`) to <out file>, without its
// zero pages (`sparse()` below) and gzipped. Prints {"build": <Pyodide BUILD_ID>, "size": <the heap's size>}.
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
writeFileSync(out, gzipSync(sparse(snapshot), { level: 6 }));

/** The heap without its zero pages (about 74% of it is zero bytes): u32 page size, u32 number of runs, one
    (u32 first page, u32 pages) per run of pages that are not all zero, then those pages' bytes (the heap's last
    page may be short). Unzipping it writes 13 MB instead of 31 MB (zero runs are slow to inflate: deflate matches
    at most 258 bytes); the worker lays the pages into a zeroed buffer of the heap's size. All little-endian. */
function sparse(heap) {
  const PAGE = 65536;
  const runs = [];
  for (let page = 0; page * PAGE < heap.length; page++) {
    const bytes = heap.subarray(page * PAGE, (page + 1) * PAGE);
    if (bytes.every((b) => b === 0)) continue;
    const last = runs[runs.length - 1];
    if (last && last[0] + last[1] === page) last[1]++;
    else runs.push([page, 1]);
  }
  const head = new DataView(new ArrayBuffer(8 + 8 * runs.length));
  head.setUint32(0, PAGE, true);
  head.setUint32(4, runs.length, true);
  runs.forEach(([first, count], i) => {
    head.setUint32(8 + 8 * i, first, true);
    head.setUint32(12 + 8 * i, count, true);
  });
  const parts = runs.map(([first, count]) => heap.subarray(first * PAGE, (first + count) * PAGE));
  return Buffer.concat([new Uint8Array(head.buffer), ...parts]);
}
process.stdout.write(JSON.stringify({ build: py._api.config.BUILD_ID, size: snapshot.length }));
