/* Widget loader, the only widget script every page carries: after each Material page swap (document$)
   it looks for [data-widget] (and the catalog's [data-filter]) and loads the scripts those need, each
   once, in order (the shim widgets.js before any widget). Reading pages load no widget code, and so
   never start the engine or fetch Pyodide. The widget files stay ordinary classic scripts. */
(function () {
  "use strict";
  const BASE = new URL("./", document.currentScript.src); // assets/js/
  const SHIM = "widgets.js";
  //: data-widget value -> its script (the shim goes first, for every widget)
  const WIDGETS = {
    units: "units.js",
    "rule-evidence": "units.js",
    tree: "tree.js",
    coach: "coach.js",
    visit: "visit.js",
    practice: "practice.js",
    drill: "drills.js",
    "quiz-builder": "instructor.js",
    worksheet: "instructor.js",
    "answer-key": "instructor.js",
  };
  //: scripts a widget script reads at run time, loaded just before it (today's session: assets/js/session.js)
  const BEFORE = { "tree.js": "session.js", "units.js": "session.js", "visit.js": "session.js" };
  //: scripts that need no shim, by the selector that calls for them
  const OTHERS = { '[data-filter="catalog"]': "catalog.js" };
  const loaded = new Set();
  const unknown = new Set(); // data-widget values without a script, warned about once

  function load(name) {
    if (loaded.has(name)) return;
    loaded.add(name);
    const script = document.createElement("script");
    script.src = new URL(name, BASE).href;
    script.async = false; // inserted scripts then run in insertion order: the shim before its widgets
    document.head.appendChild(script);
  }

  function scan() {
    const names = new Set();
    document.querySelectorAll("[data-widget]").forEach((el) => {
      const script = WIDGETS[el.dataset.widget];
      if (script) names.add(script);
      else if (!unknown.has(el.dataset.widget)) {
        unknown.add(el.dataset.widget);
        console.warn("loader: no script for data-widget=" + el.dataset.widget);
      }
    });
    if (names.size) load(SHIM);
    names.forEach((name) => {
      if (BEFORE[name]) load(BEFORE[name]);
      load(name);
    });
    Object.entries(OTHERS).forEach(([selector, script]) => document.querySelector(selector) && load(script));
  }

  window.TCGLoader = { loaded: () => Array.from(loaded) };
  // now: this script comes after the page's content, so its widgets are parsed; their code then loads while the
  // rest of the page does, not after DOMContentLoaded. Then on every page swap (document$), or at
  // DOMContentLoaded without Material. Each script loads once, so a second scan of the same page adds nothing.
  scan();
  if (typeof document$ !== "undefined") document$.subscribe(scan);
  else if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", scan);
})();
