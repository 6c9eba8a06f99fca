/* Page shim: finds [data-widget] elements after every Material page swap (document$),
   mounts each once, and gives widgets one shared engine worker, started lazily.
   No coding logic here: widgets send {fn, args} to the Python engine and render its reply. */
(function () {
  "use strict";
  const SITE_ROOT = new URL("../../", document.currentScript.src);
  const mounters = {};
  let worker = null;
  let nextId = 1;
  const pending = new Map();
  const listeners = new Set();
  let state = "idle"; // idle | loading | ready | failed

  function setState(next, detail) {
    state = next;
    listeners.forEach((fn) => fn(next, detail));
  }

  function config() {
    const meta = document.querySelector('meta[name="tcg-pyodide-base"]');
    return {
      pyodide: new URL(meta ? meta.content : "", SITE_ROOT).href,
      engine: new URL("assets/engine.zip", SITE_ROOT).href,
      data: new URL("assets/data/engine.json", SITE_ROOT).href,
    };
  }

  function startWorker() {
    if (worker) return worker;
    setState("loading", "Starting Python");
    worker = new Worker(new URL("assets/js/engine.worker.js", SITE_ROOT), { type: "module" });
    worker.onmessage = (ev) => {
      const msg = ev.data;
      if (msg.type === "progress") return setState("loading", msg.stage);
      if (msg.type === "ready") return setState("ready");
      if (msg.type === "failed") {
        setState("failed", msg.error);
        pending.forEach((p) => p.reject(new Error(msg.error)));
        pending.clear();
        worker.terminate();
        worker = null;
        return;
      }
      const p = pending.get(msg.id);
      if (!p) return;
      pending.delete(msg.id);
      p.resolve(msg);
    };
    worker.postMessage({ type: "init", config: config() });
    return worker;
  }

  /** Call engine function `fn`; resolves to {result} or {error} exactly as the engine replied. */
  function call(fn, args) {
    const w = startWorker();
    const id = nextId++;
    return new Promise((resolve, reject) => {
      pending.set(id, { resolve, reject });
      w.postMessage({ id, fn, args });
    });
  }

  function onState(fn) {
    listeners.add(fn);
    fn(state);
    return () => listeners.delete(fn);
  }

  function register(name, mount) {
    mounters[name] = mount;
    mountAll();
  }

  function mountAll() {
    document.querySelectorAll("[data-widget]:not([data-mounted])").forEach((el) => {
      const mount = mounters[el.dataset.widget];
      if (!mount) return;
      el.dataset.mounted = "true";
      mount(el, { call, onState, siteRoot: SITE_ROOT });
    });
  }

  window.TCG = { register, call, onState, siteRoot: SITE_ROOT, workerCount: () => (worker ? 1 : 0) };
  if (typeof document$ !== "undefined") document$.subscribe(mountAll);
  else document.addEventListener("DOMContentLoaded", mountAll);
})();
