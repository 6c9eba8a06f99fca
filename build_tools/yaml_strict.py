"""A strict YAML reader: plain Python values plus the line:column of every value and key.

What it refuses, each as a Problem at the exact place: bytes that are not UTF-8,
control characters (C0 but tab and newline, DEL, C1 such as a pasted U+0092,
U+FFFE/U+FFFF) and the Unicode line separators (U+0085, U+2028, U+2029: YAML
counts them as line breaks, editors do not, so every later line number would be
wrong), tabs in indentation, files over a size limit, empty files, nesting deeper
than MAX_DEPTH, duplicate keys, unquoted yes/no/on/off (YAML 1.1 booleans),
anchors and aliases, explicit tags (!!int, !!float, !!set, ...), control characters written as
escapes in quoted strings ("\\v", "\\0", "\\uFFFE"), integers longer than MAX_DIGITS, and YAML syntax errors.
Dates stay strings (the schema checks them); integers are decimal only. Lines
are counted at "\n" only, as editors do.
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
#: the deepest nesting of mappings and lists accepted (the data needs under ten)
MAX_DEPTH = 40
#: the longest integer accepted, in digits (minutes, counts and years need far fewer)
MAX_DIGITS = 12
#: characters refused anywhere in a file: what YAML itself refuses, plus its extra line breaks
FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u2028\u2029\ufffe\uffff\ud800-\udfff]")
#: names of the refused characters people meet in practice
CHAR_NAMES = {
    "\x85": "next-line (NEL)",
    "\u2028": "line separator",
    "\u2029": "paragraph separator",
    "\x92": "C1 control (a right quote pasted from Windows-1252)",
    "\x00": "NUL",
    "\ufffe": "noncharacter",
    "\uffff": "noncharacter",
}
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


_RESOLVER = _Resolver()


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


#: the only tags a node may carry: the ones the strict resolver gives untagged YAML (anything else was written
#: explicitly, e.g. !!set or !!python/object, and is refused)
_ALLOWED_TAGS = {"tag:yaml.org,2002:map", "tag:yaml.org,2002:seq", "tag:yaml.org,2002:str"} | {
    f"tag:yaml.org,2002:{t}" for t in ("int", "float", "bool", "null")
}


def _pos(mark: yaml.Mark) -> Pos:
    return mark.line + 1, mark.column + 1


class _Builder:
    def __init__(self, path: Path, parsed: Parsed, text: str) -> None:
        self.path, self.parsed, self.seen = path, parsed, set()
        self.lines = text.split("\n")

    def tagged(self, node: yaml.Node) -> bool:
        """Whether the node was written with a tag (its mark is where the tag starts, in both parsers)."""
        line = self.lines[node.start_mark.line] if node.start_mark.line < len(self.lines) else ""
        return line[node.start_mark.column :].startswith("!")

    def problem(self, pos: Pos, message: str, fix: str = "") -> None:
        self.parsed.problems.append(Problem(self.path, pos[0], pos[1], message, fix))

    def build(self, node: yaml.Node, where: DataPath) -> Any:
        self.parsed.marks[where] = _pos(node.start_mark)
        if id(node) in self.seen:
            self.problem(_pos(node.start_mark), "anchors and aliases are not allowed in data files", "write it out")
            return None
        self.seen.add(id(node))
        if node.tag not in _ALLOWED_TAGS:
            self.problem(_pos(node.start_mark), f"explicit YAML tag {node.tag} is not allowed", "remove the tag")
            return None
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
        bad = FORBIDDEN.search(text)
        if bad:  # only reachable through an escape such as "\\v" or "\\0" in a quoted string
            char = bad.group()
            name = CHAR_NAMES.get(char, "control character")
            self.problem(
                _pos(node.start_mark),
                f"{name} U+{ord(char):04X} (written as an escape) is not allowed in data files",
                "delete the escape",
            )
            return None
        if node.style and node.tag == "tag:yaml.org,2002:str":  # quoted or block (plain: None or "")
            return text
        tagged_not_str = self.tagged(node) and node.tag != "tag:yaml.org,2002:str"  # e.g. !!bool FALSE
        if node.style or tagged_not_str or node.tag != _RESOLVER.resolve(yaml.ScalarNode, text, (True, False)):
            self.problem(
                _pos(node.start_mark),
                f"explicit YAML tag {node.tag.replace('tag:yaml.org,2002:', '!!')} is not allowed",
                "remove the tag; write plain decimal numbers, true/false, or quoted text",
            )
            return None
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
            digits = len(text.lstrip("+-"))
            if digits > MAX_DIGITS:
                self.problem(
                    _pos(node.start_mark),
                    f"number too long: {digits} digits, the limit is {MAX_DIGITS}",
                    "check it for a typo; quote it if it is an id",
                )
                return None
            if len(text.lstrip("+-")) > 1 and text.lstrip("+-").startswith("0"):
                self.problem(
                    _pos(node.start_mark),
                    f"number {text} has a leading zero: YAML 1.1 tools read it as octal",
                    f"write {int(text)}, or quote it if it is an id",
                )
                return None
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


def _forbidden(path: Path, text: str) -> list[Problem]:
    """Every refused character, at its line and column (lines counted at \\n), at most 20 reported."""
    found = []
    for m in FORBIDDEN.finditer(text):
        line = text.count("\n", 0, m.start()) + 1
        column = m.start() - (text.rfind("\n", 0, m.start()) + 1) + 1
        char = m.group()
        name = CHAR_NAMES.get(char, "control character")
        fix = "replace it by a plain space" if char in "\x85\u2028\u2029" else "delete it or retype the character"
        found.append(Problem(path, line, column, f"{name} U+{ord(char):04X} is not allowed in data files", fix))
        if len(found) == 20:
            break
    return found


#: what YAML reads as a line break (the last three are refused before this is used, but still split on)
LINE_BREAK = re.compile("\r\n|[\r\n\x85\u2028\u2029]")


def depth_bound(text: str) -> int:
    """An upper bound on how deeply `text` can nest, from its characters alone (no parsing).

    A block collection starts at the first character of its line after the indentation and any "- ", "? " or
    ": " indicators. Down a chain of nested block collections that column never falls, and it can stay the
    same for one step only (a sequence that is a mapping's value), so block nesting is at most twice (the
    largest such column + 1). Each flow collection needs its own "[" or "{".
    """
    column = max((len(line) - len(line.lstrip(" \t-?:")) for line in LINE_BREAK.split(text)), default=0)
    return 2 * (column + 1) + text.count("[") + text.count("{")


def _too_deep(path: Path, text: str, composer_class: type) -> Problem | None:
    """The first place nesting goes past MAX_DEPTH, found from the event stream (no recursion)."""
    parser = composer_class(text)
    depth = 0
    try:
        while parser.check_event():
            event = parser.get_event()
            if isinstance(event, (yaml.MappingStartEvent, yaml.SequenceStartEvent)):
                depth += 1
                if depth > MAX_DEPTH:
                    line, column = _pos(event.start_mark)
                    msg = f"nested too deeply: more than {MAX_DEPTH} levels"
                    return Problem(path, line, column, msg, "flatten the data")
            elif isinstance(event, (yaml.MappingEndEvent, yaml.SequenceEndEvent)):
                depth -= 1
    except yaml.YAMLError:
        return None  # a syntax error: the composer reports it with its place
    finally:
        parser.dispose()
    return None


def _tabs(path: Path, text: str) -> list[Problem]:
    if "\t" not in text:
        return []
    found = []
    for number, line in enumerate(text.split("\n"), 1):
        indent = len(line) - len(line.lstrip(" \t"))
        if "\t" in line[:indent]:
            found.append(Problem(path, number, line.index("\t") + 1, "tab in indentation", "indent with spaces"))
    return found


def read_limited(path: Path, max_bytes: int, parsed: Parsed) -> bytes | None:
    """The file's bytes, never more than max_bytes + 1 of them: its size is checked first (a 3 GiB file is
    refused without being read); None, with a problem, when it is too large or cannot be read."""
    try:
        size = path.stat().st_size
        if size > max_bytes:
            parsed.problems.append(
                Problem(path, 1, 1, f"file is too large: {size} bytes, the limit is {max_bytes}", "split it")
            )
            return None
        with path.open("rb") as stream:
            return stream.read(max_bytes + 1)  # a file that grew since, or reports no size, is still cut here
    except OSError as exc:
        parsed.problems.append(Problem(path, 1, 1, f"file cannot be read: {exc.strerror or exc}", "check the file"))
        return None


def parse(path: Path, raw: bytes | None = None, max_bytes: int = MAX_BYTES) -> Parsed:
    """Read one YAML file strictly; problems are collected, never raised."""
    parsed = Parsed()
    if raw is None:
        raw = read_limited(path, max_bytes, parsed)
        if raw is None:
            return parsed
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
    parsed.problems += _forbidden(path, text)
    if parsed.problems:
        return parsed
    parsed.problems += _tabs(path, text)
    if parsed.problems:
        return parsed
    # the event pass is exact but slow; most files cannot nest that deeply at all
    deep = _too_deep(path, text, _Composer) if depth_bound(text) > MAX_DEPTH else None
    if deep:
        parsed.problems.append(deep)
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
    parsed.data = _Builder(path, parsed, text).build(node, ())
    return parsed
