"""Engine unit math in CPython: the 15-minute table at its boundaries."""

from __future__ import annotations

import pytest

from engine.units import table_units


@pytest.mark.parametrize(
    ("minutes", "units"),
    [
        (0, 0),
        (7, 0),
        (8, 1),
        (22, 1),
        (23, 2),
        (37, 2),
        (38, 3),
        (52, 3),
        (53, 4),
        (67, 4),
        (68, 5),
        (82, 5),
        (83, 6),
        (97, 6),
        (98, 7),
        (112, 7),
        (113, 8),
        (127, 8),
        (128, 9),
    ],
)
def test_table_boundaries_match_pub_100_04_ch5_sec_20_2(minutes: int, units: int) -> None:
    assert table_units(minutes) == units
