// Compile Python to .pyc with Pyodide's own CPython (run under Node by build_tools/pyodide.py).
// Usage: node compile_python.mjs <pyodide dir> <engine.zip> <out dir>
// Writes <out dir>/engine.zip (every engine module as a sourceless .pyc) and <out dir>/stdlib.zip: only the
// standard-library modules that run, each a sourceless .pyc. "What runs" is found here, from the engine itself:
// Pyodide boots as in the browser, unpacks the engine, imports every engine module, formats a Python error for
// JavaScript (the traceback machinery) and reseeds random as the worker does; every module then in sys.modules
// that came from Pyodide's python_stdlib.zip goes in, plus LAZY (modules the stdlib imports only inside functions
// the engine calls). tests/test_engine_pyodide.py boots on the result and runs every engine.api handler, so a
// module missing here fails that test, not a visitor.
// Modules CPython has frozen into the interpreter (os, site, codecs, io, zipimport, importlib._bootstrap ...: their
// spec's origin is "frozen") carry a __file__ in the archive but are never read from it, so they are left out.
// Each module is compiled with optimize=2 (as `python -OO`: no docstrings, no asserts; the engine reads no __doc__
// and has no assert, and the handler test compares every reply with CPython's) and stored uncompressed
// (ZIP_STORED): the host's brotli or gzip then compresses the whole archive at once, which shrinks it far more
// than deflating each member (tests/test_precompress.py). Code objects carry the path the browser will see, so
// tracebacks still name the module and the line. The location tables keep the line numbers but not the columns
// (co_linetable rewritten with "line only" entries): a traceback shows columns only as carets under a line of
// source, and the archives carry no source. That takes the standard library's brotli from 0.80 MB to 0.57 MB.
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
import types
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

def from_archive(module):
    """A module read from Pyodide's archive: not frozen into the interpreter (frozen ones carry a __file__ too)."""
    spec = getattr(module, "__spec__", None)
    return (getattr(module, "__file__", None) or "").startswith(STDLIB + "/") and getattr(spec, "origin", None) != "frozen"


used = {m.__file__ for m in list(sys.modules.values()) if from_archive(m)}


def _svarint(value):
    value = (-value << 1) | 1 if value < 0 else value << 1
    out = bytearray()
    while value >= 64:
        out.append((value & 63) | 64)
        value >>= 6
    out.append(value)
    return out


def lines_only(code):
    """The code object and those in it with the same line numbers and no columns: co_linetable rewritten from
    co_lines() with CPython's "no column" (13) and "no location" (15) entries, each for at most 8 code units
    (Objects/locations.md)."""
    table, previous = bytearray(), code.co_firstlineno
    for start, end, line in code.co_lines():
        units = (end - start) // 2
        while units > 0:
            n, units = min(units, 8), units - min(units, 8)
            if line is None:
                table.append(0x80 | (15 << 3) | (n - 1))
            else:
                table.append(0x80 | (13 << 3) | (n - 1))
                table += _svarint(line - previous)
                previous = line
    consts = tuple(lines_only(c) if isinstance(c, types.CodeType) else c for c in code.co_consts)
    new = code.replace(co_linetable=bytes(table), co_consts=consts)
    if [line for *_, line in new.co_lines()] != [line for *_, line in code.co_lines()]:
        raise ValueError(f"line table rewritten wrongly for {code.co_filename}:{code.co_name}")
    return new


def rewrite(src, dest, prefix, keep):
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dest, "w", zipfile.ZIP_STORED) as zout:
        for info in sorted(zin.infolist(), key=lambda i: i.filename):
            data, name = zin.read(info), info.filename
            if info.is_dir() or not name.endswith(".py") or not keep(f"{prefix}/{name}"):
                continue
            code = compile(data, f"{prefix}/{name}", "exec", dont_inherit=True, optimize=2)
            code = lines_only(code)
            entry = zipfile.ZipInfo(name + "c", date_time=(2020, 1, 1, 0, 0, 0))
            entry.compress_type = zipfile.ZIP_STORED
            zout.writestr(entry, bytes(ext._code_to_timestamp_pyc(code, 0, 0)))


rewrite(STDLIB, "/tmp/stdlib.zip", STDLIB, used.__contains__)
rewrite("/tmp/engine.zip", "/tmp/engine.pyc.zip", "/home/pyodide", lambda path: True)
`);
writeFileSync(outDir + "/stdlib.zip", py.FS.readFile("/tmp/stdlib.zip"));
writeFileSync(outDir + "/engine.zip", py.FS.readFile("/tmp/engine.pyc.zip"));
