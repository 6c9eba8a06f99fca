"""Safety rules over every data file: the escaping policy, safe regular expressions, and what the build computes.

- `text_is_safe`: every text value follows the policy of build_tools.escape (no raw HTML,
  no attribute lists or images, links only to http(s) or to pages of the site that exist);
  every `url` is a plain http(s) URL.
- `patterns_are_linear`: every regular expression kept in data (`patterns`, `unless`,
  `evidence` lists, wherever they are) is free of nested unbounded repetition.
- `unit_rules_compute` and `case_units_compute`: what the build evaluates with the engine
  (each unit rule's parameters, each case's unit answer) is evaluated here too, so the
  engine's refusal is reported at the YAML line instead of crashing the build.
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from build_tools import escape
from build_tools.load import Document
from build_tools.page_paths import generated_paths
from build_tools.report import Problem
from engine import units
from engine.pattern_safety import nested_repetition

if TYPE_CHECKING:
    from build_tools.checks.base import Context, Rule

#: keys whose lists hold regular expressions (not text shown on a page)
PATTERN_KEYS = frozenset({"patterns", "unless", "evidence", "goal_patterns"})
#: keys whose values are URLs
URL_KEYS = frozenset({"url"})
#: pages the build generates besides one per guidance code and one per activity (build_tools/pages)
FIX_PATTERN = "bound the inner or the outer repeat ({0,3}) or drop one of them"


@lru_cache(maxsize=256)
def _lines(path: Path) -> tuple[str, ...]:
    try:
        return tuple(path.read_text(encoding="utf-8").split("\n"))
    except (OSError, UnicodeDecodeError):
        return ()


def locate(doc: Document, where: tuple[str | int, ...], text: str, offset: int) -> tuple[int, int]:
    """line, column of `text[offset:]` in the file: searched from the value's own position on."""
    line, column = doc.at(*where)
    snippet = text[offset : offset + 12].split("\n")[0]
    lines = _lines(doc.path)
    if snippet.strip():
        for n in range(line - 1, min(len(lines), line + 200)):
            start = column - 1 if n == line - 1 else 0
            found = lines[n].find(snippet, start)
            if found >= 0:
                return n + 1, found + 1
    return line, column


def site_pages(ctx: Context) -> set[str]:
    """Every page path of the site, from the docs root: docs/**/*.md plus the generated pages."""
    docs = ctx.project.root / "docs"
    pages = {p.relative_to(docs).as_posix() for p in docs.rglob("*.md")} if docs.is_dir() else set()
    pages |= generated_paths(ctx.project)
    return pages


def _in_pattern_list(where: tuple[str | int, ...]) -> bool:
    """A string inside a list of regular expressions: under `patterns`/`unless`, or anywhere in `evidence`
    (whose `also` holds groups of patterns)."""
    return bool(where) and isinstance(where[-1], int) and any(key in PATTERN_KEYS for key in where)


def text_is_safe(ctx: Context) -> Iterator[Problem]:
    """Text follows the escaping policy (build_tools/escape.py); URLs are plain http(s); site links exist."""
    _lines.cache_clear()  # `mkdocs serve` checks again after each edit
    pages: set[str] | None = None
    for doc in ctx.project.documents():
        if doc.data is None:
            continue
        for where, value in ctx.strings(doc):
            if _in_pattern_list(where):
                continue
            if where and where[-1] in URL_KEYS:
                reason = escape.url_problem(value)
                if reason:
                    yield doc.problem(where, reason, "write the full https:// address, percent-encoded")
                continue
            for offset, message, fix in escape.text_problems(value):
                line, column = locate(doc, where, value, offset)
                yield Problem(doc.path, line, column, message, fix)
            for offset, target in escape.link_targets(value):
                page = escape.internal_target(target)
                if page is None or escape.link_target_problem(target):
                    continue
                pages = site_pages(ctx) if pages is None else pages
                if page not in pages:
                    line, column = locate(doc, where, value, offset)
                    msg = f"link to '{escape.clip(page)}': no such page in the site"
                    yield Problem(doc.path, line, column, msg, "write the page's path from docs/, e.g. guide/scope.md")


def patterns_are_linear(ctx: Context) -> Iterator[Problem]:
    """No regular expression in the data can backtrack badly (engine.pattern_safety), read as it runs:
    with its vocabulary placeholders expanded."""
    from engine import patterns

    vocab = ctx.project.vocab.data if isinstance(ctx.project.vocab.data, dict) else {}
    for doc in ctx.project.documents():
        if doc.data is None:
            continue
        for where, value in ctx.strings(doc):
            if _in_pattern_list(where):
                try:
                    expanded = patterns.expand(value, vocab, bounded=False)
                except patterns.PatternError:
                    expanded = value  # an unknown placeholder is reported by the pattern checks
                reason = nested_repetition(expanded)
                if reason:
                    yield doc.problem(where, f"pattern '{escape.clip(value)}': {reason}", FIX_PATTERN)
    # every vocabulary term as a placeholder turns it into ("label" -> "l[\\s.-]*a...") can backtrack too
    for name, terms in vocab.items():
        for i, term in enumerate(terms if isinstance(terms, list) else []):
            if not isinstance(term, dict) or "label" not in term:
                continue
            for alt in patterns._term_alternatives(term):
                reason = nested_repetition(alt)
                if reason:
                    msg = f"term '{escape.clip(term['label'])}' of {name}, as a pattern: {reason}"
                    yield ctx.project.vocab.problem(
                        (name, i), msg, "write the term or abbreviation without runs of spaces and dots"
                    )
                    break


def unit_rules_compute(ctx: Context) -> Iterator[Problem]:
    """Each unit rule's parameters are ones the engine accepts (min_minutes between 1 and unit_minutes)."""
    for doc in ctx.records("payers"):
        try:
            units.compute([], doc.data, {})
        except units.UnitInputError as exc:
            if exc.field == "rule":
                yield doc.problem(("parameters", "min_minutes"), f"the engine refuses this rule: {exc}", _rule_fix())


def _rule_fix() -> str:
    return "make min_minutes at least 1 and at most unit_minutes"


def _entry_where(task: dict[str, Any], field: str | None) -> tuple[tuple[str | int, ...], bool]:
    """The YAML place of an engine field name ('entries.2.minutes' -> the third code's minutes)."""
    parts = (field or "").split(".")
    codes = list(task["minutes"])
    if len(parts) == 3 and parts[0] == "entries" and parts[1].isdigit() and int(parts[1]) < len(codes):
        return ("answer", "units", "minutes", codes[int(parts[1])]), parts[2] == "code"
    return ("answer", "units", "minutes"), False


def case_units_compute(ctx: Context) -> Iterator[Problem]:
    """Each case's unit answer is computed by the engine here as in the build; a refusal is located."""
    rules = {str(d.data["id"]): d.data for d in ctx.records("payers")}
    codes = {str(d.data["code"]): d.data for d in ctx.records("codes")}
    known = ctx.ids("codes")
    for doc in ctx.records("cases"):
        task = doc.data["answer"].get("units")
        if not task or task["rule"] not in rules or any(c not in known for c in task["minutes"]):
            continue  # unknown rules and codes are reported by their own rules
        if any(c not in codes for c in task["minutes"]):
            continue  # a code whose own file is broken: reported there
        try:
            units.compute(list(task["minutes"].items()), rules[task["rule"]], codes)
        except units.UnitInputError as exc:
            where, key = _entry_where(task, exc.field)
            yield doc.problem(where, f"the engine refuses these minutes: {exc}", "", key=key)


RULES: list[Rule] = [text_is_safe, patterns_are_linear, unit_rules_compute, case_units_compute]
