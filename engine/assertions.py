"""Which words of a note assert that something happened: ConText over the trigger lexicon in the data.

Evidence counts only where the note asserts it happened in this block. Following NegEx (Chapman et
al., 2001) and ConText (Harkema et al., 2009), a trigger term marks the words after it (`forward`) or
before it (`backward`) as negated, hypothetical (planned, conditional), historical or a goal. A scope
ends at a clause boundary (`,` `;` `.` or a line end), at a termination term of the trigger's category,
or, for negation, after a window of words; `scope: sentence` runs over commas to the sentence end,
`scope: period` to a full stop or the line's end (section labels such as "Plan:" whose lists run over
semicolons) and `scope: line` to the end of the line ("S:"). Pseudo-triggers ("no change")
look like triggers and are not. The lexicon is data: the `context` block of data/note_reading.yaml.

`spans()` lists every non-asserted stretch; `asserted()` returns the note with those stretches blanked
(same length, so offsets into the note still hold).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

CATEGORIES = ("negated", "hypothetical", "historical", "goal")
#: most words a negation reaches (NegEx used five; one more lets "no cues or assist needed" through)
NEGATION_WINDOW = 6

_SENTENCE_END = re.compile(r"[.!?](?=\s|$)|;|\n")
_CLAUSE_END = re.compile(r"[.!?](?=\s|$)|[;,\n]|\s[-–]\s")
_LINE_END = re.compile(r"\n")
_PERIOD = r"[.!?](?=\s|$)"
_WORD = re.compile(r"\S+")


def phrase_pattern(phrase: str) -> str:
    """A plain phrase as a regular expression: whole words, any case, a space also matching '-', '.' or nothing."""
    parts = [re.escape(p) for p in phrase.strip().split()]
    body = r"[\s.\-]*".join(parts)
    start = r"(?<![\w/])" if re.match(r"\w", phrase.strip()) else ""
    end = r"(?![\w/])" if re.search(r"\w$", phrase.strip()) else ""
    return start + body + end


@dataclass(frozen=True)
class _Rule:
    category: str
    direction: str
    scope: str


@dataclass(frozen=True)
class Lexicon:
    """The compiled context block: one scanner for every trigger and pseudo-trigger, terminations by category."""

    scanner: re.Pattern[str]
    rules: dict[str, tuple[_Rule, ...]]
    pseudo: frozenset[str]
    terminations: dict[str, re.Pattern[str] | None]
    line_end: re.Pattern[str]
    period_end: re.Pattern[str]


def phrase_key(phrase: str) -> str:
    """The lookup key of a phrase or of the text a phrase_pattern matched: lower case, without the spaces, dots
    and hyphens the pattern lets vary ("Game Ready", "GameReady" and "game-ready" share one key)."""
    return re.sub(r"[\s.\-]+", "", phrase.lower())


_key = phrase_key


@lru_cache(maxsize=8)
def _compile(frozen: str) -> Lexicon:
    import json

    context = json.loads(frozen)
    rules: dict[str, list[_Rule]] = {}
    phrases: set[str] = set()
    for trigger in context.get("triggers", []):
        rule = _Rule(trigger["category"], trigger["direction"], trigger.get("scope", "clause"))
        for phrase in trigger["phrases"]:
            rules.setdefault(_key(phrase), []).append(rule)
            phrases.add(phrase)
    pseudo = {_key(p) for group in context.get("pseudo", []) for p in group["phrases"]}
    phrases |= {p for group in context.get("pseudo", []) for p in group["phrases"]}
    ordered = sorted(phrases, key=lambda p: (-len(p), p))
    bodies = "|".join(r"[\s.\-]*".join(re.escape(w) for w in p.split()) for p in ordered)
    # one word-boundary test around the whole alternation: much faster than one per phrase
    scanner = re.compile(rf"(?<![\w/])(?:{bodies})(?![\w/])", re.IGNORECASE)
    terminations: dict[str, re.Pattern[str] | None] = {}
    for category in CATEGORIES:
        words = [p for t in context.get("terminations", []) if category in t["categories"] for p in t["phrases"]]
        terminations[category] = (
            re.compile("|".join(phrase_pattern(w) for w in sorted(words, key=len, reverse=True)), re.IGNORECASE)
            if words
            else None
        )
    labels = sorted(context.get("line_ends", []), key=len, reverse=True)
    line_end = re.compile("|".join([r"\n", *(phrase_pattern(p) for p in labels)]), re.IGNORECASE)
    period_end = re.compile("|".join([_PERIOD, r"\n", *(phrase_pattern(p) for p in labels)]), re.IGNORECASE)
    return Lexicon(
        scanner, {k: tuple(v) for k, v in rules.items()}, frozenset(pseudo), terminations, line_end, period_end
    )


_LAST: list[Any] = [None, None]


def lexicon(context: dict[str, Any]) -> Lexicon:
    """The compiled lexicon for a `context` block (cached on its content; the last one also by identity)."""
    import json

    if _LAST[0] is context:
        return _LAST[1]
    compiled = _compile(json.dumps(context, sort_keys=True))
    _LAST[0], _LAST[1] = context, compiled
    return compiled


def _boundary_after(text: str, pos: int, scope: str, lex: Lexicon | None = None) -> int:
    ends = {"sentence": _SENTENCE_END}
    if lex is not None:
        ends.update(line=lex.line_end, period=lex.period_end)
    pattern = ends.get(scope, _CLAUSE_END)
    m = pattern.search(text, pos)
    return m.start() if m else len(text)


def _boundary_before(text: str, pos: int, scope: str) -> int:
    pattern = {"line": _LINE_END, "period": _LINE_END, "sentence": _SENTENCE_END}.get(scope, _CLAUSE_END)
    last = 0
    for m in pattern.finditer(text, 0, pos):
        last = m.end()
    return last


def _forward(text: str, start: int, rule: _Rule, lex: Lexicon) -> int:
    end = _boundary_after(text, start, rule.scope, lex)
    term = lex.terminations.get(rule.category)
    if term is not None and rule.scope not in ("line", "period"):
        m = term.search(text, start, end)
        if m:
            end = m.start()
    if rule.category == "negated":
        words = list(_WORD.finditer(text, start, end))
        if len(words) > NEGATION_WINDOW:
            end = words[NEGATION_WINDOW - 1].end()
    return end


def _backward(text: str, stop: int, rule: _Rule, lex: Lexicon) -> int:
    begin = _boundary_before(text, stop, rule.scope)
    term = lex.terminations.get(rule.category)
    if term is not None:
        for m in term.finditer(text, begin, stop):
            begin = m.end()
    if rule.category == "negated":
        words = list(_WORD.finditer(text, begin, stop))
        if len(words) > NEGATION_WINDOW:
            begin = words[-NEGATION_WINDOW].start()
    return begin


def spans(text: str, context: dict[str, Any] | None) -> list[dict[str, Any]]:
    """Every stretch the note does not assert: {start, end, category, trigger, direction}, in note order."""
    if not context:
        return []
    lex = lexicon(context)
    found: list[dict[str, Any]] = []
    for m in lex.scanner.finditer(text):
        key = _key(m.group(0))
        if key in lex.pseudo:
            continue
        for rule in lex.rules.get(key, ()):
            if rule.direction == "forward":
                start, end = m.start(), _forward(text, m.end(), rule, lex)
            else:
                start, end = _backward(text, m.start(), rule, lex), m.end()
            found.append(
                {
                    "start": start,
                    "end": end,
                    "category": rule.category,
                    "trigger": m.group(0),
                    "direction": rule.direction,
                }
            )
    return sorted(found, key=lambda s: (s["start"], s["end"]))


def blank(text: str, stretches: list[dict[str, Any]], categories: tuple[str, ...] = CATEGORIES) -> str:
    """`text` with the stretches of the given categories replaced by spaces (newlines kept)."""
    chars = list(text)
    for s in stretches:
        if s["category"] in categories:
            for i in range(s["start"], s["end"]):
                if chars[i] != "\n":
                    chars[i] = " "
    return "".join(chars)


def asserted(text: str, context: dict[str, Any] | None) -> str:
    """The note with every negated, hypothetical, historical and goal stretch blanked out."""
    return blank(text, spans(text, context))


def goal_text(text: str, stretches: list[dict[str, Any]]) -> str:
    """Only the goal stretches of `text`, everything else blanked (where a goal-link check looks)."""
    keep = [False] * len(text)
    for s in stretches:
        if s["category"] == "goal":
            for i in range(s["start"], s["end"]):
                keep[i] = True
    return "".join(c if k or c == "\n" else " " for c, k in zip(text, keep, strict=True))
