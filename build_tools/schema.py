"""JSON Schema pass over every loaded document."""

from __future__ import annotations

import json
from collections.abc import Iterator
from functools import cache
from pathlib import Path

from jsonschema import Draft202012Validator, FormatChecker
from referencing import Registry, Resource

from build_tools import ROOT
from build_tools.load import RECORD_KINDS, Document, Project
from build_tools.report import Problem

SCHEMA_DIR = ROOT / "schemas"


@cache
def _registry() -> tuple[dict[str, dict], Registry]:
    schemas = {p.name: json.loads(p.read_text(encoding="utf-8")) for p in SCHEMA_DIR.glob("*.schema.json")}
    registry = Registry().with_resources((name, Resource.from_contents(s)) for name, s in schemas.items())
    return schemas, registry


def validator(schema_name: str) -> Draft202012Validator:
    schemas, registry = _registry()
    return Draft202012Validator(schemas[schema_name], registry=registry, format_checker=FormatChecker())


def validate_document(doc: Document, schema_name: str) -> Iterator[Problem]:
    for err in validator(schema_name).iter_errors(doc.data):
        where = "/".join(str(p) for p in err.absolute_path) or "(top level)"
        yield Problem(Path(doc.path), 1, 1, f"{where}: {err.message}")


def validate_project(project: Project) -> list[Problem]:
    problems = list(validate_document(project.tree, "decision_tree.schema.json"))
    problems += validate_document(project.vocab, "vocab.schema.json")
    problems += validate_document(project.sources, "sources.schema.json")
    for kind, schema_name in RECORD_KINDS.items():
        for doc in project.records[kind].values():
            problems += validate_document(doc, schema_name)
    return problems
