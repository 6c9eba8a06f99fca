/* Activity catalog filter (activities/index.md): shows the form the build wrote, then hides the list
   items whose data-* facets do not hold every chosen value. It only filters: which activity has which
   code, deficit or setting comes from the build (data/activities/*.yaml), never from here.
   The chosen values live in the page address (?code=…&setting=…), so Back and shared links keep
   them. Without JavaScript the form stays hidden and every activity is listed. */
(function () {
  "use strict";

  function mount(root) {
    const form = root.querySelector("form.tcg-catalog-filter");
    const items = Array.from(root.querySelectorAll(".tcg-catalog-item"));
    const count = root.querySelector(".tcg-catalog-count");
    const hint = root.querySelector(".tcg-catalog-hint");
    if (!form) return;
    form.hidden = false;
    const selects = Array.from(form.querySelectorAll("select"));

    function fromAddress() {
      const params = new URLSearchParams(location.search);
      selects.forEach((s) => {
        const want = params.get(s.name) || "";
        s.value = Array.from(s.options).some((o) => o.value === want) ? want : "";
      });
    }
    function toAddress() {
      const params = new URLSearchParams(location.search);
      selects.forEach((s) => (s.value ? params.set(s.name, s.value) : params.delete(s.name)));
      const query = params.toString();
      history.replaceState(history.state, "", location.pathname + (query ? "?" + query : "") + location.hash);
    }

    function apply() {
      const chosen = Array.from(form.querySelectorAll("select")).filter((s) => s.value);
      let shown = 0;
      items.forEach((item) => {
        const match = chosen.every((s) => (item.dataset[s.name] || "").split(" ").includes(s.value));
        item.hidden = !match;
        if (match) shown += 1;
      });
      if (count) count.textContent = `${shown} of ${items.length} activities`;
      if (hint) hint.hidden = shown !== 0;
    }

    form.addEventListener("change", () => { apply(); toAddress(); });
    form.addEventListener("reset", () => setTimeout(() => { apply(); toAddress(); }, 0));
    form.addEventListener("submit", (event) => event.preventDefault());
    fromAddress();
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
