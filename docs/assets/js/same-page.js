/* A history step that changes only the hash (a #walk= link typed into the address bar, Back or Forward over
   an anchor) stays on the page. Material's instant navigation fetches and swaps the same page again on the
   first such step; the page's widgets then mount afresh and lose what they showed (an error about the link
   the reader typed, a walk in progress). Loaded in <head>, before Material's bundle, so that this popstate
   listener runs first on window (listeners there run in the order they were added) and can keep the event
   from it. A step to another page goes on to Material as before. */
(function () {
  "use strict";
  let shownPath = location.pathname; // the page on screen: instant navigation changes it without a load
  window.addEventListener("popstate", (ev) => {
    if (location.pathname === shownPath) ev.stopImmediatePropagation();
    else shownPath = location.pathname;
  });
  const follow = () => (shownPath = location.pathname);
  // Material's own page swaps (clicked links) push the new address without a popstate: follow them too
  document.addEventListener("DOMContentLoaded", () => {
    if (typeof document$ !== "undefined") document$.subscribe(follow);
  });
})();
