"""Payer status per code, applied to the billed units: bundled, not recognised, exclusive pairs.

A unit rule (data/payers/<rule>.yaml) may say, per code:

- `code_status` with `status: bundled`: the payer never pays the code separately (Medicare status B),
  so it is billed with 0 units;
- `code_status` with `status: not_recognised` and `use: <code>`: the payer wants the other code for
  the same service, so the units move to that code (or, when that code is also entered, the
  not-recognised code simply bills 0);
- `exclusive_pairs`: two codes for the same service; when both would bill, only `keep` does.

The unit arithmetic (engine.units) runs first and never sees these; `apply` then rewrites each
allowed allocation of billed units and returns one plain sentence per change for the steps.
Only service-based codes can be bundled here: a bundled timed code would change a pooled total,
so `refusal` names it and the calculator refuses it with the fix.
"""

from __future__ import annotations

from typing import Any

BUNDLED = "bundled"
NOT_RECOGNISED = "not_recognised"


def statuses(rule: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """The rule's code_status entries by code."""
    return {str(s["code"]): s for s in rule.get("code_status", [])}


def refusal(code: str, kind: str, rule: dict[str, Any]) -> str:
    """The refusal message for a timed code the payer bundles ('' when nothing to refuse)."""
    status = statuses(rule).get(code)
    if kind != "timed" or not status or status["status"] != BUNDLED:
        return ""
    return (
        f"code {code} cannot be counted by this calculator: the payer of rule {rule['id']!r} bundles it, so its "
        "minutes may or may not belong in the day's total (fix: leave it out and check the payer's policy for "
        "how its time is treated)"
    )


def _with_key_after(units: dict[str, int], after: str, key: str, value: int) -> dict[str, int]:
    out: dict[str, int] = {}
    for code, n in units.items():
        out[code] = n
        if code == after:
            out[key] = value
    return out


def apply_to(units: dict[str, int], rule: dict[str, Any]) -> tuple[dict[str, int], list[str]]:
    """One allocation of billed units with the payer's statuses applied, and a sentence for each change."""
    out, notes = dict(units), []
    who = f"Under this rule ({rule['label']})"
    for code, status in statuses(rule).items():
        if code not in out:
            continue
        why = " ".join(str(status["why"]).split())
        if status["status"] == BUNDLED and out[code]:
            out[code] = 0
            notes.append(f"{who}, {code} is bundled and not paid separately, so it bills 0 units. {why}")
        elif status["status"] == NOT_RECOGNISED and status.get("use"):
            use, moved = str(status["use"]), out[code]
            out[code] = 0
            if use in out:
                notes.append(
                    f"{who}, {code} is not recognised; {use}, entered too, covers the same service and is "
                    f"billed instead, so {code} bills 0 units and the service is billed once. {why}"
                )
            else:
                out = _with_key_after(out, code, use, moved)
                notes.append(f"{who}, {code} is not recognised, so its {moved} unit(s) are billed as {use}. {why}")
    for pair in rule.get("exclusive_pairs", []):
        a, b = (str(c) for c in pair["codes"])
        keep = str(pair["keep"])
        drop = b if keep == a else a
        if out.get(a) and out.get(b):
            out[drop] = 0
            why = " ".join(str(pair["why"]).split())
            notes.append(f"{who}, {a} and {b} are never billed together: {keep} is billed and {drop} bills 0. {why}")
    return out, notes


def apply(allocations: list[dict[str, int]], rule: dict[str, Any]) -> tuple[list[dict[str, int]], list[str]]:
    """Every allowed allocation with the statuses applied (duplicates dropped); the notes of the first."""
    done: list[dict[str, int]] = []
    notes: list[str] = []
    for i, units in enumerate(allocations):
        new, said = apply_to(units, rule)
        if i == 0:
            notes = said
        if new not in done:
            done.append(new)
    return done, notes
