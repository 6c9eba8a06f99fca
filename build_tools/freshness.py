"""Facts that name a year: once that year has ended, the page flags the figure and the build warns.

A fact (a payer caveat, a code page's caveat or payment note, a guide topic's point) may carry
`year`, the calendar year its figure is for: a KX threshold, a fee-schedule
value, an extension date. When the day from build_tools/clock.py falls after
31 December of that year, the page shows "this figure is for YYYY; check the
current one" beside it, and `python -m build_tools check` and the MkDocs build
list a WARNING naming the file and the fact. It is never a failure: the data
is still sound on any day, only due for a re-check.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from build_tools import ROOT
from build_tools.load import Document, Project


def year_ended(year: int, today: dt.date) -> bool:
    """True once the calendar year `year` is over on `today`."""
    return today.year > year


def stale_text(year: int) -> str:
    """The words the page shows beside a figure whose year has ended."""
    return f"this figure is for {year}; check the current one"


def stale_note(fact: dict[str, Any], today: dt.date | None) -> str:
    """' **Out of date:** this figure is for YYYY; check the current one.' for a fact whose year has ended, else ''.

    Without a day (the clock could not be read) nothing is flagged.
    """
    year = fact.get("year")
    if today is None or not isinstance(year, int) or not year_ended(year, today):
        return ""
    return f" **Out of date:** {stale_text(year)}."


@dataclass(frozen=True, order=True)
class StaleFact:
    """One fact whose year has ended: where it is and what it is."""

    path: Path
    line: int
    fact: str
    year: int

    def shown(self, root: Path = ROOT) -> str:
        """'WARNING: path:line: <fact>: this figure is for YYYY; check the current one'."""
        try:
            path = self.path.relative_to(root)
        except ValueError:
            path = self.path
        return f"WARNING: {path}:{self.line}: {self.fact}: {stale_text(self.year)}"


def _items(data: Any, *keys: str) -> list[Any]:
    for key in keys:
        data = data.get(key) if isinstance(data, dict) else None
    return data if isinstance(data, list) else []


def _facts(doc: Document, kind: str) -> list[tuple[tuple[str | int, ...], str, dict[str, Any]]]:
    """(path in the file, name of the fact, the fact) of every fact in `doc` that may carry a year."""
    data = doc.data
    out: list[tuple[tuple[str | int, ...], str, dict[str, Any]]] = []
    if kind == "payers":
        for i, cav in enumerate(_items(data, "code_caveats")):
            if isinstance(cav, dict):
                out.append((("code_caveats", i), f"code_caveats '{cav.get('id', i)}'", cav))
    elif kind == "codes":
        if isinstance(data, dict) and isinstance(data.get("payment_note"), dict):
            out.append((("payment_note",), f"{data.get('code')} payment note", data["payment_note"]))
        for i, cav in enumerate(_items(data, "guidance", "payer_caveats")):
            if isinstance(cav, dict):
                out.append((("guidance", "payer_caveats", i), f"{data.get('code')} payer caveat {i + 1}", cav))
    elif kind == "topics":
        for s, section in enumerate(_items(data, "sections")):
            for p, point in enumerate(_items(section, "points")):
                if isinstance(point, dict):
                    name = f"topic '{data.get('id')}', section '{section.get('heading')}', point {p + 1}"
                    out.append((("sections", s, "points", p), name, point))
    return out


def stale_facts(project: Project, today: dt.date) -> list[StaleFact]:
    """Every fact in the data whose `year` has ended on `today`, sorted by file and line."""
    found = []
    for kind in ("payers", "codes", "topics"):
        for doc in project.records.get(kind, {}).values():
            for where, name, fact in _facts(doc, kind):
                year = fact.get("year")
                if isinstance(year, int) and year_ended(year, today):
                    found.append(StaleFact(doc.path, doc.at(*where, "year")[0], name, year))
    return sorted(found)


def render_warnings(stale: list[StaleFact], root: Path = ROOT) -> str:
    """One WARNING line per stale fact."""
    return "\n".join(s.shown(root) for s in stale)
