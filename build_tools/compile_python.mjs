// Compile Python to .pyc with Pyodide's own CPython (run under Node by build_tools/pyodide.py).
// Usage: node compile_python.mjs <pyodide dir> <engine.zip> <out dir>
// Writes <out dir>/engine.zip (every engine module as a sourceless .pyc) and <out dir>/stdlib.zip
// (Pyodide's python_stdlib.zip where every module imported to boot and to import the engine is a
// sourceless .pyc in place of its .py; the rest stays source, so the archive stays small).
// Code objects carry the path the browser will see, so tracebacks still name the module.
import { readFileSync, writeFileSync } from "node:fs";
import { pathToFileURL } from "node:url";

const [pyodideDir, engineZip, outDir] = process.argv.slice(2);
const { loadPyodide } = await import(pathToFileURL(pyodideDir + "/pyodide.mjs").href);
const py = await loadPyodide({ indexURL: pyodideDir + "/" });
py.unpackArchive(new Uint8Array(readFileSync(engineZip)), "zip", { extractDir: "/home/pyodide" });
py.FS.writeFile("/tmp/engine.zip", new Uint8Array(readFileSync(engineZip)));
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
used = {m.__file__ for m in list(sys.modules.values()) if (getattr(m, "__file__", None) or "").startswith(STDLIB + "/")}


def rewrite(src, dest, prefix, compile_it):
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dest, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in sorted(zin.infolist(), key=lambda i: i.filename):
            if info.is_dir():
                continue
            data, name = zin.read(info), info.filename
            if name.endswith(".py") and compile_it(f"{prefix}/{name}"):
                code = compile(data, f"{prefix}/{name}", "exec", dont_inherit=True)
                data, name = bytes(ext._code_to_timestamp_pyc(code, 0, 0)), name + "c"
            entry = zipfile.ZipInfo(name, date_time=(2020, 1, 1, 0, 0, 0))
            entry.compress_type = zipfile.ZIP_DEFLATED
            zout.writestr(entry, data)


rewrite(STDLIB, "/tmp/stdlib.zip", STDLIB, used.__contains__)
rewrite("/tmp/engine.zip", "/tmp/engine.pyc.zip", "/home/pyodide", lambda path: True)
`);
writeFileSync(outDir + "/stdlib.zip", py.FS.readFile("/tmp/stdlib.zip"));
writeFileSync(outDir + "/engine.zip", py.FS.readFile("/tmp/engine.pyc.zip"));
