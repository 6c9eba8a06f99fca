"""YAML -> Python: every data file of the project, each kept with its path."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from build_tools import ROOT

#: data folder -> schema file, for the folders holding one record per file
RECORD_KINDS = {
    "codes": "code.schema.json",
    "activities": "activity.schema.json",
    "cases": "case.schema.json",
    "payers": "payer_rule.schema.json",
}


@dataclass
class Document:
    """One loaded YAML file."""

    path: Path
    data: Any


@dataclass
class Project:
    """Every data file, loaded."""

    root: Path
    tree: Document
    vocab: Document
    sources: Document
    records: dict[str, dict[str, Document]] = field(default_factory=dict)

    @property
    def codes(self) -> dict[str, Document]:
        return self.records["codes"]

    @property
    def payers(self) -> dict[str, Document]:
        return self.records["payers"]


def load_file(path: Path) -> Document:
    with path.open(encoding="utf-8") as fh:
        return Document(path, yaml.safe_load(fh))


def load_project(root: Path = ROOT) -> Project:
    """Load decision_tree.yaml and everything under data/."""
    data = root / "data"
    project = Project(
        root=root,
        tree=load_file(root / "decision_tree.yaml"),
        vocab=load_file(data / "vocab.yaml"),
        sources=load_file(data / "sources.yaml"),
    )
    for kind in RECORD_KINDS:
        project.records[kind] = {p.stem: load_file(p) for p in sorted((data / kind).glob("*.yaml"))}
    return project
