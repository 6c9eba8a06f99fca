/* Module worker: loads Pyodide, unpacks the engine archive, loads the site data,
   then answers {id, fn, args} with the engine's {id, result} or {id, error}.
   Reports {type: "progress", stage, step, of}, then {type: "ready"} or {type: "failed", error}.
   Runs as a SharedWorker (one engine for every open tab of the site: each tab is a port) or,
   where the browser has none, as a dedicated worker (the worker itself is the one port).
   Python's standard library comes precompiled (.pyc, cfg.stdlib) when the build made it; when
   that file cannot be fetched, Pyodide's own python_stdlib.zip is installed instead. */
let ready = null;
let stdlib = "pyodide"; // which standard library the engine runs on: "precompiled" or Pyodide's own ("pyodide")
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
function stdlibOptions(cfg) {
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
      // missing or failed: install Pyodide's own standard library where Pyodide would have put it
      console.warn("engine: precompiled standard library unavailable; using Pyodide's own");
      const dir = FS.readdir("/lib").find((name) => /^python\d+\.\d+$/.test(name));
      const bytes = await fetchOk(cfg.pyodide + "python_stdlib.zip", "arrayBuffer");
      FS.writeFile("/lib/" + dir.replace(".", "") + ".zip", new Uint8Array(bytes));
    },
  };
}

async function boot(cfg) {
  progress(0, "Downloading Python");
  const { loadPyodide } = await import(cfg.pyodide + "pyodide.mjs");
  progress(1, "Starting Python");
  const engineFiles = Promise.all([fetchOk(cfg.engine, "arrayBuffer"), fetchOk(cfg.data, "text")]);
  engineFiles.catch(() => {}); // awaited below; avoid an unhandled rejection while Python starts
  const py = await loadPyodide({ indexURL: cfg.pyodide, ...stdlibOptions(cfg) });
  progress(2, "Loading the engine");
  const [archive, data] = await engineFiles;
  py.unpackArchive(archive, "zip", { extractDir: "/home/pyodide" });
  const api = py.pyimport("engine.api");
  api.load(data);
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
    () => broadcast({ type: "ready", stdlib }),
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
