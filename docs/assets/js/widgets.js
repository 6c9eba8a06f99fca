/* Page shim (loaded by loader.js on pages with a widget): finds [data-widget] elements after every
   Material page swap (document$), mounts each once, and gives widgets one engine, shared by every
   open tab of the site through a SharedWorker (a dedicated worker where there is none), started lazily:
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
  let snapshotCached = false; // the worker fetched the memory snapshot into the cache for the next visit

  function notify(fn) {
    // fn(state) gets the object; a listener declared with two parameters gets the older (name, detail) form
    if (fn.length >= 2) fn(state.name, state.name === "failed" ? state.error : state.stage);
    else fn(state);
  }

  function setState(next) {
    state = next;
    listeners.forEach(notify);
  }

  function meta(name) {
    const el = document.querySelector('meta[name="' + name + '"]');
    return el ? el.content : "";
  }

  function config() {
    // Site-wide and set at build time only: never read a Pyodide URL from the page address.
    // The engine and the precompiled stdlib have content-hashed names (build_tools/pyodide.py).
    // A memory snapshot (with the header line it must start with, and its size unzipped) when the build made one.
    const stdlib = meta("tcg-stdlib");
    const snapshot = meta("tcg-snapshot");
    return {
      pyodide: new URL(meta("tcg-pyodide-base"), SITE_ROOT).href,
      engine: new URL(meta("tcg-engine") || "assets/engine.zip", SITE_ROOT).href,
      stdlib: stdlib ? new URL(stdlib, SITE_ROOT).href : "",
      snapshot: snapshot ? new URL(snapshot, SITE_ROOT).href : "",
      snapshotHeader: meta("tcg-snapshot-header"),
      snapshotSize: Number(meta("tcg-snapshot-size")),
      snapshotPolicy: meta("tcg-snapshot-policy") || "cached",
      data: new URL("assets/data/engine.json", SITE_ROOT).href,
    };
  }

  /** One engine for every open tab: a SharedWorker where the browser has one (named by the engine archive, so a
      new build never talks to an old engine), else a dedicated worker. Both look like a port. */
  function connect(cfg) {
    const url = new URL("assets/js/engine.worker.js", SITE_ROOT);
    if (typeof SharedWorker === "function") {
      try {
        const shared = new SharedWorker(url, { type: "module", name: "tcg-engine " + cfg.engine });
        shared.port.start();
        return { kind: "shared", target: shared, port: shared.port, stop: () => shared.port.close() };
      } catch (e) {
        console.warn("engine: no shared worker (" + e + "); using a dedicated one");
      }
    }
    const dedicated = new Worker(url, { type: "module" });
    return { kind: "dedicated", target: dedicated, port: dedicated, stop: () => dedicated.terminate() };
  }

  /** Say once that the engine answered (or gave up): then search-gate.js lets Material load its search index. */
  let announced = false;
  function answered() {
    if (announced) return;
    announced = true;
    window.dispatchEvent(new CustomEvent("tcg:engine-answered"));
  }

  function fail(error) {
    answered();
    console.error("engine: " + error);
    pending.forEach((p) => p.resolve({ error: { message: error, field: null, startup: true } }));
    pending.clear();
    if (worker) worker.stop();
    worker = null; // the next call tries again
    setState({ name: "failed", error });
  }

  function start() {
    if (worker) return worker;
    started += 1;
    setState({ name: "loading", stage: "Starting Python", step: 0, of: 3 });
    const cfg = config();
    worker = connect(cfg);
    let alive = false; // the worker script ran (it says "hello" first)
    worker.target.onerror = (ev) => {
      // Before "hello" the script itself did not load (missing, blocked, syntax): that is fatal.
      // Later errors are reported by the worker as "failed" or as an error reply, so only log them.
      if (alive) return;
      ev.preventDefault();
      fail("the engine worker did not start" + (ev.message ? " (" + ev.message + ")" : ""));
    };
    worker.port.onmessage = (ev) => {
      const msg = ev.data;
      if (msg.type === "hello") return void (alive = true);
      if (msg.type === "progress") return setState({ name: "loading", stage: msg.stage, step: msg.step, of: msg.of });
      if (msg.type === "ready") return setState({ name: "ready", stdlib: msg.stdlib, snapshot: msg.snapshot });
      if (msg.type === "failed") return fail(msg.error);
      if (msg.type === "snapshot-cached") return void (snapshotCached = true);
      const p = pending.get(msg.id);
      if (!p) return;
      pending.delete(msg.id);
      p.resolve(msg);
      answered();
    };
    worker.port.postMessage({ type: "init", config: cfg });
    return worker;
  }

  /** Call engine function `fn`; resolves to {result} or {error: {message, field}} as the engine replied. */
  function call(fn, args) {
    const w = start();
    const id = nextId++;
    return new Promise((resolve) => {
      pending.set(id, { resolve });
      w.port.postMessage({ id, fn, args });
    });
  }

  /** Listen to the engine state {name, stage, step, of, error}; called at once. Returns an unsubscribe function. */
  function onState(fn) {
    listeners.add(fn);
    notify(fn);
    return () => listeners.delete(fn);
  }

  //: the widgets that read data() (units.js), whose page fetches it as soon as this shim runs
  const READS_DATA = '[data-widget="units"], [data-widget="rule-evidence"]';

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

  /** Whether another tab's shared engine is already running: its worker holds a Web Lock named like the shared
      worker (engine.worker.js). Asked once, as soon as this shim runs, so the answer is in before a widget mounts. */
  let running = null;
  function engineRunning() {
    if (!running) {
      const locks = navigator.locks;
      running =
        typeof SharedWorker === "function" && locks && locks.query
          ? locks.query().then((s) => s.held.some((l) => l.name === "tcg-engine " + config().engine), () => false)
          : Promise.resolve(false);
    }
    return running;
  }

  /** Start the engine on the first interaction with `el`, or once the page is idle (not in save-data mode); at
      once when a shared engine is already running (joining it downloads nothing and starts no Python). */
  function warmUp(el) {
    const now = () => {
      if (document.contains(el) && state.name === "idle") start(); // after a failure only a real request retries
    };
    ["pointerdown", "focusin", "keydown"].forEach((type) => el.addEventListener(type, now, { once: true }));
    engineRunning().then((yes) => yes && now());
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
    // every widget here is mounted and none of them calls the engine: nothing to keep the search index waiting for
    const widgets = Array.from(document.querySelectorAll("[data-widget]"));
    if (widgets.every((el) => el.dataset.mounted && !mounters[el.dataset.widget].engine)) {
      window.dispatchEvent(new CustomEvent("tcg:no-engine"));
    }
  }

  window.TCG = {
    register,
    call,
    onState,
    data,
    siteRoot: SITE_ROOT,
    workerCount: () => (worker ? 1 : 0),
    workerKind: () => (worker ? worker.kind : null),
    /** "precompiled" (the build's .pyc standard library) or "pyodide" (Pyodide's own), once ready */
    stdlib: () => state.stdlib || null,
    /** what became of the memory snapshot, once ready: used | not-cached | missing | stale | corrupt | failed | none */
    snapshot: () => state.snapshot || null,
    /** true once the engine fetched its memory snapshot into the HTTP cache, for the next visit */
    snapshotCached: () => snapshotCached,
    workersStarted: () => started,
  };
  // a closing tab leaves the shared engine (a tab kept in the back/forward cache comes back with a new connection)
  window.addEventListener("pagehide", () => {
    if (!worker || worker.kind !== "shared") return;
    worker.port.postMessage({ type: "bye" });
    worker.stop();
    worker = null;
    if (state.name !== "failed") setState({ name: "idle" });
  });
  if (typeof document$ !== "undefined") document$.subscribe(mountAll);
  else document.addEventListener("DOMContentLoaded", mountAll);
  // now, while the widget scripts are still loading: join a shared engine that is already running (the
  // connection and its "ready" are then done when a widget mounts; joining downloads nothing, so it is done on any
  // page with a widget), and fetch the calculator's data, which its first answer waits for (once: the calculator
  // asks for it again when it mounts)
  engineRunning().then((yes) => yes && state.name === "idle" && document.querySelector("[data-widget]") && start());
  if (document.querySelector(READS_DATA)) data();
})();
