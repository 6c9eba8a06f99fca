"""The unit-rules page: engine markers expand to the engine's own numbers; bad markers stop the build."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from build_tools.export import engine_data
from build_tools.load import load_project
from build_tools.pages.units import MARKER, MarkerError, expand_page
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


@pytest.mark.parametrize(
    "marker",
    [
        "cms-services-under-8-minutes/three-services-of-7-minutes",
        "derived-97129-97130-cms/tie-with-97110",
        "derived-97129-97130-ama/pair-alone-55-minutes",
        "cms-team-therapy-97530/pt-ot-30-minutes",
    ],
)
def test_examples_not_read_in_the_source_are_labelled_derived(marker: str) -> None:
    page = expand_page(f"<!-- engine:worked-example {marker} -->", PROJECT, DATA, "units.md")
    first = page.strip().splitlines()[0]
    assert first.startswith("*Derived from the rule (") and "not quoted from the manual" in first
    assert "*Source:" not in page


def test_verified_examples_keep_their_source_line() -> None:
    page = expand_page(
        "<!-- engine:worked-example cms-pub100-04-ch5-20-2-examples/example-1 -->", PROJECT, DATA, "u.md"
    )
    assert page.startswith("*Source: ch. 5 sec. 20.2 C") and "Derived" not in page


def test_97129_pages_show_the_97130_line_the_engine_adds() -> None:
    page = expand_page("<!-- engine:example cms 97110=23 97129=40 -->", PROJECT, DATA, "units.md")
    result = compute([("97110", 23), ("97129", 40)], DATA["rules"]["cms"], DATA["codes"])
    assert set(result["units"]) == {"97110", "97129", "97130"}
    assert f"(minutes entered on 97129) | - | {result['units']['97130']} |" in page
    compare = expand_page("<!-- engine:compare 97110=10 97129=10 -->", PROJECT, DATA, "units.md")
    per_rule = [compute([("97110", 10), ("97129", 10)], DATA["rules"][r], DATA["codes"]) for r in ("cms", "ama")]
    cells = " | ".join(str(r["units"]["97130"]) for r in per_rule)
    assert f"| 97130 | - | {cells} |" in compare


def test_refused_marker_lists_unlisted_codes_and_the_engines_advice() -> None:
    page = expand_page("<!-- engine:refused -->", PROJECT, DATA, "units.md")
    assert "| `unlisted` | An unlisted code is counted as the payer instructs | 97039, 97139, 97799 |" in page
    assert "count the whole day by hand by the payer's rule" in page and "leave it out" not in page
    assert "first_15_then_addon" not in page, "97129/97130 are counted, not refused"


def test_co_treatment_example_shows_one_line_per_discipline_with_its_modifier() -> None:
    page = expand_page("<!-- engine:worked-example cms-team-therapy-97530/pt-ot-30-minutes -->", PROJECT, DATA, "u.md")
    assert "| 97530 | PT | GP | Therapeutic activities | 15 | 1 |" in page
    assert "| 97530 | OT | GO | Therapeutic activities | 15 | 1 |" in page
    assert "(sources.md#mbl-forum-team-therapy)" in page and "(sources.md#okhca-oac-317-30-5-299)" in page


def test_co_treatment_marker_shows_the_payer_data_flagged_and_dated() -> None:
    cms = expand_page("<!-- engine:co-treatment cms -->", PROJECT, DATA, "units.md")
    block = DATA["rules"]["cms"]["co_treatment"]
    assert cms.startswith("**Medicare: pool all timed minutes.** **Unverified:** ")
    assert "PT GP, OT GO, SLP GN" in cms and f"(as of {block['as_of']})" in cms
    assert cms.count("- **Unverified:**") == sum(1 for n in block["notes"] if n.get("unverified"))
    ama = expand_page("<!-- engine:co-treatment ama -->", PROJECT, DATA, "units.md")
    assert "Check the payer" in ama
    with pytest.raises(MarkerError):
        expand_page("<!-- engine:co-treatment nope -->", PROJECT, DATA, "units.md")
