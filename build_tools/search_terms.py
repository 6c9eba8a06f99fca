"""The words clinicians search with, from the data, added to Material's search index at build time.

Material's search (lunr) only finds words a page contains, and splits them on spaces and hyphens:
"TherEx", "NMR" or "HP/CP" find nothing, or a page that merely mentions them. The build therefore
adds a hidden `keywords` field to the first entry (the page itself, not its sections) of the page
that answers each term, with a field boost above the title's:

- a code's own `search_terms` and every note heading phrase that claims the code (note_reading.yaml
  `headings`, the coach's list: "ther ex", "TE", "NMR", "neuro re-ed", "e-stim", "HP/CP", ...) go to
  the code's guidance page, or to the codes index for a code without one;
- a unit rule's `search_terms` (data/payers/, "8-minute rule") go to the unit rules page.

A phrase also goes in without its spaces and hyphens ("ther ex" -> "therex") for the run-together
spelling. Nothing shows on the page or in the result: the field is indexed, never rendered.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from build_tools.load import Project

#: the field the terms go in, and its boost (Material's defaults: title 1e3, text 1, tags 1e6)
FIELD = "keywords"
BOOST = 1e4
CODES_INDEX = "codes/"
UNIT_RULES = "units/"
CODE_NUMBER = re.compile(r"^[0-9A-Z][0-9]{4}$")


def _code_page(project: Project, code: str) -> str | None:
    doc = project.codes.get(code)
    if doc is None or not isinstance(doc.data, dict):
        return None
    return f"codes/{code}/" if doc.data.get("guidance_page") else CODES_INDEX


def _heading_codes(heading: dict[str, Any]) -> list[str]:
    codes = [heading.get("claims"), *(heading.get("codes_by_rule") or {}).values()]
    attended = heading.get("attended") or {}
    return [str(c) for c in [*codes, attended.get("claims")] if c]


def page_terms(project: Project) -> dict[str, list[str]]:
    """Site location of a page (as in search_index.json) -> the terms that should find it first."""
    out: dict[str, list[str]] = {}

    def add(location: str | None, terms: list[str]) -> None:
        if location is None:
            return
        have = out.setdefault(location, [])
        for term in terms:
            for form in (term, re.sub(r"[\s\-]+", "", term)):
                if form and form not in have:
                    have.append(form)

    for code, doc in sorted(project.codes.items()):
        if isinstance(doc.data, dict):
            add(_code_page(project, code), list(doc.data.get("search_terms", [])))
    reading = project.reading.data if isinstance(project.reading.data, dict) else {}
    for heading in reading.get("headings", []):
        for code in _heading_codes(heading):
            # a code number is on its page already, and another code's number would lead to the wrong page
            add(_code_page(project, code), [p for p in heading.get("phrases", []) if not CODE_NUMBER.match(p)])
    for doc in sorted(project.payers.values(), key=lambda d: str(d.path)):
        if isinstance(doc.data, dict):
            add(UNIT_RULES, list(doc.data.get("search_terms", [])))
    return out


def add_to_index(index_path: Path, terms: dict[str, list[str]]) -> None:
    """Give the page entry of each location in `terms` the hidden keywords field (the file is rewritten)."""
    index = json.loads(index_path.read_text(encoding="utf-8"))
    index["config"].setdefault("fields", {})[FIELD] = {"boost": BOOST}
    for entry in index["docs"]:
        if terms.get(entry["location"]):
            entry[FIELD] = " ".join(terms[entry["location"]])
    index_path.write_text(json.dumps(index, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")
