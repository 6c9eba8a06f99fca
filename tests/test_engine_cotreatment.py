"""Disciplines and co-treatment in the unit engine: the published PT+OT example, the split a shared block gets,
units counted per discipline, GP/GO/GN on every line, the same-minutes hint, and bad input (exit 2, the fix named).

The numbers come from the cited example and from working the rule by hand, never from the engine.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from build_tools.export import engine_data
from build_tools.load import load_project
from engine import api, units
from engine.__main__ import main, parse_entry
from engine.units import UnitInputError, compute, table_units

PROJECT = load_project()


@pytest.fixture(autouse=True)
def _load_once(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("build_tools.load.load_project", lambda: PROJECT)


@pytest.fixture(scope="module")
def data() -> dict[str, Any]:
    return engine_data(PROJECT)


def lines_of(result: dict[str, Any]) -> list[tuple[str, str | None, str | None, int | None, int]]:
    return [(x["code"], x["discipline"], x["modifier"], x["minutes"], x["units"]) for x in result["lines"]]


def test_parse_entry_reads_the_discipline() -> None:
    assert parse_entry("97110=20@PT") == ("97110", "20", "PT")
    assert parse_entry("97530=30@PT+OT") == ("97530", "30", "PT+OT")
    assert parse_entry("97165@OT") == ("97165", None, "OT")
    assert parse_entry("97110=20") == ("97110", "20")  # no @: the old two-part form, unchanged


def test_published_example_bills_one_97530_unit_for_each_discipline(data: dict[str, Any]) -> None:
    """CMS's team-therapy example (as quoted): 30 min of PT+OT on transfers -> 97530-GP x1 and 97530-GO x1."""
    result = compute([("97530", 30, "PT+OT")], data["rules"]["cms"], data["codes"])
    assert lines_of(result) == [("97530", "PT", "GP", 15, 1), ("97530", "OT", "GO", 15, 1)]
    assert result["units"] == {"97530": 2} and result["total_units"] == 2
    assert result["timed_minutes"] == 30  # billed once between them, not 60
    first = result["steps"][0]
    assert "worth 2 units" in first and "1 unit (15 min) to PT and 1 unit (15 min) to OT" in first
    assert "one discipline to bill all 30 min" in first and "97530=30@PT" in first
    assert any("8-minute table per discipline" in s and "unverified" in s for s in result["steps"])


def test_same_code_same_minutes_for_two_disciplines_is_two_sessions_with_a_hint(data: dict[str, Any]) -> None:
    result = compute([("97530", 30, "PT"), ("97530", 30, "OT")], data["rules"]["cms"], data["codes"])
    assert lines_of(result) == [("97530", "PT", "GP", 30, 2), ("97530", "OT", "GO", 30, 2)]
    assert result["total_units"] == 4
    assert any("co-treatment" in w and "97530=30@PT+OT" in w for w in result["warnings"])
    different = compute([("97530", 30, "PT"), ("97530", 20, "OT")], data["rules"]["cms"], data["codes"])
    assert not any("co-treatment" in w for w in different["warnings"])


def test_units_are_counted_per_discipline_not_pooled_across_them(data: dict[str, Any]) -> None:
    """PT 7 min + OT 7 min: pooled together 14 min would be 1 unit; per discipline each 7 min is under 8 -> 0."""
    rule = data["rules"]["cms"]
    apart = compute([("97110", 7, "PT"), ("97535", 7, "OT")], rule, data["codes"])
    assert lines_of(apart) == [("97110", "PT", "GP", 7, 0), ("97535", "OT", "GO", 7, 0)]
    together = compute([("97110", 7), ("97535", 7)], rule, data["codes"])
    assert together["total_units"] == 1 and apart["total_units"] == 0


def test_odd_minutes_and_own_minutes_are_added_to_the_share(data: dict[str, Any]) -> None:
    """25 min shared = 2 units -> 1 unit (13 min) PT, named first, + 1 unit (12 min) OT; PT's own 20 min of 97110
    pool with its 13 (33 min = 2 units) and OT's own 10 min of 97530 join its 12 (22 min = 1 unit)."""
    rule = data["rules"]["cms"]
    result = compute([("97530", 25, "PT+OT"), ("97110", 20, "PT"), ("97530", 10, "OT")], rule, data["codes"])
    assert lines_of(result) == [
        ("97530", "PT", "GP", 13, 1),
        ("97110", "PT", "GP", 20, 1),
        ("97530", "OT", "GO", 22, 1),
    ]
    assert result["timed_minutes"] == 55 and result["units"] == {"97530": 2, "97110": 1}


def test_a_block_worth_one_unit_is_not_billed_as_two(data: dict[str, Any]) -> None:
    """16 min together is 1 unit by the table (8-22 min); 8 + 8 min would wrongly bill 2, so the unit and its
    minutes go to the discipline named first, and the other bills none of the block."""
    result = compute([("97530", 16, "PT+OT")], data["rules"]["cms"], data["codes"])
    assert lines_of(result) == [("97530", "PT", "GP", 16, 1)]
    assert result["total_units"] == 1 and result["timed_minutes"] == 16
    assert "1 unit (16 min) to PT and 0 units (0 min) to OT" in result["steps"][0]


@pytest.mark.parametrize("names", [["PT", "OT"], ["PT", "OT", "SLP"]])
def test_a_shared_block_never_bills_more_units_than_its_minutes_earn(names: list[str]) -> None:
    """For every block length up to 6 h: the shares add up to the minutes, their units to the block's own units
    by the table, and each share alone earns exactly the units it was given (checked against the table)."""
    for minutes in range(0, 361):
        total, earned, parts = units._shares(minutes, names, 15, 8)
        assert total == table_units(minutes)
        assert sum(parts.values()) == minutes and sum(earned.values()) == total
        if total:
            assert all(table_units(parts[d]) == earned[d] for d in names), (minutes, earned, parts)
            assert max(earned.values()) - min(earned.values()) <= 1


def test_slp_lines_carry_gn_and_a_service_code_keeps_its_discipline(data: dict[str, Any]) -> None:
    result = compute([("97129", 30, "OT+SLP"), ("97165", None, "OT")], data["rules"]["cms"], data["codes"])
    assert lines_of(result) == [
        ("97129", "OT", "GO", 15, 1),
        ("97130", "OT", "GO", None, 0),
        ("97165", "OT", "GO", None, 1),
        ("97129", "SLP", "GN", 15, 1),
        ("97130", "SLP", "GN", None, 0),
    ]


def test_ama_divides_as_a_stand_in_and_says_to_check_the_payer(data: dict[str, Any]) -> None:
    result = compute([("97530", 30, "PT+OT")], data["rules"]["ama"], data["codes"])
    assert lines_of(result) == [("97530", "PT", "GP", 15, 1), ("97530", "OT", "GO", 15, 1)]
    assert any("check the payer" in w for w in result["warnings"])
    assert not any("bill all" in s for s in result["steps"])  # the ama data does not say one may bill all


def test_entries_without_a_discipline_are_counted_as_before(data: dict[str, Any]) -> None:
    rule = data["rules"]["cms"]
    result = compute([("97110", 33), ("97140", 7)], rule, data["codes"])
    assert result["units"] == {"97110": 2, "97140": 1}
    assert lines_of(result) == [("97110", None, None, 33, 2), ("97140", None, None, 7, 1)]
    assert compute([("97110", 33, None), ("97140", 7, None)], rule, data["codes"]) == result


@pytest.mark.parametrize(
    ("entries", "words"),
    [
        ([("97530", 30, "XX")], ["@PT, @OT, @SLP", "not XX", "fix:", "@PT+OT"]),
        ([("97530", 30, "PT+PT")], ["names PT twice", "fix:", "@PT alone", "@PT+OT"]),
        ([("97530", 30, "")], ["not nothing", "fix:"]),
        ([("97110", 20, "PT"), ("97530", 30)], ["entry 2", "no discipline", "fix:", "97530=30@PT"]),
        ([("97165", None, "PT+OT")], ["service-based", "fix:", "97165@PT"]),
        ([("97110", 20, "PT"), ("97110", 5, "pt")], ["given twice for PT", "fix:"]),
        ([("97545", 120, "PT+OT")], ["97545=120@PT+OT", "cannot be counted", "fix:"]),
        ([("97530", None, "PT+OT")], ["minutes for 97530 are missing", "fix:"]),
    ],
)
def test_bad_disciplines_are_refused_with_the_fix(data: dict[str, Any], entries: list, words: list[str]) -> None:
    with pytest.raises(UnitInputError) as err:
        compute(entries, data["rules"]["cms"], data["codes"])
    for word in words:
        assert word in str(err.value), (word, str(err.value))


def test_api_takes_an_optional_discipline(data: dict[str, Any]) -> None:
    api.load(json.dumps(data))
    args = {"rule": "cms", "entries": [{"code": "97530", "minutes": "30", "discipline": "PT+OT"}]}
    reply = json.loads(api.call("units", json.dumps(args)))
    assert [(x["discipline"], x["modifier"], x["units"]) for x in reply["result"]["lines"]] == [
        ("PT", "GP", 1),
        ("OT", "GO", 1),
    ]
    args["entries"][0]["discipline"] = "XX"
    bad = json.loads(api.call("units", json.dumps(args)))
    assert bad["error"]["field"] == "entries.0.discipline"


def test_cli_prints_each_disciplines_lines(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["units", "--rule", "cms", "97530=30@PT+OT"]) == 0
    text = capsys.readouterr().out
    assert "97530  PT    GP         15      1" in text and "97530  OT    GO         15      1" in text
    assert main(["units", "--rule", "cms", "--json", "97530=30@PT", "97530=30@OT"]) == 0
    printed = json.loads(capsys.readouterr().out)
    assert [x["units"] for x in printed["lines"]] == [2, 2] and printed["warnings"]


@pytest.mark.parametrize(
    ("arg", "fix"),
    [("97530=30@XX", "@PT+OT"), ("97530=30@PT+PT", "@PT alone")],
)
def test_cli_bad_discipline_exits_2_naming_the_fix(project_root: Path, arg: str, fix: str) -> None:
    out = subprocess.run(
        [sys.executable, "-m", "engine", "units", "--rule", "cms", arg],
        cwd=project_root,
        capture_output=True,
        text=True,
        check=False,
    )
    assert out.returncode == 2 and out.stdout == ""
    assert out.stderr.startswith("error: ") and "fix:" in out.stderr and fix in out.stderr


def test_random_discipline_input_gives_a_result_or_a_unit_input_error(data: dict[str, Any]) -> None:
    """A fixed-seed walk over odd inputs: codes, minutes (0, huge, text) and disciplines (known, unknown, empty,
    repeated, three at once). Every call ends in a result whose lines add up, or in UnitInputError."""
    import random

    rng = random.Random(23)
    pool_codes = ["97110", "97530", "97535", "97129", "97130", "97165", "97545", "99999", "97014"]
    pool_minutes: list[Any] = [0, 7, 8, 16, 23, 30, 31, 1441, None, "x", "-3", 12.0]
    pool_disc = ["PT", "OT", "SLP", "PT+OT", "OT+SLP", "PT+OT+SLP", "PT+PT", "XX", "", "pt+ot", None]
    billed = 0
    for rule in ("cms", "ama"):
        for _ in range(400):
            entries = [
                (rng.choice(pool_codes), rng.choice(pool_minutes), rng.choice(pool_disc))
                for _ in range(rng.randint(1, 4))
            ]
            try:
                result = compute(entries, data["rules"][rule], data["codes"])
            except UnitInputError as exc:
                assert "fix:" in str(exc) or "(fix" in str(exc), str(exc)
                continue
            billed += 1
            assert sum(x["units"] for x in result["lines"]) == result["total_units"]
            for code, n in result["units"].items():
                assert sum(x["units"] for x in result["lines"] if x["code"] == code) == n
    assert billed >= 20, "too few inputs got through to a result for the walk to test anything"
