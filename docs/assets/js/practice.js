/* Practice-cases widget: asks the engine for a case set (filters, seed, a #set= resume code or an
   instructor's #quiz= link), renders one case at a time, sends answers to the engine and renders its
   feedback. Quiz mode (a #quiz= link) hides case titles, is marked as a quiz, is left only by an explicit
   confirmed choice, shows the quiz's title, and offers the student's results as a CSV file the engine writes. Cases are named by
   the engine's opaque refs only (no case id in the page). A multi-block case asks a code and units per
   block. Progress is the engine's JSON (every attempt kept), in localStorage only. No grading, ordering
   or file format logic here. */
(function () {
  "use strict";
  const KEY = "tcg-practice-progress";

  function h(tag, attrs, ...children) {
    const node = document.createElement(tag);
    Object.entries(attrs || {}).forEach(([k, v]) => v != null && node.setAttribute(k, v));
    children.flat().forEach((c) => node.append(c instanceof Node ? c : String(c)));
    return node;
  }
  function validProgress(p) {
    return p && typeof p === "object" && p.answers && typeof p.answers === "object" && !Array.isArray(p.answers) &&
      Object.values(p.answers).every((v) => typeof v === "boolean") &&
      Number.isInteger(p.streak) && Number.isInteger(p.best_streak) ? p : null;
  }
  const loadProgress = () => { try { return validProgress(JSON.parse(localStorage.getItem(KEY))); } catch (e) { return null; } };
  const saveProgress = (p) => { try { localStorage.setItem(KEY, JSON.stringify(p)); } catch (e) { /* private mode */ } };
  function fromHash(name) {
    const m = location.hash.match(new RegExp("^#" + name + "=([^&]+)"));
    if (!m) return null;
    try { return decodeURIComponent(m[1]); } catch (e) { return m[1]; }
  }
  function download(file) {
    const body = file.base64 ? Uint8Array.from(atob(file.base64), (c) => c.charCodeAt(0)) : file.text;
    const url = URL.createObjectURL(new Blob([body], { type: file.mime }));
    const a = h("a", { href: url, download: file.filename, hidden: "" });
    document.body.append(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 1000);
  }
  window.TCG_download = window.TCG_download || download;

  function mount(root, engine) {
    const part = (role) => root.querySelector("[data-role=" + role + "]");
    const filters = part("filters"), status = part("status"), caseBox = part("case");
    const answerForm = part("answer"), feedback = part("feedback"), error = part("error");
    const banner = part("quiz-banner");
    let set = null, index = 0, progress = loadProgress(), quizMode = false, quizCode = null, atEnd = false;

    engine.onState((state, detail) => {
      if (state === "loading") status.textContent = (detail || "Loading") + "…";
      if (state === "failed") status.textContent = "Python could not start in this browser (" + detail + "). Reload the page to try again.";
    });


    // progress per code, in words: "97110 Therapeutic exercise: 3 of 4 cases right (2 the first time). Still
    // wrong: …" (the engine counts; in a quiz the cases are named by their number only)
    function showByCode(summary) {
      const rows = summary.by_code || [];
      part("by-code-intro").textContent = summary.held ? "Your progress by code comes when you finish the quiz." :
        !rows.length ? "No answers yet." : (quizMode ? "In this quiz, by the code each note supports:" :
          "All your answers in this browser, by the code each note supports:");
      part("by-code").replaceChildren(...rows.map((r) => h("li", { "data-code": r.code },
        h("strong", {}, r.code), (r.name ? " " + r.name : "") + ": " + r.right + " of " + r.tried +
        (r.tried === 1 ? " case" : " cases") + " right" + (r.first_right !== r.right ? " (" + r.first_right + " the first time)" : "") +
        (r.missed.length ? ". Still wrong: " + r.missed.map((m) => m.title || "case " + m.number).join("; ") + "." : "."))));
    }
    function showMissedText(text) {
      part("missed-text").textContent = text || "";
      part("missed-copy").hidden = !text;
      part("missed-copied").textContent = "";
    }

    function showSummary(summary) {
      showByCode(summary);
      showMissedText(summary.missed_text);
      if (summary.held) { // a quiz with feedback at the end: no score and no missed cases before the end
        part("score").textContent = summary.answered + " of " + summary.total + " answered. Your score and the " +
          "feedback come when you have answered every case.";
        part("missed").replaceChildren();
        part("retry").disabled = true;
        set.missed = [];
        return;
      }
      part("score").textContent = "Score " + summary.correct + " of " + summary.answered + " answered (" + summary.total +
        " in this set) · first try " + summary.first_correct + " right, " + summary.attempts +
        (summary.attempts === 1 ? " attempt" : " attempts") + " · streak " + summary.streak + " · best " + summary.best_streak;
      part("missed").replaceChildren(...summary.missed.map((m) => h("li", {}, m.title || "Case " + m.number)));
      part("retry").disabled = summary.missed.length === 0;
      set.missed = summary.missed;
      const answered = progress ? Object.keys(progress.answers).length : 0;
      part("reset").disabled = answered === 0;
      part("reset-count").textContent = answered + (answered === 1 ? " answer" : " answers");
    }

    function setMode() {
      quizMode = Boolean(quizCode);
      atEnd = quizMode && set.feedback === "end";
      banner.hidden = !quizMode;
      part("end-note").hidden = !atEnd;
      part("review").hidden = true;
      filters.hidden = quizMode;
      part("leave-confirm").hidden = true;
      part("quiz-code").textContent = quizCode || "";
      part("quiz-name").textContent = set.title ? "Quiz: " + set.title : "Quiz mode"; // plain text from the engine
    }

    async function start(args, note) {
      status.textContent = "Preparing the cases…";
      const code = args.quiz || args.resume || null;
      const reply = await engine.call("practice_set", { ...args, progress });
      if (reply.error) {
        if (code) return start({ seed: 1 }, reply.error.message + " A new set was started instead.");
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
      if (args.quiz) quizCode = set.scope;
      else quizCode = null;
      history.replaceState(null, "", location.pathname + (quizCode ? "#quiz=" + quizCode : "#set=" + set.quiz));
      setMode();
      status.textContent = (note ? note + " " : "") + (quizMode ? "Quiz: " : "") + set.cases.length + " cases in this set.";
      index = 0;
      showSummary(set.summary);
      showCase();
    }

    function showCase() {
      feedback.replaceChildren();
      error.hidden = true;
      part("next").hidden = true;
      const c = set.cases[index];
      if (!c) {
        caseBox.hidden = true;
        status.textContent = quizMode ? "Quiz finished. Download your results for your instructor, or retry the missed cases."
          : "Set finished. Retry the missed cases or start a new set.";
        if (atEnd) review();
        return;
      }
      caseBox.hidden = false;
      caseBox.dataset.case = c.ref; // an opaque token: the page never holds a case id
      part("title").textContent = "Case " + (index + 1) + " of " + set.cases.length + (quizMode ? "" : ": " + c.title);
      part("meta").textContent = c.difficulty + (c.billed_as ? " · billed as " + c.billed_as : "");
      part("session").textContent = c.session;
      answerForm.reset();
      const unitBox = part("units");
      unitBox.hidden = !c.units_task;
      part("unit-rows").replaceChildren(...(c.units_task ? c.units_task.codes.map((code) =>
        h("label", {}, code + " units ", h("input", { name: "units-" + code, "data-code": code, inputmode: "numeric", size: "3" }))) : []));
      if (c.units_task) part("units-legend").textContent = "Units under the rule “" + c.units_task.rule_label + "”";
      // a note with several blocks: a code and units for each block (the claim's lines); the blocks are named
      // by their minutes only
      const blocks = part("blocks"), single = part("single-code");
      blocks.hidden = !c.blocks;
      single.hidden = Boolean(c.blocks);
      answerForm.code.required = !c.blocks;
      const options = () => [...part("choices").options].map((o) => h("option", { value: o.value }, o.textContent));
      part("block-rows").replaceChildren(...(c.blocks || []).map((b) => h("p", { class: "tcg-block-row", "data-block": b.block },
        h("label", {}, "Block " + b.block + " (" + b.minutes + " min): code ", h("select", { name: "block-code-" + b.block, required: "" }, options())),
        " ", h("label", {}, "units ", h("input", { name: "block-units-" + b.block, inputmode: "numeric", size: "3", required: "" })))));
      if (c.blocks) {
        unitBox.hidden = true;
        part("blocks-legend").textContent = "This note documents " + c.blocks.length + " blocks: give each block's code " +
          "and its units under the rule “" + c.units_task.rule_label + "” (the claim's lines)";
      }
      // quiz mode opens at its banner (the practice-only notice, the name field and the download) with the first
      // case below it; the case takes focus without scrolling past the banner; later cases scroll to the top
      if (!quizMode) caseBox.focus();
      else {
        caseBox.focus({ preventScroll: true });
        (index === 0 ? banner : caseBox).scrollIntoView({ block: "start" });
      }
    }

    // feedback at the end: once every case is answered, the engine grades each case's latest answer again and
    // the page shows all the feedback, case by case
    async function review() {
      const reply = await engine.call("quiz_review", { quiz: quizCode, progress });
      if (reply.error) { status.textContent = reply.error.message; return; }
      showSummary(reply.result.summary);
      part("review-list").replaceChildren(...reply.result.cases.map((c) => h("section", { class: "tcg-review-case", "data-ref": c.ref },
        h("h3", {}, "Case " + c.number + (c.attempts > 1 ? " (" + c.attempts + " attempts; your latest answer)" : "")),
        ...(c.feedback ? feedbackItems(c.feedback) : [h("p", {}, "This browser kept no answer for this case.")]))));
      part("review").hidden = false;
      part("review").focus({ preventScroll: true });
      part("review").scrollIntoView({ block: "start" });
    }

    function renderFeedback(f) { feedback.replaceChildren(...feedbackItems(f)); }

    function feedbackItems(f) {
      // the engine's headline says what was right and what was not ("Code right, units not. …")
      const items = [h("p", { class: f.correct ? "tcg-right" : "tcg-wrong", "data-verdict": f.correct ? "right" : "wrong",
        "data-code-right": f.code_correct ? "true" : "false" }, h("strong", {}, f.headline)),
        h("p", {}, "The note supports ", h("a", { href: TCG.siteRoot + "codes/" + f.code + "/" }, f.code), ". " + f.why)];
      if (f.claim.length > 1) items.push(h("p", { "data-claim": f.claim_text }, "The claim: " + f.claim_text + "."));
      if (f.blocks) items.push(h("ul", { "data-role": "block-verdicts" }, f.blocks.map((b) =>
        h("li", { "data-block": b.block, "data-code-right": b.code_correct ? "true" : "false" },
          "Block " + b.block + " (" + b.minutes + " min): " + b.code + " × " + b.units +
          (b.code_correct ? " — your code is right" : " — you chose " + b.your_code) +
          (b.your_units === b.units ? ", units right." : ", your units " + b.your_units + ".")))));
      if (f.code_note) items.push(h("p", { "data-code-verdict": f.code_verdict }, f.code_note));
      else if (!f.code_correct && !f.chose_tempting) items.push(h("p", {}, "You chose " + f.your_code + "."));
      items.push(h("p", {}, h("strong", {}, (f.chose_tempting ? "Why not " : "The tempting wrong answer, ") + f.tempting.code + (f.blocks ? " for every block" : "") + ": "), f.tempting.why_not));
      if (f.add_to_note.length) items.push(h("p", { "data-advice-for": f.add_to_note_for }, "To bill " + f.add_to_note_for + ", the note would need more:"), h("ul", {}, f.add_to_note.map((t) => h("li", {}, t))));
      if (f.units) {
        const opts = f.units.accepted.map((a) => Object.entries(a).map(([c, n]) => c + ": " + n).join(", "));
        items.push(h("p", { "data-units-verdict": f.units.correct ? "right" : "wrong" },
          (f.units.correct ? "Units right: " : "Units: the rule allows ") + opts.join(" or ") + "."));
        if (!f.units.correct) {
          items.push(h("table", { class: "tcg-units-compare", "data-role": "units-compare" },
            h("caption", {}, "Your units beside the rule's"),
            h("thead", {}, h("tr", {}, h("th", { scope: "col" }, "Code"), h("th", { scope: "col" }, "Your units"),
              h("th", { scope: "col" }, "Right units"))),
            h("tbody", {}, f.units.compare.map((r) => h("tr", { "data-code": r.code, "data-differs": r.yours !== r.right ? "true" : "false" },
              h("th", { scope: "row" }, r.code), h("td", {}, String(r.yours)), h("td", {}, String(r.right)))))));
        }
        const part = f.units.parts_at;
        if (part) items.push(h("p", { "data-role": "parts-at", "data-step": part.step },
          h("strong", {}, "Where your units part from the rule: step " + part.step + ". "), part.why));
        items.push(h("ol", {}, f.units.result.steps.map((s, i) =>
          h("li", part && i + 1 === part.step ? { class: "tcg-part", "data-part": "true" } : {}, s))));
      }
      const acts = f.activity_links || [];
      items.push(h("p", {}, h("a", { href: TCG.siteRoot + "tree/#walk=" + f.walk }, "See the walk through the tree"),
        acts.length ? " · related activities: " : "",
        ...acts.map((a, i) => [i ? ", " : "", h("a", { href: TCG.siteRoot + "activities/" + a.slug + "/" }, a.name)])));
      return items;
    }

    answerForm.addEventListener("submit", async (ev) => {
      ev.preventDefault();
      const c = set.cases[index];
      const units = {};
      answerForm.querySelectorAll("[data-code]").forEach((i) => { units[i.dataset.code] = i.value; });
      const blocks = c.blocks ? c.blocks.map((b) => ({
        code: answerForm.querySelector("[name=block-code-" + b.block + "]").value,
        units: answerForm.querySelector("[name=block-units-" + b.block + "]").value,
      })) : null;
      const reply = await engine.call("practice_grade", {
        case: c.ref, code: answerForm.code.value, units: c.units_task ? units : null, blocks, progress,
        scope: quizMode ? quizCode : set.scope, quiz_mode: quizMode,
      });
      if (reply.error) { error.textContent = reply.error.message; error.hidden = false; error.scrollIntoView({ block: "nearest" }); return; }
      error.hidden = true;
      progress = reply.result.progress;
      saveProgress(progress);
      if (reply.result.held) feedback.replaceChildren(h("p", { "data-role": "saved" }, h("strong", {}, "Answer saved."),
        " The feedback on every case comes at the end of the quiz."));
      else renderFeedback(reply.result.feedback);
      showSummary(reply.result.summary);
      part("next").hidden = false;
      part("next").textContent = index + 1 < set.cases.length ? "Next case" : "Finish";
      feedback.focus({ preventScroll: true });
      feedback.scrollIntoView({ block: "start" });
    });
    part("next").addEventListener("click", () => { index += 1; showCase(); });
    part("copy-missed").addEventListener("click", async () => {
      let ok = false;
      try { await navigator.clipboard.writeText(part("missed-text").textContent); ok = true; } catch (e) { ok = false; }
      if (!ok) window.getSelection().selectAllChildren(part("missed-text"));
      part("missed-copied").textContent = ok ? "Copied." : "Selected: press Ctrl+C (or long-press and Copy).";
    });

    const chosen = (name) => [...filters.querySelectorAll("[name=" + name + "]:checked")].map((i) => i.value);
    filters.addEventListener("submit", (ev) => {
      ev.preventDefault();
      start({ seed: Math.floor(Math.random() * 1e6), families: chosen("family"), difficulties: chosen("difficulty") });
    });
    part("retry").addEventListener("click", () => set && set.missed.length &&
      start(quizCode ? { quiz: quizCode, only_missed: true } : { resume: set.scope, only_missed: true }));

    // leaving a quiz is explicit: one button shows the question, a second one confirms
    part("leave").addEventListener("click", () => { part("leave-confirm").hidden = false; part("leave-yes").focus(); });
    part("leave-no").addEventListener("click", () => { part("leave-confirm").hidden = true; part("leave").focus(); });
    part("leave-yes").addEventListener("click", () => start({ seed: Math.floor(Math.random() * 1e6) }, "You left the quiz."));
    part("csv").addEventListener("click", async () => {
      const reply = await engine.call("practice_csv", { quiz: quizCode, progress, student: part("student").value });
      if (reply.error) { status.textContent = reply.error.message; return; }
      download(reply.result);
      status.textContent = "Saved " + reply.result.filename + ". Hand it in as your instructor asks.";
    });

    // resetting progress is explicit too, and sits apart from "Retry missed only"
    part("reset").addEventListener("click", () => { part("reset-confirm").hidden = false; part("reset-yes").focus(); });
    part("reset-no").addEventListener("click", () => { part("reset-confirm").hidden = true; part("reset").focus(); });
    part("reset-yes").addEventListener("click", () => {
      progress = null;
      try { localStorage.removeItem(KEY); } catch (e) { /* ignore */ }
      part("reset-confirm").hidden = true;
      if (set) start(quizCode ? { quiz: quizCode } : { resume: set.quiz }, "Your progress was erased.");
    });

    const quiz = fromHash("quiz"), resume = fromHash("set");
    const first = () => start(quiz ? { quiz } : resume ? { resume } : { seed: 1 });
    // the page exists for the widget: start when the browser is idle (or on the first click)
    if ("requestIdleCallback" in window) requestIdleCallback(first, { timeout: 2000 });
    else setTimeout(first, 200);
  }
  window.TCG.register("practice", mount);
})();
