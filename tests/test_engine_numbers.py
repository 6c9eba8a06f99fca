"""engine.numbers: digits only for typed whole numbers, and values cut when quoted back."""

from __future__ import annotations

import pytest

from engine.numbers import clip, whole


@pytest.mark.parametrize(("raw", "value"), [("23", 23), (" 7 ", 7), ("007", 7), (5, 5), (5.0, 5), (0, 0)])
def test_whole_numbers_read(raw: object, value: int) -> None:
    assert whole(raw) == value


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        ("2_3", "digits 0-9 only"),
        ("2e1", "digits 0-9 only"),
        ("0x10", "digits 0-9 only"),
        ("+5", "digits 0-9 only"),
        ("１２", "digits 0-9 only"),
        ("", "digits 0-9 only"),
        ("9" * 5000, "more than 9 digits"),
        (10**12, "more than 9 digits"),
        (1e300, "more than 9 digits"),
        (-1, "whole number of 0 or more"),
        (2.5, "whole number of 0 or more"),
        (float("nan"), "whole number of 0 or more"),
        (True, "not true or false"),
    ],
)
def test_anything_else_is_refused_with_a_reason(raw: object, reason: str) -> None:
    with pytest.raises(ValueError, match=reason):
        whole(raw)


def test_clip() -> None:
    assert clip("abc") == "'abc'"
    assert clip("x" * 100) == "'" + "x" * 30 + "...' (100 characters)"
    assert clip(10**50) == "1" + "0" * 29 + "... (51 characters)"
