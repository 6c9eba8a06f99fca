"""Documentation coach: check a practice note against what a code's documentation data requires.

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
from functools import lru_cache
from itertools import pairwise
from typing import Any

#: longest note accepted, in characters
MAX_NOTE = 20_000
#: most spans reported per element or flag
MAX_SPANS = 12
PLACEHOLDER = re.compile(r"\{([a-z_]+)(?:\.([a-z0-9_]+))?\}")

VERDICTS = {
    "supported": "The note shows every element {code} needs and raises no red flag.",
    "weak": "The note does not yet support {code}: add what is missing and clear the red flags.",
    "supports_other_code": "As written the note fits {other} better than {code}.",
    "no_checklist": "There is no documentation checklist for {code} yet.",
    "unclear": "The note shows none of the elements any code with a checklist needs.",
}


class CoachInputError(ValueError):
    """Input the coach cannot accept; the message says what to change, `field` which input ("text", "code")."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


def _term_alternatives(term: dict[str, Any]) -> list[str]:
    words = [term["label"], *(a for a in term.get("abbreviations", []) if len(a.strip()) > 1)]
    return [re.sub(r"(?:\\ |\\-)+", r"[\\s.-]*", re.escape(w.strip())) for w in words]


def expand(pattern: str, vocab: dict[str, list[dict[str, Any]]]) -> str:
    """Replace `{list}` and `{list.term}` placeholders by alternations of vocabulary words."""

    def replace(m: re.Match[str]) -> str:
        terms = vocab.get(m.group(1))
        if not isinstance(terms, list):
            raise CoachInputError(f"pattern {pattern!r}: no vocabulary list {m.group(1)!r}")
        if m.group(2):
            terms = [t for t in terms if t["id"] == m.group(2)]
            if not terms:
                raise CoachInputError(f"pattern {pattern!r}: no term {m.group(2)!r} in {m.group(1)!r}")
        alts = sorted({a for t in terms for a in _term_alternatives(t)}, key=lambda a: (-len(a), a))
        return "(?:" + "|".join(alts) + ")"

    return PLACEHOLDER.sub(replace, pattern)


@lru_cache(maxsize=512)
def _compile(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern, re.IGNORECASE)


def _matches(patterns: list[str], text: str, vocab: dict) -> list[dict[str, Any]]:
    spans: dict[tuple[int, int], str] = {}
    for pattern in patterns:
        for m in _compile(expand(pattern, vocab)).finditer(text):
            if m.end() > m.start():
                spans.setdefault((m.start(), m.end()), m.group(0))
    return [{"start": s, "end": e, "text": t} for (s, e), t in sorted(spans.items())][:MAX_SPANS]


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
            el["spans"] = [sp for sp in el["spans"] if not _overlaps(sp, flagged)]
            el["found"] = bool(el["spans"])
    found = sum(e["found"] for e in elements)
    return {
        "elements": elements,
        "red_flags": flags,
        "found": found,
        "total": len(elements),
        "supported": found == len(elements) and not flags,
    }


def _overlaps(span: dict[str, Any], others: list[tuple[int, int]]) -> bool:
    return any(span["start"] < end and start < span["end"] for start, end in others)


def distinctive(evals: dict[str, dict[str, Any]]) -> dict[str, list[str]]:
    """Per code, the elements shown by a phrase that no other code's elements matched (what sets the code apart)."""
    spans = {c: [(s["start"], s["end"]) for el in ev["elements"] for s in el["spans"]] for c, ev in evals.items()}
    out = {}
    for code, ev in evals.items():
        others = [span for c, code_spans in spans.items() if c != code for span in code_spans]
        out[code] = [el["id"] for el in ev["elements"] if any(not _overlaps(s, others) for s in el["spans"])]
    return out


def rank(text: str, codes: dict[str, dict[str, Any]], vocab: dict) -> list[tuple[str, dict[str, Any]]]:
    """Every code with a checklist, best fit first: fully supported, then no red flag, then the share of elements
    shown, then the share shown by phrases no other checklist claims, then the code."""
    evals = {c: evaluate(text, d["documentation"], vocab) for c, d in codes.items() if d.get("documentation")}
    own = distinctive(evals)
    for code, ev in evals.items():
        ev["distinctive"] = own[code]

    def key(code: str) -> tuple:
        ev = evals[code]
        share, own_share = ev["found"] / ev["total"], len(ev["distinctive"]) / ev["total"]
        return (not ev["supported"], bool(ev["red_flags"]), -share, -own_share, code)

    return [(c, evals[c]) for c in sorted(evals, key=key)]


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


def _also_message(also: list[str]) -> str:
    if not also:
        return ""
    return f" It also shows every element of {', '.join(also)}: the session's purpose decides which code fits."


def check(text: str, code: str | None, codes: dict[str, dict[str, Any]], vocab: dict | None = None) -> dict[str, Any]:
    """Check a note against `code` (or, with no code, against the code it fits best) and give a verdict."""
    vocab = vocab or {}
    if len(text) > MAX_NOTE:
        raise CoachInputError(f"note is {len(text)} characters; the coach takes at most {MAX_NOTE}", "text")
    if code is not None and code not in codes:
        raise CoachInputError(f"unknown code {code!r}; pick a listed code or let the coach suggest one", "code")
    ranking = rank(text, codes, vocab)
    if not ranking:
        raise CoachInputError("no code has a documentation checklist")
    suggested = code is None
    if suggested:
        code = ranking[0][0]
    ev = dict(ranking)[code] if codes[code].get("documentation") else None
    best_other = next(((c, e) for c, e in ranking if c != code), None)
    other = None
    if ev is None:
        verdict = "no_checklist"
    elif ev["supported"]:
        verdict = "supported"
    elif suggested and ev["found"] == 0:
        verdict = "unclear"
    elif best_other and best_other[1]["supported"]:
        verdict, other = "supports_other_code", best_other[0]
    else:
        verdict = "weak"
    also = [c for c, e in ranking if e["supported"] and c not in (code, other)]
    ev = ev or {"elements": [], "red_flags": [], "found": 0, "total": 0, "supported": False, "distinctive": []}
    return {
        "code": code,
        "name": codes[code].get("name", ""),
        "suggested": suggested,
        "verdict": verdict,
        "supports": other,
        "message": VERDICTS[verdict].format(code=code, other=other) + _also_message(also),
        "also_supported": also,
        **ev,
        "ranking": [
            {
                "code": c,
                "name": codes[c].get("name", ""),
                "found": e["found"],
                "total": e["total"],
                "red_flags": len(e["red_flags"]),
                "supported": e["supported"],
                "shown": [el["label"] for el in e["elements"] if el["found"]],
                "distinctive": [el["label"] for el in e["elements"] if el["id"] in e["distinctive"]],
            }
            for c, e in ranking
        ],
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
