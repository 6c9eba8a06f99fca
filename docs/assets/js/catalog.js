/* Activity catalog filter (activities/index.md): shows the form the build wrote, then hides the list
   items whose data-* facets do not hold every chosen value. It only filters: which activity has which
   code, deficit or setting comes from the build (data/activities/*.yaml), never from here.
   Without JavaScript the form stays hidden and every activity is listed. */
(function () {
  "use strict";

  function mount(root) {
    const form = root.querySelector("form.tcg-catalog-filter");
    const items = Array.from(root.querySelectorAll(".tcg-catalog-item"));
    const count = root.querySelector(".tcg-catalog-count");
    if (!form) return;
    form.hidden = false;

    function apply() {
      const chosen = Array.from(form.querySelectorAll("select")).filter((s) => s.value);
      let shown = 0;
      items.forEach((item) => {
        const match = chosen.every((s) => (item.dataset[s.name] || "").split(" ").includes(s.value));
        item.hidden = !match;
        if (match) shown += 1;
      });
      if (count) count.textContent = `${shown} of ${items.length} activities`;
    }

    form.addEventListener("change", apply);
    form.addEventListener("submit", (event) => event.preventDefault());
    apply();
  }

  function mountAll() {
    document.querySelectorAll('[data-filter="catalog"]:not([data-mounted])').forEach((root) => {
      root.dataset.mounted = "1";
      mount(root);
    });
  }

  if (typeof document$ !== "undefined") document$.subscribe(mountAll);
  else if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", mountAll);
  else mountAll();
})();
