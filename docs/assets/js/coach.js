/* Documentation coach widget: sends the note and the chosen code to the engine (in the worker, by
   postMessage: never over the network) and renders the checklist it returns. The note is never stored.
   Wiring and rendering only: every element, pattern, fix and verdict comes from the engine and the data. */
(function () {
  "use strict";
  const VERDICT_TITLES = {
    supported: "Supported",
    weak: "Weak",
    supports_other_code: "Fits another code",
    no_checklist: "No checklist",
    open_question: "A question for you",
    no_code: "No code to bill",
  };

  // red-flag phrases: underlined as well as coloured, so the difference does not rest on colour alone
  const FLAG_STYLE = "background-color: rgba(229, 57, 53, 0.2); text-decoration: underline wavy #c62828;";

  function h(tag, attrs, ...children) {
    const node = document.createElement(tag);
    Object.entries(attrs || {}).forEach(([k, v]) => {
      if (v !== null && v !== undefined && v !== false) node.setAttribute(k, v === true ? "" : String(v));
    });
    children.flat(Infinity).forEach((c) => node.append(c instanceof Node ? c : String(c)));
    return node;
  }

  function mount(root, engine) {
    const part = (role) => root.querySelector("[data-role=" + role + "]");
    const form = root.querySelector("form");
    const note = part("note");
    const code = part("code");
    const example = part("example");
    let examples = [];

    fetch(new URL("assets/data/coach.json", engine.siteRoot))
      .then((r) => (r.ok ? r.json() : Promise.reject(new Error("coach.json " + r.status))))
      .then((d) => {
        code.append(...d.codes.map((c) => h("option", { value: c.code }, c.code + " " + c.name)));
        examples = d.examples;
        example.append(...examples.map((ex, i) => h("option", { value: String(i) }, ex.label)));
      })
      .catch((e) => showError("The code list did not load (" + e.message + ")."));

    example.addEventListener("change", () => {
      const ex = examples[Number(example.value)];
      if (!ex || example.value === "") return;
      note.value = ex.text;
      code.value = ex.code;
    });

    engine.onState((s) => {
      const name = typeof s === "string" ? s : s.name;
      const status = part("status");
      status.dataset.state = name;
      if (name === "loading") status.textContent = "Loading the coach: " + (s.stage || "starting Python") + "…";
      else if (name === "ready") status.textContent = "The coach is ready. Your note stays in this page.";
      else if (name === "failed") status.textContent = "Python could not start in this browser: " + (s.error || "");
    });

    function showError(message) {
      const p = part("error");
      p.textContent = message;
      p.hidden = !message;
    }

    // the tree walk from the note: each settled answer with its evidence, then the open question,
    // whose answers continue the same walk through the engine's "walk" handler (engine/tree.py)
    let walkSeq = 0;
    function renderWalk(walk) {
      const box = part("walk-box");
      if (!walk) {
        box.hidden = true;
        return;
      }
      box.hidden = false;
      box.dataset.walk = walk.walk;
      part("walk-steps").replaceChildren(
        ...walk.path.map((st) =>
          h(
            "li",
            { "data-question": st.question, "data-answer": st.answer },
            st.text,
            h("br"),
            h("strong", {}, "→ " + st.label),
            st.from_silence ? h("em", {}, " (" + st.evidence + ")") : [" (the note: ", h("mark", {}, st.evidence), ")"],
          ),
        ),
      );
      renderQuestion(walk.question, walk.walk);
      const treeLink = new URL("tree/", engine.siteRoot);
      treeLink.hash = "walk=" + walk.walk;
      part("walk-end").replaceChildren(
        ...(walk.outcome ? ["The tree ends at: ", h("strong", { "data-outcome": walk.outcome }, walk.title), ". "] : []),
        h("a", { href: treeLink.href, "data-role": "tree-link" }, "Open this walk on the tree page"),
      );
    }

    function renderQuestion(q, walkSoFar) {
      const box = part("open-question");
      box.hidden = !q;
      if (!q) return box.replaceChildren();
      box.dataset.question = q.id;
      box.replaceChildren(
        h("p", {}, h("strong", {}, q.text)),
        h("p", {}, q.help),
        h(
          "div",
          { role: "group", "aria-label": q.text },
          q.answers.map((a) =>
            h(
              "p",
              {},
              h("button", { type: "button", class: "md-button", "data-answer": a.id }, a.label),
              a.contested ? h("small", {}, " Contested: " + a.contested) : "",
            ),
          ),
        ),
      );
      box.querySelectorAll("button[data-answer]").forEach((btn) =>
        btn.addEventListener("click", () => answer(walkSoFar, q.id, btn.dataset.answer)),
      );
    }

    let noteWalk = null; // the walk read from the note: its steps keep their evidence when the user goes on
    async function answer(walkSoFar, question, answerId) {
      const seq = ++walkSeq;
      const walk = (walkSoFar ? walkSoFar + "," : "") + question + ":" + answerId;
      const reply = await engine.call("walk", { walk });
      if (seq !== walkSeq) return; // a newer answer or check was given meanwhile
      if (reply.error) return showError(reply.error.message);
      const st = reply.result;
      const fromNote = noteWalk ? noteWalk.path : [];
      renderWalk({
        walk: st.walk,
        path: st.steps.map((x, i) =>
          fromNote[i] && fromNote[i].answer === x.answer
            ? fromNote[i]
            : { question: x.question, answer: x.answer, text: x.text, label: x.label, evidence: "your answer", from_silence: true },
        ),
        question: st.question,
        outcome: st.outcome ? st.outcome.id : null,
        title: st.outcome ? st.outcome.title : null,
      });
      if (st.outcome && st.outcome.code) {
        const check = h("button", { type: "button", class: "md-button", "data-role": "check-tree-code" }, "Check the note against " + st.outcome.code);
        check.addEventListener("click", () => {
          code.value = st.outcome.code;
          form.requestSubmit();
        });
        part("walk-end").append(" ", check);
      }
      const next = part("walk-box").querySelector("button[data-answer], [data-role=check-tree-code]");
      if (next) next.focus();
    }

    form.addEventListener("submit", async (ev) => {
      ev.preventDefault();
      showError("");
      const out = part("result");
      out.dataset.state = "busy";
      const reply = await engine.call("coach", { text: note.value, code: code.value });
      if (reply.error) {
        out.hidden = true;
        out.dataset.state = "error";
        return showError(reply.error.message);
      }
      render(reply.result);
      out.hidden = false;
      out.dataset.state = "done";
    });

    function render(r) {
      const out = part("result");
      out.dataset.verdict = r.verdict;
      out.dataset.code = r.code;
      const title = VERDICT_TITLES[r.verdict] || r.verdict;
      part("verdict").textContent =
        title + (r.code ? ": " + r.code + " " + r.name : "") + (r.suggested && r.code ? " (reached by the tree)" : "");
      part("message").textContent = r.message;

      const labels = Object.fromEntries([...r.elements, ...r.red_flags].map((x) => [x.id, x.label]));
      part("note-view").replaceChildren(
        ...r.segments.map((s) => {
          const ids = [...s.elements, ...s.red_flags];
          if (!ids.length) return document.createTextNode(s.text);
          return h(
            "mark",
            {
              "data-elements": s.elements.join(" ") || null,
              "data-flags": s.red_flags.join(" ") || null,
              class: s.red_flags.length ? "tcg-flag" : null,
              style: s.red_flags.length ? FLAG_STYLE : null,
              title: ids.map((id) => labels[id]).join("; "),
            },
            s.text,
          );
        }),
      );

      part("elements").replaceChildren(
        ...r.elements.map((e) =>
          h(
            "li",
            { "data-element": e.id, "data-found": e.found ? "true" : "false" },
            h("strong", {}, (e.found ? "✓ " : "✗ ") + e.label),
            e.found
              ? [": ", e.spans.map((s, i) => [i ? ", " : "", h("mark", {}, s.text)])]
              : [h("br"), h("span", { "data-role": "fix" }, "Add: " + e.fix)],
          ),
        ),
      );

      part("flags").replaceChildren(
        ...r.red_flags.map((f) =>
          h(
            "li",
            { "data-flag": f.id },
            h("strong", {}, f.label),
            ": ",
            f.spans.map((s, i) => [i ? ", " : "", h("mark", { class: "tcg-flag", style: FLAG_STYLE }, s.text)]),
            h("br"),
            h("span", { "data-role": "fix" }, "Fix: " + f.fix),
          ),
        ),
      );
      part("flags-box").hidden = !r.red_flags.length;

      part("abbreviations").replaceChildren(
        ...r.abbreviations.map((a) => h("li", {}, h("strong", {}, a.as_written), " = " + a.meaning)),
      );
      part("abbr-box").hidden = !r.abbreviations.length;

      walkSeq++;
      noteWalk = r.walk;
      renderWalk(r.walk);
    }
  }

  window.TCG.register("coach", mount);
})();
