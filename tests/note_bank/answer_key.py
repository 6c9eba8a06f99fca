"""What a visit of the note bank's answer key bills: its blocks' codes and minutes through the unit engine.

The unit engine is tested on published worked examples; the visit reader is scored against it, so a wrong
reading shows as a claim that differs from the key's claim. Shared by tests/test_engine_visit.py and
benchmarks/suggest_accuracy.py.
"""

from __future__ import annotations

from typing import Any

from engine import units


def expected_units(key: dict[str, Any], data: dict[str, Any], rule: str) -> dict[str, int] | None:
    """Units per code (zero-unit codes left out) that the key's blocks bill under `rule`; None when the unit
    engine cannot count the key's claim (a code with its own unit length, such as 97550): such a visit has no
    billed-exactly answer and is left out of that figure.

    Unattended e-stim is G0283 under Medicare and 97014 under the per-code rule, whichever the key names."""
    timed_bases = units.TIMED_BASES | units.PAIRED_BASES
    minutes: dict[str, int] = {}
    services: list[str] = []
    for block in key["blocks"]:
        code = block["code"]
        if code == "none":
            continue
        if code in ("97014", "G0283"):
            code = "G0283" if rule == "cms" else "97014"
        if data["codes"][code].get("unit_basis") in timed_bases:
            if block["minutes"] is not None:
                minutes[code] = minutes.get(code, 0) + block["minutes"]
        elif code not in services:
            services.append(code)
    entries = [(c, str(m)) for c, m in minutes.items()] + [(c, None) for c in services]
    try:
        billed = units.compute(entries, data["rules"][rule], data["codes"])["units"] if entries else {}
    except units.UnitInputError:
        return None
    return {c: n for c, n in billed.items() if n}


def read_blocks(blocks: list[dict[str, Any]]) -> list[tuple[str | None, int | None]]:
    """A visit result's blocks as (code, minutes): "none" for a block read as not billable."""
    return [(b["code"] or ("none" if b["result"] == "not_billable" else None), b["minutes"]) for b in blocks]


def blocks_right(key: dict[str, Any], got: list[tuple[str | None, int | None]]) -> bool:
    """Whether every block of the visit has an acceptable code and the key's minutes, in note order.

    A service the note says was not done and that gives no minutes bills nothing and takes no time; authors
    differ on listing it as a block, so such blocks are left out on both sides before the blocks are compared."""
    got = [g for g in got if g != ("none", None)]
    keyed = [b for b in key["blocks"] if not (b["code"] == "none" and b["minutes"] is None)]
    return len(got) == len(keyed) and all(
        code in b["acceptable"] and minutes == b["minutes"] for (code, minutes), b in zip(got, keyed, strict=True)
    )
