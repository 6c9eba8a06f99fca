"""JSON in, JSON out: the one place that knows the browser worker's wire format.

The worker calls `load(data_json)` once with the JSON the build writes, then
`call(fn, args_json)` for each request. Every reply is a JSON object with either
"result" or "error" ({"message": ..., "field": ...}); errors are data, never
exceptions across the boundary.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from engine import tree, units

_DATA: dict[str, Any] = {}


def load(data_json: str) -> None:
    """Keep the site data (codes, rules, tree) for later calls."""
    _DATA.clear()
    _DATA.update(json.loads(data_json))


class FieldError(units.UnitInputError):
    """An input error tied to one form field: "rule", "entries.<i>.code" or "entries.<i>.minutes"."""

    def __init__(self, message: str, field: str | None) -> None:
        super().__init__(message)
        self.field = field


def _minutes(i: int, raw: Any) -> int | None:
    """Form text -> whole minutes (None when empty); anything else is an error on that field."""
    if raw is None or (isinstance(raw, int) and not isinstance(raw, bool)):
        return raw
    text = str(raw).strip()
    if text == "":
        return None
    if text.lstrip("-").isdigit():
        return int(text)
    raise FieldError(f"minutes must be a whole number of minutes, not {text!r}", f"entries.{i}.minutes")


def _locate(entries: list[tuple[str, int | None]], rule: dict[str, Any], codes: dict[str, Any]) -> str | None:
    """The row an engine error belongs to: the first row that fails on its own (None if only the mix fails)."""
    for i, (code, minutes) in enumerate(entries):
        if code not in codes:
            return f"entries.{i}.code"
        try:
            units.compute([(code, minutes)], rule, codes)
        except units.UnitInputError:
            return f"entries.{i}.minutes"
    return None


def _units(args: dict[str, Any]) -> dict:
    rows = args.get("entries", [])
    entries = [
        (str(row.get("code") or "").strip().upper(), _minutes(i, row.get("minutes"))) for i, row in enumerate(rows)
    ]
    rule_id = args.get("rule", "cms")
    rules = _DATA["rules"]
    if rule_id not in rules:
        raise FieldError(f"unknown rule {rule_id!r}; choose one of {', '.join(sorted(rules))}", "rule")
    try:
        return units.compute(entries, rules[rule_id], _DATA["codes"])
    except FieldError:
        raise
    except units.UnitInputError as exc:
        field = getattr(exc, "field", None) or _locate(entries, rules[rule_id], _DATA["codes"])
        raise FieldError(str(exc), field) from exc


def _walk(args: dict[str, Any]) -> dict:
    """The tree walk: {"walk": "q:a,..."} | {"steps": [[q, a], ...]} | {"node": id} -> state (errors as data)."""
    return tree.resolve(_DATA["tree"], args, _DATA.get("guide"))


HANDLERS: dict[str, Callable[[dict[str, Any]], Any]] = {"units": _units, "walk": _walk}


def call(fn: str, args_json: str) -> str:
    """Run handler `fn` on JSON arguments; return {"result": ...} or {"error": ...} as JSON."""
    try:
        handler = HANDLERS[fn]
    except KeyError:
        return json.dumps({"error": {"message": f"unknown function {fn!r}"}})
    try:
        return json.dumps({"result": handler(json.loads(args_json))})
    except units.UnitInputError as exc:
        return json.dumps({"error": {"message": str(exc), "field": getattr(exc, "field", None)}})
