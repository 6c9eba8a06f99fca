"""Code pages: one full page per guidance code, and the code table (every code with its unit basis).

Each page cites its sources inline and at the foot, shows its review date, and
its edit link (set by the hooks) points at the code's YAML file.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from build_tools.escape import html_text, md, md_cell, md_label, pipes
from build_tools.freshness import stale_note
from build_tools.load import Project
from build_tools.pages.common import Citations, reviewed_line, vocab_labels

#: how each unit basis reads on the pages (the meaning is defined in schemas/code.schema.json)
UNIT_BASIS = {
    "timed_15": "timed: one unit per 15 minutes",
    "service": "service: one unit per day or session, whatever the time",
    "first_15_then_addon": "first 15 minutes, then an add-on code per further 15 minutes",
    "first_2h_then_1h": "first two hours, then each added hour",
    "per_area": "per body area or application",
    "per_encounter_time": "timed, with its own unit length",
    "bundled": "bundled: not paid separately",
    "unlisted": "unlisted: counted as the payer instructs",
}
SOURCES_PAGE = "../sources.md"
#: unit bases whose codes take the payers' caveats for timed codes
TIMED_BASES = ("timed_15", "first_15_then_addon")
UNVERIFIED = "**Unverified:** "


def code_link(project: Project, code: str, prefix: str = "") -> str:
    """A link to a code: its guidance page when it has one, else its row in the code table.

    `prefix` leads from the linking page to the codes/ folder ("" from codes/, "../codes/" from activities/).
    """
    doc = project.codes.get(code)
    if doc is None:
        return code
    label = md_label(f"{code}: {doc.data['name']}")
    if doc.data.get("guidance_page"):
        return f"[{label}]({prefix}{code}.md)"
    return f"[{label}]({prefix}index.md#c{code})"


def activities_for(project: Project, code: str) -> list[dict[str, Any]]:
    """Activities whose likely code is `code`, by name."""
    found = [d.data for d in project.activities.values() if d.data.get("likely_code") == code]
    return sorted(found, key=lambda a: a["name"])


#: disciplines whose codes take the payers' therapy caveats (athletic-training codes are not therapy)
THERAPY_DISCIPLINES = frozenset({"PT", "OT", "SLP"})


def caveat_holds(cav: dict[str, Any], rec: dict[str, Any], always_therapy: set[str]) -> bool:
    """Whether a payer-level caveat is shown on the code `rec`: by its applies_to, then narrowed by except_families."""
    if rec.get("family") in cav.get("except_families", []):
        return False
    kind = cav["applies_to"]
    if kind == "listed":
        return rec["code"] in cav.get("codes", [])
    if kind == "timed":
        return rec["unit_basis"] in TIMED_BASES
    if kind == "always_therapy":
        return rec["code"] in always_therapy
    return kind == "therapy" and bool(THERAPY_DISCIPLINES & set(rec.get("disciplines", [])))


def always_therapy_codes(data: dict[str, Any]) -> set[str]:
    """The codes on a payer's always_therapy list (empty when it has none)."""
    return set((data.get("always_therapy") or {}).get("codes", []))


def payer_caveats_for(project: Project, rec: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    """(payer name, caveat) of every payer-level caveat that holds for this code (data/payers/*.yaml code_caveats)."""
    out = []
    for _rule, doc in sorted(project.payers.items()):
        data = doc.data if isinstance(doc.data, dict) else {}
        always = always_therapy_codes(data)
        for cav in data.get("code_caveats", []):
            if caveat_holds(cav, rec, always):
                out.append((str(cav.get("payer") or data.get("payer_name", data.get("label", ""))), cav))
    return out


def _always_therapy_note(project: Project, cites: Citations, code: str) -> str:
    """The sub-line under an always_therapy caveat: why it is on `code`'s page, with the list's status and sources."""
    for _rule, doc in sorted(project.payers.items()):
        data = doc.data if isinstance(doc.data, dict) else {}
        listed = data.get("always_therapy") or {}
        if code in listed.get("codes", []):
            flag = UNVERIFIED if listed.get("unverified") else ""
            said = f"{flag}{md(listed['text'], '../')}{cites.marks(listed['sources'])}"
            return f"\n    - Shown because {code} is on the always-therapy list: {said}"
    return ""


def payer_statuses_for(project: Project, code: str, cites: Citations) -> list[str]:
    """Each payer's status for `code` (data/payers/*.yaml code_status), as short cited sentences."""
    out = []
    for _rule, doc in sorted(project.payers.items()):
        data = doc.data if isinstance(doc.data, dict) else {}
        payer = md(data.get("payer_name", data.get("label", "")))
        for status in data.get("code_status", []):
            why = md(status["why"], "../") + cites.marks(status["sources"])
            if status["code"] == code:
                out.append(f"**{payer}:** {why}")
            elif status.get("use") == code:
                out.append(f"**{payer}:** billed in place of {status['code']}.{cites.marks(status['sources'])}")
    return out


def topic_link(project: Project, slug: str | None, prefix: str = "../guide/") -> str:
    """' See [title](../guide/<slug>.md).' for a topic page that exists, else ''."""
    doc = project.records.get("topics", {}).get(slug or "")
    if doc is None or not isinstance(doc.data, dict):
        return ""
    return f" See [{md_label(doc.data['title'])}]({prefix}{slug}.md)."


def _caveat_line(
    project: Project, cites: Citations, who: str, cav: dict[str, Any], code: str = "", today: dt.date | None = None
) -> str:
    head = f"**{md(who)}**, as of {md(cav['as_of'])}" if who else f"As of {md(cav['as_of'])}"
    flag = UNVERIFIED if cav.get("unverified") else ""
    link = topic_link(project, cav.get("topic"))
    line = f"- {head}: {flag}{md(cav['text'], '../')}{cites.marks(cav['sources'])}{link}{stale_note(cav, today)}"
    if cav.get("applies_to") == "always_therapy" and code:
        line += _always_therapy_note(project, cites, code)
    pairs = [p for p in cav.get("pairs", []) if code in (p["column_one"], p["column_two"])]
    for pair in pairs:
        one, two = pair["column_one"], pair["column_two"]
        line += f"\n    - {one} with {two}: {one} is column one; the modifier (59 or XU) goes on {two}, column two."
    return line


def payment_line(project: Project, code: str, cites: Citations, prefix: str, today: dt.date | None = None) -> str:
    """'**Payment (<payer>):** <account>' from the code's payment_note (data/codes/<code>.yaml), or ''.

    The one account of an unsettled payment status: the code page, the tree outcome and the practice
    cases all print it from here. `prefix` leads from the page to the site root for links in the text.
    """
    doc = project.codes.get(code)
    note = doc.data.get("payment_note") if doc is not None and isinstance(doc.data, dict) else None
    if not note:
        return ""
    flag = UNVERIFIED if note.get("unverified") else ""
    said = f"{flag}{md(note['text'], prefix)}{cites.marks(note['sources'])}{stale_note(note, today)}"
    return f"**Payment ({md(note['payer'])}), as of {md(note['as_of'])}:** {said}"


def _facts(project: Project, rec: dict[str, Any], cites: Citations, today: dt.date | None = None) -> list[str]:
    family = vocab_labels(project)["code_families"].get(rec["family"], rec["family"])
    lines = [
        f"{md(rec['descriptor'], '../')}{cites.marks(rec['sources'])}",
        "",
        f"- **Counted:** {UNIT_BASIS.get(rec['unit_basis'], rec['unit_basis'])}",
        f"- **Family:** {md(family)}",
        f"- **Usually billed by:** {md(', '.join(rec['disciplines']))}",
    ]
    if rec.get("addon_code"):
        lines.append(f"- **Add-on code:** {code_link(project, rec['addon_code'])}")
    if rec.get("primary_code"):
        lines.append(f"- **Reported with:** {code_link(project, rec['primary_code'])}")
    if rec.get("status_note"):
        lines.append(f"- **Status:** {cites.claim(rec['status_note'])}")
    lines += [f"- {s}" for s in payer_statuses_for(project, rec["code"], cites)]
    payment = payment_line(project, rec["code"], cites, "../", today)
    if payment:
        lines.append(f"- {payment}")
    if rec.get("search_terms"):
        lines.append(f"- **Also searched as:** {md(', '.join(rec['search_terms']))}")
    return [*lines, ""]


def guidance_page(project: Project, rec: dict[str, Any], today: dt.date | None = None) -> str:
    """The full page of one guidance code; `today` (build_tools/clock.py) flags figures whose year has ended."""
    cites, g, code = Citations(project, SOURCES_PAGE), rec["guidance"], rec["code"]
    # the code pages are the reference: the site search ranks them above pages that only mention a code
    lines = ["---", "search:", "  boost: 3", "---", ""]
    lines += [f"# {code}: {md(rec['name'])}", "", *_facts(project, rec, cites, today)]
    lines += ["## Summary", "", md(g["summary"], "../"), ""]
    lines += ["## Use it when", "", *cites.claims(g["use_when"])]
    lines += ["## Not for", "", *cites.claims(g["not_for"])]
    lines += ["## Neighbours: how to tell them apart", ""]
    for n in g["neighbours"]:
        lines.append(f"- {code_link(project, n['code'])}: {md(n['difference'], '../')}{cites.marks(n.get('sources'))}")
    lines += ["", "## What the note must show", "", *cites.claims(g["note_must_show"])]
    lines += ["## Common denials", "", *cites.claims(g["denials"])]
    lines += ["## Examples", ""]
    for ex in g["examples"]:
        lines += [f"- **Session:** {md(ex['scenario'], '../')}", f"    **Verdict:** {md(ex['verdict'], '../')}"]
    lines.append("")
    shared = payer_caveats_for(project, rec)
    if g["payer_caveats"] or shared:
        lines += ["## Payer caveats", ""]
        lines += [_caveat_line(project, cites, cav.get("payer", ""), cav, today=today) for cav in g["payer_caveats"]]
        if shared:
            lines += ["", "From the payer's data (written once there, shown on every code they concern):", ""]
            lines += [_caveat_line(project, cites, who, cav, rec["code"], today) for who, cav in shared]
            lines.append(
                "- The modifiers a therapy line may need (GP, GO or GN for the plan of care; KX; CQ or CO; 59 or XU; "
                "GA, GX, GY, GZ) are in the [modifier reference](../guide/modifiers.md)."
            )
        lines.append("")
    lines += _policy_lines(project, code, cites)
    related = [
        (slug, d.data["title"])
        for slug, d in sorted(project.records.get("topics", {}).items())
        if isinstance(d.data, dict) and code in d.data.get("codes", [])
    ]
    if related:
        lines += ["## Related guides", ""]
        lines += [f"- [{md_label(title)}](../guide/{slug}.md)" for slug, title in related]
        lines += ["- [Modifier reference](../guide/modifiers.md)", ""]
    acts = activities_for(project, code)
    if acts:
        lines += [f"## Activities that usually support {code}", ""]
        lines += [f"- [{md_label(a['name'])}](../activities/{a['slug']}.md)" for a in acts] + [""]
    lines += [*cites.section(), reviewed_line(rec["reviewed"]), ""]
    return "\n".join(lines)


def _policy_lines(project: Project, code: str, cites: Citations) -> list[str]:
    """ "Payers that define it their own way": each payer policy's definition and denial rule for `code`."""
    out: list[str] = []
    for doc in sorted(project.records.get("policies", {}).values(), key=lambda d: str(d.path)):
        if not isinstance(doc.data, dict):
            continue
        pol = doc.data
        said = [d for d in pol.get("definitions", []) + pol.get("denials", []) if d["code"] == code]
        for item in said:
            out.append(f"- **{md(pol['payer'])}:** {md(item['text'], '../')}{cites.marks(item['sources'])}")
        if said:
            out.append(
                f"    The coach reads a note the payer's way when this payer is chosen (payer policy `{pol['id']}`,"
                f" reviewed {pol['reviewed']})."
            )
    return ["## Payers that define it their own way", "", *out, ""] if out else []


def code_table(project: Project) -> str:
    """Every code: name, how it is counted, family, guidance link, sources and review date."""
    cites = Citations(project, SOURCES_PAGE)
    family = vocab_labels(project)["code_families"]
    lines = [
        "---",
        "search:",
        "  boost: 2",
        "---",
        "",
        "# Codes",
        "",
        "Every code the guide covers, in the project's own words. Codes in **bold** have a full guidance page.",
        "",
        # one card per code at phone width (assets/js/layout.js, extra.css), not a table cut off at the side
        '<div class="tcg-stack tcg-stack--compact" markdown>',
        "",
        "| Code | Name | Counted | Family | Reviewed |",
        "|---|---|---|---|---|",
    ]
    for code, doc in sorted(project.codes.items()):
        rec = doc.data
        name = f"**[{md_label(rec['name'])}]({code}.md)**" if rec.get("guidance_page") else md_cell(rec["name"])
        code_cell = f"[{md_label(code)}]({code}.md)" if rec.get("guidance_page") else md_cell(code)
        marks = cites.marks(rec["sources"])
        if rec.get("search_terms"):
            name += f" <br><small>Also searched as: {md_cell(', '.join(rec['search_terms']))}</small>"
        notes = [cites.claim(rec["status_note"])] if rec.get("status_note") else []
        for note in [*notes, *payer_statuses_for(project, code, cites)]:
            name += " <br><small>" + pipes(note) + "</small>"
        basis = UNIT_BASIS.get(rec["unit_basis"], rec["unit_basis"])
        lines.append(
            f'| <span id="c{html_text(code)}"></span>{code_cell} | {name}{marks} | {md_cell(basis)} | '
            f"{md_cell(family.get(rec['family'], rec['family']))} | {md_cell(rec['reviewed'])} |"
        )
    lines += ["", "</div>", "", *cites.section(), ""]
    return "\n".join(lines)


def code_pages(project: Project, today: dt.date | None = None) -> dict[str, tuple[str, str]]:
    """codes/index.md and codes/<code>.md for each guidance code: path -> (Markdown, source path)."""
    pages = {"codes/index.md": (code_table(project), "data/codes/")}
    for code, doc in sorted(project.codes.items()):
        if doc.data.get("guidance_page"):
            pages[f"codes/{code}.md"] = (guidance_page(project, doc.data, today), f"data/codes/{code}.yaml")
    return pages
