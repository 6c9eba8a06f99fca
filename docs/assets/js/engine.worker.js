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

/** Every download the boot needs, started at once when the worker gets its config (before pyodide.mjs is
    even imported): the wasm, compiled while it downloads (WebAssembly.compileStreaming) and so while the
    snapshot downloads and unzips too; pyodide.asm.mjs; the lock file; the precompiled stdlib; the snapshot.
    Pyodide asks for the same files itself once loadPyodide runs: `install()` hands it these downloads
    instead of new requests (each loadPyodide call gets its own copy of the bytes, so a start that gives up
    its snapshot and starts again fetches nothing twice), and has its wasm instantiated from the module
    compiled here. `uninstall()` puts fetch and WebAssembly.instantiateStreaming back when the boot is over. */
function startDownloads(cfg) {
  const realFetch = self.fetch;
  const wasmURL = cfg.pyodide + "pyodide.asm.wasm";
  const wasm = WebAssembly.compileStreaming(realFetch(wasmURL));
  wasm.catch(() => {}); // a failed compile falls back to Pyodide's own instantiateStreaming, below
  const asm = import(cfg.pyodide + "pyodide.asm.mjs");
  asm.catch(() => {}); // rejects loadPyodide, through createPyodideModule
  const buffered = (url) => {
    const p = realFetch(url).then((r) =>
      r.arrayBuffer().then((body) => ({ body, init: { status: r.status, statusText: r.statusText, headers: r.headers } })),
    );
    p.catch(() => {});
    return p;
  };
  const files = new Map([[cfg.pyodide + "pyodide-lock.json", buffered(cfg.pyodide + "pyodide-lock.json")]]);
  if (cfg.stdlib) files.set(cfg.stdlib, buffered(cfg.stdlib));
  const snapshot = cfg.snapshot && cfg.stdlib ? readSnapshot(cfg) : null;
  const wasmRequests = new WeakSet(); // Pyodide's own requests for the wasm: answered by the compiled module
  const realInstantiateStreaming = WebAssembly.instantiateStreaming;

  function install() {
    self.fetch = function (input, init) {
      const url = String(input instanceof Request ? input.url : input);
      if (url === wasmURL) {
        const p = Promise.resolve(new Response(null, { headers: { "Content-Type": "application/wasm" } }));
        wasmRequests.add(p);
        return p;
      }
      const file = files.get(url);
      if (file) return file.then(({ body, init }) => new Response(body.slice(0), init));
      return realFetch.call(this, input, init);
    };
    WebAssembly.instantiateStreaming = async function (source, imports) {
      if (!wasmRequests.has(source)) return realInstantiateStreaming.call(this, source, imports);
      let module;
      try {
        module = await wasm;
      } catch (e) {
        return realInstantiateStreaming.call(this, realFetch(wasmURL), imports); // compile failed: as Pyodide would
      }
      return { module, instance: await WebAssembly.instantiate(module, imports) };
    };
  }

  function uninstall() {
    self.fetch = realFetch;
    WebAssembly.instantiateStreaming = realInstantiateStreaming;
  }

  return {
    install,
    uninstall,
    snapshot,
    stdlibOk: cfg.stdlib ? files.get(cfg.stdlib).then(({ init }) => init.status >= 200 && init.status < 300, () => false) : null,
    createPyodideModule: (settings) => asm.then((m) => m.default(settings)),
  };
}

/** Options for loadPyodide, with the precompiled stdlib when the build made one, or Pyodide's own if that failed. */
function pyodideOptions(cfg, early, { forSnapshot = false } = {}) {
  const options = { indexURL: cfg.pyodide, createPyodideModule: early.createPyodideModule };
  if (!cfg.stdlib) return options;
  return {
    ...options,
    stdLibURL: cfg.stdlib,
    async fsInit(FS) {
      if (await early.stdlibOk) return void (stdlib = "precompiled"); // Pyodide installs it
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

/** The snapshot: {status: "used", bytes: promise of the heap} once its response has come, or {status:
    not-cached|missing}. The header line is checked on the body's first bytes and the heap is unzipped while it
    downloads, both while Pyodide starts: a header for another build or engine rejects `bytes` with "stale", a
    body that is not a snapshot, a broken gzip stream or the wrong size with "corrupt" (startPython then starts
    afresh, before any wasm was instantiated). */
async function readSnapshot(cfg) {
  let response = null;
  const cachedOnly = cfg.snapshotPolicy !== "always";
  try {
    response = await self.fetch(cfg.snapshot, cachedOnly ? { cache: "only-if-cached", mode: "same-origin" } : {});
  } catch (e) {
    response = null;
  }
  if (!response || !response.ok) return { status: cachedOnly ? "not-cached" : "missing" };
  const bytes = heap(response.body.getReader(), cfg);
  bytes.catch(() => {}); // handled by loadPyodide's caller
  return { status: "used", bytes };
}

async function heap(reader, cfg) {
  const read = () =>
    reader.read().catch(() => {
      throw new SnapshotSkipped("corrupt"); // cut short
    });
  // the page names the exact header line (Pyodide build, size, engine and stdlib hashes) its snapshot starts with
  let head = new Uint8Array(0);
  let end = -1;
  while (end < 0) {
    const { value, done } = await read();
    if (done || head.length >= 512) throw new SnapshotSkipped("corrupt");
    const joined = new Uint8Array(head.length + value.length);
    joined.set(head);
    joined.set(value, head.length);
    head = joined;
    end = head.subarray(0, 512).indexOf(10);
  }
  const header = new TextDecoder().decode(head.subarray(0, end));
  if (header !== cfg.snapshotHeader) {
    reader.cancel().catch(() => {});
    const magic = cfg.snapshotHeader.split(" ")[0] + " "; // a snapshot header, but for another build or engine
    throw new SnapshotSkipped(end > 0 && header.startsWith(magic) ? "stale" : "corrupt");
  }
  const rest = head.subarray(end + 1);
  const gz = new ReadableStream({
    start(controller) {
      if (rest.length) controller.enqueue(rest);
    },
    async pull(controller) {
      const { value, done } = await read();
      if (done) controller.close();
      else controller.enqueue(value);
    },
    cancel(reason) {
      return reader.cancel(reason);
    },
  });
  let buffer;
  try {
    buffer = await new Response(gz.pipeThrough(new DecompressionStream("gzip"))).arrayBuffer();
  } catch (e) {
    throw new SnapshotSkipped("corrupt"); // not gzip, cut short, or a checksum error
  }
  return unsparse(buffer, cfg.snapshotSize);
}

/** The heap from its sparse form (build_tools/make_snapshot.mjs `sparse()`): u32 page size, u32 number of runs,
    (u32 first page, u32 pages) per run of pages that are not all zero, then their bytes, little-endian; laid into
    a zeroed heap of `size` bytes. Anything that does not add up to that is "corrupt". */
function unsparse(buffer, size) {
  const data = new Uint8Array(buffer);
  const view = new DataView(buffer);
  if (data.length < 8) throw new SnapshotSkipped("corrupt");
  const page = view.getUint32(0, true);
  const count = view.getUint32(4, true);
  let at = 8 + 8 * count;
  if (!page || at > data.length) throw new SnapshotSkipped("corrupt");
  const heap = new Uint8Array(size);
  let next = 0; // runs are in order and do not overlap
  for (let i = 0; i < count; i++) {
    const start = view.getUint32(8 + 8 * i, true) * page;
    const end = Math.min(start + view.getUint32(12 + 8 * i, true) * page, size);
    if (start < next || start >= end || end - start > data.length - at) throw new SnapshotSkipped("corrupt");
    heap.set(data.subarray(at, at + end - start), start);
    at += end - start;
    next = end;
  }
  if (at !== data.length) throw new SnapshotSkipped("corrupt"); // bytes left over: the wrong size
  return heap;
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
    `skipped()` is called as soon as the snapshot is given up. Only the snapshot's response is awaited before
    Pyodide starts (a cache lookup under the "cached" policy); its header and heap are checked inside
    loadPyodide's wait for `_loadSnapshot`, before any wasm is instantiated, so a snapshot that is not used never
    costs a second start. */
async function startPython(loadPyodide, cfg, early, skipped) {
  const snap = early.snapshot ? await early.snapshot : null;
  if (snap && snap.status === "used") {
    try {
      const py = await loadPyodide({ ...pyodideOptions(cfg, early, { forSnapshot: true }), _loadSnapshot: snap.bytes });
      if (stdlib !== "precompiled") throw new Error("the precompiled standard library is missing");
      py.runPython("import random; random.seed()"); // the snapshot froze the random state: draw a fresh one
      snapshot = "used";
      return py;
    } catch (e) {
      snapshot = e instanceof SnapshotSkipped ? e.message : "failed";
      console.warn("engine: memory snapshot not usable (" + e + "); starting afresh");
    }
  } else if (snap) {
    snapshot = snap.status;
  }
  skipped();
  return loadPyodide(pyodideOptions(cfg, early));
}

async function boot(cfg) {
  progress(0, "Downloading Python");
  const early = startDownloads(cfg);
  const data = fetchOk(cfg.data, "text");
  data.catch(() => {}); // awaited below; avoid an unhandled rejection while Python starts
  // the engine archive is needed only without the snapshot (which has the engine imported): fetch it then
  let engine = null;
  const fetchEngine = () => {
    if (!engine) (engine = fetchOk(cfg.engine, "arrayBuffer")).catch(() => {});
    return engine;
  };
  if (!cfg.snapshot || !cfg.stdlib) fetchEngine();
  early.install();
  let py;
  try {
    const { loadPyodide } = await import(cfg.pyodide + "pyodide.mjs");
    progress(1, "Starting Python");
    py = await startPython(loadPyodide, cfg, early, fetchEngine);
  } finally {
    early.uninstall();
  }
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
  // held while this shared engine lives (released when it closes): a new tab that sees it joins at once instead
  // of waiting for its page to be idle (widgets.js); named like the shared worker, so only the same build joins
  if (shared && self.navigator && navigator.locks) {
    const held = () => ready.then(() => new Promise(() => {})); // until the worker closes (or the boot failed)
    navigator.locks.request("tcg-engine " + cfg.engine, held).catch(() => {});
  }
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
