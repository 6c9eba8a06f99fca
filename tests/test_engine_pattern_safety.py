"""engine.pattern_safety: nested unbounded repeats are named; bounded, possessive and atomic forms pass."""

from __future__ import annotations

import pytest

from engine.pattern_safety import nested_repetition


@pytest.mark.parametrize(
    "pattern", ["^(a+)+$", r"(\w+\s?)*x", "(a*){2,}", "((a+)b)+", "(?=(a+)+)x", "(x|(a+))+", "(a{1,99})*"]
)
def test_nested_unbounded_repeats_are_refused(pattern: str) -> None:
    assert "exponential time" in (nested_repetition(pattern) or "")


@pytest.mark.parametrize(
    "pattern", ["(a|b)+", "( [a-z]+){0,2}", "[^.;]{0,40}", "(?:ab+)c+", "(a++)+", "(?>a+)+", r"\b{x.y}\b", "(unclosed"]
)
def test_linear_or_unparsable_patterns_pass(pattern: str) -> None:
    assert nested_repetition(pattern) is None
