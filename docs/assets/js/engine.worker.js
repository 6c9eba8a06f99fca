/* Module worker: loads Pyodide, unpacks the engine archive, loads the site data,
   then answers {id, fn, args} with the engine's {id, result} or {id, error}. */
let ready = null;

async function boot(cfg) {
  self.postMessage({ type: "progress", stage: "Loading Python" });
  const { loadPyodide } = await import(cfg.pyodide + "pyodide.mjs");
  const py = await loadPyodide({ indexURL: cfg.pyodide });
  self.postMessage({ type: "progress", stage: "Loading the engine" });
  const [archive, data] = await Promise.all([
    fetch(cfg.engine).then((r) => (r.ok ? r.arrayBuffer() : Promise.reject(new Error("engine " + r.status)))),
    fetch(cfg.data).then((r) => (r.ok ? r.text() : Promise.reject(new Error("data " + r.status)))),
  ]);
  py.unpackArchive(archive, "zip", { extractDir: "/home/pyodide" });
  const api = py.pyimport("engine.api");
  api.load(data);
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
    self.postMessage({ id: msg.id, error: { message: String((e && e.message) || e) } });
  }
};
