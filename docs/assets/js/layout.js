/* Page-wide layout help for phones, re-applied after every instant-navigation swap:
   - the navigation drawer opens at the top level (Material opens it inside the current page's section,
     so reaching another section, such as Training, took a back tap and a scroll first);
   - a table inside `.tcg-stack` gets each cell's column heading as data-label, so that at phone width
     (extra.css) each row reads as a card of "heading: cell" instead of a table cut off at the side */
(function () {
  "use strict";
  const DRAWER = window.matchMedia("(max-width: 76.234375em)"); // Material's breakpoint for the drawer

  document.addEventListener("change", (ev) => {
    if (ev.target.id !== "__drawer" || !ev.target.checked || !DRAWER.matches) return;
    document.querySelectorAll(".md-nav--primary .md-nav__item--active > input.md-nav__toggle:checked")
      .forEach((toggle) => { toggle.checked = false; });
  });

  function labelStackedCells() {
    document.querySelectorAll(".tcg-stack table").forEach((table) => {
      const heads = [...table.querySelectorAll("thead th, thead td")].map((th) => th.textContent.trim());
      table.querySelectorAll("tbody tr").forEach((tr) => {
        [...tr.children].forEach((cell, i) => {
          if (heads[i]) cell.dataset.label = heads[i];
        });
      });
    });
  }
  if (typeof document$ !== "undefined") document$.subscribe(labelStackedCells);
  else document.addEventListener("DOMContentLoaded", labelStackedCells);
})();
