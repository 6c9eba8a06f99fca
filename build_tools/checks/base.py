"""What every check rule shares: the Context it reads, the Rule type, and two helpers.

The rule modules (records, tree, coach) import from here and never from each
other or from the package, so they have no import circle.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from build_tools.checks.schema import suggest
from build_tools.load import Document, Project, record_id
from build_tools.report import Problem


@dataclass
class Context:
    """The project, which documents passed the schema, and the ids references resolve against."""

    project: Project
    ok: set[Path]
    today: dt.date
    #: per document (by id), every text value with its path: several rules read them, walked once
    _strings: dict[int, list[tuple[tuple[str | int, ...], str]]] = field(default_factory=dict, repr=False)
    _vocab: dict[str, set[str]] = field(default_factory=dict, repr=False)

    def valid(self, doc: Document) -> bool:
        return doc.path in self.ok

    def records(self, kind: str) -> list[Document]:
        return [d for d in self.project.records[kind].values() if self.valid(d)]

    def ids(self, kind: str) -> set[str]:
        """Ids of the records of `kind`; a file that could not be read stands for its file name, so the
        references to it do not each report a false 'does not exist' (the broken file is reported itself)."""
        found = {str(record_id(kind, d)) for d in self.project.records[kind].values() if record_id(kind, d)}
        return found | {stem for stem, d in self.project.records[kind].items() if not isinstance(d.data, dict)}

    def list_ids(self, doc: Document, key: str) -> set[str]:
        data = doc.data if isinstance(doc.data, dict) else {}
        items = data.get(key) if isinstance(data.get(key), list) else []
        return {str(i["id"]) for i in items if isinstance(i, dict) and "id" in i}

    @property
    def source_ids(self) -> set[str]:
        return self.list_ids(self.project.sources, "sources")

    def vocab(self, name: str) -> set[str]:
        if name not in self._vocab:
            self._vocab[name] = self.list_ids(self.project.vocab, name)
        return self._vocab[name]

    def strings(self, doc: Document) -> list[tuple[tuple[str | int, ...], str]]:
        """Every (path, text) inside `doc`, in file order (walked once per document for all the rules)."""
        if id(doc) not in self._strings:
            self._strings[id(doc)] = [(w, v) for w, v in walk(doc.data) if isinstance(v, str)]
        return self._strings[id(doc)]


Rule = Callable[[Context], Iterator[Problem]]


def dangling(doc: Document, where: tuple[str | int, ...], what: str, value: Any, known: set[str]) -> Problem:
    """'<what> <value> does not exist' with a did-you-mean fix."""
    fix = suggest(value, known) or f"add it first, or use one of the existing {what}s"
    return doc.problem(where, f"{what} '{value}' does not exist", fix)


def walk(data: Any, where: tuple[str | int, ...] = ()) -> Iterator[tuple[tuple[str | int, ...], Any]]:
    """Every (path, value) pair inside a document, depth first (parents before children, in file order)."""
    stack = [(where, data)]
    while stack:
        path, value = stack.pop()
        yield path, value
        if isinstance(value, dict):
            stack.extend(reversed([((*path, key), item) for key, item in value.items()]))
        elif isinstance(value, list):
            stack.extend(reversed([((*path, i), item) for i, item in enumerate(value)]))
