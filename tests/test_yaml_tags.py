"""Explicit YAML tags and escaped control characters are refused at their place (issue 26)."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from build_tools.yaml_strict import parse

CORE_TAGS = ["!!str", "!!int", "!!float", "!!bool", "!!null", "!!map", "!!seq", "!!set", "!!binary", "!!timestamp"]


def _problems(text: str) -> list[str]:
    return [str(p) for p in parse(Path("x.yaml"), text.encode("utf-8")).problems]


@pytest.mark.parametrize(
    "value", ["!!float .nan", "!!int 0x1F", "!!int zz", "!!int 2_4", "!!int ١٢٣", "!!set {a: null}"]
)
def test_explicit_tag_refused_with_place(value: str) -> None:
    found = _problems(f"id: x\nname: {value}\n")
    assert found and found[0].startswith("x.yaml:2:7: explicit YAML tag")


@settings(max_examples=200, deadline=None)
@given(tag=st.sampled_from(CORE_TAGS), value=st.text(st.characters(codec="utf-8"), max_size=12))
def test_any_core_tag_gives_a_located_problem_never_a_traceback(tag: str, value: str) -> None:
    quoted = '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
    for body in (f"{tag} {quoted}", f"{tag} {value.strip()}" if value.strip().isalnum() else f"{tag} x"):
        found = parse(Path("x.yaml"), f"name: {body}\n".encode()).problems
        if tag != "!!str":  # !!str on text that is text anyway says nothing more
            assert found, body  # any other explicit tag is never silently accepted
        assert all(p.line >= 1 for p in found)


@pytest.mark.parametrize("escape", ["\\v", "\\0", "\\f", "\\x85", "\\x92", "\\uFFFE", "\\L"])
def test_escaped_control_character_refused(escape: str) -> None:
    found = _problems(f'id: x\nsession: "Lead {escape} tail"\n')
    assert found and found[0].startswith("x.yaml:2:10:") and "is not allowed" in found[0]


def test_plain_values_still_read() -> None:
    parsed = parse(Path("x.yaml"), b"a: 15\nb: 1.5\nc: true\nd: null\ne: text\n")
    assert parsed.problems == []
    assert parsed.data == {"a": 15, "b": 1.5, "c": True, "d": None, "e": "text"}


def test_a_leading_zero_number_is_refused_with_the_fix(tmp_path) -> None:
    from build_tools.yaml_strict import parse

    path = tmp_path / "x.yaml"
    path.write_text("minutes: 024\nid: '024'\n", encoding="utf-8")
    got = parse(path)
    assert got.data == {"minutes": None, "id": "024"}
    (problem,) = got.problems
    assert "leading zero" in problem.message and "write 24" in problem.fix


def test_an_integral_float_is_not_an_integer_to_the_schemas() -> None:
    from build_tools.checks.schema import validator

    check = validator("payer_rule.schema.json")
    assert check.is_type(15, "integer") and not check.is_type(15.0, "integer") and not check.is_type(True, "integer")
