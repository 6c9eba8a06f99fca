/* Practice-cases widget: asks the engine for a case set (filters, seed or a #quiz= link), renders one
   case at a time, sends answers to the engine and renders its feedback. Progress is the engine's JSON,
   kept in localStorage only. No grading or ordering logic here. */
(function () {
  "use strict";
  const KEY = "tcg-practice-progress";

  function h(tag, attrs, ...children) {
    const node = document.createElement(tag);
    Object.entries(attrs || {}).forEach(([k, v]) => v != null && node.setAttribute(k, v));
    children.flat().forEach((c) => node.append(c instanceof Node ? c : String(c)));
    return node;
  }
  const loadProgress = () => { try { return JSON.parse(localStorage.getItem(KEY)) || null; } catch (e) { return null; } };
  const saveProgress = (p) => { try { localStorage.setItem(KEY, JSON.stringify(p)); } catch (e) { /* private mode */ } };
  const quizFromHash = () => (location.hash.match(/^#quiz=([^&]+)/) || [])[1];
  // a malformed %-escape (#quiz=%ZZ) is handed to the engine as typed: it says the link is not valid
  const decode = (text) => { try { return decodeURIComponent(text); } catch (e) { return text; } };

  function mount(root, engine) {
    const part = (role) => root.querySelector("[data-role=" + role + "]");
    const filters = part("filters"), status = part("status"), caseBox = part("case");
    const answerForm = part("answer"), feedback = part("feedback"), error = part("error");
    let set = null, index = 0, progress = loadProgress();

    engine.onState((state, detail) => {
      if (state === "loading") status.textContent = (detail || "Loading") + "…";
      if (state === "failed") status.textContent = "Python could not start in this browser (" + detail + "). The answer key is on the instructor pages.";
    });

    function showSummary(summary) {
      part("score").textContent = "Score " + summary.correct + " of " + summary.answered + " answered (" + summary.total +
        " in this set) · streak " + summary.streak + " · best " + summary.best_streak;
      const missed = part("missed");
      missed.replaceChildren(...summary.missed.map((id) => h("li", {}, id)));
      part("retry").disabled = summary.missed.length === 0;
      set.missed = summary.missed;
    }

    async function start(args, note) {
      status.textContent = "Preparing the cases…";
      const reply = await engine.call("practice_set", { ...args, progress });
      if (reply.error) {
        if (args.quiz) return start({ seed: 1 }, reply.error.message + " A new set was started instead.");
        status.textContent = reply.error.message;
        return;
      }
      set = reply.result;
      if (!part("families").childElementCount) {
        part("families").append(...set.families.map((f) =>
          h("label", {}, h("input", { type: "checkbox", name: "family", value: f.id }), " " + f.label)));
      }
      const select = part("choices");
      if (select.options.length === 1) select.append(...set.choices.map((c) => h("option", { value: c.code }, c.code + " " + c.name)));
      history.replaceState(null, "", location.pathname + "#quiz=" + set.quiz);
      status.textContent = (note ? note + " " : "") + set.cases.length + " cases in this set.";
      index = 0;
      showSummary(set.summary);
      showCase();
    }

    function showCase() {
      feedback.replaceChildren();
      error.hidden = true;
      part("next").hidden = true;
      const c = set.cases[index];
      if (!c) { caseBox.hidden = true; status.textContent = "Set finished. Retry the missed cases or start a new set."; return; }
      caseBox.hidden = false;
      caseBox.dataset.case = c.id;
      part("title").textContent = "Case " + (index + 1) + " of " + set.cases.length + ": " + c.title;
      part("meta").textContent = c.difficulty + (c.billed_as ? " · billed as " + c.billed_as : "");
      part("session").textContent = c.session;
      answerForm.reset();
      const unitBox = part("units");
      unitBox.hidden = !c.units_task;
      part("unit-rows").replaceChildren(...(c.units_task ? c.units_task.codes.map((code) =>
        h("label", {}, code + " units ", h("input", { name: "units-" + code, "data-code": code, inputmode: "numeric", size: "3" }))) : []));
      if (c.units_task) part("units-legend").textContent = "Units under the " + c.units_task.rule + " rule";
      caseBox.focus();
    }

    function renderFeedback(f) {
      const verdict = f.correct ? "Right." : "Not quite.";
      const items = [h("p", { class: f.correct ? "tcg-right" : "tcg-wrong", "data-verdict": f.correct ? "right" : "wrong" },
        h("strong", {}, verdict), " The note supports ", h("a", { href: TCG.siteRoot + "codes/" + f.code + "/" }, f.code), ". " + f.why)];
      if (!f.code_correct && !f.chose_tempting) items.push(h("p", {}, "You chose " + f.your_code + "."));
      items.push(h("p", {}, h("strong", {}, (f.chose_tempting ? "Why not " : "The tempting wrong answer, ") + f.tempting.code + ": "), f.tempting.why_not));
      if (f.add_to_note.length) items.push(h("p", {}, "To support the intended code, add:"), h("ul", {}, f.add_to_note.map((t) => h("li", {}, t))));
      if (f.units) {
        const opts = f.units.accepted.map((a) => Object.entries(a).map(([c, n]) => c + ": " + n).join(", "));
        items.push(h("p", { "data-units-verdict": f.units.correct ? "right" : "wrong" },
          (f.units.correct ? "Units right: " : "Units: the rule allows ") + opts.join(" or ") + "."),
          h("ol", {}, f.units.result.steps.map((s) => h("li", {}, s))));
      }
      items.push(h("p", {}, h("a", { href: TCG.siteRoot + "tree/#walk=" + f.walk }, "See the walk through the tree"),
        f.activities.length ? " · related activities: " : "",
        ...f.activities.map((slug, i) => [i ? ", " : "", h("a", { href: TCG.siteRoot + "activities/" + slug + "/" }, slug)])));
      feedback.replaceChildren(...items);
    }

    answerForm.addEventListener("submit", async (ev) => {
      ev.preventDefault();
      const c = set.cases[index];
      const units = {};
      answerForm.querySelectorAll("[data-code]").forEach((i) => { units[i.dataset.code] = i.value; });
      const reply = await engine.call("practice_grade", {
        case: c.id, code: answerForm.code.value, units: c.units_task ? units : null, progress, ids: set.ids,
      });
      if (reply.error) { error.textContent = reply.error.message; error.hidden = false; return; }
      error.hidden = true;
      progress = reply.result.progress;
      saveProgress(progress);
      renderFeedback(reply.result.feedback);
      showSummary(reply.result.summary);
      part("next").hidden = false;
      part("next").focus();
    });
    part("next").addEventListener("click", () => { index += 1; showCase(); });

    const chosen = (name) => [...filters.querySelectorAll("[name=" + name + "]:checked")].map((i) => i.value);
    filters.addEventListener("submit", (ev) => {
      ev.preventDefault();
      start({ seed: Math.floor(Math.random() * 1e6), families: chosen("family"), difficulties: chosen("difficulty") });
    });
    part("retry").addEventListener("click", () => set && set.missed.length && start({ seed: set.seed, ids: set.missed }));
    part("reset").addEventListener("click", () => {
      progress = null;
      try { localStorage.removeItem(KEY); } catch (e) { /* ignore */ }
      if (set) start({ quiz: set.quiz });
    });

    const quiz = quizFromHash();
    const first = () => start(quiz ? { quiz: decode(quiz) } : { seed: 1 });
    // the page exists for the widget: start when the browser is idle (or on the first click)
    if ("requestIdleCallback" in window) requestIdleCallback(first, { timeout: 2000 });
    else setTimeout(first, 200);
  }
  window.TCG.register("practice", mount);
})();
