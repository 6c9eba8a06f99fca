/* Instructor widgets: the quiz builder (the engine checks the cases and writes the quiz code and the
   LMS files; this file only shows links, copies the link and saves the files), and the answer key and
   worksheet (opened with #quiz=, they keep exactly that quiz's cases, in the quiz's order). */
(function () {
  "use strict";
  function fromHash(name) {
    const m = location.hash.match(new RegExp("^#" + name + "=([^&]+)"));
    if (!m) return null;
    try { return decodeURIComponent(m[1]); } catch (e) { return m[1]; }
  }
  function download(file) {
    const body = file.base64 ? Uint8Array.from(atob(file.base64), (c) => c.charCodeAt(0)) : file.text;
    const url = URL.createObjectURL(new Blob([body], { type: file.mime }));
    const a = document.createElement("a");
    a.href = url;
    a.download = file.filename;
    a.hidden = true;
    document.body.append(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 1000);
  }
  async function copyText(text) {
    try { await navigator.clipboard.writeText(text); return true; } catch (e) { return false; }
  }
  function wirePrint(root) {
    const button = root.querySelector("[data-role=print]");
    if (button) button.addEventListener("click", () => window.print());
  }

  function mountBuilder(root, engine) {
    const form = root.querySelector("form");
    const part = (role) => root.querySelector("[data-role=" + role + "]");
    const status = part("status");
    const boxes = () => [...form.querySelectorAll("[name=case]")];
    let quiz = null, madeFrom = null;
    // what the link was made from: when the ticked cases or the seed change, the link, the "Quiz ready"
    // line and the downloads are taken away until the quiz is made again (nothing stale stays on screen)
    const selection = () => JSON.stringify([form.seed.value.trim(), form.title.value, form.feedback_end.checked,
      boxes().filter((b) => b.checked).map((b) => b.value).sort()]);
    function markStale() {
      if (quiz === null || selection() === madeFrom) return;
      quiz = null;
      madeFrom = null;
      part("links").hidden = true;
      part("quiz-link").removeAttribute("href");
      part("quiz-link").textContent = "";
      root.dataset.stale = "true";
      status.textContent = "The cases, the title, the seed or the feedback setting changed: press “Make the quiz link” again. The old link and files are gone.";
    }
    // filters hide cases from the list (a hidden case stays ticked); the count covers every ticked case
    const filters = [...form.querySelectorAll("[data-filter]")];
    const shown = () => boxes().filter((b) => !b.closest("li").hidden);
    function applyFilters() {
      const want = Object.fromEntries(filters.map((f) => [f.dataset.filter, f.value]));
      boxes().forEach((b) => {
        const li = b.closest("li");
        li.hidden = !((!want.code || li.dataset.code.split(" ").includes(want.code)) &&
          (!want.family || li.dataset.family === want.family) && (!want.difficulty || li.dataset.difficulty === want.difficulty));
      });
      const n = shown().length, all = boxes().length;
      part("shown").textContent = n === all ? "" : "Showing " + n + " of " + all + " cases.";
    }
    function showCount() {
      const ticked = boxes().filter((b) => b.checked);
      const hidden = ticked.filter((b) => b.closest("li").hidden).length;
      part("count").textContent = ticked.length + (ticked.length === 1 ? " case" : " cases") + " selected" +
        (hidden ? " (" + hidden + " not shown by the filters)" : "");
    }
    filters.forEach((f) => f.addEventListener("change", () => { applyFilters(); showCount(); }));
    form.addEventListener("input", markStale);
    form.addEventListener("change", () => { markStale(); showCount(); });
    part("all").addEventListener("click", () => { shown().forEach((b) => { b.checked = true; }); markStale(); showCount(); });
    part("none").addEventListener("click", () => { boxes().forEach((b) => { b.checked = false; }); markStale(); showCount(); });
    applyFilters();
    showCount();
    engine.onState((state, detail) => {
      if (state === "loading") status.textContent = (detail || "Loading") + "…";
      if (state === "failed") status.textContent = "Python could not start in this browser (" + detail + ").";
    });
    form.addEventListener("submit", async (ev) => {
      ev.preventDefault();
      const ids = boxes().filter((b) => b.checked).map((b) => b.value);
      const made = selection();
      const reply = await engine.call("quiz_link", { seed: form.seed.value, ids, title: form.title.value,
        feedback: form.feedback_end.checked ? "end" : "each" });
      if (reply.error) { status.textContent = reply.error.message; return; }
      quiz = reply.result.quiz;
      madeFrom = made;
      delete root.dataset.stale;
      const at = (path, name, code) => new URL(path + "#" + name + "=" + encodeURIComponent(code), engine.siteRoot).href;
      const practice = part("quiz-link");
      practice.href = at("practice/", "quiz", quiz);
      practice.textContent = practice.href;
      // the key and the worksheet open with their own code, not the students' quiz code
      part("key-link").href = at("instructor/answer-key/", "key", reply.result.key);
      part("sheet-link").href = at("instructor/worksheet/", "key", reply.result.key);
      part("copied").textContent = "";
      part("links").hidden = false;
      status.textContent = "Quiz ready: " + (reply.result.title ? "“" + reply.result.title + "”, " : "") +
        ids.length + " cases, code " + quiz +
        (form.feedback_end.checked ? ", feedback at the end." : ", feedback after each answer.");
      markStale(); // the selection changed while the engine worked
    });
    part("copy").addEventListener("click", async () => {
      const href = part("quiz-link").href;
      const ok = await copyText(href);
      if (!ok) window.getSelection().selectAllChildren(part("quiz-link"));
      part("copied").textContent = ok ? "Copied." : "Selected: press Ctrl+C (or long-press and Copy).";
    });
    ["qti", "moodle"].forEach((format) => part(format).addEventListener("click", async () => {
      markStale();
      if (!quiz) return;
      status.textContent = "Writing the file…";
      const reply = await engine.call("quiz_export", { quiz, format });
      if (reply.error) { status.textContent = reply.error.message; return; }
      download(reply.result);
      status.textContent = "Saved " + reply.result.filename + ".";
    }));
  }

  async function keepQuizCases(root, engine, lists, label) {
    const status = root.querySelector("[data-role=status]");
    const key = fromHash("key");
    const caseIds = [...new Set(lists.flatMap((list) => [...list.querySelectorAll(":scope > [data-case]")].map((el) => el.dataset.case)))];
    if (fromHash("quiz")) {
      // a student's quiz link with the path edited: no key in the quiz's order, and nothing shown
      lists.forEach((list) => list.querySelectorAll(":scope > [data-case]").forEach((el) => { el.hidden = true; }));
      keepContents(caseIds, [], false);
      root.dataset.refused = "true";
      status.textContent = "This is a student's quiz link, not an answer-key link. The key for a quiz opens only from " +
        "the quiz builder's link.";
      return null;
    }
    if (!key) { status.textContent = "Every case. Open this page from the quiz builder to see one quiz."; return null; }
    status.textContent = "Selecting this quiz's cases…";
    const reply = await engine.call("quiz_key", { key });
    if (reply.error) { status.textContent = reply.error.message + " Showing every case."; return null; }
    lists.forEach((list) => {
      const items = Object.fromEntries([...list.querySelectorAll(":scope > [data-case]")].map((el) => [el.dataset.case, el]));
      [...list.querySelectorAll(":scope > [data-case]")].forEach((el) => el.remove());
      list.append(...reply.result.ids.map((id) => items[id]).filter(Boolean));
    });
    keepContents(caseIds, reply.result.ids, label === "Answer key");
    showTitle(root, reply.result.title, label);
    status.textContent = label + " for quiz " + reply.result.quiz + ": " + reply.result.ids.length + " cases.";
    root.dataset.quiz = reply.result.quiz;
    return reply.result.ids;
  }

  // the quiz's title (the engine's plain text, set as text) heads the key and the worksheet, on screen and on paper
  function showTitle(root, title, label) {
    const line = root.querySelector("[data-role=quiz-title]");
    if (!line || !title) return;
    line.textContent = label + ": " + title;
    line.hidden = false;
    document.title = title + " · " + document.title;
  }

  // the worksheet's questions and its key print apart (training.css hides the other part by data-print):
  // the browser's own Print command prints the questions only, so a handout never carries the key
  function wireSheetPrint(root) {
    const print = (what) => { root.dataset.print = what; window.print(); };
    root.querySelector("[data-role=print-questions]").addEventListener("click", () => print("questions"));
    root.querySelector("[data-role=print-key]").addEventListener("click", () => print("key"));
    window.addEventListener("afterprint", () => { delete root.dataset.print; });
  }

  // the page's contents (Material's "On this page" list, in the sidebar or the phone's drawer) name only the
  // quiz's cases, in the quiz's order and with their numbers; entries of other cases are removed
  function keepContents(caseIds, ids, numbered) {
    const wanted = new Map(ids.map((id, i) => [id, i]));
    const known = new Set(caseIds);
    document.querySelectorAll(".md-nav--secondary .md-nav__list").forEach((list) => {
      const entries = [...list.children].map((li) => {
        const a = li.querySelector(":scope > a.md-nav__link");
        // Material rewrites the links to full URLs: the entry's target is the link's fragment
        let target = "";
        try { target = a ? decodeURIComponent(new URL(a.href, location.href).hash.slice(1)) : ""; } catch (e) { /* not a case */ }
        return { li, a, target };
      }).filter((e) => known.has(e.target));
      if (!entries.length) return;
      const anchor = entries[entries.length - 1].li.nextSibling;
      entries.forEach((e) => e.li.remove());
      const kept = entries.filter((e) => wanted.has(e.target)).sort((x, y) => wanted.get(x.target) - wanted.get(y.target));
      kept.forEach((e) => {
        if (!numbered) return;
        const label = e.a.querySelector(".md-ellipsis") || e.a;
        if (!label.dataset.title) label.dataset.title = label.textContent.trim();
        label.textContent = "Case " + (wanted.get(e.target) + 1) + ": " + label.dataset.title;
      });
      kept.forEach((e) => list.insertBefore(e.li, anchor));
    });
  }

  function mountWorksheet(root, engine) {
    wireSheetPrint(root);
    keepQuizCases(root, engine, ["questions", "key"].map((r) => root.querySelector("[data-role=" + r + "]")), "Worksheet");
  }

  async function mountKey(root, engine) {
    wirePrint(root);
    const ids = await keepQuizCases(root, engine, [root], "Answer key");
    if (!ids) return;
    ids.forEach((id, i) => {
      const number = root.querySelector("[data-case='" + CSS.escape(id) + "'] [data-role=number]");
      if (number) number.textContent = "Case " + (i + 1) + ": ";
    });
  }

  window.TCG.register("quiz-builder", mountBuilder);
  window.TCG.register("worksheet", mountWorksheet);
  window.TCG.register("answer-key", mountKey);
})();
