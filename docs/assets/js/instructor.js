/* Instructor widgets: the quiz builder (the engine checks and formats the quiz string) and the
   worksheet (shows only a quiz's cases, in the quiz's order, when opened with #quiz=). */
(function () {
  "use strict";
  function mountBuilder(root, engine) {
    const form = root.querySelector("form");
    const status = root.querySelector("[data-role=status]");
    const boxes = () => [...form.querySelectorAll("[name=case]")];
    root.querySelector("[data-role=all]").addEventListener("click", () => boxes().forEach((b) => { b.checked = true; }));
    root.querySelector("[data-role=none]").addEventListener("click", () => boxes().forEach((b) => { b.checked = false; }));
    engine.onState((state, detail) => {
      if (state === "loading") status.textContent = (detail || "Loading") + "…";
      if (state === "failed") status.textContent = "Python could not start in this browser (" + detail + ").";
    });
    form.addEventListener("submit", async (ev) => {
      ev.preventDefault();
      const ids = boxes().filter((b) => b.checked).map((b) => b.value);
      const reply = await engine.call("quiz_link", { seed: form.seed.value, ids });
      if (reply.error) { status.textContent = reply.error.message; return; }
      const quiz = reply.result.quiz;
      const practice = new URL("practice/#quiz=" + quiz, engine.siteRoot).href;
      const sheet = new URL("instructor/worksheet/#quiz=" + quiz, engine.siteRoot).href;
      const links = root.querySelector("[data-role=links]");
      Object.entries({ "quiz-link": practice, "sheet-link": sheet }).forEach(([role, href]) => {
        const a = links.querySelector("[data-role=" + role + "]");
        a.href = href;
        a.textContent = href;
      });
      links.hidden = false;
      status.textContent = "Quiz link ready: " + ids.length + " cases.";
    });
  }

  async function mountWorksheet(root, engine) {
    const quiz = (location.hash.match(/^#quiz=([^&]+)/) || [])[1];
    if (!quiz) return;
    const status = root.querySelector("[data-role=status]");
    status.textContent = "Selecting this quiz's cases…";
    let text = quiz;
    try { text = decodeURIComponent(quiz); } catch (e) { /* #quiz=%ZZ: the engine says the link is not valid */ }
    const reply = await engine.call("practice_set", { quiz: text });
    if (reply.error) { status.textContent = reply.error.message + " Showing every case."; return; }
    ["questions", "key"].forEach((role) => {
      const list = root.querySelector("[data-role=" + role + "]");
      const items = Object.fromEntries([...list.children].map((li) => [li.dataset.case, li]));
      list.replaceChildren(...reply.result.ids.map((id) => items[id]));
    });
    status.textContent = "Worksheet for quiz " + reply.result.seed + ": " + reply.result.ids.length + " cases.";
  }

  window.TCG.register("quiz-builder", mountBuilder);
  window.TCG.register("worksheet", mountWorksheet);
})();
