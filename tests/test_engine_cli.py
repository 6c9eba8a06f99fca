"""`python -m engine units`: the JSON shape of the issue, the readable table, and exit 2 on bad input."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from build_tools.export import engine_data
from build_tools.load import load_project
from engine.__main__ import main, parse_entry
from engine.units import compute

KEYS = ["rule", "timed_minutes", "treatment_minutes", "timed_units", "total_units", "units", "alternatives"]
KEYS += ["more_alternatives", "warnings", "steps", "lines"]


PROJECT = load_project()


@pytest.fixture(autouse=True)
def _load_once(monkeypatch: pytest.MonkeyPatch) -> None:
    """In-process runs reuse one loaded project (loading all YAML takes about half a second)."""
    monkeypatch.setattr("build_tools.load.load_project", lambda: PROJECT)


@pytest.fixture(scope="module")
def codes() -> dict:
    return engine_data(PROJECT)["codes"]


def run(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "engine", "units", *args], cwd=root, capture_output=True, text=True, check=False
    )


def test_issue_example_prints_the_documented_json(project_root: Path, codes: dict) -> None:
    svc = "97165" if "97165" in codes else pytest.skip("code registry has no 97165 yet")
    out = run(project_root, "--rule", "cms", "--json", "97110=33", "97140=7", svc)
    assert out.returncode == 0, out.stderr
    result = json.loads(out.stdout)
    assert list(result) == KEYS
    assert {k: result[k] for k in KEYS[:-3]} == {
        "rule": "cms",
        "timed_minutes": 40,
        "treatment_minutes": 40,
        "timed_units": 3,
        "total_units": 4,
        "units": {"97110": 2, "97140": 1, "97165": 1},
        "alternatives": [],
        "more_alternatives": 0,
    }
    assert result["warnings"] == [] and all(isinstance(s, str) and s for s in result["steps"])
    assert result["lines"] == [
        {"code": "97110", "discipline": None, "modifier": None, "minutes": 33, "units": 2},
        {"code": "97140", "discipline": None, "modifier": None, "minutes": 7, "units": 1},
        {"code": svc, "discipline": None, "modifier": None, "minutes": None, "units": 1},
    ]


def test_cli_json_equals_the_engine_result(capsys: pytest.CaptureFixture[str], codes: dict) -> None:
    rules = engine_data(PROJECT)["rules"]
    for rule in ("cms", "ama"):
        assert main(["units", "--rule", rule, "--json", "97112=20", "97110=20", "97014"]) == 0
        printed = json.loads(capsys.readouterr().out)
        assert printed == compute([("97112", 20), ("97110", 20), ("97014", None)], rules[rule], codes)
    assert printed["rule"] == "ama"


def test_readable_output_has_a_table_alternatives_warnings_and_steps(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["units", "97112=20", "97110=20", "97014"]) == 0
    text = capsys.readouterr().out
    assert "code" in text and "minutes" in text and "units" in text
    assert "also allowed: 97112 1, 97110 2, 97014 0, G0283 1" in text
    assert "warning: 97014" in text and "G0283" in text
    assert "Steps:" in text and "1. Rule: Medicare" in text


def test_issue_15_command_no_longer_bills_four_units(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["units", "--rule", "cms", "97010", "97014", "G0283", "97110=10"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert any(line.split()[:3] == ["total", "10", "2"] for line in lines)
    assert any(line.split()[:3] == ["97010", "-", "0"] for line in lines)
    assert any(line.split()[:3] == ["97014", "-", "0"] for line in lines)
    assert sum("Payer status:" in line for line in lines) == 2


def test_97129_minutes_are_split_onto_97130_in_the_table(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["units", "97110=23", "97129=40"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert any(line.split()[:3] == ["97129", "40", "1"] for line in lines)
    row = next(line for line in lines if line.startswith("97130"))
    assert row.split()[:3] == ["97130", "-", "2"] and "(its minutes are on 97129)" in row
    assert "total        63      4" in lines


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["99999=10"], "'99999' is not one the calculator knows"),
        (["97110=-5"], "must be 0 or more"),
        (["97110=7.5"], "whole minutes: 7.5"),
        (["97110=abc"], "must be a whole number: 'abc'"),
        (["97110="], "must be a whole number: ''"),
        (["97110=1441"], "one day (1440 minutes) or less"),
        ([], "give at least one code"),
        (["97110=10", "97110=5"], "given twice"),
        (["--rule", "nope", "97110=10"], "rule must be one of ama, cms"),
        (["97545=60"], "cannot be counted by this calculator"),
        (["97545=60"], "fix: count the whole day by hand by the payer's rule"),
        (["97139=20"], "an unlisted code is counted as the payer instructs"),
        (["97129=20", "97130=10"], "enter all cognitive function intervention minutes on 97129"),
    ],
)
def test_bad_input_goes_to_stderr_with_exit_2(capsys: pytest.CaptureFixture[str], args: list[str], words: str) -> None:
    assert main(["units", *args]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.startswith("error: ") and words in captured.err


def test_bad_input_exit_code_from_a_real_process(project_root: Path) -> None:
    out = run(project_root, "--json", "97110=-5")
    assert (out.returncode, out.stdout) == (2, "")
    assert "must be 0 or more" in out.stderr


def test_parse_entry() -> None:
    assert parse_entry("97110=33") == ("97110", "33")
    assert parse_entry("97165") == ("97165", None)
    assert parse_entry("97110=") == ("97110", "")


def test_many_tied_codes_print_a_few_allocations_and_the_count(capsys: pytest.CaptureFixture[str], codes: dict) -> None:
    """21 timed codes of 7 minutes each (the issue's 22 took 32 s and 1.9 GB): 6 allocations shown, the rest counted."""
    from math import comb

    timed = sorted(c for c, info in codes.items() if info.get("unit_basis") == "timed_15")
    assert len(timed) >= 12
    assert main(["units", *(f"{c}=7" for c in timed)]) == 0
    text = capsys.readouterr().out
    units = (7 * len(timed) + 7) // 15
    assert text.count("also allowed: ") == 5
    assert f"and {comb(len(timed), units) - 6} more allowed allocations (not listed)" in text
    assert main(["units", "--json", *(f"{c}=7" for c in timed)]) == 0
    out = capsys.readouterr().out
    assert len(out) < 20_000 and json.loads(out)["more_alternatives"] == comb(len(timed), units) - 6


@pytest.mark.parametrize("typed", ["2_3", "2e1"])
def test_minutes_python_would_misread_are_refused(capsys: pytest.CaptureFixture[str], typed: str) -> None:
    assert main(["units", f"97110={typed}"]) == 2
    assert capsys.readouterr().err == (
        f"error: minutes for 97110 must be a whole number: '{typed}'; write it with the digits 0-9 only "
        "(fix: write the minutes as digits, e.g. 23)\n"
    )
