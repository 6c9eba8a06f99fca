"""Evidence patterns: expand vocabulary placeholders and find a pattern's matches in a note.

A pattern is a case-insensitive regular expression. It may name a vocabulary list of
data/vocab.yaml as a placeholder, `{assist_levels}`, or one term of it,
`{abbreviations.verbal_cue}`; the placeholder becomes an alternation of the term labels
and their abbreviations (single-letter abbreviations are left out: "I" or "S" would
match ordinary words). The tree's answer evidence and the coach's checklists both use
this module, so a placeholder expands the same way everywhere. Evidence placeholders are
word-bounded; the coach's checklist patterns write their own boundaries (`\b{assist_levels}\b`,
`{abbreviations.verbal_cue}s?` for a plural) and ask for `bounded=False`.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

PLACEHOLDER = re.compile(r"\{([a-z_]+)(?:\.([a-z0-9_]+))?\}")
#: most spans reported per pattern set
MAX_SPANS = 12


class PatternError(ValueError):
    """A pattern that names an unknown vocabulary list or term, or does not compile."""


def _term_alternatives(term: dict[str, Any]) -> list[str]:
    words = [term["label"], *(a for a in term.get("abbreviations", []) if len(a.strip()) > 1)]
    return [re.sub(r"(?:\\ |\\-)+", r"[\\s.-]*", re.escape(w.strip())) for w in words]


_EXPANDED: dict[tuple[str, bool], str] = {}
_EXPANDED_FOR: list[Any] = [None]


def expand(pattern: str, vocab: dict[str, Any], bounded: bool = True) -> str:
    """Replace `{list}` and `{list.term}` placeholders by alternations of vocabulary words (`bounded`: as words).

    Expansions are cached for the vocabulary last used (the engine keeps one)."""
    if _EXPANDED_FOR[0] is not vocab:
        _EXPANDED.clear()
        _EXPANDED_FOR[0] = vocab
    key = (pattern, bounded)
    if key not in _EXPANDED:
        _EXPANDED[key] = _expand(pattern, vocab, bounded)
    return _EXPANDED[key]


def _expand(pattern: str, vocab: dict[str, Any], bounded: bool) -> str:

    def replace(m: re.Match[str]) -> str:
        terms = vocab.get(m.group(1))
        if not isinstance(terms, list):
            raise PatternError(f"pattern {pattern!r}: no vocabulary list {m.group(1)!r}")
        if m.group(2):
            terms = [t for t in terms if t["id"] == m.group(2)]
            if not terms:
                raise PatternError(f"pattern {pattern!r}: no term {m.group(2)!r} in {m.group(1)!r}")
        alts = sorted({a for t in terms for a in _term_alternatives(t)}, key=lambda a: (-len(a), a))
        group = "(?:" + "|".join(alts) + ")"
        return rf"\b{group}\b" if bounded else group

    return PLACEHOLDER.sub(replace, pattern)


@lru_cache(maxsize=1024)
def compile_pattern(pattern: str) -> re.Pattern[str]:
    """A compiled, case-insensitive pattern (cached)."""
    return re.compile(pattern, re.IGNORECASE)


def matches(
    patterns: list[str], text: str, vocab: dict[str, Any], limit: int | None = MAX_SPANS, bounded: bool = True
) -> list[dict[str, Any]]:
    """Every non-empty match of any pattern, as {start, end, text}, in note order, at most `limit`."""
    spans: dict[tuple[int, int], str] = {}
    for pattern in patterns:
        for m in compile_pattern(expand(pattern, vocab, bounded)).finditer(text):
            if m.end() > m.start():
                spans.setdefault((m.start(), m.end()), m.group(0))
    return [{"start": s, "end": e, "text": t} for (s, e), t in sorted(spans.items())][:limit]


def problem(pattern: str, vocab: dict[str, Any]) -> str | None:
    """None when `pattern` expands and compiles; otherwise why not."""
    try:
        compile_pattern(expand(pattern, vocab))
    except PatternError as exc:
        return str(exc)
    except re.error as exc:
        return f"pattern {pattern!r} does not compile: {exc}"
    return None
