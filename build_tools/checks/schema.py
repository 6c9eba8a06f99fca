"""JSON Schema pass over every loaded document, each error mapped to the line:column of the offending value.

Messages read "<field> must <rule>: <value>" and carry a fix where one is known
(quote a bare number, did you mean ..., add the missing field).
"""

from __future__ import annotations

import difflib
import json
import re
from collections.abc import Iterable, Iterator
from functools import cache
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator, FormatChecker, validators
from jsonschema.exceptions import ValidationError
from referencing import Registry, Resource

from build_tools import ROOT
from build_tools.checks import valid_cache
from build_tools.load import RECORD_KINDS, Document, Project
from build_tools.report import Problem

SCHEMA_DIR = ROOT / "schemas"
KIND_NAMES = {dict: "a mapping", list: "a list", str: "text", bool: "true/false", int: "a number", float: "a number"}
TYPE_WORDS = {"object": "a mapping", "array": "a list", "string": "text", "integer": "a whole number"}
TYPE_WORDS |= {"number": "a number", "boolean": "true or false", "null": "empty"}
SLUG = re.compile(r"[^a-z0-9]+")
LIMITS = {
    "minItems": "{name} must have at least {limit} item(s)",
    "maxItems": "{name} must have at most {limit} item(s)",
    "minLength": "{name} must be at least {limit} characters long: {value}",
    "maxLength": "{name} must be at most {limit} characters long: {value}",
    "minimum": "{name} must be at least {limit}: {value}",
    "maximum": "{name} must be at most {limit}: {value}",
    "uniqueItems": "{name} must not list the same item twice",
    "minProperties": "{name} must have at least {limit} entry",
}


@cache
def schemas() -> dict[str, dict[str, Any]]:
    """Every schema under schemas/, by file name."""
    return {p.name: json.loads(p.read_text(encoding="utf-8")) for p in sorted(SCHEMA_DIR.glob("*.schema.json"))}


def _registry() -> Registry:
    found = schemas()
    if _REGISTRY.get("for") is not found:
        _REGISTRY.update(
            {
                "for": found,
                "registry": Registry().with_resources((name, Resource.from_contents(s)) for name, s in found.items()),
            }
        )
    return _REGISTRY["registry"]


_REGISTRY: dict[str, Any] = {}


_VALIDATORS: dict[str, Any] = {}


def _pointer(document: Any, pointer: str) -> Any:
    for part in pointer.lstrip("/").split("/") if pointer.strip("/") else []:
        document = document[part.replace("~1", "/").replace("~0", "~")]
    return document


def inlined(schema_name: str, found: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """The schema with every `$ref` replaced by what it points at (same checks, same messages), so validation
    does no reference lookups: with thousands of files those lookups cost more than the checks themselves.
    A reference met again inside itself (recursion) stays a `$ref`, resolved through the registry."""

    def expand(node: Any, file: str, seen: tuple[str, ...]) -> Any:
        if isinstance(node, list):
            return [expand(v, file, seen) for v in node]
        if not isinstance(node, dict):
            return node
        out = {k: expand(v, file, seen) for k, v in node.items() if k != "$ref"}
        ref = node.get("$ref")
        if not isinstance(ref, str):
            return out
        target_file, _, pointer = ref.partition("#")
        target_file = target_file or file
        key = f"{target_file}#{pointer}"
        if key in seen or target_file not in found:
            return {**out, "$ref": ref if target_file == file else key}
        target = _pointer(found[target_file], pointer)
        target = expand({k: v for k, v in target.items() if k not in ("$id", "$schema")}, target_file, (*seen, key))
        if not set(out) & set(target):
            return {**out, **target}  # e.g. a description beside the $ref
        return {**out, "allOf": [*out.get("allOf", []), target]}

    schema = found[schema_name]
    return {**expand(schema, schema_name, (f"{schema_name}#",)), "$id": schema.get("$id", schema_name)}


#: "integer" means an integer as written: 15.0 is a float in the data, not 15 (JSON Schema would accept it)
_STRICT_INTEGERS = validators.extend(
    Draft202012Validator,
    type_checker=Draft202012Validator.TYPE_CHECKER.redefine(
        "integer", lambda _checker, value: isinstance(value, int) and not isinstance(value, bool)
    ),
)


def validator(schema_name: str) -> Draft202012Validator:
    """The validator of one schema, built once per reading of the schemas (not once per file)."""
    found = schemas()
    if _VALIDATORS.get("for") is not found:
        _VALIDATORS.clear()
        _VALIDATORS["for"] = found
    if schema_name not in _VALIDATORS:
        _VALIDATORS[schema_name] = _STRICT_INTEGERS(
            inlined(schema_name, found), registry=_registry(), format_checker=FormatChecker()
        )
    return _VALIDATORS[schema_name]


def suggest(word: object, choices: Iterable[object]) -> str:
    """'did you mean 'x'?' for the closest choice, or ''."""
    word = str(word)
    options = [str(c) for c in choices]
    close = difflib.get_close_matches(word, options, n=max(1, len(options)), cutoff=0.75)
    if not close:
        return ""

    def score(choice: str) -> tuple[float, int, int]:
        """Most similar, then longest shared start, then nearest at the first difference ('97111' -> '97110')."""
        prefix = next((i for i, (a, b) in enumerate(zip(word, choice, strict=False)) if a != b), 0)
        prefix = prefix or min(len(word), len(choice))
        gap = abs(ord(word[prefix]) - ord(choice[prefix])) if prefix < min(len(word), len(choice)) else 0
        return difflib.SequenceMatcher(None, word, choice).ratio(), prefix, -gap

    return f"did you mean '{max(sorted(close), key=score)}'?"


def field_name(path: Iterable[str | int]) -> str:
    """A data path as authors write it: guidance.neighbours[0].code."""
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out or "the file"


def shown(value: Any) -> str:
    if isinstance(value, str):
        return repr(value)
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return "empty"
    if isinstance(value, dict | list):
        return KIND_NAMES[type(value)]
    return str(value)


def _branch(err: ValidationError) -> list[ValidationError] | None:
    """For oneOf/anyOf: the errors of the branch meant (its type matches the value), or None."""
    branches: dict[Any, list[ValidationError]] = {}
    for sub in err.context or []:
        branches.setdefault(sub.relative_schema_path[0], []).append(sub)
    fitting = [
        errs
        for errs in branches.values()
        if not any(not e.relative_path and e.validator in ("type", "const") for e in errs)
    ]
    return min(fitting, key=len) if fitting else None


def _type_problem(doc: Document, err: ValidationError) -> Problem:
    where = tuple(err.absolute_path)
    wanted = err.validator_value if isinstance(err.validator_value, list) else [err.validator_value]
    words = " or ".join(TYPE_WORDS.get(w, w) for w in wanted)
    value = err.instance
    fix = ""
    if "string" in wanted and isinstance(value, int | float) and not isinstance(value, bool):
        fix = f"quote it: '{value}'"
    elif "string" in wanted and isinstance(value, bool):
        fix = "quote it"
    elif ({"integer", "number"} & set(wanted)) and isinstance(value, str) and re.fullmatch(r"-?\d+", value):
        fix = f"remove the quotes: {value}"
    elif "array" in wanted and isinstance(value, str | int | float):
        fix = f"write it as a list: [{value}]"
    kind = KIND_NAMES.get(type(value), "empty")
    return doc.problem(where, f"{field_name(where)} must be {words}, not {kind}: {shown(value)}", fix)


def _format_problem(doc: Document, err: ValidationError) -> Problem:
    where = tuple(err.absolute_path)
    value = err.instance
    fix = "write it as YYYY-MM-DD"
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", str(value)):
        fix = "that day does not exist in the calendar"
    return doc.problem(where, f"{field_name(where)} must be a real date (YYYY-MM-DD): {shown(value)}", fix)


def _pattern_fix(err: ValidationError) -> str:
    value = str(err.instance)
    if err.validator_value == "^[a-z0-9]+(-[a-z0-9]+)*$":
        return f"use lower-case words joined by hyphens: '{SLUG.sub('-', value.lower()).strip('-')}'"
    if err.validator_value == "^([0-9]{5}|[A-Z][0-9]{4})$":
        return "write five digits, or a capital letter and four digits, in quotes: '97110', 'G0283'"
    if err.validator_value.startswith("^[a-z][a-z0-9_]*$"):
        return f"use lower case and underscores: '{SLUG.sub('_', value.lower()).strip('_')}'"
    if err.validator_value == "^https?://":
        return f"start it with https://: 'https://{value}'"
    return ""


def _problems(doc: Document, err: ValidationError) -> Iterator[Problem]:
    where = tuple(err.absolute_path)
    name = field_name(where)
    kind = err.validator
    if kind in ("oneOf", "anyOf"):
        branch = _branch(err)
        if branch is not None:
            for sub in branch:
                yield from _problems(doc, sub)
            return
        yield doc.problem(where, f"{name} has the wrong shape: {shown(err.instance)}", "see the data format page")
    elif kind == "type":
        yield _type_problem(doc, err)
    elif kind == "format":
        yield _format_problem(doc, err)
    elif kind == "required":
        missing = re.match(r"'(.+)' is a required property", err.message)
        field = missing.group(1) if missing else err.message
        yield doc.problem(where, f"{name} is missing required field '{field}'", f"add '{field}:'")
    elif kind == "additionalProperties":
        allowed = set(err.schema.get("properties", {}))
        for key in err.instance:
            if key not in allowed:
                fix = suggest(key, allowed) or "remove it (see the data format page for the fields)"
                inside = f" in {name}" if where else ""
                yield doc.problem((*where, key), f"unknown field '{key}'{inside}", fix, key=True)
    elif kind in ("enum", "const"):
        values = err.validator_value if kind == "enum" else [err.validator_value]
        listed = ", ".join(shown(v) for v in values)
        yield doc.problem(
            where, f"{name} must be one of {listed}: {shown(err.instance)}", suggest(err.instance, values)
        )
    elif kind == "pattern":
        yield doc.problem(where, f"{name} must match {err.validator_value}: {shown(err.instance)}", _pattern_fix(err))
    elif kind == "not" and isinstance(err.validator_value, dict) and "required" in err.validator_value:
        for field in err.validator_value["required"]:
            fix = "set guidance_page: true, or remove it" if field == "guidance" else "remove it"
            yield doc.problem((*where, field), f"field '{field}' is not allowed here", fix, key=True)
    elif kind in LIMITS:
        yield doc.problem(where, LIMITS[kind].format(name=name, limit=err.validator_value, value=shown(err.instance)))
    else:
        yield doc.problem(where, f"{name}: {err.message}")


def validate_document(doc: Document, schema_name: str) -> list[Problem]:
    """Schema problems of one document; none while it has reading problems (those are reported first)."""
    if doc.data is None or doc.problems:
        return []
    errors = list(validator(schema_name).iter_errors(doc.data))
    # a field that must not be there at all: report that, not what is wrong inside it
    forbidden = [
        (*e.absolute_path, f) for e in errors if e.validator == "not" for f in e.validator_value.get("required", [])
    ]
    problems: set[Problem] = set()
    for err in errors:
        path = tuple(err.absolute_path)
        if not any(path[: len(f)] == f for f in forbidden):
            problems.update(_problems(doc, err))
    return sorted(problems)


def schema_for(project: Project, doc: Document) -> str:
    if doc is project.tree:
        return "decision_tree.schema.json"
    if doc is project.vocab:
        return "vocab.schema.json"
    if doc is project.sources:
        return "sources.schema.json"
    if doc is project.reading:
        return "note_reading.schema.json"
    return RECORD_KINDS[Path(doc.path).parent.name]


def validate_project(project: Project, *, cache: bool = True) -> dict[Path, list[Problem]]:
    """Schema problems, per document path (every document has an entry).

    With `cache`, data that passed the same schemas before (checks/valid_cache.py) is not validated again."""
    if not cache:
        return {doc.path: validate_document(doc, schema_for(project, doc)) for doc in project.documents()}
    digest = valid_cache.schema_digest(schemas())
    known, clean = valid_cache.read(project.root), set()
    found: dict[Path, list[Problem]] = {}
    for doc in project.documents():
        name = schema_for(project, doc)
        key = valid_cache.entry(digest, name, doc.data) if doc.ok else None
        found[doc.path] = [] if key in known else validate_document(doc, name)
        if key is not None and not found[doc.path]:
            clean.add(key)
    if clean != known:
        valid_cache.write(project.root, clean)
    return found
