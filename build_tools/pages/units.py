"""Engine markers in Markdown -> tables and worked examples computed by the engine at build time.

A page writes `<!-- engine:KIND ARGS -->` where a number would otherwise be typed by hand:

- `unit-table [rule] [rows=N]`: the 15-minute table (minutes -> units) from the rule's parameters;
- `rule ID`: the rule's label, summary and cited sources;
- `example RULE CODE=MIN ...`: one calculation (a bare CODE is service-based; CODE=MIN@PT names a discipline
  and CODE=MIN@PT+OT a co-treated block, shown as claim lines with their modifiers) with its steps;
- `co-treatment RULE`: the rule's co-treatment data (how a shared block is billed, its notes), cited;
- `compare CODE=MIN ...`: the same minutes under every rule, side by side;
- `worked-example FILE/ID`: an example from tests/worked_examples with its citation; one whose source text
  was not read (`unverified`) or that no source publishes (`derived`) is labelled as derived from the rule,
  never as the source's words;
- `refused`: the unit bases the calculator refuses, the reason, the registry codes that have them, and
  what to do instead (the engine's own advice).

An unknown marker or an input the engine refuses stops the build with the page name.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml

from build_tools import ROOT
from build_tools.escape import md, md_cell
from build_tools.load import Project
from build_tools.pages.codes import UNVERIFIED
from build_tools.pages.common import Citations
from engine import units

MARKER = re.compile(r"<!--\s*engine:([a-z-]+)((?:\s+[^\s>]+)*)\s*-->")
WORKED_EXAMPLES = ROOT / "tests" / "worked_examples"
STATUS = {
    "verified": "minutes and answer read in a copy of the source",
    "partly_verified": "partly verified",
}
#: statuses shown as worked out from the rule: the source's own text of the example was not read or does not exist
DERIVED = {
    "unverified": "the manual's own text of this example was not read",
    "derived": "no published example was found",
}


class MarkerError(ValueError):
    """A marker the expander cannot render; the message names the marker and the fix."""


def _entries(args: list[str]) -> list[tuple[Any, ...]]:
    """CODE=MIN, a bare CODE, or either with @DISC (97110=20@PT, 97530=30@PT+OT), as the command line reads them."""
    out: list[tuple[Any, ...]] = []
    for arg in args:
        body, at, discipline = arg.partition("@")
        code, sep, minutes = body.partition("=")
        out.append((code, minutes if sep else None, discipline) if at else (code, minutes if sep else None))
    if not out:
        raise MarkerError("give the codes as CODE=MINUTES (a bare CODE is service-based)")
    return out


class Expander:
    """Expands the engine markers of one page; collects the page's citations."""

    def __init__(self, project: Project, data: dict[str, Any], sources_page: str = "sources.md") -> None:
        self.project, self.data = project, data
        self.cites = Citations(project, sources_page)

    def rule(self, rule_id: str) -> dict[str, Any]:
        if rule_id not in self.data["rules"]:
            raise MarkerError(f"unknown rule {rule_id!r} (fix: one of {', '.join(sorted(self.data['rules']))})")
        return self.data["rules"][rule_id]

    def compute(self, rule_id: str, entries: list[tuple[str, Any]]) -> dict[str, Any]:
        try:
            return units.compute(entries, self.rule(rule_id), self.data["codes"])
        except units.UnitInputError as exc:
            raise MarkerError(str(exc)) from exc

    def unit_table(self, args: list[str]) -> list[str]:
        opts = dict(a.partition("=")[::2] for a in args if "=" in a)
        rule = self.rule(next((a for a in args if "=" not in a), "cms"))
        unit, low = int(rule["parameters"]["unit_minutes"]), int(rule["parameters"]["min_minutes"])
        rows = ["| Minutes of a timed code (or of the day's total, under Medicare) | Units |", "|---|---:|"]
        for n in range(int(opts.get("rows", 8)) + 1):
            lo, hi = units.table_band(n, unit, low)
            rows.append(f"| {lo}-{hi} | {n} |" if n else f"| under {low} | 0 |")
        return [*rows, f"| and on, {unit} minutes per further unit | |", ""]

    def rule_block(self, args: list[str]) -> list[str]:
        rule = self.rule(args[0] if args else "")
        summary = md(rule["summary"], self.cites.base)
        return [f"**{md(rule['label'])}.** {summary}{self.cites.marks(rule['sources'])}", ""]

    def _lines_table(self, result: dict[str, Any]) -> list[str]:
        """The claim lines of a day with disciplines: one row per code and discipline, with its modifier."""
        rows = ["| Code | Discipline | Modifier | Name | Minutes | Units |", "|---|---|---|---|---:|---:|"]
        for line in result["lines"]:
            name = self.data["codes"][line["code"]].get("name", "")
            minutes = "-" if line["minutes"] is None else line["minutes"]
            rows.append(
                f"| {md_cell(line['code'])} | {md_cell(line['discipline'])} | {md_cell(line['modifier'])} | "
                f"{md_cell(name)} | {md_cell(minutes)} | {line['units']} |"
            )
        rows.append(f"| **Total** | | | {result['timed_minutes']} timed minutes | {result['treatment_minutes']} | ")
        rows[-1] += f"**{result['total_units']}** |"
        return [*rows, ""]

    def _units_table(self, result: dict[str, Any], entries: list[tuple[Any, ...]]) -> list[str]:
        if any(line.get("discipline") for line in result.get("lines", [])):
            return self._lines_table(result)
        given = {e[0].strip().upper(): e[1] for e in entries}
        rows = ["| Code | Name | Minutes | Units |", "|---|---|---:|---:|"]
        for code, n in result["units"].items():
            name = self.data["codes"][code].get("name", "") + _minutes_on(code, given, self.data["codes"])
            minutes = given[code] if given.get(code) is not None else "-"
            rows.append(f"| {md_cell(code)} | {md_cell(name)} | {md_cell(minutes)} | {n} |")
        rows.append(f"| **Total** | {result['timed_minutes']} timed minutes | {result['treatment_minutes']} | ")
        rows[-1] += f"**{result['total_units']}** |"
        return [*rows, ""]

    def example(self, args: list[str]) -> list[str]:
        if not args:
            raise MarkerError("give the rule and the codes, e.g. example cms 97110=33 97140=7")
        entries = _entries(args[1:])
        return self.render(self.compute(args[0], entries), entries)

    def render(self, result: dict[str, Any], entries: list[tuple[str, Any]]) -> list[str]:
        lines = self._units_table(result, entries)
        alts = ["; ".join(f"{c} {units_word(n)}" for c, n in a.items()) for a in result["alternatives"]]
        if result.get("more_alternatives"):
            alts.append(f"and {result['more_alternatives']} more allocations (not listed)")
        lines += [f"Also allowed instead: {a}." for a in alts] + ([""] if alts else [])
        if result["warnings"]:
            lines += ['!!! warning "Check"', ""] + [f"    - {md(w)}" for w in result["warnings"]] + [""]
        lines += ['??? note "How the engine worked it out"', ""]
        lines += [f"    {i}. {md(step)}" for i, step in enumerate(result["steps"], 1)]
        return [*lines, ""]

    def co_treatment(self, args: list[str]) -> list[str]:
        """The rule's co-treatment block: its text and notes, each flagged when unverified, cited and dated."""
        rule = self.rule(args[0] if args else "")
        block = rule.get("co_treatment")
        if not block:
            raise MarkerError(f"rule {rule['id']!r} has no co_treatment block (fix: add one to its data file)")
        mods = ", ".join(f"{md(d['id'])} {md(d['modifier'])}" for d in block["disciplines"])
        flag = UNVERIFIED if block.get("unverified") else ""
        lines = [
            f"**{md(rule['label'])}.** {flag}{md(block['text'], self.cites.base)}"
            f"{self.cites.marks(block['sources'])} <small>(as of {md(block['as_of'])})</small>",
            "",
            f"Disciplines and the modifier on each of their lines: {mods}.",
            "",
        ]
        for note in block.get("notes", []):
            flag = UNVERIFIED if note.get("unverified") else ""
            text = md(note["text"], self.cites.base)
            dated = f"<small>(as of {md(note['as_of'])})</small>"
            lines.append(f"- {flag}{text}{self.cites.marks(note['sources'])} {dated}")
        return [*lines, ""] if block.get("notes") else lines

    def compare(self, args: list[str]) -> list[str]:
        entries = _entries(args)
        results = {rid: self.compute(rid, entries) for rid in sorted(self.data["rules"], key=_rule_order)}
        head = "| Code | Minutes | " + " | ".join(md_cell(self.data["rules"][r]["label"]) for r in results) + " |"
        rows = [head, "|---|---:|" + "---:|" * len(results)]
        first = next(iter(results.values()))
        given = {e[0].strip().upper(): e[1] for e in entries}
        for code in first["units"]:
            cells = " | ".join(str(r["units"][code]) for r in results.values())
            minutes = given.get(code)
            rows.append(f"| {md_cell(code)} | {md_cell(minutes if minutes is not None else '-')} | {cells} |")
        totals = " | ".join(f"**{r['total_units']}**" for r in results.values())
        rows.append(f"| **Total units** | {first['timed_minutes']} timed | {totals} |")
        rows.append("")
        for rid, r in results.items():
            alts = [", ".join(f"{c} {units_word(n)}" for c, n in a.items()) for a in r["alternatives"]]
            if r.get("more_alternatives"):
                alts.append(f"{r['more_alternatives']} more allocations (not listed)")
            if alts:
                rows += [f"{md(self.data['rules'][rid]['label'])} also allows: {md('; or '.join(alts))}.", ""]
        return rows

    def worked_example(self, args: list[str]) -> list[str]:
        stem, _, ex_id = (args[0] if args else "").partition("/")
        path = WORKED_EXAMPLES / f"{stem}.yaml"
        if not path.is_file():
            raise MarkerError(f"no worked example file {path.name} (fix: a file in tests/worked_examples)")
        doc = yaml.safe_load(path.read_text(encoding="utf-8"))
        example = next((e for e in doc["examples"] if e["id"] == ex_id), None)
        if example is None:
            raise MarkerError(f"{path.name} has no example {ex_id!r}")
        section = doc["citation"]["section"]
        cites = [{"source": doc["citation"]["source"], "section": section}, *doc["citation"].get("also", [])]
        entries = [
            (e["code"], e.get("minutes"), e["discipline"]) if "discipline" in e else (e["code"], e.get("minutes"))
            for e in example["entries"]
        ]
        if example["status"] in DERIVED:
            head = (
                f"*Derived from the rule ({section}), not quoted from the manual or any published example: "
                f"{DERIVED[example['status']]}, so the answer was worked out from the rule.*"
            )
        else:
            head = f"*Source: {section} ({STATUS.get(example['status'], example['status'])}).*"
        lines = [head + self.cites.marks(cites), ""]
        if example.get("note"):
            lines += [f"*{example['note'].strip()}*", ""]
        return lines + self.render(self.compute(doc["rule"], entries), entries)

    def refused(self, args: list[str]) -> list[str]:
        by_basis: dict[str, list[str]] = {}
        for code, info in sorted(self.data["codes"].items()):
            by_basis.setdefault(info.get("unit_basis", ""), []).append(code)
        rows = ["| Unit basis | Why the calculator refuses it | Codes in this guide |", "|---|---|---|"]
        for basis, reason in units.REFUSED_BASES.items():
            rows.append(
                f"| `{basis}` | {reason[0].upper() + reason[1:]} | {', '.join(by_basis.get(basis, [])) or '-'} |"
            )
        advice = units.REFUSED_ADVICE[0].lower() + units.REFUSED_ADVICE[1:]
        return [*rows, "", f"For each of these codes: {advice}. What to do: {units.REFUSED_FIX}.", ""]

    def expand(self, markdown: str) -> str:
        kinds = {
            "unit-table": self.unit_table,
            "rule": self.rule_block,
            "example": self.example,
            "compare": self.compare,
            "co-treatment": self.co_treatment,
            "worked-example": self.worked_example,
            "refused": self.refused,
        }

        def one(match: re.Match[str]) -> str:
            kind, args = match.group(1), match.group(2).split()
            if kind not in kinds:
                raise MarkerError(f"unknown marker engine:{kind} (fix: one of {', '.join(kinds)})")
            try:
                return "\n".join(kinds[kind](args))
            except MarkerError as exc:
                raise MarkerError(f"{match.group(0)}: {exc}") from exc

        out = MARKER.sub(one, markdown)
        if self.cites.entries:
            out = out.rstrip("\n") + "\n\n" + "\n".join(self.cites.section())
        return out


def _minutes_on(code: str, given: dict[str, Any], codes: dict[str, dict[str, Any]]) -> str:
    """' (minutes entered on 97129)' for an add-on line the engine added; '' otherwise."""
    primary = codes[code].get("primary_code")
    return f" (minutes entered on {primary})" if primary and code not in given else ""


def units_word(n: int) -> str:
    return f"{n} unit" if n == 1 else f"{n} units"


def _rule_order(rule_id: str) -> tuple[int, str]:
    return (0 if rule_id == "cms" else 1 if rule_id == "ama" else 2, rule_id)


def expand_page(markdown: str, project: Project, data: dict[str, Any], page: str | Path) -> str:
    """Expand every engine marker of one page; raise MarkerError naming the page on a bad marker."""
    if "engine:" not in markdown:
        return markdown
    depth = len(Path(str(page)).parts) - 1
    try:
        return Expander(project, data, "../" * depth + "sources.md").expand(markdown)
    except MarkerError as exc:
        raise MarkerError(f"{page}: {exc}") from exc
