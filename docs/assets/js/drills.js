/* Unit-drill widget: asks the engine for the drill of a seed and level, sends the student's units
   back for grading, renders the engine's verdict and steps. Draws a first drill without a tap, and keeps
   the chosen level and the running score in localStorage (checked on read). No unit arithmetic here. */
(function () {
  "use strict";
  function h(tag, attrs, ...children) {
    const node = document.createElement(tag);
    Object.entries(attrs || {}).forEach(([k, v]) => v != null && node.setAttribute(k, v));
    children.flat().forEach((c) => node.append(c instanceof Node ? c : String(c)));
    return node;
  }

  const KEY = "tcg-drill-state";
  function loadState() {
    try {
      const s = JSON.parse(localStorage.getItem(KEY));
      const whole = (n) => Number.isInteger(n) && n >= 0 && n < 1e7;
      if (s && ["1", "2", "3"].includes(String(s.level)) && whole(s.right) && whole(s.tried) && s.right <= s.tried) {
        return { level: String(s.level), right: s.right, tried: s.tried };
      }
    } catch (e) { /* unreadable: start afresh */ }
    return { level: "1", right: 0, tried: 0 };
  }
  function saveState(s) { try { localStorage.setItem(KEY, JSON.stringify(s)); } catch (e) { /* private mode */ } }

  function mount(root, engine) {
    const part = (role) => root.querySelector("[data-role=" + role + "]");
    const setup = part("setup"), status = part("status"), box = part("drill");
    const answer = part("answer"), feedback = part("feedback"), error = part("error");
    let drill = null, graded = false, lastRule = null;
    const saved = loadState();
    setup.seed.value = String(Math.floor(Math.random() * 1e6));
    setup.level.value = saved.level;
    const showScore = () => {
      part("score").textContent = saved.tried ? "Your score: " + saved.right + " of " + saved.tried + " drills right (kept in this browser)." : "";
      part("score-reset").hidden = !saved.tried;
    };
    showScore();
    setup.level.addEventListener("change", () => { saved.level = setup.level.value; saveState(saved); });
    part("score-reset").addEventListener("click", () => { saved.right = 0; saved.tried = 0; saveState(saved); showScore(); });

    engine.onState((state, detail) => {
      if (state === "loading") status.textContent = (detail || "Loading") + "…";
      if (state === "failed") status.textContent = "Python could not start in this browser (" + detail + ").";
    });

    function showError(err) {
      error.textContent = err.message;
      error.hidden = false;
    }

    let asked = 0;
    async function draw(focus) {
      status.textContent = "Making the drill…";
      const mine = ++asked;
      const reply = await engine.call("drill", { seed: setup.seed.value, level: setup.level.value });
      if (mine !== asked) return; // a newer drill was asked for meanwhile
      if (reply.error) { status.textContent = reply.error.message; return; }
      drill = reply.result;
      status.textContent = "";
      error.hidden = true;
      feedback.replaceChildren();
      part("next").hidden = true;
      part("title").textContent = "Drill " + drill.level + "-" + drill.seed + ": " + drill.rule_label;
      // the rule can change from one drill to the next (levels 2 and 3): say so above the rows, not only in the title
      const changed = lastRule !== null && lastRule !== drill.rule;
      part("rule").textContent = "Count the units by this rule: " + drill.rule_label + "." +
        (changed ? " The rule changed from the last drill." : "");
      part("rule").dataset.changed = changed ? "yes" : "no";
      lastRule = drill.rule;
      part("rows").replaceChildren(...drill.entries.map((e) => h("tr", { "data-code": e.code },
        h("td", {}, e.code + " " + e.name),
        h("td", {}, e.minutes == null ? "service-based" : e.minutes + " min"),
        h("td", {}, h("input", { name: "u-" + e.code, "data-code": e.code, inputmode: "numeric", size: "3",
          "aria-label": "Units for " + e.code })))));
      box.hidden = false;
      graded = false;
      if (focus) box.focus();
    }
    setup.addEventListener("submit", (ev) => {
      ev.preventDefault();
      saved.level = setup.level.value;
      saveState(saved);
      draw(true);
    });
    part("next").addEventListener("click", () => {
      setup.seed.value = String(Math.floor(Math.random() * 1e6));
      draw(true);
    });

    answer.addEventListener("submit", async (ev) => {
      ev.preventDefault();
      const given = {};
      answer.querySelectorAll("input[data-code]").forEach((i) => { given[i.dataset.code] = i.value; });
      const reply = await engine.call("grade_drill", { drill, answer: given });
      if (reply.error) return showError(reply.error);
      error.hidden = true;
      const g = reply.result;
      if (!graded) { saved.tried += 1; if (g.correct) saved.right += 1; saveState(saved); showScore(); }
      graded = true;
      const opts = g.accepted.map((a) => Object.entries(a).map(([c, n]) => c + ": " + n).join(", "));
      feedback.replaceChildren(
        h("p", { class: g.correct ? "tcg-right" : "tcg-wrong", "data-verdict": g.correct ? "right" : "wrong" },
          h("strong", {}, g.correct ? "Right." : "Not quite."),
          " The rule allows " + opts.join(" or ") + "." + (g.wrong_codes.length ? " Check " + g.wrong_codes.join(", ") + "." : "")),
        ...(g.result.warnings.length ? [h("ul", {}, g.result.warnings.map((w) => h("li", {}, w)))] : []),
        h("ol", {}, g.result.steps.map((s) => h("li", {}, s))),
      );
      part("next").hidden = false;
      feedback.scrollIntoView({ block: "start" });
    });
    return () => draw(false);
  }
  window.TCG.register("drill", (root, engine) => {
    const first = mount(root, engine);
    // the page exists for the drill: draw the first one when the browser is idle, without a tap
    if ("requestIdleCallback" in window) requestIdleCallback(first, { timeout: 2000 });
    else setTimeout(first, 200);
  });
})();
