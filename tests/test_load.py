"""The strict YAML reader: values keep their line:column, YAML 1.1 traps are refused, both parsers agree."""

from __future__ import annotations

from pathlib import Path

import pytest

from build_tools import yaml_strict
from build_tools.load import RECORD_KINDS, load_file, load_project

SAMPLE = b"""\
code: "97110"
count: 12
ratio: 1.5
flag: true
nothing:
day: 2026-11-01
time: 10:30
octal: 010
items:
  - {id: a, label: first}
  - id: b
"""


def parse(tmp_path: Path, raw: bytes) -> yaml_strict.Parsed:
    path = tmp_path / "x.yaml"
    path.write_bytes(raw)
    return yaml_strict.parse(path)


def test_values_and_types(tmp_path: Path) -> None:
    parsed = parse(tmp_path, SAMPLE)
    assert parsed.problems == []
    assert parsed.data == {
        "code": "97110",
        "count": 12,
        "ratio": 1.5,
        "flag": True,
        "nothing": None,
        "day": "2026-11-01",  # dates stay text: the schema checks them
        "time": "10:30",  # no YAML 1.1 base-60 numbers
        "octal": 10,  # decimal only
        "items": [{"id": "a", "label": "first"}, {"id": "b"}],
    }


def test_every_value_and_key_keeps_its_position(tmp_path: Path) -> None:
    parsed = parse(tmp_path, SAMPLE)
    assert parsed.marks[("code",)] == (1, 7)
    assert parsed.key_marks[("count",)] == (2, 1)
    assert parsed.marks[("items", 0, "label")] == (10, 20)
    assert parsed.marks[("items", 1)] == (11, 5)
    assert parsed.key_marks[("items", 1, "id")] == (11, 5)


def test_pure_python_parser_gives_the_same_result(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    fast = parse(tmp_path, SAMPLE)
    monkeypatch.setattr(yaml_strict, "_Composer", yaml_strict._PyComposer)
    slow = parse(tmp_path, SAMPLE + b"answer: yes\nanswer: 1\n")
    assert slow.data == {**fast.data, "answer": "yes"}
    assert {k: v for k, v in slow.marks.items() if k != ("answer",)} == fast.marks
    assert [p.located() for p in slow.problems] == [
        "12:9: unquoted 'yes' is ambiguous (YAML 1.1 reads it as a boolean)"
        " (fix: write true or false, or quote it: 'yes')",
        "13:1: duplicate key 'answer' (first at line 12) (fix: keep one of the two)",
    ]


@pytest.mark.parametrize("word", ["yes", "No", "ON", "off"])
def test_yaml11_booleans_are_refused_in_any_case(tmp_path: Path, word: str) -> None:
    parsed = parse(tmp_path, f"a: {word}\n'{word}': 1\n".encode())
    assert [p.located() for p in parsed.problems] == [
        f"1:4: unquoted '{word}' is ambiguous (YAML 1.1 reads it as a boolean)"
        f" (fix: write true or false, or quote it: '{word}')"
    ]
    assert parsed.data == {"a": word, word: 1}


def test_tab_inside_a_quoted_value_is_fine(tmp_path: Path) -> None:
    parsed = parse(tmp_path, b'a: "x\ty"\n')
    assert parsed.problems == [] and parsed.data == {"a": "x\ty"}


def test_size_limit_is_checked_before_parsing(tmp_path: Path) -> None:
    path = tmp_path / "big.yaml"
    path.write_bytes(b"a: " + b"x" * 100 + b"\n")
    assert [p.located() for p in yaml_strict.parse(path, max_bytes=50).problems] == [
        "1:1: file is too large: 104 bytes, the limit is 50 (fix: split it)"
    ]
    assert yaml_strict.parse(path, max_bytes=104).problems == []


def test_missing_file_is_a_problem(tmp_path: Path) -> None:
    doc = load_file(tmp_path / "nope.yaml")
    assert doc.data is None and [p.message for p in doc.problems] == ["file is missing"]


def test_document_positions_fall_back_to_the_nearest_parent(tmp_path: Path) -> None:
    (tmp_path / "x.yaml").write_bytes(SAMPLE)
    doc = load_file(tmp_path / "x.yaml")
    assert doc.at("items", 0, "label") == (10, 20)
    assert doc.at("items", 0, "missing") == doc.at("items", 0) == (10, 5)
    assert doc.key_at("count") == (2, 1)


def test_real_project_loads_one_document_per_file(project_root: Path) -> None:
    project = load_project(project_root)
    assert project.load_problems() == []
    for kind in RECORD_KINDS:
        on_disk = sorted((project_root / "data" / kind).glob("*.yaml"))
        assert sorted(d.path for d in project.records[kind].values()) == on_disk
        assert project.stray[kind] == []
