/* Unit-drill widget: asks the engine for the drill of a seed and level, sends the student's units
   back for grading, renders the engine's verdict and steps. No unit arithmetic here. */
(function () {
  "use strict";
  function h(tag, attrs, ...children) {
    const node = document.createElement(tag);
    Object.entries(attrs || {}).forEach(([k, v]) => v != null && node.setAttribute(k, v));
    children.flat().forEach((c) => node.append(c instanceof Node ? c : String(c)));
    return node;
  }

  function mount(root, engine) {
    const part = (role) => root.querySelector("[data-role=" + role + "]");
    const setup = part("setup"), status = part("status"), box = part("drill");
    const answer = part("answer"), feedback = part("feedback"), error = part("error");
    let drill = null;
    setup.seed.value = String(Math.floor(Math.random() * 1e6));

    engine.onState((state, detail) => {
      if (state === "loading") status.textContent = (detail || "Loading") + "…";
      if (state === "failed") status.textContent = "Python could not start in this browser (" + detail + ").";
    });

    function showError(err) {
      error.textContent = err.message;
      error.hidden = false;
    }

    setup.addEventListener("submit", async (ev) => {
      ev.preventDefault();
      status.textContent = "Making the drill…";
      const reply = await engine.call("drill", { seed: setup.seed.value, level: setup.level.value });
      if (reply.error) { status.textContent = reply.error.message; return; }
      drill = reply.result;
      status.textContent = "";
      error.hidden = true;
      feedback.replaceChildren();
      part("title").textContent = "Drill " + drill.level + "-" + drill.seed + ": " + drill.rule_label;
      part("rows").replaceChildren(...drill.entries.map((e) => h("tr", { "data-code": e.code },
        h("td", {}, e.code + " " + e.name),
        h("td", {}, e.minutes == null ? "service-based" : e.minutes + " min"),
        h("td", {}, h("input", { name: "u-" + e.code, "data-code": e.code, inputmode: "numeric", size: "3",
          "aria-label": "Units for " + e.code })))));
      box.hidden = false;
      box.focus();
    });

    answer.addEventListener("submit", async (ev) => {
      ev.preventDefault();
      const given = {};
      answer.querySelectorAll("input[data-code]").forEach((i) => { given[i.dataset.code] = i.value; });
      const reply = await engine.call("grade_drill", { drill, answer: given });
      if (reply.error) return showError(reply.error);
      error.hidden = true;
      const g = reply.result;
      const opts = g.accepted.map((a) => Object.entries(a).map(([c, n]) => c + ": " + n).join(", "));
      feedback.replaceChildren(
        h("p", { class: g.correct ? "tcg-right" : "tcg-wrong", "data-verdict": g.correct ? "right" : "wrong" },
          h("strong", {}, g.correct ? "Right." : "Not quite."),
          " The rule allows " + opts.join(" or ") + "." + (g.wrong_codes.length ? " Check " + g.wrong_codes.join(", ") + "." : "")),
        ...(g.result.warnings.length ? [h("ul", {}, g.result.warnings.map((w) => h("li", {}, w)))] : []),
        h("ol", {}, g.result.steps.map((s) => h("li", {}, s))),
      );
    });
  }
  window.TCG.register("drill", mount);
})();
