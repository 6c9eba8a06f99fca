"""The calculator's wire format in CPython: form rows through engine.api, and the page data the build exports."""

from __future__ import annotations

import json
from typing import Any

import pytest

from build_tools.export import calculator_data, engine_data
from build_tools.load import Project, load_project
from engine import api, units


@pytest.fixture(scope="module")
def project() -> Project:
    return load_project()


@pytest.fixture(scope="module")
def data(project: Project) -> dict[str, Any]:
    exported = engine_data(project)
    api.load(json.dumps(exported))
    return exported


def _call(rule: str, rows: list[tuple[str, str]]) -> dict[str, Any]:
    args = {"rule": rule, "entries": [{"code": c, "minutes": m} for c, m in rows]}
    return json.loads(api.call("units", json.dumps(args)))


def test_form_rows_give_the_engines_answer(data: dict[str, Any]) -> None:
    rows = [("97112", "24"), ("97110", " 23 ")]
    reply = _call("cms", rows)
    assert reply == {"result": units.compute(rows, data["rules"]["cms"], data["codes"])}


@pytest.mark.parametrize(
    ("rows", "field"),
    [
        ([("97110", "")], "entries.0.minutes"),  # an empty box is "no minutes", not "not a number"
        ([("97110", "  ")], "entries.0.minutes"),
        ([("97110", "20"), ("", "5")], "entries.1.code"),
        ([("97110", "20"), ("97112", "x")], "entries.1.minutes"),
    ],
)
def test_errors_name_the_field(data: dict[str, Any], rows: list[tuple[str, str]], field: str) -> None:
    error = _call("cms", rows)["error"]
    assert error["field"] == field
    with pytest.raises(units.UnitInputError) as exc:
        units.compute([(c, m if m.strip() else None) for c, m in rows], data["rules"]["cms"], data["codes"])
    assert error["message"] == str(exc.value)


def test_empty_box_reads_as_missing_minutes(data: dict[str, Any]) -> None:
    assert "missing" in _call("cms", [("97110", "")])["error"]["message"]


def test_unknown_rule_is_a_rule_field_error(data: dict[str, Any]) -> None:
    error = _call("nope", [("97110", "23")])["error"]
    assert error["field"] == "rule" and "'nope'" in error["message"]
    for rule in data["rules"]:
        assert rule in error["message"]


def test_calculator_data_lists_every_code_and_rule_with_citations(project: Project, data: dict[str, Any]) -> None:
    page = calculator_data(project)
    assert [c["code"] for c in page["codes"]] == sorted(data["codes"])
    assert all(c["name"] == data["codes"][c["code"]]["name"] for c in page["codes"])
    assert {r["id"] for r in page["rules"]} == set(data["rules"])
    bibliography = {s["id"]: s for s in project.sources.data["sources"]}
    for rule in page["rules"]:
        assert rule["label"] == data["rules"][rule["id"]]["label"]
        cited = [c["source"] for c in data["rules"][rule["id"]]["sources"]]
        assert [s["title"] for s in rule["sources"]] == [bibliography[c]["title"] for c in cited]
