"""The MkDocs build parses every YAML file once and builds each JSON Schema validator once (hooks.py loads and
checks the data; hooks_units.py reuses it through build_tools.session)."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest
from mkdocs.commands.build import build
from mkdocs.config import load_config

from build_tools import parse_cache
from build_tools.checks import schema, valid_cache


def test_one_build_parses_each_yaml_file_once(
    project_root: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    parsed: Counter[Path] = Counter()
    real_parse = parse_cache.parse

    def counting_parse(path: Path, *args, **kwargs):
        parsed[Path(path)] += 1
        return real_parse(path, *args, **kwargs)

    made: Counter[str] = Counter()
    real_validator = schema._STRICT_INTEGERS

    def counting_validator(schema_doc, **kwargs):
        made[schema_doc.get("$id", "?")] += 1
        return real_validator(schema_doc, **kwargs)

    monkeypatch.setattr(valid_cache, "read", lambda root: set())  # validate everything, as a first build does
    monkeypatch.setattr(parse_cache.ParseCache, "_read", lambda self: {})  # parse everything, as a first build does
    monkeypatch.setattr(parse_cache, "parse", counting_parse)
    monkeypatch.setattr(schema, "_STRICT_INTEGERS", counting_validator)
    monkeypatch.setenv("PYODIDE_SOURCE", "cdn")
    monkeypatch.setenv("NO_MKDOCS_2_WARNING", "1")
    monkeypatch.chdir(project_root)
    config = load_config(str(project_root / "mkdocs.yml"), site_dir=str(tmp_path / "site"))
    build(config)

    data_files = [project_root / "decision_tree.yaml", *sorted((project_root / "data").rglob("*.yaml"))]
    assert set(parsed) == set(data_files)
    assert [p for p, n in parsed.items() if n != 1] == [], "a YAML file was parsed more than once"
    # one validator per schema in use, however many files each validates
    assert made and max(made.values()) == 1, made
    assert len(made) < len(data_files)
    # the units page (the one with engine markers) was expanded from the same data
    assert "<!-- engine:" not in (tmp_path / "site" / "units" / "index.html").read_text(encoding="utf-8")
