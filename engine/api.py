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

from engine import coach, tree, units

_DATA: dict[str, Any] = {}


def load(data_json: str) -> None:
    """Keep the site data (codes, rules, tree) for later calls."""
    _DATA.clear()
    _DATA.update(json.loads(data_json))


def _form_minutes(raw: Any) -> Any:
    """An empty form field means no minutes given; anything else goes to the engine's checks as typed."""
    return None if isinstance(raw, str) and not raw.strip() else raw


def _units(args: dict[str, Any]) -> dict:
    entries = [(str(row.get("code") or ""), _form_minutes(row.get("minutes"))) for row in args.get("entries", [])]
    rule_id = args.get("rule", "cms")
    rules = _DATA["rules"]
    if rule_id not in rules:
        raise units.UnitInputError(f"unknown rule {rule_id!r}; choose one of {', '.join(sorted(rules))}", "rule")
    return units.compute(entries, rules[rule_id], _DATA["codes"])


def _coach(args: dict[str, Any]) -> dict:
    code = str(args.get("code") or "").strip() or None
    return coach.check(str(args.get("text") or ""), code, _DATA["codes"], _DATA.get("vocab", {}))


def _walk(args: dict[str, Any]) -> dict:
    """The tree walk: {"walk": "q:a,..."} | {"steps": [[q, a], ...]} | {"node": id} -> state (errors as data)."""
    return tree.resolve(_DATA["tree"], args, _DATA.get("guide"))


HANDLERS: dict[str, Callable[[dict[str, Any]], Any]] = {"units": _units, "coach": _coach, "walk": _walk}


def call(fn: str, args_json: str) -> str:
    """Run handler `fn` on JSON arguments; return {"result": ...} or {"error": ...} as JSON."""
    try:
        handler = HANDLERS[fn]
    except KeyError:
        return json.dumps({"error": {"message": f"unknown function {fn!r}"}})
    try:
        return json.dumps({"result": handler(json.loads(args_json))})
    except (units.UnitInputError, coach.CoachInputError) as exc:
        return json.dumps({"error": {"message": str(exc), "field": getattr(exc, "field", None)}})
