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


@pytest.mark.parametrize(
    "pattern",
    [r"\d*\d*\d*\d*\d*x", r"\s*-?\s*", r"\bfrom \d+\s*\S*\s*to \d+", r"(a|aa)*b", r"(?:x|xy|xyz)+$"],
)
def test_polynomial_and_ambiguous_shapes_are_refused(pattern: str) -> None:
    assert "time on a long note" in (nested_repetition(pattern) or ""), pattern


@pytest.mark.parametrize(
    "pattern",
    [r"\d\s*(?:->|→)\s*\d", r"\bfrom \d+\s?\S{0,8}\s?to \d+", r"(?:cat|dog)*s", r"\w+\s\w+", r"[a-z]+\d+"],
)
def test_linear_shapes_pass(pattern: str) -> None:
    assert nested_repetition(pattern) is None, pattern


@pytest.mark.parametrize(
    "pattern",
    [
        r"\d*\d*\d*\d*\d*\d*x",
        r"(\w+\s?){1,16}$",
        r"(.*a){16}X",
        r"(?:a{0,16}){0,16}b",
        "[a-z]*" * 8,
        r"\s*" * 8,
        r"v[\s.-]*\.[\s.-]*\.[\s.-]*\.[\s.-]*c",  # an abbreviation "v . . . c" as the vocabulary expands it
    ],
)
def test_the_hostile_reviews_slow_patterns_are_all_refused(pattern: str) -> None:
    assert nested_repetition(pattern), pattern


def test_a_bounded_group_that_starts_each_round_unambiguously_passes() -> None:
    assert nested_repetition(r"\b(simulated|functional)( [a-z]+){0,2} (task|activity)\b") is None
