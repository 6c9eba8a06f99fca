// Compile Python to .pyc with Pyodide's own CPython (run under Node by build_tools/pyodide.py).
// Usage: node compile_python.mjs <pyodide dir> <engine.zip> <out dir>
// Writes <out dir>/engine.zip (every engine module as a sourceless .pyc) and <out dir>/stdlib.zip: only the
// standard-library modules that run, each a sourceless .pyc. "What runs" is found here, from the engine itself:
// Pyodide boots as in the browser, unpacks the engine, imports every engine module, formats a Python error for
// JavaScript (the traceback machinery) and reseeds random as the worker does; every module then in sys.modules
// that came from Pyodide's python_stdlib.zip goes in, plus LAZY (modules the stdlib imports only inside functions
// the engine calls). tests/test_engine_pyodide.py boots on the result and runs every engine.api handler, so a
// module missing here fails that test, not a visitor.
// Code objects carry the path the browser will see, so tracebacks still name the module.
import { readFileSync, writeFileSync } from "node:fs";
import { pathToFileURL } from "node:url";

// imported by the standard library only inside functions the engine's handlers call (none needed so far: the
// handler test would name any); kept explicit so that adding one is a one-line change
const LAZY = [];

const [pyodideDir, engineZip, outDir] = process.argv.slice(2);
const { loadPyodide } = await import(pathToFileURL(pyodideDir + "/pyodide.mjs").href);
const py = await loadPyodide({ indexURL: pyodideDir + "/" });
py.unpackArchive(new Uint8Array(readFileSync(engineZip)), "zip", { extractDir: "/home/pyodide" });
py.FS.writeFile("/tmp/engine.zip", new Uint8Array(readFileSync(engineZip)));
try {
  py.runPython("raise ValueError('an error crossing into JavaScript imports the traceback machinery')");
} catch (e) {
  // expected
}
py.globals.set("LAZY", py.toPy(LAZY));
py.runPython(`
import importlib
import importlib._bootstrap_external as ext
import sys
import zipfile

STDLIB = "/lib/python%d%d.zip" % sys.version_info[:2]
sys.path.insert(0, "/home/pyodide")
with zipfile.ZipFile("/tmp/engine.zip") as z:
    for name in z.namelist():
        if name.endswith(".py"):
            importlib.import_module(name[:-3].replace("/", ".").removesuffix(".__init__"))
import random

random.seed()  # as the worker does after a snapshot restore
for name in LAZY:
    importlib.import_module(name)
used = {m.__file__ for m in list(sys.modules.values()) if (getattr(m, "__file__", None) or "").startswith(STDLIB + "/")}


def rewrite(src, dest, prefix, keep):
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dest, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in sorted(zin.infolist(), key=lambda i: i.filename):
            data, name = zin.read(info), info.filename
            if info.is_dir() or not name.endswith(".py") or not keep(f"{prefix}/{name}"):
                continue
            code = compile(data, f"{prefix}/{name}", "exec", dont_inherit=True)
            entry = zipfile.ZipInfo(name + "c", date_time=(2020, 1, 1, 0, 0, 0))
            entry.compress_type = zipfile.ZIP_DEFLATED
            zout.writestr(entry, bytes(ext._code_to_timestamp_pyc(code, 0, 0)))


rewrite(STDLIB, "/tmp/stdlib.zip", STDLIB, used.__contains__)
rewrite("/tmp/engine.zip", "/tmp/engine.pyc.zip", "/home/pyodide", lambda path: True)
`);
writeFileSync(outDir + "/stdlib.zip", py.FS.readFile("/tmp/stdlib.zip"));
writeFileSync(outDir + "/engine.zip", py.FS.readFile("/tmp/engine.pyc.zip"));
