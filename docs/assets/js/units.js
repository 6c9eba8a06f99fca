/* Unit calculator widget: reads rows of code + minutes, asks the engine, renders its reply. */
(function () {
  "use strict";
  function mount(root, engine) {
    const form = root.querySelector("form");
    const out = root.querySelector("[data-role=result]");
    const status = root.querySelector("[data-role=status]");
    engine.onState((state, detail) => {
      status.textContent = state === "loading" ? (detail || "Loading") + "…" : state === "failed" ? "Python could not start: " + detail : "";
      status.dataset.state = state;
    });
    form.addEventListener("submit", async (ev) => {
      ev.preventDefault();
      const entries = [...form.querySelectorAll("[data-role=row]")].map((row) => {
        const minutes = row.querySelector("[name=minutes]").value.trim();
        return { code: row.querySelector("[name=code]").value.trim(), minutes: minutes === "" ? null : Number(minutes) };
      });
      const rule = form.querySelector("[name=rule]").value;
      out.dataset.state = "busy";
      const reply = await engine.call("units", { rule, entries });
      out.replaceChildren();
      if (reply.error) {
        out.textContent = reply.error.message;
        out.dataset.state = "error";
        return;
      }
      const r = reply.result;
      const list = document.createElement("ul");
      Object.entries(r.units).forEach(([code, n]) => {
        const li = document.createElement("li");
        li.textContent = code + ": " + n + " unit" + (n === 1 ? "" : "s");
        li.dataset.code = code;
        li.dataset.units = n;
        list.append(li);
      });
      const steps = document.createElement("ol");
      r.steps.forEach((s) => { const li = document.createElement("li"); li.textContent = s; steps.append(li); });
      out.append(list, steps);
      out.dataset.state = "done";
    });
  }
  window.TCG.register("units", mount);
})();
