"""Regular expressions from data that could run in exponential time: nested unbounded repetition.

`nested_repetition(pattern)` names the first repeated group that holds another unbounded
repeat (`(a+)+`, `(\\w+\\s?)*`, `(a*){2,}`), the shape behind catastrophic backtracking in
Python's `re`. The checks refuse such patterns wherever data keeps them (documentation
patterns of codes, evidence patterns of tree answers), so the coach and the tree never
run one. Bounded repeats (`{0,3}`) and possessive or atomic forms are accepted.
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


def _holds_repeat(items: Any) -> bool:
    """Whether a parsed sub-pattern holds an unbounded repeat at any depth (possessive ones excepted)."""
    for op, av in items:
        name = str(op)
        if name in _REPEATS and _unbounded(av):
            return True
        if any(_holds_repeat(child) for child in _children(name, av)):
            return True
    return False


def _first_nested(items: Any) -> bool:
    """Whether an unbounded repeat anywhere holds another unbounded repeat."""
    for op, av in items:
        name = str(op)
        if name in _REPEATS and _unbounded(av) and _holds_repeat(av[2]):
            return True
        if any(_first_nested(child) for child in _children(name, av)):
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
    return None
