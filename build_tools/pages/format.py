"""The "Data format" reference page, generated from schemas/*.schema.json (one source for checks and docs).

Every property's description, type and whether it is required come from the
schemas; shared definitions (common.schema.json) are listed once and linked.
"""

from __future__ import annotations

from typing import Any

from build_tools.checks.schema import schemas

ORDER = [
    "decision_tree.schema.json",
    "code.schema.json",
    "activity.schema.json",
    "case.schema.json",
    "payer_rule.schema.json",
    "topic.schema.json",
    "vocab.schema.json",
    "sources.schema.json",
    "common.schema.json",
]


def _anchor(schema_name: str, def_name: str | None = None) -> str:
    base = schema_name.removesuffix(".schema.json").replace("_", "-")
    return f"{base}-{def_name.replace('_', '-')}" if def_name else base


def _ref(ref: str, here: str) -> tuple[str, str]:
    """'common.schema.json#/$defs/code' -> (schema file, def name)."""
    file, _, pointer = ref.partition("#")
    return (file or here), pointer.rsplit("/", 1)[-1]


def _type(prop: dict[str, Any], here: str) -> str:
    if "$ref" in prop:
        file, name = _ref(prop["$ref"], here)
        return f"[{name}](#{_anchor(file, name)})"
    if "enum" in prop:
        return "one of " + ", ".join(f"`{v}`" for v in prop["enum"])
    if "const" in prop:
        return f"`{prop['const']}`"
    if "oneOf" in prop:
        return " or ".join(_type(p, here) for p in prop["oneOf"])
    kind = prop.get("type", "any")
    if kind == "array":
        items = prop.get("items", {})
        variants = [branch["then"] for branch in items.get("allOf", []) if "$ref" in branch.get("then", {})]
        return "list of " + (" or ".join(_type(v, here) for v in variants) if variants else _type(items, here))
    if kind == "object" and "additionalProperties" in prop and isinstance(prop["additionalProperties"], dict):
        return "mapping of text to " + _type(prop["additionalProperties"], here)
    words = {"object": "mapping", "string": "text", "integer": "whole number", "boolean": "true/false"}
    text = " or ".join(words.get(k, k) for k in kind) if isinstance(kind, list) else words.get(kind, kind)
    if "pattern" in prop:
        text += f" matching `{prop['pattern']}`"
    if prop.get("format") == "date":
        text += " (date, YYYY-MM-DD)"
    return text


def _rows(obj: dict[str, Any], here: str, prefix: str = "") -> list[str]:
    rows = []
    required = set(obj.get("required", []))
    for name, prop in obj.get("properties", {}).items():
        field = f"{prefix}{name}"
        desc = str(prop.get("description", "")).replace("|", "\\|")
        rows.append(f"| `{field}` | {_type(prop, here)} | {'yes' if name in required else ''} | {desc} |")
        inner = prop.get("items", prop) if prop.get("type") == "array" else prop
        if inner.get("type") == "object" and "properties" in inner:
            rows += _rows(inner, here, f"{field}{'[]' if inner is not prop else ''}.")
    return rows


def _table(obj: dict[str, Any], here: str) -> list[str]:
    rows = _rows(obj, here)
    if not rows:
        return []
    return ["| Field | Type | Required | What it is |", "|---|---|---|---|", *rows, ""]


def _section(name: str, schema: dict[str, Any]) -> list[str]:
    title = schema.get("title", name).replace("<", "&lt;").replace(">", "&gt;")
    lines = [f"## {title} {{#{_anchor(name)}}}", "", schema.get("description", ""), ""]
    lines += _table(schema, name)
    for def_name, definition in schema.get("$defs", {}).items():
        lines += [f"### {def_name} {{#{_anchor(name, def_name)}}}", "", definition.get("description", ""), ""]
        if "properties" in definition:
            lines += _table(definition, name)
        elif name == "common.schema.json" or "type" in definition or "oneOf" in definition:
            lines += [f"Type: {_type(definition, name)}", ""]
    return lines


def data_format_page() -> str:
    found = schemas()
    lines = [
        "# Data format",
        "",
        "How to write the YAML files under `data/` and `decision_tree.yaml`. This page is generated from the JSON",
        "Schemas in `schemas/`, the same ones `python -m build_tools check` validates against, so it cannot drift.",
        "",
        "General rules: quote codes (`'97110'`), dates (`'2026-11-23'`) and yes/no words; indent with spaces;",
        "one record per file, named after its id. The check prints every problem as `path:line:column: message`.",
        "",
        "Text is Markdown without raw HTML: no `<tags>`, no attribute lists (`{: ...}`) and no images. Links go",
        "to `https://` pages or to pages of this site, written from `docs/` (`[scope](guide/scope.md)`); a `url`",
        "is a full https address with no spaces, quotes, brackets or parentheses (percent-encode them).",
        "Documentation patterns may not nest unbounded repeats such as `(a+)+`. The check refuses anything else.",
        "",
    ]
    for name in [*ORDER, *sorted(set(found) - set(ORDER))]:
        if name in found:
            lines += _section(name, found[name])
    return "\n".join(lines)


def format_pages() -> dict[str, tuple[str, str]]:
    return {"data-format.md": (data_format_page(), "schemas/")}
