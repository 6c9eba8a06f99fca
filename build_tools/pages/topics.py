"""Guide pages made from data: one page per topic (data/topics/), the modifier reference and what to re-check.

- `guide/<topic>.md`: the topic's sections, each point cited, dated and marked when unverified,
  with links to the codes it touches (which link back from their own pages).
- `guide/modifiers.md`: every payer's `modifiers` list (data/payers/*.yaml) as one table.
- `guide/re-check.md`: every dated fact (`as_of`) in the data, oldest first, with where it lives,
  so a maintainer sees what is going stale. "Today" comes from build_tools.clock; a date never
  fails the build, it only sorts the list.

All data text goes through the one escaping policy (build_tools.escape: `md`, `md_cell`,
`md_label`) and the citation helpers of build_tools.pages.common.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

from build_tools.checks.base import walk
from build_tools.escape import md, md_cell, md_label
from build_tools.freshness import stale_facts, stale_note, stale_text
from build_tools.load import Project
from build_tools.pages.codes import UNVERIFIED, code_link
from build_tools.pages.common import Citations, reviewed_line

SOURCES_PAGE = "../sources.md"
MODIFIERS, RECHECK = "guide/modifiers.md", "guide/re-check.md"


def cell(text: object) -> str:
    """Data text for one Markdown table cell of a page under guide/ (the escaping policy's md_cell)."""
    return md_cell(text, "../")


MODIFIER_HEAD = ["| Modifier | Payer | What it says | When it is used | As of |", "|---|---|---|---|---|"]


def modifier_rows(project: Project, cites: Citations, only: list[str] | None = None, link: bool = True) -> list[str]:
    """Table rows for the payers' modifiers (all, or those in `only`), as the payer data states them."""
    rows = []
    for _rule, doc in sorted(project.payers.items()):
        data = doc.data if isinstance(doc.data, dict) else {}
        payer = cell(data.get("payer_name", data.get("label", "")))
        for mod in data.get("modifiers", []):
            if only is not None and mod["code"] not in only:
                continue
            flag = UNVERIFIED if mod.get("unverified") else ""
            more = ""
            topic = project.records.get("topics", {}).get(mod.get("topic") or "")
            if link and topic is not None and isinstance(topic.data, dict):
                more = f" See [{md_label(topic.data['title'])}]({mod['topic']}.md)."
            rows.append(
                f"| **{cell(mod['code'])}** | {payer} | {flag}{cell(mod['meaning'])}{cites.marks(mod['sources'])} | "
                f"{cell(mod['when'])}{more} | {cell(mod['as_of'])} |"
            )
    return rows


def topic_page(project: Project, rec: dict[str, Any], today: dt.date | None = None) -> str:
    """The page of one topic; `today` (build_tools/clock.py) flags figures whose year has ended."""
    cites = Citations(project, SOURCES_PAGE)
    lines = [f"# {md(rec['title'])}", "", md(rec["summary"], "../"), ""]
    if rec.get("modifiers"):
        lines += ["## Modifiers", "", "From the [modifier reference](modifiers.md):", "", *MODIFIER_HEAD]
        lines += [*modifier_rows(project, cites, rec["modifiers"], link=False), ""]
    for section in rec["sections"]:
        lines += [f"## {md(section['heading'])}", ""]
        for point in section["points"]:
            flag = UNVERIFIED if point.get("unverified") else ""
            text = md(point["text"], "../")
            as_of = md(point["as_of"])
            stale = stale_note(point, today)
            lines.append(f"- {flag}{text}{cites.marks(point['sources'])}{stale} <small>(as of {as_of})</small>")
        lines.append("")
    if rec["codes"]:
        links = [code_link(project, c, "../codes/") for c in rec["codes"]]
        lines += ["## Codes this touches", "", *[f"- {link}" for link in links], ""]
    lines += [
        "See also the [modifier reference](modifiers.md) and [what to re-check](re-check.md).",
        "",
        *cites.section(),
        reviewed_line(rec["reviewed"]),
        "",
    ]
    return "\n".join(lines)


def modifiers_page(project: Project) -> str:
    """Every modifier of every payer's data, with what it says, when it is used, its sources and date."""
    cites = Citations(project, SOURCES_PAGE)
    lines = [
        "# Modifier reference",
        "",
        "The modifiers a therapy claim line may carry, generated from the payer data. Each row is cited and dated;",
        "rows marked unverified rest on secondary sources only.",
        "",
        *MODIFIER_HEAD,
        *modifier_rows(project, cites),
    ]
    lines += ["", *cites.section(), ""]
    return "\n".join(lines)


def dated_facts(project: Project) -> Iterator[tuple[str, str, str, str]]:
    """(as_of, repo path, where in the file, first words) of every dated fact in the data."""
    for doc in project.documents():
        if not isinstance(doc.data, (dict, list)):
            continue
        rel = doc.path.relative_to(project.root).as_posix() if doc.path.is_relative_to(project.root) else str(doc.path)
        for where, value in walk(doc.data):
            if not where or where[-1] != "as_of" or not isinstance(value, str):
                continue
            parent: Any = doc.data
            for key in where[:-1]:
                parent = parent[key]
            said = parent.get("text") or parent.get("meaning") or parent.get("why") or ""
            label = ".".join(str(k) for k in where[:-1])
            words = " ".join(str(said).split()[:14])
            yield value, rel, f"{label} (line {doc.at(*where)[0]})", words


def recheck_page(project: Project, today: dt.date | None) -> str:
    """Every dated fact, oldest first; with `today`, how many days old each one is."""
    facts = sorted(dated_facts(project), key=lambda f: (f[0], f[1], f[2]))
    lines = [
        "# What to re-check",
        "",
        "Every dated fact in the data, oldest first. Payer rules, thresholds and edit tables change every year or",
        "quarter: re-read the cited source for the facts at the top, then update the text and its `as_of` date.",
        "A date never stops the build; this list is how the guide shows its age.",
        "",
    ]
    if today is not None:
        lines += [f"Ages are counted to {today.isoformat()}.", ""]
        stale = stale_facts(project, today)
        if stale:
            lines += ["Figures for a year that has ended (the build lists each as a warning):", ""]
            for fact in stale:
                rel = fact.path.relative_to(project.root) if fact.path.is_relative_to(project.root) else fact.path
                lines.append(f"- `{cell(rel.as_posix())}` line {fact.line}, {md(fact.fact)}: {stale_text(fact.year)}.")
            lines.append("")
    lines += ["| As of | Age (days) | File | Where | Says |", "|---|---|---|---|---|"]
    for as_of, rel, where, words in facts:
        try:
            age = str((today - dt.date.fromisoformat(as_of)).days) if today else ""
        except ValueError:
            age = ""
        lines.append(f"| {cell(as_of)} | {age} | `{cell(rel)}` | {cell(where)} | {cell(words)}... |")
    return "\n".join([*lines, ""])


def topic_pages(project: Project, today: dt.date | None) -> dict[str, tuple[str, str]]:
    """guide/<topic>.md for each topic, the modifier reference and the re-check page: path -> (Markdown, source)."""
    pages = {}
    for slug, doc in sorted(project.records.get("topics", {}).items()):
        if isinstance(doc.data, dict):
            pages[f"guide/{slug}.md"] = (topic_page(project, doc.data, today), f"data/topics/{slug}.yaml")
    pages[MODIFIERS] = (modifiers_page(project), "data/payers/")
    pages[RECHECK] = (recheck_page(project, today), "data/")
    return pages
