/* Today's session: the blocks a clinician walked in the tree (code + minutes), kept in this browser's
   localStorage only, never sent anywhere. The tree's outcome card asks for `TCG_SESSION.panel(outcome)`;
   the calculator opened at #session asks for `TCG_SESSION.rows()` (one row per code, minutes of its
   blocks added up, as the unit engine asks). Units are counted by the engine, never here.
   Self-contained classic script; every text is set with textContent. */
(function () {
  "use strict";
  const KEY = "tcg-session";
  const SITE_ROOT = new URL("../../", document.currentScript.src);

  function h(tag, attrs, ...children) {
    const node = document.createElement(tag);
    Object.entries(attrs || {}).forEach(([k, v]) => v != null && v !== false && node.setAttribute(k, v === true ? "" : v));
    children.flat().forEach((c) => c != null && node.append(c instanceof Node ? c : String(c)));
    return node;
  }
  function today() {
    const d = new Date();
    return d.getFullYear() + "-" + String(d.getMonth() + 1).padStart(2, "0") + "-" + String(d.getDate()).padStart(2, "0");
  }
  const CODE = /^[0-9A-Z]{5}$/;
  function valid(s) {
    return s && typeof s === "object" && typeof s.day === "string" && Array.isArray(s.blocks) && s.blocks.length <= 50 &&
      s.blocks.every((b) => b && CODE.test(b.code) && (b.minutes === null || (Number.isInteger(b.minutes) && b.minutes > 0 && b.minutes <= 600)));
  }
  function load() {
    try {
      const s = JSON.parse(localStorage.getItem(KEY));
      if (valid(s) && s.day === today()) return s;
    } catch (e) { /* unreadable: a new session */ }
    return { day: today(), blocks: [] };
  }
  function save(s) { try { localStorage.setItem(KEY, JSON.stringify(s)); } catch (e) { /* private mode */ } }

  function blocks() { return load().blocks; }
  function add(code, minutes) {
    const s = load();
    s.blocks.push({ code, minutes });
    save(s);
    return s.blocks;
  }
  function clear() { save({ day: today(), blocks: [] }); }
  /** Calculator rows: one per code, in first-walked order, minutes of that code's blocks added together. */
  function rows() {
    const out = new Map();
    blocks().forEach((b) => {
      const row = out.get(b.code) || { code: b.code, minutes: null };
      if (b.minutes != null) row.minutes = (row.minutes || 0) + b.minutes;
      out.set(b.code, row);
    });
    return [...out.values()];
  }
  const describe = (list) => list.map((b) => b.code + (b.minutes != null ? " (" + b.minutes + " min)" : "")).join(", ");

  /** The outcome card's panel: minutes for this block, "Add to today's session", then what to do next. */
  function panel(outcome) {
    if (!outcome || !outcome.code || outcome.result !== "code") return null;
    const id = "tcg-session-min-" + outcome.id;
    const minutes = h("input", { id, name: "session-minutes", inputmode: "numeric", size: "4", autocomplete: "off" });
    const status = h("p", { "data-role": "session-status", role: "status", "aria-live": "polite" });
    const next = h("p", { class: "tcg-session__next", "data-role": "session-next", hidden: true },
      h("a", { href: new URL("tree/", SITE_ROOT).href, "data-role": "session-walk" }, "Walk the next block"),
      " · ",
      h("a", { href: new URL("calculator/#session", SITE_ROOT).href, "data-role": "session-calc" }, "Count today's units in the calculator"));
    const button = h("button", { type: "submit", class: "md-button md-button--primary" }, "Add " + outcome.code + " to today's session");
    const form = h("form", { class: "tcg-session", "data-role": "session", novalidate: true },
      h("h3", {}, "Today's session"),
      h("p", {}, "A session has several blocks. Add this one, walk the next, then count the day's units."),
      h("p", {}, h("label", { for: id }, "Minutes of this " + outcome.code + " block (leave empty for a service-based code) "), minutes),
      h("p", {}, button),
      status, next);
    const show = (list, note) => {
      status.textContent = (note ? note + " " : "") + (list.length ? "Today: " + describe(list) + "." : "No blocks yet today.");
      next.hidden = !list.length;
    };
    show(blocks());
    form.addEventListener("submit", (ev) => {
      ev.preventDefault();
      const raw = minutes.value.trim();
      const n = raw === "" ? null : Number(raw);
      if (raw !== "" && !(Number.isInteger(n) && n > 0 && n <= 600)) {
        minutes.setAttribute("aria-invalid", "true");
        status.textContent = "Minutes must be a whole number from 1 to 600, or empty.";
        minutes.focus();
        return;
      }
      minutes.removeAttribute("aria-invalid");
      show(add(outcome.code, n), "Added " + outcome.code + ".");
      next.querySelector("a").focus();
    });
    return form;
  }

  window.TCG_SESSION = { blocks, add, clear, rows, panel, describe };
})();
