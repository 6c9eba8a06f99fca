"""Regular expressions from data that could backtrack badly, refused before they ever run.

`nested_repetition(pattern)` says why a pattern is refused, or None. Three shapes make Python's `re`
take exponential or high polynomial time on a long note, and all three are refused:
- a repeated group that holds another unbounded repeat (`(a+)+`, `(\\w+\\s?)*`, `(a*){2,}`);
- unbounded repeats in a row, with only optional items between them, that can start on the same
  character (`\\d*\\d*\\d*x`, `\\s*-?\\s*`): each split of a run between them is tried;
- an unbounded repeat of alternatives that can start on the same character (`(a|a)*b`, `(?:a|ab)*`).
Which characters can start a sub-pattern is worked out over a sample alphabet (ASCII, common
punctuation and a few letters beyond it), so the test is a safe over-approximation. The checks refuse
such patterns wherever data keeps them (documentation patterns of codes, evidence patterns of tree
answers, payer policies' goal patterns), after vocabulary placeholders are expanded. Bounded repeats
({0,16} or less) and possessive or atomic forms are accepted.
"""

from __future__ import annotations

import re
from typing import Any

try:  # Python 3.11+
    from re import _parser as sre_parse  # type: ignore[attr-defined]
except ImportError:  # pragma: no cover - older Pythons
    import sre_parse  # type: ignore[no-redef]

_MAXREPEAT = sre_parse.MAXREPEAT
#: a repeat whose upper bound is above this counts as unbounded
LARGE = 16
_REPEATS = {"MAX_REPEAT", "MIN_REPEAT"}


def _unbounded(av: Any) -> bool:
    return av[1] is _MAXREPEAT or av[1] > LARGE


def _children(op: str, av: Any) -> list[Any]:
    """The parsed sub-patterns directly inside one item (groups, branches, lookarounds, repeats)."""
    if op in _REPEATS:
        return [av[2]]
    if op == "SUBPATTERN":
        return [av[-1]]
    if op == "BRANCH":
        return list(av[1])
    if op in ("ASSERT", "ASSERT_NOT", "ATOMIC_GROUP"):
        return [av[1]] if op != "ATOMIC_GROUP" else []  # an atomic group never backtracks into itself
    return []


def _largest_repeat(items: Any) -> int:
    """The largest upper bound of any repeat inside a parsed sub-pattern (0 without one; LARGE + 1 unbounded)."""
    most = 0
    for op, av in items:
        name = str(op)
        if name in _REPEATS:
            most = max(most, LARGE + 1 if _unbounded(av) else av[1])
        for child in _children(name, av):
            most = max(most, _largest_repeat(child))
    return most


def _inner_chars(items: Any) -> set[str]:
    """The characters the repeats inside a sub-pattern can take (their bodies' first characters)."""
    out: set[str] = set()
    for op, av in items:
        name = str(op)
        if name in _REPEATS and (av[1] is _MAXREPEAT or av[1] > 1):
            out |= _first(av[2])
        for child in _children(name, av):
            out |= _inner_chars(child)
    return out


def _first_nested(items: Any) -> bool:
    """Whether a repeat anywhere holds another repeat and together they can split a run many ways: an outer
    repeat of more than one round around an unbounded inner one (`(\\w+\\s?){1,16}`), or bounds whose product
    is above LARGE (`(?:a{0,16}){0,16}`)."""
    for op, av in items:
        name = str(op)
        if name in _REPEATS and (av[1] is _MAXREPEAT or av[1] > 1):
            inner = _largest_repeat(av[2])
            outer = LARGE + 1 if _unbounded(av) else av[1]
            if _unbounded(av) and inner > LARGE:
                return True
            # a bounded outer repeat is only a risk when a round can start with what the inner repeat eats
            # (`(\\w+\\s?){1,16}`); `( [a-z]+){0,2}` starts each round with a space and splits one way
            if inner > 1 and outer * inner > LARGE and _first(av[2]) & _inner_chars(av[2]):
                return True
        if any(_first_nested(child) for child in _children(name, av)):
            return True
    return False


#: characters tried when asking which characters can start a sub-pattern
SAMPLE = [chr(c) for c in range(32, 127)] + ["\n", "\t", "é", "→", "’", "µ", "Ω"]


def _in_class(ch: str, items: Any) -> bool:
    """Whether `ch` is in a parsed character class (the items of an IN)."""
    negate, hit = False, False
    for op, av in items:
        name = str(op)
        if name == "NEGATE":
            negate = True
        elif name == "LITERAL":
            hit = hit or ch.lower() == chr(av).lower()
        elif name == "RANGE":
            lo, hi = av
            hit = hit or any(lo <= ord(c) <= hi for c in {ch, ch.lower(), ch.upper()})
        elif name == "CATEGORY":
            kind = str(av)
            test = {
                "CATEGORY_DIGIT": ch.isdigit(),
                "CATEGORY_NOT_DIGIT": not ch.isdigit(),
                "CATEGORY_SPACE": ch.isspace(),
                "CATEGORY_NOT_SPACE": not ch.isspace(),
                "CATEGORY_WORD": ch.isalnum() or ch == "_",
                "CATEGORY_NOT_WORD": not (ch.isalnum() or ch == "_"),
            }
            hit = hit or test.get(kind, True)
    return hit != negate


def _first(items: Any) -> set[str]:
    """The sample characters a match of the parsed sequence `items` can start with (over-approximated)."""
    out: set[str] = set()
    for op, av in items:
        name = str(op)
        if name == "LITERAL":
            out |= {c for c in SAMPLE if c.lower() == chr(av).lower()}
            return out
        if name == "NOT_LITERAL":
            out |= {c for c in SAMPLE if c.lower() != chr(av).lower()}
            return out
        if name == "IN":
            out |= {c for c in SAMPLE if _in_class(c, av)}
            return out
        if name == "ANY":
            return set(SAMPLE)
        if name in ("AT", "ASSERT", "ASSERT_NOT"):
            continue  # matches no character: look at what follows
        if name == "SUBPATTERN":
            out |= _first(av[-1])
            if not _nullable(av[-1]):
                return out
            continue
        if name == "BRANCH":
            for branch in av[1]:
                out |= _first(branch)
            if not any(_nullable(b) for b in av[1]):
                return out
            continue
        if name in _REPEATS or name == "POSSESSIVE_REPEAT":
            out |= _first(av[2])
            if av[0] > 0 and not _nullable(av[2]):
                return out
            continue
        if name == "ATOMIC_GROUP":
            out |= _first(av)
            return out
        return set(SAMPLE)  # anything else (back references): assume it can start anywhere
    return out


def _nullable(items: Any) -> bool:
    """Whether the parsed sequence can match the empty string (over-approximated)."""
    for op, av in items:
        name = str(op)
        if name in ("AT", "ASSERT", "ASSERT_NOT"):
            continue
        if name in _REPEATS or name == "POSSESSIVE_REPEAT":
            if av[0] == 0 or _nullable(av[2]):
                continue
            return False
        if name == "SUBPATTERN":
            if _nullable(av[-1]):
                continue
            return False
        if name == "BRANCH":
            if any(_nullable(b) for b in av[1]):
                continue
            return False
        return False
    return True


def _adjacent_overlap(items: Any) -> bool:
    """Whether unbounded repeats in a row (only optional items between) can start on the same character."""
    seq = list(items)
    for i, (op, av) in enumerate(seq):
        if str(op) not in _REPEATS or not _unbounded(av):
            continue
        first = _first(av[2])
        for op2, av2 in seq[i + 1 :]:
            name2 = str(op2)
            if name2 in _REPEATS and _unbounded(av2) and first & _first(av2[2]):
                return True
            # a single character the repeat could also take (`[\\s.-]*\\.[\\s.-]*`) does not separate them
            single = name2 in ("LITERAL", "IN", "ANY", "NOT_LITERAL")
            if not _nullable([(op2, av2)]) and not (single and first & _first([(op2, av2)])):
                break
    return any(_adjacent_overlap(child) for op, av in seq for child in _children(str(op), av))


def _branches(items: Any) -> list[Any]:
    """Every BRANCH in a sequence, through groups but not into other repeats."""
    found = []
    for op, av in items:
        name = str(op)
        if name == "BRANCH":
            found.append(av[1])
            for branch in av[1]:
                found += _branches(branch)
        elif name == "SUBPATTERN":
            found += _branches(av[-1])
    return found


def _overlapping_alternatives(items: Any) -> bool:
    """Whether an unbounded repeat holds alternatives that can match the same text in two ways.

    Python's parser factors common prefixes (`a|aa` becomes `a(?:|a)`), so two signs are looked for: two
    alternatives that can start on the same character, or an empty alternative beside one that can start
    where the next round of the repeat starts (`(a|aa)*`: each run of a's splits many ways)."""
    for op, av in items:
        name = str(op)
        if name in _REPEATS and _unbounded(av):
            body = list(av[2])
            again = _first(body)
            for branches in _branches(body):
                firsts = [_first(b) for b in branches]
                if any(firsts[i] & firsts[j] for i in range(len(firsts)) for j in range(i + 1, len(firsts))):
                    return True
                if any(_nullable(b) for b in branches) and any(
                    not _nullable(b) and f & again for b, f in zip(branches, firsts, strict=True)
                ):
                    return True
        if any(_overlapping_alternatives(child) for child in _children(name, av)):
            return True
    return False


def nested_repetition(pattern: str) -> str | None:
    """Why `pattern` can backtrack exponentially, or None (also None when it does not compile at all)."""
    try:
        parsed = sre_parse.parse(pattern, re.IGNORECASE)
    except (re.error, RecursionError, OverflowError, ValueError):
        return None
    try:
        nested = _first_nested(parsed)
    except RecursionError:
        return "it is nested too deeply to check"
    if nested:
        return (
            "a repeated group holds another unbounded repeat (like '(a+)+'), "
            "which can take exponential time on a long note"
        )
    try:
        if _adjacent_overlap(parsed):
            return (
                "unbounded repeats in a row can match the same characters (like '\\d*\\d*x' or '\\s*-?\\s*'), "
                "which can take polynomial time on a long note"
            )
        if _overlapping_alternatives(parsed):
            return (
                "a repeat of alternatives that can start the same way (like '(a|aa)*'), "
                "which can take exponential time on a long note"
            )
    except RecursionError:
        return "it is nested too deeply to check"
    return None
