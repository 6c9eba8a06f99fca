"""The schemas are valid Draft 2020-12, describe every property, and schema errors land on the exact value."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator

from build_tools.checks.schema import field_name, schemas, suggest, validate_document
from build_tools.load import load_file


def properties(node: Any, where: str = "") -> Iterator[tuple[str, dict[str, Any]]]:
    """Every (path, property schema) under any 'properties' keyword, however deep."""
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "if":
                continue  # a condition, not a place where fields are defined
            if key == "properties" and isinstance(value, dict):
                for name, prop in value.items():
                    yield f"{where}.{name}", prop
                    yield from properties(prop, f"{where}.{name}")
            else:
                yield from properties(value, f"{where}/{key}")
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from properties(value, f"{where}[{i}]")


@pytest.mark.parametrize("name", sorted(schemas()))
def test_schema_is_valid_draft_2020_12(name: str) -> None:
    schema = schemas()[name]
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    Draft202012Validator.check_schema(schema)


@pytest.mark.parametrize("name", sorted(schemas()))
def test_every_property_has_a_description(name: str) -> None:
    undocumented = [path for path, prop in properties(schemas()[name]) if not prop.get("description")]
    assert undocumented == []


def validate(tmp_path: Path, text: str, schema: str = "payer_rule.schema.json") -> list[str]:
    path = tmp_path / "x.yaml"
    path.write_text(text, encoding="utf-8")
    return [p.located() for p in validate_document(load_file(path), schema)]


RULE = """\
id: x
label: "Test rule"
algorithm: pooled_total
parameters: {unit_minutes: 15, min_minutes: 8}
summary: "A rule used only by a test."
sources:
  - {source: cms-pub100-04-ch5}
reviewed: "2026-11-01"
"""


def test_valid_record_has_no_problems(tmp_path: Path) -> None:
    assert validate(tmp_path, RULE) == []


def test_errors_point_at_the_offending_value(tmp_path: Path) -> None:
    text = RULE.replace("min_minutes: 8}", "min_minutes: eight}").replace("{source: cms", "{sorce: cms")
    assert validate(tmp_path, text) == [
        "4:45: parameters.min_minutes must be a whole number, not text: 'eight'",
        "7:5: sources[0] is missing required field 'source' (fix: add 'source:')",
        "7:6: unknown field 'sorce' in sources[0] (fix: did you mean 'source'?)",
    ]


def test_claim_errors_come_from_the_branch_meant(tmp_path: Path) -> None:
    text = RULE + "applies_to:\n  - {text: Payers that follow the CPT rule., sources: []}\n  - ok\n"
    assert validate(tmp_path, text) == [
        "10:55: applies_to[0].sources must have at least 1 item(s)",
        "11:5: applies_to[1] must be at least 3 characters long: 'ok'",
    ]


def test_field_names_read_like_yaml_paths() -> None:
    assert field_name(["guidance", "neighbours", 0, "code"]) == "guidance.neighbours[0].code"
    assert field_name([]) == "the file"


def test_suggestions_prefer_the_nearest_code() -> None:
    assert suggest("97111", ["97010", "97112", "97110", "97171"]) == "did you mean '97110'?"
    assert suggest("q_grop", ["q_group", "q_gait"]) == "did you mean 'q_group'?"
    assert suggest("zzz", ["q_group"]) == ""
    assert suggest("unlisted", ["bundled", "service"]) == "", "a far-fetched guess is worse than none"
