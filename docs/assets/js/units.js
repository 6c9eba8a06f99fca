/* Unit calculator widget: rows of code + minutes, a rule choice, the engine's result card and a
   side-by-side comparison of every rule; plus the "rule-evidence" list of each rule's sources.
   Wiring and rendering only: every number, message and step comes from the engine or the data. */
(function () {
  "use strict";
  let widgets = 0;

  function h(tag, attrs, ...children) {
    const node = document.createElement(tag);
    Object.entries(attrs || {}).forEach(([k, v]) => {
      if (v !== null && v !== undefined && v !== false) node.setAttribute(k, v === true ? "" : String(v));
    });
    children.flat().forEach((c) => node.append(c instanceof Node ? c : String(c)));
    return node;
  }

  const plural = (n, word) => n + " " + word + (n === 1 ? "" : "s");
  const allocText = (alloc) => Object.entries(alloc).map(([code, n]) => code + ": " + plural(n, "unit")).join(", ");

  function mount(root, engine) {
    const n = ++widgets;
    const form = root.querySelector("form");
    const rowsBox = root.querySelector("[data-role=rows]");
    const rule = form.querySelector("[name=rule]");
    const part = (role) => root.querySelector("[data-role=" + role + "]");
    const out = part("result");
    const card = part("card");
    const listId = "tcg-codes-" + n;
    const datalist = h("datalist", { id: listId });
    form.append(datalist);
    let names = {};
    let rules = [];
    let rowSeq = 0;
    let mode = null; // "single" | "compare": what the card shows

    /* ---- rows ---- */
    const rows = () => [...rowsBox.querySelectorAll("[data-role=row]")];

    function renumber() {
      const all = rows();
      all.forEach((row, i) => {
        const remove = row.querySelector("[data-role=remove]");
        remove.setAttribute("aria-label", "Remove row " + (i + 1));
        remove.disabled = all.length === 1;
      });
    }

    function showName(row) {
      const code = row.querySelector("[name=code]").value.trim().toUpperCase();
      row.querySelector("[data-role=code-name]").textContent = names[code] || "";
    }

    function addRow(focus) {
      const id = "tcg-" + n + "-" + ++rowSeq;
      const err = id + "-error";
      const code = h("input", {
        id: id + "-code", name: "code", list: listId, autocomplete: "off", spellcheck: "false",
        autocapitalize: "characters", size: 7, "aria-describedby": id + "-name " + err,
      });
      const minutes = h("input", {
        id: id + "-minutes", name: "minutes", inputmode: "numeric", autocomplete: "off", size: 5, "aria-describedby": err,
      });
      const remove = h("button", { type: "button", class: "md-button tcg-remove", "data-role": "remove" }, "Remove");
      const row = h(
        "div", { class: "tcg-row", "data-role": "row" },
        h("div", { class: "tcg-code" }, h("label", { for: code.id }, "Code"), code,
          h("span", { class: "tcg-code-name", id: id + "-name", "data-role": "code-name" })),
        h("div", { class: "tcg-minutes" }, h("label", { for: minutes.id }, "Minutes"), minutes),
        remove,
        h("p", { class: "tcg-field-error", id: err, "data-role": "field-error", hidden: true }),
      );
      code.addEventListener("input", () => showName(row));
      remove.addEventListener("click", () => {
        const all = rows();
        const at = all.indexOf(row);
        row.remove();
        renumber();
        const next = rows()[Math.max(0, at - 1)];
        if (next) next.querySelector("[name=code]").focus();
      });
      rowsBox.append(row);
      renumber();
      if (focus) code.focus();
      return row;
    }

    const readRows = () =>
      rows().map((row) => ({
        code: row.querySelector("[name=code]").value,
        minutes: row.querySelector("[name=minutes]").value,
      }));

    /* ---- data: picker and rule labels ---- */
    engine.data().then((d) => {
      names = Object.fromEntries(d.codes.map((c) => [c.code, c.name]));
      datalist.replaceChildren(...d.codes.map((c) => h("option", { value: c.code, label: c.code + " " + c.name })));
      rules = d.rules;
      const wanted = rule.value || root.dataset.defaultRule;
      rule.replaceChildren(...rules.map((r) => h("option", { value: r.id, selected: r.id === wanted }, r.label)));
      showSummary();
      rows().forEach(showName);
    }, (e) => showFormError("The calculator data did not load (" + e.message + ")."));

    function showSummary() {
      const r = rules.find((x) => x.id === rule.value);
      part("rule-summary").textContent = r ? r.summary : "";
    }
    const ruleLabel = (id) => (rules.find((r) => r.id === id) || { label: id }).label;

    /* ---- engine state ---- */
    const stop = engine.onState((s) => {
      if (!document.contains(root)) return stop && stop(); // the page was left by instant navigation
      const text = part("status-text");
      const bar = part("progress");
      part("status").dataset.state = s.name;
      bar.hidden = s.name !== "loading";
      part("failed").hidden = s.name !== "failed";
      if (s.name === "loading") {
        bar.max = s.of;
        bar.value = s.step;
        text.textContent = "Loading the calculator: " + s.stage + " (step " + (s.step + 1) + " of " + s.of + ")…";
      } else if (s.name === "ready") {
        text.textContent = "The calculator is ready.";
      } else if (s.name === "failed") {
        text.textContent = "";
        part("failed-detail").textContent = s.error;
      }
    });

    /* ---- errors ---- */
    function clearErrors() {
      root.querySelectorAll("[aria-invalid]").forEach((x) => x.removeAttribute("aria-invalid"));
      root.querySelectorAll(".tcg-field-error, [data-role=form-error]").forEach((p) => {
        p.hidden = true;
        p.textContent = "";
        delete p.dataset.field;
      });
    }

    function showFormError(message) {
      const p = part("form-error");
      p.textContent = message;
      p.hidden = false;
    }

    function showError(error) {
      card.hidden = true;
      out.dataset.state = "error";
      if (error.startup) return; // the status block already explains and links the static tables
      const m = /^entries\.(\d+)\.(code|minutes)$/.exec(error.field || "");
      const row = m && rows()[Number(m[1])];
      let input = null;
      let p = null;
      if (row) {
        input = row.querySelector("[name=" + m[2] + "]");
        p = row.querySelector("[data-role=field-error]");
      } else if (error.field === "rule") {
        input = rule;
        p = part("rule-error");
      }
      if (!p) return showFormError(error.message);
      input.setAttribute("aria-invalid", "true");
      p.textContent = error.message;
      p.dataset.field = error.field;
      p.hidden = false;
      part("announce").textContent = error.message;
      input.focus();
    }

    /* ---- results ---- */
    function totals(r) {
      const item = (role, term, value) => h("div", { "data-role": role, "data-value": value }, h("dt", {}, term), h("dd", {}, value));
      return h(
        "dl", { class: "tcg-totals" },
        item("timed-minutes", "Total timed minutes", r.timed_minutes),
        r.treatment_minutes !== undefined ? item("treatment-minutes", "Total treatment time (minutes)", r.treatment_minutes) : [],
        item("total-units", "Total units", r.total_units),
      );
    }

    function list(tag, items, role) {
      return h(tag, { "data-role": role }, items.map((s) => h("li", {}, s)));
    }

    function renderSingle(r) {
      const perCode = h(
        "table", { class: "tcg-units" },
        h("caption", {}, "Units per code"),
        h("thead", {}, h("tr", {}, h("th", { scope: "col" }, "Code"), h("th", { scope: "col" }, "Service"), h("th", { scope: "col" }, "Units"))),
        h("tbody", {}, Object.entries(r.units).map(([code, u]) =>
          h("tr", { "data-code": code, "data-units": u }, h("th", { scope: "row" }, code), h("td", {}, names[code] || ""), h("td", {}, u)))),
      );
      const parts = [totals(r), h("div", { class: "tcg-scroll" }, perCode)];
      if (r.alternatives.length) {
        parts.push(h("h4", {}, "Other allowed allocations"),
          h("ul", { "data-role": "alternatives" }, r.alternatives.map((a) => h("li", { "data-alloc": JSON.stringify(a) }, allocText(a))),
            r.more_alternatives ? h("li", { "data-role": "more" }, "and " + r.more_alternatives + " more (not listed)") : []));
      }
      if (r.warnings.length) {
        parts.push(h("div", { class: "admonition warning" }, h("p", { class: "admonition-title" }, "Check"), list("ul", r.warnings, "warnings")));
      }
      parts.push(h("details", { open: true }, h("summary", {}, "How the engine worked it out"), list("ol", r.steps, "steps")));
      return parts;
    }

    function renderCompare(results) {
      const codes = [...new Set(results.flatMap((r) => Object.keys(r.units)))];
      const row = (label, cells, attrs) => h("tr", attrs || {}, h("th", { scope: "row" }, label), cells.map((c) => h("td", {}, c)));
      const table = h(
        "table", { class: "tcg-compare", "data-role": "compare-table" },
        h("caption", {}, "The same minutes under each rule"),
        h("thead", {}, h("tr", {}, h("td", {}), results.map((r) => h("th", { scope: "col", "data-rule": r.rule }, ruleLabel(r.rule))))),
        h("tbody", {},
          row("Total timed minutes", results.map((r) => r.timed_minutes)),
          row("Total units", results.map((r) => r.total_units), { "data-role": "total-units" }),
          codes.map((code) => row(code + (names[code] ? " " + names[code] : ""), results.map((r) => (code in r.units ? r.units[code] : "—")), { "data-code": code })),
          row("Other allowed allocations", results.map((r) => (r.alternatives.length ? r.alternatives.map(allocText).join("; ") + (r.more_alternatives ? "; and " + r.more_alternatives + " more" : "") : "none"))),
          row("Warnings", results.map((r) => (r.warnings.length ? list("ul", r.warnings) : "none"))),
        ),
      );
      const steps = results.map((r) => h("details", {}, h("summary", {}, "Steps: " + ruleLabel(r.rule)), list("ol", r.steps, "steps")));
      return [h("div", { class: "tcg-scroll" }, table), steps];
    }

    function summary(r) {
      const perCode = Object.entries(r.units).map(([code, u]) => code + " " + u).join(", ");
      return ruleLabel(r.rule) + ": " + plural(r.total_units, "unit") + " in total" + (perCode ? " (" + perCode + ")" : "") + ".";
    }

    let latest = 0;
    async function run(which) {
      const ticket = ++latest;
      clearErrors();
      out.dataset.state = "busy";
      // a question asked before the rule list arrived waits for it (the rule is read from that list)
      try {
        await engine.data();
      } catch (e) {
        return; // the form already says the data did not load
      }
      if (ticket !== latest) return;
      const entries = readRows();
      const ids = which === "compare" ? rules.map((r) => r.id) : [rule.value];
      const replies = await Promise.all(ids.map((id) => engine.call("units", { rule: id, entries })));
      if (ticket !== latest) return; // a newer request was made meanwhile: only its answer is shown
      const bad = replies.find((x) => x.error);
      if (bad) return showError(bad.error);
      const results = replies.map((x) => x.result);
      mode = which;
      part("copied").textContent = ""; // "Copied" spoke of the previous result
      part("card-title").textContent = which === "compare" ? "Compare rules" : "Result: " + ruleLabel(results[0].rule);
      out.replaceChildren(...(which === "compare" ? renderCompare(results) : renderSingle(results[0])).flat());
      out.dataset.mode = which;
      out.dataset.rule = which === "compare" ? "" : results[0].rule;
      card.hidden = false;
      out.dataset.state = "done";
      part("announce").textContent = results.map(summary).join(" ");
    }

    form.addEventListener("submit", (ev) => {
      ev.preventDefault();
      run("single");
    });
    part("compare").addEventListener("click", () => run("compare"));
    part("add").addEventListener("click", () => addRow(true));
    rule.addEventListener("change", () => {
      showSummary();
      if (mode === "single" && !card.hidden) run("single");
    });

    /* ---- the result as plain text for a note, and print ---- */
    const clean = (node) => node.textContent.replace(/\s+/g, " ").trim();
    // one line per fact: "Total units: 3", a table row's cells tab-separated, each step numbered (closed
    // <details> included: innerText would drop their steps and split a label from its value)
    function plainText(node, lines) {
      for (const el of node.children) {
        const tag = el.tagName;
        if (tag === "DL") {
          el.querySelectorAll(":scope > div").forEach((d) => lines.push(clean(d.querySelector("dt")) + ": " + clean(d.querySelector("dd"))));
        } else if (tag === "TABLE") {
          const cap = el.querySelector("caption");
          if (cap) lines.push(clean(cap) + ":");
          el.querySelectorAll("tr").forEach((tr) => lines.push([...tr.children].map(clean).join("\t")));
        } else if (tag === "OL" || tag === "UL") {
          [...el.children].forEach((li, i) => lines.push((tag === "OL" ? i + 1 + ". " : "- ") + clean(li)));
        } else if (tag === "DETAILS") {
          const sum = el.querySelector(":scope > summary");
          if (sum) lines.push(clean(sum) + ":");
          plainText(el, lines);
        } else if (tag === "SUMMARY") {
          // written with its <details>
        } else if (tag === "H4" || el.classList.contains("admonition-title")) {
          lines.push(clean(el) + ":");
        } else if (el.children.length) {
          plainText(el, lines);
        } else if (clean(el)) {
          lines.push(clean(el));
        }
      }
      return lines;
    }

    const copyBtn = part("copy"), printBtn = part("print");
    if (copyBtn) copyBtn.addEventListener("click", async () => {
      const text = plainText(out, [part("card-title").textContent]).join("\n") + "\n";
      let ok = false;
      try { await navigator.clipboard.writeText(text); ok = true; } catch (e) { /* no clipboard permission */ }
      if (!ok) window.getSelection().selectAllChildren(out);
      part("copied").textContent = ok ? "Copied as plain text." : "Selected: press Ctrl+C (or long-press and Copy).";
      card.dataset.copied = text;
    });
    if (printBtn) printBtn.addEventListener("click", () => window.print());

    /* ---- today's session (assets/js/session.js): #session fills one row per code ---- */
    const session = window.TCG_SESSION;
    const fromSession = session && location.hash === "#session" && part("session-note")
      ? session.rows() : [];
    if (fromSession.length) {
      fromSession.forEach((b) => {
        const row = addRow(false);
        row.querySelector("[name=code]").value = b.code;
        row.querySelector("[name=minutes]").value = b.minutes == null ? "" : String(b.minutes);
      });
      const note = part("session-note");
      if (note) {
        part("session-blocks").textContent = session.describe(session.blocks());
        note.hidden = false;
        part("session-clear").addEventListener("click", () => {
          session.clear();
          note.hidden = true;
          part("session-blocks").textContent = "";
        });
      }
      engine.data().then(() => run("single"), () => {}); // after the rule list is filled in
    } else {
      addRow(false);
    }
  }

  function mountEvidence(root, engine) {
    engine.data().then((d) => {
      root.replaceChildren(...d.rules.map((r) => h(
        "section", { "data-rule": r.id },
        h("h3", {}, r.label),
        h("p", {}, r.summary),
        h("ul", {}, r.sources.map((s) => h("li", {},
          s.url ? h("a", { href: s.url }, s.title) : h("cite", {}, s.title),
          s.publisher ? ", " + s.publisher : "",
          s.section ? " (" + s.section + ")" : ""))),
      )));
    });
  }

  window.TCG.register("units", mount);
  window.TCG.register("rule-evidence", mountEvidence, { engine: false });
})();
