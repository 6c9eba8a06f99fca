"""The unit-rules page: engine markers expand to the engine's own numbers; bad markers stop the build."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from build_tools.export import engine_data
from build_tools.load import load_project
from build_tools.pages_units import MARKER, MarkerError, expand_page
from engine.units import compute, table_band

PROJECT = load_project()
DATA = engine_data(PROJECT)


def test_every_marker_of_the_units_page_expands(project_root: Path) -> None:
    source = (project_root / "docs" / "units.md").read_text(encoding="utf-8")
    assert len(MARKER.findall(source)) >= 10
    page = expand_page(source, PROJECT, DATA, "units.md")
    assert "<!-- engine:" not in page
    assert "## Sources {#sources}" in page and "(sources.md#cms-pub100-04-ch5)" in page
    for n in range(1, 9):
        assert "| {}-{} | {} |".format(*table_band(n), n) in page


def test_example_marker_shows_the_engine_result_and_steps() -> None:
    page = expand_page("<!-- engine:example cms 97110=18 97140=5 -->", PROJECT, DATA, "units.md")
    result = compute([("97110", "18"), ("97140", "5")], DATA["rules"]["cms"], DATA["codes"])
    for code, n in result["units"].items():
        assert re.search(rf"\| {code} \| [^|]+ \| \d+ \| {n} \|", page)
    assert f"**{result['total_units']}** |" in page
    assert all(step in page for step in result["steps"])


def test_compare_marker_has_one_column_per_rule() -> None:
    page = expand_page("<!-- engine:compare 97110=10 97112=10 97530=10 -->", PROJECT, DATA, "guide/x.md")
    totals = [
        compute([(c, 10) for c in ("97110", "97112", "97530")], DATA["rules"][r], DATA["codes"]) for r in ("cms", "ama")
    ]
    assert f"| **Total units** | 30 timed | **{totals[0]['total_units']}** | **{totals[1]['total_units']}** |" in page
    assert totals[0]["total_units"] != totals[1]["total_units"]
    assert len(totals[0]["alternatives"]) == page.count("; or ") + 1 == 2  # the Medicare tie, every choice listed
    assert page.count("also allows:") == 1


@pytest.mark.parametrize(
    ("marker", "words"),
    [
        ("<!-- engine:nonsense -->", "unknown marker engine:nonsense"),
        ("<!-- engine:example cms 97110=-4 -->", "must be 0 or more"),
        ("<!-- engine:example nope 97110=4 -->", "unknown rule 'nope'"),
        ("<!-- engine:worked-example missing/x -->", "no worked example file missing.yaml"),
    ],
)
def test_bad_markers_name_the_page_and_the_problem(marker: str, words: str) -> None:
    with pytest.raises(MarkerError) as err:
        expand_page(marker, PROJECT, DATA, "units.md")
    assert str(err.value).startswith("units.md: ") and words in str(err.value)
