"""A strict YAML reader: plain Python values plus the line:column of every value and key.

What it refuses, each as a Problem at the exact place: bytes that are not UTF-8,
tabs in indentation, files over a size limit, empty files, duplicate keys,
unquoted yes/no/on/off (YAML 1.1 booleans), anchors and aliases, and YAML syntax
errors. Dates stay strings (the schema checks them); integers are decimal only.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from build_tools.report import Problem

#: the largest data file accepted, in bytes
MAX_BYTES = 1_000_000
AMBIGUOUS = {"yes", "no", "on", "off"}

Pos = tuple[int, int]
DataPath = tuple[str | int, ...]


class _Resolver(yaml.resolver.BaseResolver):
    """YAML 1.2-like implicit types: true/false, null, decimal int, float; everything else is a string."""


_Resolver.add_implicit_resolver(
    "tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF")
)
_Resolver.add_implicit_resolver("tag:yaml.org,2002:int", re.compile(r"^[-+]?[0-9]+$"), list("-+0123456789"))
_Resolver.add_implicit_resolver(
    "tag:yaml.org,2002:float",
    re.compile(r"^[-+]?(?:[0-9]+\.[0-9]*|\.[0-9]+)(?:[eE][-+]?[0-9]+)?$"),
    list("-+0123456789."),
)
_Resolver.add_implicit_resolver("tag:yaml.org,2002:null", re.compile(r"^(?:~|null|Null|NULL|)$"), ["~", "n", "N", ""])


class _PyComposer(yaml.reader.Reader, yaml.scanner.Scanner, yaml.parser.Parser, yaml.composer.Composer, _Resolver):
    """PyYAML's node composer with the strict resolver (no constructor: values are built below)."""

    def __init__(self, stream: str) -> None:
        yaml.reader.Reader.__init__(self, stream)
        yaml.scanner.Scanner.__init__(self)
        yaml.parser.Parser.__init__(self)
        yaml.composer.Composer.__init__(self)
        _Resolver.__init__(self)


_Composer: type = _PyComposer
if yaml.__with_libyaml__:

    class _CComposer(yaml.cyaml.CParser, _Resolver):
        """The same with libyaml's parser (about ten times faster; the same nodes and marks)."""

        def __init__(self, stream: str) -> None:
            yaml.cyaml.CParser.__init__(self, stream)
            _Resolver.__init__(self)

    _Composer = _CComposer


@dataclass
class Parsed:
    """One file read: its data (None when unreadable), positions and the problems met."""

    data: Any = None
    marks: dict[DataPath, Pos] = field(default_factory=dict)
    key_marks: dict[DataPath, Pos] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)


def _pos(mark: yaml.Mark) -> Pos:
    return mark.line + 1, mark.column + 1


class _Builder:
    def __init__(self, path: Path, parsed: Parsed) -> None:
        self.path, self.parsed, self.seen = path, parsed, set()

    def problem(self, pos: Pos, message: str, fix: str = "") -> None:
        self.parsed.problems.append(Problem(self.path, pos[0], pos[1], message, fix))

    def build(self, node: yaml.Node, where: DataPath) -> Any:
        self.parsed.marks[where] = _pos(node.start_mark)
        if id(node) in self.seen:
            self.problem(_pos(node.start_mark), "anchors and aliases are not allowed in data files", "write it out")
            return None
        self.seen.add(id(node))
        if isinstance(node, yaml.MappingNode):
            return self.mapping(node, where)
        if isinstance(node, yaml.SequenceNode):
            return [self.build(item, (*where, i)) for i, item in enumerate(node.value)]
        return self.scalar(node)

    def mapping(self, node: yaml.MappingNode, where: DataPath) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for key_node, value_node in node.value:
            key = self.scalar(key_node) if isinstance(key_node, yaml.ScalarNode) else None
            if not isinstance(key, str):
                shown = key_node.value if isinstance(key_node, yaml.ScalarNode) else "a collection"
                self.problem(_pos(key_node.start_mark), f"keys must be text, not {shown}", f"quote it: '{shown}'")
                continue
            if key in out:
                first = self.parsed.key_marks[(*where, key)]
                self.problem(
                    _pos(key_node.start_mark),
                    f"duplicate key '{key}' (first at line {first[0]})",
                    "keep one of the two",
                )
                continue
            self.parsed.key_marks[(*where, key)] = _pos(key_node.start_mark)
            out[key] = self.build(value_node, (*where, key))
        return out

    def scalar(self, node: yaml.ScalarNode) -> Any:
        text = node.value
        if node.style:  # quoted or block scalar (plain is None in PyYAML, "" in libyaml)
            return text
        if text.lower() in AMBIGUOUS:
            self.problem(
                _pos(node.start_mark),
                f"unquoted '{text}' is ambiguous (YAML 1.1 reads it as a boolean)",
                f"write true or false, or quote it: '{text}'",
            )
            return text
        if node.tag == "tag:yaml.org,2002:str":
            return text
        if node.tag == "tag:yaml.org,2002:bool":
            return text.lower() == "true"
        if node.tag == "tag:yaml.org,2002:int":
            return int(text)
        if node.tag == "tag:yaml.org,2002:float":
            return float(text)
        if node.tag == "tag:yaml.org,2002:null":
            return None
        self.problem(_pos(node.start_mark), f"unsupported YAML tag {node.tag}", "remove the tag")
        return text


def _decode(path: Path, raw: bytes, parsed: Parsed) -> str | None:
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        before = raw[: exc.start]
        line = before.count(b"\n") + 1
        column = len(before) - (before.rfind(b"\n") + 1) + 1
        parsed.problems.append(
            Problem(path, line, column, f"not UTF-8: byte 0x{raw[exc.start]:02x}", "save the file as UTF-8")
        )
        return None


def _tabs(path: Path, text: str) -> list[Problem]:
    found = []
    for number, line in enumerate(text.splitlines(), 1):
        indent = len(line) - len(line.lstrip(" \t"))
        if "\t" in line[:indent]:
            found.append(Problem(path, number, line.index("\t") + 1, "tab in indentation", "indent with spaces"))
    return found


def parse(path: Path, raw: bytes | None = None, max_bytes: int = MAX_BYTES) -> Parsed:
    """Read one YAML file strictly; problems are collected, never raised."""
    parsed = Parsed()
    raw = path.read_bytes() if raw is None else raw
    if len(raw) > max_bytes:
        parsed.problems.append(
            Problem(path, 1, 1, f"file is too large: {len(raw)} bytes, the limit is {max_bytes}", "split it")
        )
        return parsed
    if not raw.strip():
        parsed.problems.append(Problem(path, 1, 1, "file is empty", "add the record or delete the file"))
        return parsed
    text = _decode(path, raw, parsed)
    if text is None:
        return parsed
    parsed.problems += _tabs(path, text)
    if parsed.problems:
        return parsed
    composer = _Composer(text)
    try:
        node = composer.get_single_node()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, column = _pos(mark) if mark else (1, 1)
        message = str(exc.problem or exc.context)
        if exc.context and exc.problem and exc.context_mark:
            message += f" ({exc.context} that starts at line {exc.context_mark.line + 1})"
        parsed.problems.append(
            Problem(path, line, column, f"YAML syntax: {message}", "check the quoting and indentation here")
        )
        return parsed
    finally:
        composer.dispose()
    if node is None:
        parsed.problems.append(Problem(path, 1, 1, "file has no data, only comments", "add the record"))
        return parsed
    parsed.data = _Builder(path, parsed).build(node, ())
    return parsed
