"""Checks on the documentation coach's data: every pattern in a code's `documentation` block compiles.

The verdict comes from the engine itself (`engine.coach.pattern_problems`), run on one
pattern at a time so each problem points at the line of the pattern that causes it:
an invalid regular expression, or a `{list}` / `{list.term}` placeholder that names no
vocabulary list or term in data/vocab.yaml.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from build_tools.report import Problem
from engine import coach

if TYPE_CHECKING:
    from build_tools.checks.base import Context, Rule

FIX = "write a valid Python regular expression that names only lists and terms of data/vocab.yaml"


def _patterns(documentation: dict[str, Any]) -> Iterator[tuple[tuple[str | int, ...], str, str]]:
    """(path inside the documentation block, item label 'kind/id', pattern) for every pattern and `unless`."""
    for kind in ("elements", "red_flags"):
        for i, item in enumerate(documentation.get(kind, [])):
            for key in ("patterns", "unless"):
                for j, pattern in enumerate(item.get(key, [])):
                    yield (kind, i, key, j), f"{kind}/{item['id']}", pattern


def patterns_compile(ctx: Context) -> Iterator[Problem]:
    """Each documentation pattern expands against the vocabulary and compiles as a regular expression."""
    vocab_doc = ctx.project.vocab
    if not ctx.valid(vocab_doc):
        return
    vocab = vocab_doc.data
    for doc in ctx.records("codes"):
        documentation = doc.data.get("documentation")
        if not documentation:
            continue
        for where, item, pattern in _patterns(documentation):
            one = {"documentation": {"elements": [{"id": item, "patterns": [pattern]}]}}
            for message in coach.pattern_problems({doc.data["code"]: one}, vocab):
                reason = message.split(": ", 1)[-1]
                yield doc.problem(("documentation", *where), f"documentation {item}: {reason}", FIX)


RULES: list[Rule] = [patterns_compile]
