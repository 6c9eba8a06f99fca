"""The site builds with --strict, and the static tree page links every answer to an existing anchor."""

from __future__ import annotations

import re
from pathlib import Path

import yaml


def test_static_tree_links_resolve(built_site: Path, project_root: Path) -> None:
    html = (built_site / "tree" / "index.html").read_text(encoding="utf-8")
    ids = set(re.findall(r'id="([^"]+)"', html))
    targets = set(re.findall(r'href="#([^"]+)"', html))
    tree = yaml.safe_load((project_root / "decision_tree.yaml").read_text(encoding="utf-8"))
    node_ids = {n["id"] for n in tree["nodes"]}
    assert node_ids <= ids
    answer_targets = {a["next"] for n in tree["nodes"] for a in n.get("answers", [])}
    assert answer_targets <= targets
    assert targets <= ids


def test_engine_assets_written(built_site: Path) -> None:
    (engine,) = (built_site / "assets" / "runtime").glob("engine.*.zip")
    assert engine.stat().st_size > 0
    assert (built_site / "assets" / "data" / "engine.json").stat().st_size > 0
    assert not (built_site / "assets" / "pyodide").exists(), "cdn builds must not copy Pyodide"
