"""Documentation coach: check a practice note against what a code's documentation data requires.

With no code chosen, the code comes from the decision tree walked from the note
(`engine.suggest`); the coach keeps no ranking of its own that could disagree with the tree.

Every rule is data: each code's `documentation` block lists required `elements`
and `red_flags`, each a set of case-insensitive regular expressions. A pattern
may name a vocabulary list as a placeholder, `{assist_levels}`, or one term of
it, `{abbreviations.verbal_cue}`; the placeholder becomes an alternation of the
term labels and their abbreviations (single-letter abbreviations are left out:
"I" or "S" would match ordinary words). Nothing here knows a particular code.

Offsets in spans are Python string indices (code points); `segments` cut the
note into consecutive pieces so a renderer never has to slice the text itself.
"""

from __future__ import annotations

import re
from itertools import pairwise
from typing import Any

from engine import numbers, patterns, suggest

#: longest note accepted, in characters
MAX_NOTE = 20_000
#: most spans reported per element or flag
MAX_SPANS = 12

VERDICTS = {
    "supported": "The note shows every element {code} needs and raises no red flag.",
    "weak": "The note does not yet support {code}: add what is missing and clear the red flags.",
    "supports_other_code": "The decision tree walked from this note reaches {other}, not {code}.",
    "no_checklist": "There is no documentation checklist for {code} yet.",
    "open_question": "The note does not settle every question of the tree: answer the open question to go on.",
    "no_code": "The tree walked from this note ends at an outcome that bills no code ({outcome}).",
}


class CoachInputError(ValueError):
    """Input the coach cannot accept; the message says what to change, `field` which input ("text", "code")."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


def expand(pattern: str, vocab: dict[str, list[dict[str, Any]]]) -> str:
    """A checklist pattern with its placeholders expanded (engine.patterns; the pattern sets its own boundaries)."""
    try:
        return patterns.expand(pattern, vocab, bounded=False)
    except patterns.PatternError as exc:
        raise CoachInputError(str(exc)) from None


def _compile(pattern: str) -> re.Pattern[str]:
    return patterns.compile_pattern(pattern)


def _matches(found: list[str], text: str, vocab: dict) -> list[dict[str, Any]]:
    try:
        return patterns.matches(found, text, vocab, MAX_SPANS, bounded=False)
    except patterns.PatternError as exc:
        raise CoachInputError(str(exc)) from None


def evaluate(text: str, documentation: dict[str, Any], vocab: dict) -> dict[str, Any]:
    """One code's checklist for `text`: each element found or missing, each red flag raised or not."""
    elements = []
    for el in documentation["elements"]:
        spans = _matches(el["patterns"], text, vocab)
        elements.append({"id": el["id"], "label": el["label"], "found": bool(spans), "spans": spans, "fix": el["fix"]})
    flags = []
    for flag in documentation.get("red_flags", []):
        spans = _matches(flag["patterns"], text, vocab)
        lowered_by = _matches(flag.get("unless", []), text, vocab) if spans else []
        if spans and not lowered_by:
            flags.append({"id": flag["id"], "label": flag["label"], "spans": spans, "fix": flag["fix"]})
    # words a red flag raised never also count as an element ("tolerated well" is no patient response)
    flagged = [(sp["start"], sp["end"]) for f in flags for sp in f["spans"]]
    if flagged:
        for el in elements:
            el["spans"] = [sp for sp in el["spans"] if not any(sp["start"] < e and s < sp["end"] for s, e in flagged)]
            el["found"] = bool(el["spans"])
    found = sum(e["found"] for e in elements)
    return {
        "elements": elements,
        "red_flags": flags,
        "found": found,
        "total": len(elements),
        "supported": found == len(elements) and not flags,
    }


def _segments(text: str, elements: list[dict], flags: list[dict]) -> list[dict[str, Any]]:
    marks: list[tuple[int, int, str, str]] = [
        (s["start"], s["end"], kind, item["id"])
        for kind, items in (("elements", elements), ("red_flags", flags))
        for item in items
        for s in item["spans"]
    ]
    cuts = sorted({0, len(text), *(m[0] for m in marks), *(m[1] for m in marks)})
    out: list[dict[str, Any]] = []
    for start, end in pairwise(cuts):
        cover = [m for m in marks if m[0] <= start and end <= m[1]]
        seg = {
            "text": text[start:end],
            "elements": sorted({m[3] for m in cover if m[2] == "elements"}),
            "red_flags": sorted({m[3] for m in cover if m[2] == "red_flags"}),
        }
        prev = out[-1] if out else None
        if prev and prev["elements"] == seg["elements"] and prev["red_flags"] == seg["red_flags"]:
            prev["text"] += seg["text"]
        else:
            out.append(seg)
    return out


def abbreviations_read(text: str, vocab: dict) -> list[dict[str, str]]:
    """Vocabulary abbreviations that occur in the note, with what they stand for."""
    seen: dict[str, dict[str, str]] = {}
    for terms in vocab.values():
        for term in terms if isinstance(terms, list) else []:
            for abbr in term.get("abbreviations", []):
                if len(abbr.strip()) < 2:
                    continue
                pat = r"(?<![\w])" + re.sub(r"(?:\\ )+", r"[\\s.]*", re.escape(abbr.strip())) + r"(?![\w])"
                m = _compile(pat).search(text)
                if m and abbr.lower() not in seen:
                    seen[abbr.lower()] = {"abbreviation": abbr, "meaning": term["label"], "as_written": m.group(0)}
    return sorted(seen.values(), key=lambda a: a["abbreviation"].lower())


def _walk_view(walk: dict[str, Any] | None) -> dict[str, Any] | None:
    if walk is None:
        return None
    keys = ("code", "codes", "outcome", "result", "title", "path", "open_question", "question", "candidates", "walk")
    return {k: walk[k] for k in keys}


def check(
    text: str,
    code: str | None,
    codes: dict[str, dict[str, Any]],
    vocab: dict | None = None,
    tree: dict[str, Any] | None = None,
    reading: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """Check a note against `code`; with no code, against the code the decision tree reaches from the note.

    `reading` (data/note_reading.yaml) makes the walk read the note through ConText, as every walk does.

    The coach has no ranking of its own: the suggestion is `engine.suggest.walk` over the same
    decision_tree.yaml the tree page walks. When the walk stops at an open question, the verdict says so and
    the result carries the walk so far (the user answers there and the tree continues).
    """
    vocab = vocab or {}
    if not text.strip():
        raise CoachInputError("the note is empty (fix: paste the treatment note for one block of time)", "text")
    if len(text) > MAX_NOTE:
        raise CoachInputError(f"note is {len(text)} characters; the coach takes at most {MAX_NOTE}", "text")
    if code is not None and code not in codes:
        raise CoachInputError(
            f"unknown code {numbers.clip(code)}; pick a listed code or let the coach suggest one", "code"
        )
    walk = None
    if tree is not None and text.strip():
        try:
            walk = suggest.walk(tree, text, vocab, reading)
        except suggest.SuggestInputError as exc:
            raise CoachInputError(str(exc), "text") from None
    suggested = code is None
    if suggested:
        if walk is None:
            raise CoachInputError("paste a note first: the coach walks the decision tree from it", "text")
        code = walk["code"] if walk["result"] == "code" else None
    tree_codes = (walk or {}).get("codes") or []
    other = None
    ev = None
    if code is None:
        verdict = "open_question" if walk and walk["open_question"] else "no_code"
    elif not codes.get(code, {}).get("documentation"):
        verdict = "no_checklist"
    else:
        ev = evaluate(text, codes[code]["documentation"], vocab)
        if walk and walk["result"] == "code" and tree_codes and code not in tree_codes:
            verdict, other = "supports_other_code", walk["code"]
        else:
            verdict = "supported" if ev["supported"] else "weak"
    ev = ev or {"elements": [], "red_flags": [], "found": 0, "total": 0, "supported": False}
    question = (walk or {}).get("open_question")
    outcome = (walk or {}).get("outcome")
    return {
        "code": code,
        "name": codes.get(code or "", {}).get("name", ""),
        "suggested": suggested,
        "verdict": verdict,
        "supports": other,
        "message": VERDICTS[verdict].format(code=code, other=other, question=question, outcome=outcome),
        **ev,
        "walk": _walk_view(walk),
        "segments": _segments(text, ev["elements"], ev["red_flags"]),
        "abbreviations": abbreviations_read(text, vocab),
    }


def pattern_problems(codes: dict[str, dict[str, Any]], vocab: dict) -> list[str]:
    """Every documentation pattern that fails to expand or compile, as 'code element: message'."""
    problems = []
    for code, data in sorted(codes.items()):
        doc = data.get("documentation") or {}
        for kind in ("elements", "red_flags"):
            for item in doc.get(kind, []):
                for pattern in [*item["patterns"], *item.get("unless", [])]:
                    try:
                        _compile(expand(pattern, vocab))
                    except (CoachInputError, re.error) as exc:
                        problems.append(f"{code} {kind}/{item['id']}: {exc}")
    return problems
