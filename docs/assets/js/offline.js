/* Offline use and instant repeat visits (docs/about-performance.md): registers the site's service worker (sw.js,
   written by the build) once the page has loaded and the browser is idle, so it never competes with the first
   paint. When a new build's worker has installed, it shows "A new version of this site is available" with a
   Reload button; the page keeps running on the files it started with until the visitor reloads, and once the
   new version takes over, every open tab of the site reloads, so no tab mixes two versions.
   No worker under `mkdocs serve` (the page names none, and a page with MkDocs' live-reload script never
   registers one), and none when the browser asks to save data (the install fetches every page).
   After the engine first answered on a page, it asks the worker to cache the runtime that boot used. */
(function () {
  "use strict";
  const SITE_ROOT = new URL("../../", document.currentScript.src);
  const meta = document.querySelector('meta[name="tcg-sw"]');
  const script = meta ? meta.content : "";
  if (!script || !("serviceWorker" in navigator)) return;
  const sw = navigator.serviceWorker;
  const controlled = Boolean(sw.controller); // a first visit's page stays without a worker (sw.js claims none)

  function liveReload() {
    // MkDocs injects an inline `livereload(epoch, id)` call before </body>
    return Array.from(document.scripts).some((s) => /\blivereload\(/.test(s.textContent));
  }

  function notice(worker) {
    if (document.querySelector(".tcg-update")) return;
    const box = document.createElement("div");
    box.className = "tcg-update md-typeset"; // md-typeset: Material's button styles
    box.setAttribute("role", "status"); // announced politely, without taking the focus
    document.body.appendChild(box);
    const text = document.createElement("span");
    text.textContent = "A new version of this site is available.";
    const reload = document.createElement("button");
    reload.type = "button";
    reload.className = "md-button md-button--primary";
    reload.textContent = "Reload";
    reload.addEventListener("click", () => {
      reload.disabled = true;
      worker.postMessage({ type: "skip-waiting" }); // then "controllerchange" reloads
    });
    const later = document.createElement("button");
    later.type = "button";
    later.className = "md-button";
    later.textContent = "Later";
    later.addEventListener("click", () => box.remove());
    setTimeout(() => box.append(text, reload, later), 100); // filled after it exists: read by screen readers
  }

  function watch(reg) {
    if (reg.waiting && sw.controller) notice(reg.waiting);
    reg.addEventListener("updatefound", () => {
      const next = reg.installing;
      if (!next) return;
      next.addEventListener("statechange", () => {
        if (next.state === "installed" && sw.controller) notice(next);
      });
    });
  }

  function register() {
    if (liveReload() || (navigator.connection && navigator.connection.saveData)) return;
    sw.register(new URL(script, SITE_ROOT).href, { scope: SITE_ROOT.pathname }).then(
      (reg) => {
        if (!reg) return; // a browser (or test harness) that declines without an error
        watch(reg);
        if (controlled) reg.update().catch(() => {}); // a repeat visit: look for a new build now
      },
      (e) => console.warn("offline: no service worker (" + e + ")"),
    );
  }

  sw.addEventListener("controllerchange", () => {
    if (controlled) location.reload(); // a new version took over (Reload in this tab or another one)
  });
  window.addEventListener("tcg:engine-answered", () => {
    sw.ready.then((reg) => reg.active && reg.active.postMessage({ type: "cache-runtime" }));
  });
  const idle = () => ("requestIdleCallback" in window ? requestIdleCallback(register, { timeout: 2000 }) : register());
  if (document.readyState === "complete") idle();
  else window.addEventListener("load", idle, { once: true });
})();
