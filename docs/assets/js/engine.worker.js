/* Module worker: loads Pyodide, unpacks the engine archive, loads the site data,
   then answers {id, fn, args} with the engine's {id, result} or {id, error}.
   Reports {type: "progress", stage, step, of}, then {type: "ready"} or {type: "failed", error}.
   Runs as a SharedWorker (one engine for every open tab of the site: each tab is a port) or,
   where the browser has none, as a dedicated worker (the worker itself is the one port).
   Python's standard library comes precompiled (.pyc, cfg.stdlib) when the build made it; when
   that file cannot be fetched, Pyodide's own python_stdlib.zip is installed instead.
   The fastest boot restores a memory snapshot of Pyodide with the engine already imported
   (cfg.snapshot, made at build time by build_tools/make_snapshot.mjs). Its header line (Pyodide
   build, size, and the engine and stdlib it was made with) must be the one this page names.
   A snapshot that is missing, stale or corrupt, or that Pyodide refuses, is skipped and the engine
   boots from the .pyc files instead; the ready message says which ("snapshot": used | not-cached |
   missing | stale | corrupt | failed | none).
   The snapshot is 5 MB more to download, and saves about 0.3 s of start-up: worth it only once it is
   in the browser's cache. So under the default policy ("cached") the worker takes it only from the
   HTTP cache, and on a visit where it is not there ("not-cached") it boots from the .pyc files and
   then fetches the snapshot in the background for the next visit (not when the browser asks to save
   data); it says {type: "snapshot-cached"} when that is done. Policy "always" fetches it at once. */
let ready = null;
let stdlib = "pyodide"; // which standard library the engine runs on: "precompiled" or Pyodide's own ("pyodide")
let snapshot = "none"; // what became of the memory snapshot (see above)
let last = null; // the latest progress/ready message, replayed to a tab that connects during or after the boot
const ports = new Set();
const STEPS = 3;

function broadcast(msg) {
  last = msg;
  ports.forEach((port) => port.postMessage(msg));
}

function progress(step, stage) {
  broadcast({ type: "progress", stage, step, of: STEPS });
}

function fetchOk(url, as) {
  return fetch(url).then((r) => (r.ok ? r[as]() : Promise.reject(new Error(url + " answered " + r.status))));
}

/** Options for loadPyodide that use the precompiled stdlib at `url`, or Pyodide's own if `url` fails. */
function stdlibOptions(cfg, { forSnapshot = false } = {}) {
  if (!cfg.stdlib) return {};
  // Pyodide fetches stdLibURL itself, in parallel with its other files; note that request's response
  const original = self.fetch;
  let response = null;
  self.fetch = function (input, init) {
    const p = original.call(this, input, init);
    if (String(input) === cfg.stdlib) response = p;
    return p;
  };
  return {
    stdLibURL: cfg.stdlib,
    async fsInit(FS) {
      self.fetch = original;
      const r = await Promise.resolve(response).catch(() => null);
      if (r && r.ok) return void (stdlib = "precompiled"); // Pyodide installs it
      // a snapshot's heap knows the precompiled archive's layout: without it, startPython starts afresh instead
      if (forSnapshot) return;
      // missing or failed: install Pyodide's own standard library where Pyodide would have put it
      console.warn("engine: precompiled standard library unavailable; using Pyodide's own");
      const dir = FS.readdir("/lib").find((name) => /^python\d+\.\d+$/.test(name));
      const bytes = await fetchOk(cfg.pyodide + "python_stdlib.zip", "arrayBuffer");
      FS.writeFile("/lib/" + dir.replace(".", "") + ".zip", new Uint8Array(bytes));
    },
  };
}

/** The snapshot, checked against this page: {status: "used", bytes: promise of the heap} or {status:
    not-cached|missing|stale|corrupt}. The header is checked here; the heap is unzipped while Pyodide starts, and a
    broken gzip stream rejects `bytes` (startPython then starts afresh). */
async function readSnapshot(cfg) {
  let response = null;
  const cachedOnly = cfg.snapshotPolicy !== "always";
  try {
    response = await fetch(cfg.snapshot, cachedOnly ? { cache: "only-if-cached", mode: "same-origin" } : {});
  } catch (e) {
    response = null;
  }
  if (!response || !response.ok) return { status: cachedOnly ? "not-cached" : "missing" };
  let raw;
  try {
    raw = new Uint8Array(await response.arrayBuffer());
  } catch (e) {
    return { status: "corrupt" }; // cut short
  }
  // the page names the exact header line (Pyodide build, size, engine and stdlib hashes) its snapshot starts with
  const end = raw.subarray(0, 512).indexOf(10);
  const header = new TextDecoder().decode(raw.subarray(0, Math.max(end, 0)));
  if (header !== cfg.snapshotHeader) {
    const magic = cfg.snapshotHeader.split(" ")[0] + " "; // a snapshot header, but for another build or engine
    return { status: end > 0 && header.startsWith(magic) ? "stale" : "corrupt" };
  }
  const unzipped = new Blob([raw.subarray(end + 1)]).stream().pipeThrough(new DecompressionStream("gzip"));
  const bytes = new Response(unzipped).arrayBuffer().then(
    (buffer) => {
      if (buffer.byteLength !== cfg.snapshotSize) throw new SnapshotSkipped("corrupt"); // the wrong size
      return new Uint8Array(buffer);
    },
    () => {
      throw new SnapshotSkipped("corrupt"); // not gzip, cut short, or a checksum error
    },
  );
  bytes.catch(() => {}); // handled by loadPyodide's caller
  return { status: "used", bytes };
}

/** After a boot without the snapshot in the cache: fetch it into the HTTP cache for the next visit. */
function cacheSnapshot(cfg) {
  const connection = self.navigator && navigator.connection;
  if (connection && connection.saveData) return;
  fetch(cfg.snapshot, { priority: "low" })
    .then((r) => (r.ok ? r.arrayBuffer() : null))
    .then((body) => body && ports.forEach((port) => port.postMessage({ type: "snapshot-cached" })))
    .catch(() => {});
}

class SnapshotSkipped extends Error {}

/** Start Pyodide from the snapshot when it passes its checks, else (or when Pyodide refuses it) from the .pyc;
    `skipped()` is called as soon as the snapshot is given up. The check (a cache lookup under the "cached"
    policy) is awaited before Pyodide starts, so a snapshot that is not used never costs a second start. */
async function startPython(loadPyodide, cfg, skipped) {
  const snap = cfg.snapshot && cfg.stdlib ? await readSnapshot(cfg) : null;
  if (snap && snap.status === "used") {
    const realFetch = self.fetch; // stdlibOptions wraps it until Pyodide's fsInit, which a refused snapshot skips
    const options = stdlibOptions(cfg, { forSnapshot: true });
    try {
      const py = await loadPyodide({ indexURL: cfg.pyodide, ...options, _loadSnapshot: snap.bytes });
      if (stdlib !== "precompiled") throw new Error("the precompiled standard library is missing");
      py.runPython("import random; random.seed()"); // the snapshot froze the random state: draw a fresh one
      snapshot = "used";
      return py;
    } catch (e) {
      self.fetch = realFetch;
      snapshot = e instanceof SnapshotSkipped ? e.message : "failed";
      console.warn("engine: memory snapshot not usable (" + e + "); starting afresh");
    }
  } else if (snap) {
    snapshot = snap.status;
  }
  skipped();
  return loadPyodide({ indexURL: cfg.pyodide, ...stdlibOptions(cfg) });
}

async function boot(cfg) {
  progress(0, "Downloading Python");
  const { loadPyodide } = await import(cfg.pyodide + "pyodide.mjs");
  progress(1, "Starting Python");
  const data = fetchOk(cfg.data, "text");
  data.catch(() => {}); // awaited below; avoid an unhandled rejection while Python starts
  // the engine archive is needed only without the snapshot (which has the engine imported): fetch it then
  let engine = null;
  const fetchEngine = () => {
    if (!engine) (engine = fetchOk(cfg.engine, "arrayBuffer")).catch(() => {});
    return engine;
  };
  if (!cfg.snapshot || !cfg.stdlib) fetchEngine();
  const py = await startPython(loadPyodide, cfg, fetchEngine);
  progress(2, "Loading the engine");
  if (snapshot !== "used") py.unpackArchive(await fetchEngine(), "zip", { extractDir: "/home/pyodide" });
  const api = py.pyimport("engine.api");
  api.load(await data);
  progress(3, "Ready");
  return api;
}

async function answer(port, msg) {
  try {
    const api = await ready;
    const reply = JSON.parse(api.call(msg.fn, JSON.stringify(msg.args)));
    port.postMessage({ id: msg.id, ...reply });
  } catch (e) {
    port.postMessage({ id: msg.id, error: { message: String((e && e.message) || e), field: null } });
  }
}

function init(port, cfg) {
  if (ready) {
    if (last) port.postMessage(last); // joined a boot in progress, or one already done
    return;
  }
  ready = boot(cfg);
  ready.then(
    () => {
      broadcast({ type: "ready", stdlib, snapshot });
      if (snapshot === "not-cached") cacheSnapshot(cfg);
    },
    (e) => {
      broadcast({ type: "failed", error: String((e && e.message) || e) });
      ports.clear();
      // a shared worker outlives a tab: close, so the next try starts a fresh one (module imports are not retried)
      if (shared) self.close();
    },
  );
}

function serve(port) {
  ports.add(port);
  port.onmessage = (ev) => {
    const msg = ev.data;
    if (msg.type === "init") init(port, msg.config);
    else if (msg.type === "bye") ports.delete(port); // the tab went away
    else answer(port, msg);
  };
  port.postMessage({ type: "hello", shared });
}

const shared = typeof SharedWorkerGlobalScope !== "undefined" && self instanceof SharedWorkerGlobalScope;
if (shared) self.onconnect = (ev) => serve(ev.ports[0]);
else serve(self);
