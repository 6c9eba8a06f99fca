"""Unit drills: sessions generated from a seed, graded against every allocation the rule allows.

Level 1 is one timed code; level 2 several timed codes; level 3 mixes in the
cases students get wrong: tied leftovers, services under 8 minutes and
service-based codes whose minutes do not count. The same seed and level always
give the same drill, in CPython and in Pyodide.
"""

from __future__ import annotations

import random
from typing import Any

from engine import numbers, payer_status, units

LEVELS = {
    1: "One timed code",
    2: "Several timed codes",
    3: "Ties, short services and service-based codes",
}
MAX_SEED = 10**9
#: code families whose codes appear in drills even without a guidance page: the attended (timed) and the
#: supervised (service-based) modalities a clinic bills every day
COMMON_FAMILIES = frozenset({"modality_attended", "modality_supervised"})


class DrillInputError(ValueError):
    """A drill request or answer the engine cannot use; the message says how to fix it."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


def _pools(
    rule: dict[str, Any], codes: dict[str, dict[str, Any]], rules: dict[str, dict[str, Any]]
) -> tuple[list[str], list[str]]:
    """Codes a drill may use: taught codes and the common modalities, each as the rule's payer bills it.

    Timed codes: none the rule gives a payer status (a bundled timed code is refused by the calculator).
    Service-based codes: a bundled one stays (it bills 0 units, and the engine's steps say why); one the payer
    does not recognise is left out, and a payer's replacement code (G0283 for 97014 under Medicare) is drawn
    only under that payer's rule."""
    status = payer_status.statuses(rule)
    own = {str(s["use"]) for s in status.values() if s.get("use")}
    others = {str(s["use"]) for r in rules.values() for s in r.get("code_status", []) if s.get("use")} - own
    usable = sorted(
        c
        for c, info in codes.items()
        if c not in others and (info.get("guidance_page") or info.get("family") in COMMON_FAMILIES)
    )
    timed = [c for c in usable if c not in status and codes[c].get("unit_basis") in units.TIMED_BASES]
    service = [
        c
        for c in usable
        if codes[c].get("unit_basis") in units.SERVICE_BASES
        and status.get(c, {}).get("status") != payer_status.NOT_RECOGNISED
    ]
    return timed, service


def _level_one(rng: random.Random, timed: list[str]) -> list[tuple[str, int | None]]:
    return [(rng.choice(timed), rng.randint(3, 75))]


def _level_two(rng: random.Random, timed: list[str]) -> list[tuple[str, int | None]]:
    chosen = rng.sample(timed, rng.randint(2, 4))
    return [(code, rng.randint(3, 40)) for code in chosen]


def _level_three(rng: random.Random, timed: list[str], service: list[str]) -> list[tuple[str, int | None]]:
    kind = rng.choice(("tie", "short", "service"))
    if kind == "tie":
        a, b = rng.sample(timed, 2)
        left = rng.randint(4, 7)
        entries: list[tuple[str, int | None]] = [(a, 15 * rng.randint(0, 2) + left), (b, 15 * rng.randint(0, 2) + left)]
    elif kind == "short":
        chosen = rng.sample(timed, rng.randint(2, 3))
        entries = [(code, rng.randint(2, 7)) for code in chosen]
    else:
        chosen = rng.sample(timed, rng.randint(1, 3))
        entries = [(code, rng.randint(5, 35)) for code in chosen]
    if service and (kind == "service" or rng.random() < 0.4):
        # a service-based code with the minutes the note gives it: the minutes do not count toward timed units
        entries.append((rng.choice(service), rng.randint(8, 30)))
    return entries


def generate(seed: int, level: int, rules: dict[str, dict[str, Any]], codes: dict[str, dict[str, Any]]) -> dict:
    """The drill for `seed` and `level`: a rule, and codes with minutes (a service-based code's minutes are
    what the note gives it; they do not count toward timed units)."""
    if level not in LEVELS:
        raise DrillInputError(f"level must be one of {sorted(LEVELS)}, not {numbers.clip(level)}", "level")
    if not isinstance(seed, int) or isinstance(seed, bool) or not 0 <= seed < MAX_SEED:
        raise DrillInputError(f"seed must be a whole number from 0 to {MAX_SEED - 1}, not {numbers.clip(seed)}", "seed")
    rng = random.Random(seed * 10 + level)
    rule_id = rng.choice(sorted(rules))
    timed, service = _pools(rules[rule_id], codes, rules)
    if level == 1:
        entries = _level_one(rng, timed)
    elif level == 2:
        entries = _level_two(rng, timed)
    else:
        entries = _level_three(rng, timed, service)
    return {
        "seed": seed,
        "level": level,
        "level_label": LEVELS[level],
        "rule": rule_id,
        "rule_label": rules[rule_id]["label"],
        "entries": [{"code": c, "name": codes[c].get("name", ""), "minutes": m} for c, m in entries],
    }


def _answer_units(drill: dict[str, Any], answer: dict[str, Any]) -> dict[str, int]:
    given: dict[str, int] = {}
    for row in drill["entries"]:
        code = row["code"]
        raw = answer.get(code)
        if raw is None or (isinstance(raw, str) and not raw.strip()):
            raise DrillInputError(f"units for {code} are missing (fix: enter 0 or more)", f"answer.{code}")
        if isinstance(raw, str) and raw.strip().startswith("-"):
            raise DrillInputError(f"units for {code} cannot be negative", f"answer.{code}")
        try:
            value = numbers.whole(raw)
        except ValueError:
            msg = f"units for {code} must be a whole number, not {numbers.clip(raw)}"
            raise DrillInputError(msg, f"answer.{code}") from None
        given[code] = value
    return given


def grade(
    drill: dict[str, Any], answer: dict[str, Any], rules: dict[str, dict[str, Any]], codes: dict[str, dict[str, Any]]
) -> dict:
    """Right when the answer equals any allocation the rule allows; the engine's result explains why."""
    regenerated = generate(drill["seed"], drill["level"], rules, codes)
    entries = [(row["code"], row["minutes"]) for row in regenerated["entries"]]
    result = units.compute(entries, rules[regenerated["rule"]], codes)
    given = _answer_units(regenerated, answer)
    accepted = [result["units"], *result["alternatives"]]
    correct = given in accepted or units.accepts(entries, rules[regenerated["rule"]], codes, given)
    wrong = sorted(c for c in given if all(given[c] != a[c] for a in accepted))
    return {"correct": correct, "your_units": given, "accepted": accepted, "wrong_codes": wrong, "result": result}
