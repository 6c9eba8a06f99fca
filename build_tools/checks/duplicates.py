"""One place per fact: a sentence of 12 or more words may appear in one data file only.

Every text value of every data file (decision_tree.yaml and data/**.yaml) is split
into sentences; a sentence is compared with its case, spacing and punctuation
folded away. When the same long sentence turns up in a second file, the second
copy is reported with the place of the first, so the fact can be kept once (in
the payer's data, for payer rules) and rendered or linked from there. Repeats
inside one file (a case note quoted by its own explanation) are left alone, and so
are coach patterns (regular expressions, not prose).
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from build_tools.checks.base import Context, Rule
from build_tools.report import Problem

MIN_WORDS = 12
#: keys whose values are patterns or ids, not prose
NOT_PROSE = frozenset({"patterns", "unless", "id", "url", "source", "section"})
SENTENCE_END = re.compile(r"(?<=[.!?;])\s+")
WORD = re.compile(r"[a-z0-9$%]+(?:['.,-][a-z0-9]+)*")


def sentences(text: str) -> list[tuple[str, int]]:
    """(folded sentence, word count) of each sentence of `text` with at least MIN_WORDS words."""
    out = []
    for part in SENTENCE_END.split(" ".join(text.split())):
        words = WORD.findall(part.lower())
        if len(words) >= MIN_WORDS:
            out.append((" ".join(words), len(words)))
    return out


def no_sentence_in_two_files(ctx: Context) -> Iterator[Problem]:
    """A sentence of MIN_WORDS or more words is written in one data file, not copied into another."""
    root = ctx.project.root
    first: dict[str, tuple[object, tuple[str | int, ...]]] = {}
    for doc in ctx.project.documents():
        if not ctx.valid(doc):
            continue
        for where, value in ctx.strings(doc):
            if len(value) < 40 or NOT_PROSE.intersection(map(str, where)):
                continue
            for folded, count in sentences(value):
                seen = first.get(folded)
                if seen is None:
                    first[folded] = (doc, where)
                    continue
                other, other_where = seen
                if other is doc:
                    continue
                line = other.at(*other_where)[0]  # type: ignore[attr-defined]
                rel = other.path.relative_to(root) if other.path.is_relative_to(root) else other.path  # type: ignore[attr-defined]
                yield doc.problem(
                    where,
                    f"a sentence of {count} words is also written in {rel}:{line}: '{folded[:60]}...'",
                    "keep the fact in one file and refer to it (payer rules belong in data/payers/)",
                )


#: the rules of this module, in the order they run
RULES: list[Rule] = [no_sentence_in_two_files]
