"""The strict YAML reader: values keep their line:column, YAML 1.1 traps are refused, both parsers agree."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from build_tools import yaml_strict
from build_tools.load import RECORD_KINDS, load_file, load_project
from build_tools.yaml_strict import MAX_DEPTH, depth_bound

SAMPLE = b"""\
code: "97110"
count: 12
ratio: 1.5
flag: true
nothing:
day: 2026-11-01
time: 10:30
octal: 10
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
        "octal": 10,  # decimal only (a leading zero is refused: tests/test_yaml_tags.py)
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


def test_a_huge_file_is_refused_by_its_size_without_being_read(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Issue 26: a 3 GiB (sparse) data file was read whole, 3.1 GB of memory, before the limit applied."""
    path = tmp_path / "x.yaml"
    with path.open("wb") as stream:
        stream.truncate(3 * 2**30)  # sparse: no disk used
    read: list[int] = []
    real_open = Path.open

    def counting_open(self: Path, *args, **kwargs):  # type: ignore[no-untyped-def]
        stream = real_open(self, *args, **kwargs)
        real_read = stream.read
        stream.read = lambda n=-1: read.append(n) or real_read(n)  # type: ignore[method-assign]
        return stream

    monkeypatch.setattr(Path, "read_bytes", lambda self: pytest.fail("the whole file was read"))
    monkeypatch.setattr(Path, "open", counting_open)
    assert [p.located() for p in yaml_strict.parse(path).problems] == [
        f"1:1: file is too large: {3 * 2**30} bytes, the limit is {yaml_strict.MAX_BYTES} (fix: split it)"
    ]
    assert read == []  # refused on its size alone
    assert load_file(path).problems[0].message.startswith("file is too large: 3221225472 bytes")


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


# --- the character bound that lets most files skip the nesting pass --------------------------------------------


def _event_depth(text: str) -> int:
    depth = deepest = 0
    for event in yaml.parse(text, Loader=yaml.CSafeLoader if yaml.__with_libyaml__ else yaml.SafeLoader):
        if isinstance(event, (yaml.MappingStartEvent, yaml.SequenceStartEvent)):
            depth += 1
            deepest = max(deepest, depth)
        elif isinstance(event, (yaml.MappingEndEvent, yaml.SequenceEndEvent)):
            depth -= 1
    return deepest


_NESTED = st.recursive(
    st.one_of(st.integers(), st.text(alphabet="ab -?:#", max_size=6)),
    lambda inner: (
        st.lists(inner, min_size=1, max_size=3)
        | st.dictionaries(st.text(alphabet="kx", min_size=1, max_size=3), inner, min_size=1, max_size=3)
    ),
    max_leaves=60,
)


@settings(max_examples=300, derandomize=True, deadline=None)
@given(
    data=_NESTED,
    indent=st.integers(2, 6),
    flow=st.sampled_from([False, None]),
    breaks=st.sampled_from(["\n", "\r\n", "\r"]),
)
def test_depth_bound_is_never_below_the_real_depth(data: object, indent: int, flow: bool | None, breaks: str) -> None:
    text = yaml.safe_dump(data, indent=indent, default_flow_style=flow, line_break=breaks)
    assert _event_depth(text) <= depth_bound(text)


@pytest.mark.parametrize(
    "text",
    [
        "- " * 41 + "x\n",  # compact sequences on one line
        "".join(" " * i + "- \n" for i in range(0, 82, 2)) + " " * 82 + "x\n",  # one level per line
        # a sequence as a mapping's value at the same column: two levels per two columns
        "k:\n" + "".join(" " * (2 * i) + "- k:\n" for i in range(21)) + " " * 42 + "- x\n",
        "a:\r" + "".join(" " * i + "b:\r" for i in range(1, 42)) + " " * 42 + "c\r",  # old Mac line ends
    ],
)
def test_deep_block_nesting_is_still_refused(tmp_path: Path, text: str) -> None:
    assert _event_depth(text) > MAX_DEPTH, "the example must really be too deep"
    assert depth_bound(text) > MAX_DEPTH
    assert [p.message for p in parse(tmp_path, text.encode()).problems] == [
        f"nested too deeply: more than {MAX_DEPTH} levels"
    ]


def test_ordinary_data_files_skip_the_nesting_pass(project_root: Path) -> None:
    files = sorted((project_root / "data" / "activities").glob("*.yaml"))
    assert files and all(depth_bound(f.read_text(encoding="utf-8")) <= MAX_DEPTH for f in files)
