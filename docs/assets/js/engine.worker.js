/* Module worker: loads Pyodide, unpacks the engine archive, loads the site data,
   then answers {id, fn, args} with the engine's {id, result} or {id, error}.
   Reports {type: "progress", stage, step, of}, then {type: "ready"} or {type: "failed", error}. */
let ready = null;
const STEPS = 3;

function progress(step, stage) {
  self.postMessage({ type: "progress", stage, step, of: STEPS });
}

function fetchOk(url, as) {
  return fetch(url).then((r) => (r.ok ? r[as]() : Promise.reject(new Error(url + " answered " + r.status))));
}

async function boot(cfg) {
  progress(0, "Downloading Python");
  const { loadPyodide } = await import(cfg.pyodide + "pyodide.mjs");
  progress(1, "Starting Python");
  const engineFiles = Promise.all([fetchOk(cfg.engine, "arrayBuffer"), fetchOk(cfg.data, "text")]);
  engineFiles.catch(() => {}); // awaited below; avoid an unhandled rejection while Python starts
  const py = await loadPyodide({ indexURL: cfg.pyodide });
  progress(2, "Loading the engine");
  const [archive, data] = await engineFiles;
  py.unpackArchive(archive, "zip", { extractDir: "/home/pyodide" });
  const api = py.pyimport("engine.api");
  api.load(data);
  progress(3, "Ready");
  return api;
}

self.onmessage = async (ev) => {
  const msg = ev.data;
  if (msg.type === "init") {
    if (!ready) {
      ready = boot(msg.config);
      ready.then(
        () => self.postMessage({ type: "ready" }),
        (e) => self.postMessage({ type: "failed", error: String((e && e.message) || e) }),
      );
    }
    return;
  }
  try {
    const api = await ready;
    const reply = JSON.parse(api.call(msg.fn, JSON.stringify(msg.args)));
    self.postMessage({ id: msg.id, ...reply });
  } catch (e) {
    self.postMessage({ id: msg.id, error: { message: String((e && e.message) || e), field: null } });
  }
};
self.postMessage({ type: "hello" });
