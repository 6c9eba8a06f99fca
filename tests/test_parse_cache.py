"""The parse cache: a load of unchanged files gives what parsing them gives, without parsing; anything changed,
broken or damaged is parsed afresh."""

from __future__ import annotations

from pathlib import Path

import pytest

from build_tools import parse_cache
from build_tools.load import load_file
from build_tools.parse_cache import ParseCache
from build_tools.yaml_strict import MAX_BYTES, parse

RECORD = b'code: "97110"\nminutes: 12\nitems:\n  - {id: a, label: first}\n  - id: b\n'


def _load(root: Path, *names: str) -> tuple[ParseCache, list]:
    cache = ParseCache(root)
    docs = [load_file(root / name, MAX_BYTES, cache) for name in names]
    cache.save()
    return cache, docs


def test_unchanged_files_are_not_parsed_again_and_read_the_same(tmp_path: Path) -> None:
    (tmp_path / "a.yaml").write_bytes(RECORD)
    (tmp_path / "b.yaml").write_bytes(b"id: b\nlist: [1, 2.5, true, null]\n")
    first, docs = _load(tmp_path, "a.yaml", "b.yaml")
    assert (first.parsed, first.reused) == (2, 0)
    second, again = _load(tmp_path, "a.yaml", "b.yaml")
    assert (second.parsed, second.reused) == (0, 2)
    for fresh, cached in zip(docs, again, strict=True):
        assert (cached.data, cached.marks, cached.key_marks, cached.problems) == (
            fresh.data,
            fresh.marks,
            fresh.key_marks,
            [],
        )
    assert again[0].at("items", 1) == (5, 5) and again[0].key_at("minutes") == (2, 1)


def test_a_changed_file_is_parsed_afresh(tmp_path: Path) -> None:
    path = tmp_path / "a.yaml"
    path.write_bytes(RECORD)
    _load(tmp_path, "a.yaml")
    path.write_bytes(RECORD.replace(b"12", b"13"))
    cache, (doc,) = _load(tmp_path, "a.yaml")
    assert cache.parsed == 1 and doc.data["minutes"] == 13


def test_a_file_with_a_problem_is_never_remembered(tmp_path: Path) -> None:
    (tmp_path / "bad.yaml").write_bytes(b"answer: yes\n")
    for _ in range(2):
        cache, (doc,) = _load(tmp_path, "bad.yaml")
        assert cache.parsed == 1
        assert [p.located() for p in doc.problems] == [
            "1:9: unquoted 'yes' is ambiguous (YAML 1.1 reads it as a boolean)"
            " (fix: write true or false, or quote it: 'yes')"
        ]


def test_the_size_limit_is_checked_on_a_remembered_file(tmp_path: Path) -> None:
    (tmp_path / "a.yaml").write_bytes(RECORD)
    _load(tmp_path, "a.yaml")
    cache = ParseCache(tmp_path)
    doc = load_file(tmp_path / "a.yaml", 10, cache)
    assert doc.data is None and "file is too large" in doc.problems[0].message


def test_two_files_with_the_same_bytes_share_no_object(tmp_path: Path) -> None:
    (tmp_path / "a.yaml").write_bytes(RECORD)
    (tmp_path / "b.yaml").write_bytes(RECORD)
    _load(tmp_path, "a.yaml", "b.yaml")
    _cache, (a, b) = _load(tmp_path, "a.yaml", "b.yaml")
    a.data["items"].append("changed in memory")
    assert b.data == parse(tmp_path / "b.yaml").data


@pytest.mark.parametrize("damage", [b"", b"not marshal", b"\xff" * 40])
def test_a_damaged_cache_is_ignored(tmp_path: Path, damage: bytes) -> None:
    (tmp_path / "a.yaml").write_bytes(RECORD)
    first, _ = _load(tmp_path, "a.yaml")
    first.file.write_bytes(damage)
    cache, (doc,) = _load(tmp_path, "a.yaml")
    assert cache.parsed == 1 and doc.data == parse(tmp_path / "a.yaml").data


def test_a_new_reader_invalidates_every_entry(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "a.yaml").write_bytes(RECORD)
    _load(tmp_path, "a.yaml")
    monkeypatch.setattr(parse_cache.yaml, "__version__", "0.0-another")
    cache, _ = _load(tmp_path, "a.yaml")
    assert (cache.parsed, cache.reused) == (1, 0)


def test_the_cache_holds_only_the_latest_load(tmp_path: Path) -> None:
    (tmp_path / "a.yaml").write_bytes(RECORD)
    (tmp_path / "b.yaml").write_bytes(b"id: b\n")
    _load(tmp_path, "a.yaml", "b.yaml")
    _load(tmp_path, "a.yaml")
    cache, _ = _load(tmp_path, "b.yaml")
    assert (cache.parsed, cache.reused) == (1, 0)
