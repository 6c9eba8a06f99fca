/* On a page whose widget follows hash changes itself (it marks its root `data-own-hash`: the "Which code?"
   tree), a history step that changes only the hash (a #walk= link typed into the address bar, Back or
   Forward) stays on the page. Material's instant navigation fetches and swaps the same page again on the
   first such step; the widget then mounted afresh and lost what it showed (the error about the link the
   reader typed, when the engine's reply came before the swap). Other pages keep Material's swap, which
   mounts their widgets again with the new hash (a quiz link pasted into the practice page).
   Loaded in <head>, before Material's bundle, so that this popstate listener runs first on window
   (listeners there run in the order they were added) and can keep the event from it. */
(function () {
  "use strict";
  let shownPath = location.pathname; // the page on screen: instant navigation changes it without a load
  window.addEventListener("popstate", (ev) => {
    if (location.pathname !== shownPath) shownPath = location.pathname;
    else if (document.querySelector("[data-widget][data-own-hash]")) ev.stopImmediatePropagation();
  });
  const follow = () => (shownPath = location.pathname);
  // Material's own page swaps (clicked links) push the new address without a popstate: follow them too
  document.addEventListener("DOMContentLoaded", () => {
    if (typeof document$ !== "undefined") document$.subscribe(follow);
  });
})();
