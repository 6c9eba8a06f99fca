/* "Which code?" widget: one question at a time over the static tree page.
   The static tree (every node an anchor, every answer a link) stays in charge until the Python
   engine is ready; then this takes over the same place. The engine decides everything (engine/tree.py,
   handler "walk"); this file only renders its reply, keeps the walk in the URL (#walk=q:a,...) and
   moves focus. */
(function () {
  "use strict";
  const WALK_PREFIX = "#walk=";

  /** Small DOM builder: h("p", {class: "x"}, "text", child). Text is always set as text, never HTML. */
  function h(tag, attrs, ...children) {
    const el = document.createElement(tag);
    Object.entries(attrs || {}).forEach(([k, v]) => {
      if (v === null || v === undefined || v === false) return;
      if (k === "hidden") el.hidden = true;
      else el.setAttribute(k, v === true ? "" : String(v));
    });
    children.flat().forEach((c) => {
      if (c === null || c === undefined || c === false) return;
      el.append(c instanceof Node ? c : document.createTextNode(String(c)));
    });
    return el;
  }

  function sourceLinks(sources) {
    if (!sources || !sources.length) return null;
    const parts = [];
    sources.forEach((s, i) => {
      if (i) parts.push("; ");
      const label = s.title + (s.section ? ", " + s.section : "");
      parts.push(s.url ? h("a", { href: s.url, rel: "noopener" }, label) : label);
    });
    return h("span", { class: "tcg-walk__cite" }, " (source: ", parts, ")");
  }

  function claimList(items, role) {
    return h("ul", { "data-role": role }, items.map((c) => h("li", {}, c.text, sourceLinks(c.sources))));
  }

  function section(title, role, ...body) {
    return h("section", { class: "tcg-walk__section", "data-role": role }, h("h3", {}, title), ...body);
  }

  function mount(root, engine) {
    const siteRoot = engine.siteRoot;
    const staticPart = h("div", { class: "tcg-tree__static", "data-role": "static" });
    staticPart.append(...root.childNodes);
    const panel = h("div", { class: "tcg-walk", "data-role": "walk", hidden: true });
    const live = h("p", { class: "tcg-walk__live", "aria-live": "polite", "data-role": "live" });
    // shown only for a shared walk: while Python loads, and if it cannot start
    const status = h("p", { class: "tcg-walk__status", "data-role": "status", hidden: true });
    root.append(status, panel, staticPart, live);
    root.dataset.ownHash = "true"; // hash changes are followed here (onHashChange): assets/js/same-page.js
    const sharedWalk = () => (location.hash || "").startsWith(WALK_PREFIX);

    let current = null; // the engine's last state
    let activating = null;

    const pageUrl = (page) => new URL(page, siteRoot).href;

    function argsFromHash() {
      let hash = location.hash || "";
      try {
        hash = decodeURIComponent(hash);
      } catch (e) {
        // a malformed %-escape: hand the raw text to the engine, which says what is wrong with it
      }
      if (hash.startsWith(WALK_PREFIX)) return { walk: hash.slice(WALK_PREFIX.length) };
      const id = hash.slice(1);
      if (id && /^[qo]_[a-z0-9_]+$/.test(id) && staticPart.querySelector("[id='" + id + "']")) return { node: id };
      // any other anchor on the page (a heading, the sources list) is not a walk: leave it alone
      return id ? { walk: "", otherAnchor: true } : { walk: "" };
    }

    function setHash(walk) {
      const url = location.pathname + location.search + (walk ? WALK_PREFIX + walk : "");
      if (url !== location.pathname + location.search + location.hash) history.replaceState(history.state, "", url);
    }

    let latest = 0; // the newest request: a slower, older reply must not overwrite it (or the URL)

    async function go(args, opts) {
      const { otherAnchor, ...engineArgs } = args; // otherAnchor is the widget's own note, not the engine's
      const request = ++latest;
      const reply = await engine.call("walk", engineArgs);
      if (request !== latest) return true; // superseded: the newer request renders
      if (reply.error) {
        showProblem("The walk could not be computed: " + reply.error.message);
        return false;
      }
      render(reply.result, opts || {});
      return true;
    }

    const steps = () => (current ? current.steps.map((s) => [s.question, s.answer]) : []);

    function showProblem(message) {
      const alert = panel.querySelector("[data-role=error]");
      if (alert) {
        alert.hidden = false;
        alert.textContent = message;
      }
      live.textContent = message;
    }

    function renderPath(state) {
      if (!state.steps.length) return null;
      const items = state.steps.map((step, i) => {
        const choices = h(
          "div",
          { class: "tcg-walk__choices", role: "group", "aria-label": "Change the answer to: " + step.text, hidden: true },
          step.answers.map((a) =>
            h(
              "button",
              { type: "button", class: "md-button", "data-answer": a.id, "aria-pressed": a.id === step.answer ? "true" : "false" },
              a.label,
            ),
          ),
        );
        const toggle = h("button", { type: "button", class: "tcg-walk__change", "aria-expanded": "false", "data-role": "change" }, "Change", h("span", { class: "tcg-walk__sr" }, " answer " + (i + 1)));
        toggle.addEventListener("click", () => {
          const open = toggle.getAttribute("aria-expanded") !== "true";
          toggle.setAttribute("aria-expanded", String(open));
          choices.hidden = !open;
          if (open) choices.querySelector("[aria-pressed=true]").focus();
        });
        choices.addEventListener("click", (ev) => {
          const button = ev.target.closest("button[data-answer]");
          if (!button) return;
          if (button.dataset.answer === step.answer) {
            toggle.click(); // the same answer again: nothing changes, fold the choices away
            toggle.focus();
            return;
          }
          const next = steps().slice(0, i).concat([[step.question, button.dataset.answer]]);
          go({ steps: next }, { focus: true, announce: "Answer " + (i + 1) + " changed." });
        });
        return h(
          "li",
          { "data-question": step.question, "data-answer": step.answer },
          h("span", { class: "tcg-walk__q" }, step.text),
          " ",
          h("strong", { class: "tcg-walk__a" }, step.label),
          " ",
          toggle,
          choices,
        );
      });
      // open while questions remain; on the outcome it folds away (still changeable in place)
      return h(
        "nav",
        { class: "tcg-walk__path", "aria-label": "Your answers so far", "data-role": "path" },
        h(
          "details",
          { open: !state.outcome },
          h("summary", {}, "Your answers so far (" + state.steps.length + ")"),
          h("ol", {}, items),
        ),
      );
    }

    function renderQuestion(q) {
      const headingId = "tcg-walk-heading";
      const answers = h(
        "div",
        { class: "tcg-walk__answers", role: "group", "aria-labelledby": headingId },
        q.answers.flatMap((a) => [
          h("button", { type: "button", class: "md-button", "data-answer": a.id }, a.label),
          a.contested ? h("small", { class: "tcg-walk__contested" }, "Contested: " + a.contested) : null,
        ]),
      );
      answers.addEventListener("click", (ev) => {
        const button = ev.target.closest("button[data-answer]");
        if (!button) return;
        go({ steps: steps().concat([[q.id, button.dataset.answer]]) }, { focus: true });
      });
      const why = q.why
        ? h(
            "details",
            { class: "tcg-walk__why", "data-role": "why" },
            h("summary", {}, "Why this question?"),
            h("p", {}, q.why),
            q.sources.length ? h("p", { class: "tcg-walk__sources" }, "Sources:", sourceLinks(q.sources)) : null,
          )
        : null;
      return h(
        "section",
        { class: "tcg-walk__question", "data-role": "question", "data-question": q.id },
        h("h2", { id: headingId, tabindex: "-1" }, h("span", { class: "tcg-walk__step" }, "Question " + q.number + ": "), q.text),
        h("p", { class: "tcg-walk__help" }, q.help),
        answers,
        why,
      );
    }

    function renderCompare(compare) {
      if (!compare.rows.length) return null;
      const codes = compare.rows.map((r) => r.code).join(", ");
      const cards = compare.rows.map((r) =>
        h(
          "div",
          { class: "tcg-compare__code" + (r.is_outcome ? " tcg-compare__code--outcome" : ""), "data-code": r.code },
          h("h4", {}, r.code + (r.name ? " " + r.name : "") + (r.is_outcome ? " (this result)" : "")),
          r.summary ? h("p", {}, r.summary) : null,
          r.difference ? h("p", { "data-role": "difference" }, h("strong", {}, "How to tell them apart: "), r.difference.text, sourceLinks(r.difference.sources)) : null,
          r.same_activity && compare.activity ? h("p", { "data-role": "same-activity" }, h("strong", {}, "Same activity: "), r.same_activity) : null,
          r.page ? h("p", {}, h("a", { href: pageUrl(r.page) }, "Guidance for " + r.code)) : null,
        ),
      );
      const intro = compare.activity
        ? h("p", {}, "One activity, coded by what it was for: ", h("a", { href: pageUrl(compare.activity.page) }, compare.activity.name), ".")
        : null;
      return h(
        "details",
        { class: "tcg-compare", "data-role": "compare" },
        h("summary", {}, "Compare neighbours (" + codes + ")"),
        intro,
        cards,
      );
    }

    function renderOutcome(o) {
      const headingId = "tcg-walk-heading";
      const title = h("h2", { id: headingId, tabindex: "-1" }, h("span", { class: "tcg-walk__step" }, o.result_label + ": "), o.title);
      const neighbours = o.compare.rows.filter((r) => !r.is_outcome && r.difference);
      const denials = o.mistakes.concat(o.denials);
      return h(
        "article",
        { class: "tcg-walk__outcome tcg-walk__outcome--" + o.result, "data-role": "outcome", "data-code": o.code || "", "data-codes": (o.codes || []).join(" "), "data-outcome": o.id },
        title,
        section(
          o.code ? "Why " + o.code + " and not its neighbours" : "Why",
          "why",
          h("p", {}, o.why),
          neighbours.length
            ? h("ul", {}, neighbours.map((r) => h("li", { "data-code": r.code }, h("strong", {}, "Not " + r.code + (r.name ? " " + r.name : "") + ": "), r.difference.text)))
            : null,
        ),
        renderCompare(o.compare),
        section("The note must show", "note", claimList(o.note_must_show, "note-items")),
        denials.length ? section("Common mistakes and denials", "denials", claimList(denials, "denial-items")) : null,
        o.payer_caveats.length
          ? section(
              "Payer caveats",
              "caveats",
              h(
                "ul",
                {},
                o.payer_caveats.map((c) =>
                  h("li", {}, h("strong", {}, (c.payer ? c.payer + ", " : "") + "as of ", h("time", { datetime: c.as_of }, c.as_of), ": "), c.text, sourceLinks(c.sources)),
                ),
              ),
            )
          : null,
        o.activities.length
          ? section("Matching activities", "activities", h("ul", {}, o.activities.map((a) => h("li", { "data-activity": a.slug }, h("a", { href: pageUrl(a.page) }, a.name)))))
          : null,
        o.page ? h("p", { class: "tcg-walk__page" }, h("a", { href: pageUrl(o.page), "data-role": "code-page" }, "Code page for " + o.code)) : null,
        window.TCG_SESSION ? window.TCG_SESSION.panel(o) : null, // today's session (assets/js/session.js)
        o.sources.length ? section("Sources", "sources", h("ul", {}, o.sources.map((s) => h("li", {}, s.url ? h("a", { href: s.url, rel: "noopener" }, s.title) : s.title, s.section ? ", " + s.section : "")))) : null,
        o.disclaimer ? h("p", { class: "tcg-walk__disclaimer", "data-role": "disclaimer" }, o.disclaimer) : null,
      );
    }

    function render(state, opts) {
      current = state;
      const error = state.error
        ? "That walk could not be followed (" + state.error.message + "), so it starts over from the first question."
        : "";
      const controls = h(
        "div",
        { class: "tcg-walk__controls" },
        h("button", { type: "button", class: "md-button", "data-role": "back", disabled: !state.steps.length }, "Back"),
        h("button", { type: "button", class: "md-button", "data-role": "restart", disabled: !state.steps.length }, "Start again"),
        state.walk ? h("a", { href: WALK_PREFIX + state.walk, "data-role": "share", class: "tcg-walk__share" }, "Link to this walk") : null,
      );
      controls.querySelector("[data-role=back]").addEventListener("click", () =>
        go({ steps: steps().slice(0, -1) }, { focus: true, announce: "Went back one question." }),
      );
      controls.querySelector("[data-role=restart]").addEventListener("click", () =>
        go({ steps: [] }, { focus: true, announce: "Started again." }),
      );
      const parts = [
        h("div", { class: "tcg-walk__alert", role: "alert", "data-role": "error", hidden: !error }, error),
        renderPath(state),
        state.question ? renderQuestion(state.question) : renderOutcome(state.outcome),
        controls,
      ];
      panel.replaceChildren(...parts.filter(Boolean));
      panel.dataset.node = state.node;
      panel.dataset.walk = state.walk;
      panel.dataset.state = state.question ? "question" : "outcome";
      if (!opts.keepHash) setHash(state.walk);
      const heading = panel.querySelector("#tcg-walk-heading");
      live.textContent = [error, opts.announce, heading.textContent].filter(Boolean).join(" ");
      if (opts.focus) heading.focus({ preventScroll: false });
    }

    /** Swap the static tree for the widget, keeping the current question where it was on screen. */
    async function activate() {
      if (activating) return activating;
      activating = (async () => {
        const args = argsFromHash();
        const anchorId = args.node || null;
        const anchor = args.otherAnchor
          ? null
          : (anchorId && staticPart.querySelector("[id='" + anchorId + "']")) || staticPart.querySelector("h2");
        const before = anchor ? anchor.getBoundingClientRect().top : 0;
        const wasFocusedInside = root.contains(document.activeElement);
        panel.hidden = false;
        panel.style.position = "absolute"; // render off-flow first: no shift while the engine answers
        panel.style.visibility = "hidden";
        const ok = await go(args, { focus: false, keepHash: args.otherAnchor });
        panel.style.position = "";
        panel.style.visibility = "";
        if (!ok) {
          panel.hidden = true;
          activating = null;
          return;
        }
        staticPart.hidden = true;
        status.hidden = true;
        root.dataset.active = "true";
        const heading = panel.querySelector("#tcg-walk-heading");
        if (anchor && document.contains(heading)) window.scrollBy(0, heading.getBoundingClientRect().top - before);
        if (wasFocusedInside || args.walk || args.node) heading.focus({ preventScroll: true });
      })();
      return activating;
    }

    function onHashChange() {
      if (!document.contains(root)) return window.removeEventListener("hashchange", onHashChange);
      if (!root.dataset.active) return;
      const args = argsFromHash();
      if (args.otherAnchor) return;
      if (current && args.walk !== undefined && args.walk === current.walk) return;
      go(args, { focus: true });
    }
    window.addEventListener("hashchange", onHashChange);

    let stopListening = null;
    stopListening = engine.onState((s) => {
      if (!document.contains(root)) {
        if (stopListening) stopListening(); // this page was left by instant navigation
        return;
      }
      if (s.name === "ready") activate();
      if (root.dataset.active || !sharedWalk()) return;
      if (s.name === "loading") {
        status.hidden = false;
        status.textContent = "Loading the walk you were sent (" + (s.stage || "starting Python") + ")…";
      } else if (s.name === "failed") {
        status.hidden = false;
        status.textContent =
          "Python could not start (" + s.error + "), so the walk in this link cannot be replayed here. " +
          "The step-by-step tree below still works: follow the answers from the first question.";
        live.textContent = status.textContent;
      }
    });
    if (location.hash.startsWith(WALK_PREFIX)) activate(); // a shared walk: start Python now
  }

  window.TCG.register("tree", mount);
})();
