/* Keeps Material's search index off the engine's critical path on widget pages. Loaded in <head>, before
   Material's bundle. Material fetches search/search_index.json (with XMLHttpRequest) as soon as its bundle
   runs, and its search worker then builds the lunr index: 0.6-2 s of CPU that competes with Pyodide's start
   on a 2-core machine. On a page with a widget ([data-widget]) that request is held until the first of:
   - the engine has answered (widgets.js dispatches "tcg:engine-answered" on its first reply, or when the
     engine failed to start: then there is nothing to wait for);
   - the search is used: focus in the search box or dialog (also by Material's "/", "s" and "f" keys), or
     its toggle;
   - an instant navigation to a page without a widget, or a page whose widgets never call the engine
     (widgets.js dispatches "tcg:no-engine").
   Reading pages are not affected. Nothing but that one request is changed. */
(function () {
  "use strict";
  const INDEX = /\/search\/search_index\.json$/;
  const proto = XMLHttpRequest.prototype;
  const open = proto.open;
  const send = proto.send;
  const indexRequests = new WeakSet();
  const held = [];
  let released = false;

  function release() {
    if (released) return;
    released = true;
    held.splice(0).forEach((go) => go());
  }

  proto.open = function (method, url) {
    try {
      if (INDEX.test(new URL(url, location.href).pathname)) indexRequests.add(this);
    } catch (e) {
      // not a URL this gate knows: leave it alone
    }
    return open.apply(this, arguments);
  };

  proto.send = function () {
    if (released || !indexRequests.has(this) || !document.querySelector("[data-widget]")) {
      return send.apply(this, arguments);
    }
    const xhr = this;
    const args = arguments;
    held.push(() => send.apply(xhr, args));
    if (typeof document$ !== "undefined") {
      document$.subscribe(() => document.querySelector("[data-widget]") || release());
    }
  };

  window.addEventListener("tcg:engine-answered", release, { once: true });
  window.addEventListener("tcg:no-engine", release, { once: true });
  document.addEventListener("focusin", (ev) => {
    if (ev.target instanceof Element && ev.target.closest("[data-md-component=search]")) release();
  });
  document.addEventListener("change", (ev) => {
    if (ev.target instanceof Element && ev.target.id === "__search") release();
  });

  window.TCGSearchGate = {
    /** true once the search index may load */
    released: () => released,
    /** how many index requests wait */
    held: () => held.length,
  };
})();
