"""YAML -> Python: every data file of the project, each kept with its path and the position of every value.

Files are read by the strict reader in build_tools.yaml_strict; a file that cannot
be read still becomes a Document (data None) carrying its problems, so the count
of documents always equals the count of files.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from build_tools import ROOT
from build_tools.parse_cache import ParseCache
from build_tools.report import Problem
from build_tools.yaml_strict import MAX_BYTES, DataPath, Pos, parse

#: data folder -> schema file, for the folders holding one record per file
RECORD_KINDS = {
    "codes": "code.schema.json",
    "activities": "activity.schema.json",
    "cases": "case.schema.json",
    "payers": "payer_rule.schema.json",
    "topics": "topic.schema.json",
    "policies": "payer_policy.schema.json",
}
#: data folder -> the field holding the record's id (equal to the file name)
ID_FIELDS = {"codes": "code", "activities": "slug", "cases": "id", "payers": "id", "topics": "id", "policies": "id"}


@dataclass
class Document:
    """One loaded YAML file: data, where each value and key sits, and what went wrong reading it."""

    path: Path
    data: Any
    marks: dict[DataPath, Pos] = field(default_factory=dict)
    key_marks: dict[DataPath, Pos] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)

    def at(self, *where: str | int) -> Pos:
        """line, column of the value at `where`, or of its nearest ancestor that exists."""
        path = tuple(where)
        while path and path not in self.marks:
            path = path[:-1]
        return self.marks.get(path, (1, 1))

    def key_at(self, *where: str | int) -> Pos:
        """line, column of the key naming the value at `where` (the value's own position when it has no key)."""
        return self.key_marks.get(tuple(where)) or self.at(*where)

    def problem(self, where: tuple[str | int, ...], message: str, fix: str = "", *, key: bool = False) -> Problem:
        line, column = self.key_at(*where) if key else self.at(*where)
        return Problem(self.path, line, column, message, fix)

    @property
    def ok(self) -> bool:
        return not self.problems and self.data is not None


@dataclass
class Project:
    """Every data file, loaded."""

    root: Path
    tree: Document
    vocab: Document
    sources: Document
    reading: Document
    records: dict[str, dict[str, Document]] = field(default_factory=dict)
    #: files in a record folder that the loader does not read (wrong extension)
    stray: dict[str, list[Path]] = field(default_factory=dict)

    @property
    def codes(self) -> dict[str, Document]:
        return self.records["codes"]

    @property
    def activities(self) -> dict[str, Document]:
        return self.records["activities"]

    @property
    def cases(self) -> dict[str, Document]:
        return self.records["cases"]

    @property
    def payers(self) -> dict[str, Document]:
        return self.records["payers"]

    def documents(self) -> list[Document]:
        """Every document: tree, vocab, sources, note reading, then the records folder by folder."""
        docs = [self.tree, self.vocab, self.sources, self.reading]
        for kind in RECORD_KINDS:
            docs += self.records.get(kind, {}).values()
        return docs

    def load_problems(self) -> list[Problem]:
        return [p for doc in self.documents() for p in doc.problems]


def load_file(path: Path, max_bytes: int = MAX_BYTES, cache: ParseCache | None = None) -> Document:
    """Read one YAML file strictly (through `cache` when given); a missing file is a problem too."""
    if not path.is_file():
        return Document(path, None, problems=[Problem(path, 1, 1, "file is missing", "create it")])
    parsed = parse(path, max_bytes=max_bytes) if cache is None else cache.parse(path, max_bytes)
    return Document(path, parsed.data, parsed.marks, parsed.key_marks, parsed.problems)


def load_project(root: Path = ROOT, max_bytes: int = MAX_BYTES) -> Project:
    """Load decision_tree.yaml and everything under data/ (files over `max_bytes` are refused).

    Files whose bytes were read clean before are not parsed again (build_tools.parse_cache)."""
    data = root / "data"
    cache = ParseCache(root)
    project = Project(
        root=root,
        tree=load_file(root / "decision_tree.yaml", max_bytes, cache),
        vocab=load_file(data / "vocab.yaml", max_bytes, cache),
        sources=load_file(data / "sources.yaml", max_bytes, cache),
        reading=load_file(data / "note_reading.yaml", max_bytes, cache),
    )
    for kind in RECORD_KINDS:
        folder = data / kind
        files = sorted(p for p in folder.iterdir() if not p.name.startswith(".")) if folder.is_dir() else []
        loaded = [p for p in files if p.suffix == ".yaml" and p.is_file()]
        project.records[kind] = {p.stem: load_file(p, max_bytes, cache) for p in loaded}
        project.stray[kind] = [p for p in files if p.suffix != ".yaml" or not p.is_file()]
    cache.save()
    return project


def record_id(kind: str, doc: Document) -> Any:
    """The id a record declares (None when unreadable)."""
    return doc.data.get(ID_FIELDS[kind]) if isinstance(doc.data, dict) else None
