/* Page shim: finds [data-widget] elements after every Material page swap (document$),
   mounts each once, and gives widgets one shared engine worker, started lazily:
   on the first interaction with a widget, or when the page is idle unless the browser
   asks to save data. Pages without a widget never start it, so they fetch no Pyodide.
   No coding logic here: widgets send {fn, args} to the Python engine and render its reply. */
(function () {
  "use strict";
  const SITE_ROOT = new URL("../../", document.currentScript.src);
  const mounters = {};
  const listeners = new Set();
  const pending = new Map();
  let worker = null;
  let started = 0; // workers created by this document (instant navigation keeps the document)
  let nextId = 1;
  let state = { name: "idle" }; // idle | loading {stage, step, of} | ready | failed {error}
  let siteData = null;

  function notify(fn) {
    // fn(state) gets the object; a listener declared with two parameters gets the older (name, detail) form
    if (fn.length >= 2) fn(state.name, state.name === "failed" ? state.error : state.stage);
    else fn(state);
  }

  function setState(next) {
    state = next;
    listeners.forEach(notify);
  }

  function config() {
    // Site-wide and set at build time only: never read a Pyodide URL from the page address.
    const meta = document.querySelector('meta[name="tcg-pyodide-base"]');
    return {
      pyodide: new URL(meta ? meta.content : "", SITE_ROOT).href,
      engine: new URL("assets/engine.zip", SITE_ROOT).href,
      data: new URL("assets/data/engine.json", SITE_ROOT).href,
    };
  }

  function fail(error) {
    console.error("engine: " + error);
    pending.forEach((p) => p.resolve({ error: { message: error, field: null, startup: true } }));
    pending.clear();
    if (worker) worker.terminate();
    worker = null; // the next call tries again
    setState({ name: "failed", error });
  }

  function start() {
    if (worker) return worker;
    started += 1;
    setState({ name: "loading", stage: "Starting Python", step: 0, of: 3 });
    worker = new Worker(new URL("assets/js/engine.worker.js", SITE_ROOT), { type: "module" });
    let alive = false; // the worker script ran (it says "hello" first)
    worker.onerror = (ev) => {
      // Before "hello" the script itself did not load (missing, blocked, syntax): that is fatal.
      // Later errors are reported by the worker as "failed" or as an error reply, so only log them.
      if (alive) return;
      ev.preventDefault();
      fail("the engine worker did not start" + (ev.message ? " (" + ev.message + ")" : ""));
    };
    worker.onmessage = (ev) => {
      const msg = ev.data;
      if (msg.type === "hello") return void (alive = true);
      if (msg.type === "progress") return setState({ name: "loading", stage: msg.stage, step: msg.step, of: msg.of });
      if (msg.type === "ready") return setState({ name: "ready" });
      if (msg.type === "failed") return fail(msg.error);
      const p = pending.get(msg.id);
      if (!p) return;
      pending.delete(msg.id);
      p.resolve(msg);
    };
    worker.postMessage({ type: "init", config: config() });
    return worker;
  }

  /** Call engine function `fn`; resolves to {result} or {error: {message, field}} as the engine replied. */
  function call(fn, args) {
    const w = start();
    const id = nextId++;
    return new Promise((resolve) => {
      pending.set(id, { resolve });
      w.postMessage({ id, fn, args });
    });
  }

  /** Listen to the engine state {name, stage, step, of, error}; called at once. Returns an unsubscribe function. */
  function onState(fn) {
    listeners.add(fn);
    notify(fn);
    return () => listeners.delete(fn);
  }

  /** The small JSON the build writes for pages (code picker, rule labels, citations), fetched once. */
  function data() {
    if (!siteData) {
      siteData = fetch(new URL("assets/data/calculator.json", SITE_ROOT)).then((r) =>
        r.ok ? r.json() : Promise.reject(new Error("calculator.json " + r.status)),
      );
      siteData.catch(() => (siteData = null));
    }
    return siteData;
  }

  function saveData() {
    return Boolean(navigator.connection && navigator.connection.saveData);
  }

  /** Start the engine on the first interaction with `el`, or once the page is idle (not in save-data mode). */
  function warmUp(el) {
    const now = () => {
      if (document.contains(el) && state.name === "idle") start(); // after a failure only a real request retries
    };
    ["pointerdown", "focusin", "keydown"].forEach((type) => el.addEventListener(type, now, { once: true }));
    if (saveData()) return;
    if ("requestIdleCallback" in window) requestIdleCallback(now, { timeout: 4000 });
    else setTimeout(now, 2000);
  }

  /** Register a widget; `options.engine === false` for widgets that never call Python. */
  function register(name, mount, options) {
    mounters[name] = { mount, engine: !options || options.engine !== false };
    mountAll();
  }

  function mountAll() {
    document.querySelectorAll("[data-widget]:not([data-mounted])").forEach((el) => {
      const entry = mounters[el.dataset.widget];
      if (!entry) return;
      el.dataset.mounted = "true";
      entry.mount(el, { call, onState, data, siteRoot: SITE_ROOT });
      if (entry.engine) warmUp(el);
    });
  }

  window.TCG = {
    register,
    call,
    onState,
    data,
    siteRoot: SITE_ROOT,
    workerCount: () => (worker ? 1 : 0),
    workersStarted: () => started,
  };
  if (typeof document$ !== "undefined") document$.subscribe(mountAll);
  else document.addEventListener("DOMContentLoaded", mountAll);
})();
