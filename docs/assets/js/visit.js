/* Whole-visit coach widget: sends the visit note to the engine (in the worker, by postMessage: never over the
   network) and renders the engine's side-by-side report (engine/visit_report.py): the note cut into its blocks,
   each block's code, documentation verdict and what to add, the open questions (answered in place: the answers
   go back to the engine's "visit" handler), the day's units under each rule, warnings and steps.
   Wiring and rendering only; every text shown comes from the engine. The note is never stored. */
(function () {
  "use strict";
  const SITE_ROOT = new URL("../../", document.currentScript.src);
  const RULES = ["cms", "ama"]; // Medicare, and a payer that counts each code on its own

  /** Small DOM builder: h("p", {class: "x"}, "text", child). Text is always set as text, never HTML. */
  function h(tag, attrs, ...children) {
    const el = document.createElement(tag);
    Object.entries(attrs || {}).forEach(([k, v]) => {
      if (v === null || v === undefined || v === false) return;
      if (k === "hidden") el.hidden = true;
      else el.setAttribute(k, v === true ? "" : String(v));
    });
    children.flat(Infinity).forEach((c) => {
      if (c === null || c === undefined || c === false) return;
      el.append(c instanceof Node ? c : document.createTextNode(String(c)));
    });
    return el;
  }

  function mount(root, engine) {
    const part = (role) => root.querySelector("[data-role=" + role + "]");
    const form = root.querySelector("form");
    const note = part("note");
    const out = part("result");
    let checked = ""; // the note as it was checked: answers belong to it, not to later edits
    let answers = {}; // block number -> [[question, answer], ...], the user's answers to open questions
    let report = null;
    let seq = 0;

    engine.onState((s) => {
      const status = part("status");
      status.dataset.state = s.name;
      if (s.name === "loading") status.textContent = "Loading the coach: " + (s.stage || "starting Python") + "…";
      else if (s.name === "ready") status.textContent = "The coach is ready. Your note stays in this page.";
      else if (s.name === "failed") status.textContent = "Python could not start in this browser: " + (s.error || "");
    });

    function showError(message) {
      const p = part("error");
      p.textContent = message || "";
      p.hidden = !message;
    }

    async function run(focusBlock) {
      const mine = ++seq;
      out.dataset.state = "busy";
      const reply = await engine.call("visit", { text: checked, rules: RULES, answers });
      if (mine !== seq) return; // a newer check or answer was given meanwhile
      if (reply.error) {
        out.dataset.state = "error";
        if (!report) out.hidden = true;
        return showError(reply.error.message);
      }
      showError("");
      report = reply.result.report;
      render(report);
      out.hidden = false;
      out.dataset.state = "done";
      if (focusBlock) {
        const heading = out.querySelector("[data-block='" + focusBlock + "'] h4");
        if (heading) heading.focus();
      }
    }

    form.addEventListener("submit", (ev) => {
      ev.preventDefault();
      checked = note.value;
      answers = {};
      report = null;
      run(null);
    });

    function answer(number, question, answerId) {
      const key = String(number);
      answers = { ...answers, [key]: [...(answers[key] || []), [question, answerId]] };
      run(number);
    }

    function clearAnswers(number) {
      const next = { ...answers };
      delete next[String(number)];
      answers = next;
      run(number);
    }

    function renderNote(segments) {
      part("note-view").replaceChildren(
        ...segments.map((s) =>
          s.block === null
            ? document.createTextNode(s.text)
            : h(
                "mark",
                { class: "tcg-visit__mark tcg-visit__mark--" + (s.block % 2 ? "odd" : "even"), "data-block": s.block },
                h("span", { class: "tcg-visit__num" }, String(s.block)),
                s.text,
              ),
        ),
      );
    }

    function renderQuestion(b) {
      const q = b.question;
      const labelId = "tcg-visit-q" + b.number;
      return h(
        "section",
        { class: "tcg-walk tcg-walk__question tcg-visit__question", "data-role": "question", "data-question": q.id },
        h("p", { id: labelId }, h("strong", {}, q.text)),
        q.help ? h("details", { class: "tcg-walk__why" }, h("summary", {}, "How to choose"), h("p", { class: "tcg-walk__help" }, q.help)) : null,
        h(
          "div",
          { class: "tcg-walk__answers", role: "group", "aria-labelledby": labelId },
          q.answers.map((a) => [
            h("button", { type: "button", class: "md-button", "data-answer": a.id }, a.label),
            a.contested ? h("small", { class: "tcg-walk__contested" }, "Contested: " + a.contested) : null,
          ]),
        ),
      );
    }

    function renderBlock(b) {
      const doc = b.documentation;
      const first = Object.values(b.codes)[0] || [];
      const item = h(
        "li",
        { "data-block": b.number, "data-code": first.join(" ") || null, "data-verdict": doc ? doc.verdict : null },
        h("h4", { tabindex: "-1" }, h("span", { class: "tcg-visit__num" }, String(b.number)), " ", b.title),
        h("p", { "data-role": "code-line" }, h("strong", {}, "Code: "), b.code_line),
        doc
          ? [
              h("p", { "data-role": "verdict" }, h("strong", {}, "Documentation: "), doc.label),
              doc.add.length ? h("ul", { "data-role": "add" }, doc.add.map((a) => h("li", {}, a))) : null,
            ]
          : null,
        b.heading_note ? h("p", { "data-role": "heading-note" }, h("strong", {}, "Heading: "), b.heading_note) : null,
        b.path.length
          ? h(
              "details",
              { class: "tcg-visit__path", "data-role": "path" },
              h("summary", {}, "How the tree read this block (" + b.path.length + (b.path.length === 1 ? " answer)" : " answers)")),
              h(
                "ol",
                {},
                b.path.map((st) =>
                  h(
                    "li",
                    { "data-question": st.question, "data-answer": st.answer },
                    st.text,
                    " ",
                    h("strong", {}, "→ " + st.label),
                    " (" + (st.by_user ? "your answer" : st.evidence) + ")",
                  ),
                ),
              ),
            )
          : null,
        b.question ? renderQuestion(b) : null,
        b.answered.length
          ? h(
              "p",
              { class: "tcg-visit__answered" },
              "You answered " + b.answered.length + (b.answered.length === 1 ? " question" : " questions") + " here. ",
              h("button", { type: "button", class: "md-button", "data-role": "clear-answers" }, "Clear my answers"),
            )
          : null,
      );
      item.addEventListener("click", (ev) => {
        const button = ev.target.closest("button");
        if (!button || !item.contains(button)) return;
        if (button.dataset.answer && b.question) answer(b.number, b.question.id, button.dataset.answer);
        else if (button.dataset.role === "clear-answers") clearAnswers(b.number);
      });
      return item;
    }

    function renderPayer(p) {
      const captionId = "tcg-visit-units-" + p.rule;
      return h(
        "section",
        { class: "tcg-visit__payer", "data-rule": p.rule, "aria-labelledby": captionId },
        h("h4", { id: captionId }, p.name),
        h(
          "table",
          {},
          h("thead", {}, h("tr", {}, h("th", { scope: "col" }, "Code"), h("th", { scope: "col" }, "Units"))),
          h(
            "tbody",
            {},
            p.lines.map((ln) => h("tr", { "data-code": ln.code }, h("td", {}, ln.code), h("td", { "data-role": "units" }, String(ln.units)))),
          ),
          h("tfoot", {}, h("tr", {}, h("th", { scope: "row" }, "Total"), h("td", { "data-role": "total" }, String(p.total_units)))),
        ),
        p.warnings.length ? h("ul", { "data-role": "payer-warnings" }, p.warnings.map((w) => h("li", {}, w))) : null,
      );
    }

    function render(r) {
      renderNote(r.segments);
      part("blocks").replaceChildren(...r.blocks.map(renderBlock));
      part("payers").replaceChildren(...r.payers.map(renderPayer));
      part("warnings").replaceChildren(...r.warnings.map((w) => h("li", {}, w)));
      part("warnings-box").hidden = !r.warnings.length;
      part("steps").replaceChildren(
        ...r.steps.map((s) => h("section", { "data-rule": s.rule }, h("h4", {}, s.name), h("ol", {}, s.steps.map((x) => h("li", {}, x))))),
      );
      const copied = part("copy-text");
      copied.hidden = true;
      copied.value = "";
      part("copy-status").textContent = "";
    }

    part("copy").addEventListener("click", async () => {
      if (!report) return;
      const status = part("copy-status");
      try {
        await navigator.clipboard.writeText(report.text);
        status.textContent = "Copied the summary as plain text.";
      } catch (e) {
        const box = part("copy-text");
        box.value = report.text;
        box.hidden = false;
        box.select();
        status.textContent = "This browser blocked copying: the summary is selected in the box below; copy it from there.";
      }
    });
    part("print").addEventListener("click", () => window.print());
    /* today's session (assets/js/session.js, this browser only): the blocks Python listed as billable */
    part("to-session").addEventListener("click", () => {
      const status = part("copy-status");
      if (!report || !window.TCG_SESSION) return;
      report.session.forEach((b) => window.TCG_SESSION.add(b.code, b.minutes));
      const link = h("a", { href: new URL("calculator/#session", SITE_ROOT).href }, "open the unit calculator with today's session");
      status.replaceChildren(
        "Added " + report.session.length + (report.session.length === 1 ? " block" : " blocks") + " to today's session; ",
        link,
        ".",
      );
    });
  }

  window.TCG.register("visit", mount);
})();
