/* Page-wide accessibility fix for Material's markup, re-applied after every instant-navigation swap:
   a wide table's scroll wrapper becomes a labelled, keyboard-focusable region so it can be scrolled
   without a mouse (axe: scrollable-region-focusable). */
(function () {
  "use strict";
  function fixScrollRegions() {
    document.querySelectorAll(".md-typeset__scrollwrap:not([tabindex])").forEach((wrap) => {
      wrap.tabIndex = 0;
      wrap.setAttribute("role", "region");
      wrap.setAttribute("aria-label", "Table (scrolls sideways)");
    });
  }
  if (typeof document$ !== "undefined") document$.subscribe(fixScrollRegions);
  else document.addEventListener("DOMContentLoaded", fixScrollRegions);
})();
