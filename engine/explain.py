"""Plain-words steps for a unit calculation, written for a student following along.

`steps(context, result, band)` turns what engine.units worked out into sentences.
It computes nothing the result does not already hold; every sum it prints is
written as an equation ("33 min of 97110 + 7 min of 97140 = 40 min") so tests
can check that the numbers in the steps add up to the result.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

WHAT_COUNTS = (
    "What counts: only the minutes of direct, skilled, one-on-one treatment for each timed code. "
    "Rest breaks, set-up without the patient and time spent on documentation are not counted."
)


def _n(count: int, word: str) -> str:
    return f"{count} {word}" if count == 1 else f"{count} {word}s"


def _join(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def _table_hint(band: Callable[..., tuple[int, int]], unit: int, low: int) -> str:
    rows = [f"{'-'.join(map(str, band(n, unit, low)))} min = {_n(n, 'unit')}" for n in (1, 2, 3)]
    return f"({', '.join(rows)}, and so on in steps of {unit})"


def _row(minutes: int, band: Callable[..., tuple[int, int]], unit: int, low: int, units: int) -> str:
    if units == 0:
        return f"{minutes} min is under {low} min = 0 units"
    lo, hi = band(units, unit, low)
    return f"{minutes} min falls in the {lo}-{hi} min row = {_n(units, 'unit')}"


def _service_steps(entries: list[Any], changed: set[str]) -> list[str]:
    out = []
    for e in entries:
        if e.kind != "service":
            continue
        text = (
            f"{e.code} ({e.name}) is service-based: it is billed as 1 unit whatever the time, "
            "and its minutes never count toward timed units."
        )
        if e.minutes is None:
            text += " No minutes were given for it; its time still belongs in the total treatment time of the note."
        else:
            text += (
                f" The {e.minutes} min given for it are left out of the timed minutes; "
                "they count only toward the total treatment time."
            )
        if e.code in changed:
            text += " The payer's status for this code, below, changes what is billed."
        out.append(text)
    return out


def _pair_intro(entries: list[Any], pooled: bool) -> list[str]:
    out = []
    for e in entries:
        if not e.addon:
            continue
        where = (
            "so they go into the day's pooled total and the leftover comparison like any other timed code "
            "(Medicare pools the minutes of all timed codes, Pub. 100-04 ch. 5 sec. 20.2)"
            if pooled
            else "so they are looked up in the table as one code"
        )
        out.append(
            f"{e.code} and {e.addon} are one timed service: {e.code} carries its first 15-minute unit and "
            f"{e.addon} each further unit. All {e.minutes} min of it were entered on {e.code}, {where}; "
            f"the units it gets are split between the two codes at the end."
        )
    return out


def _pair_split(entries: list[Any], allocations: list[dict[str, int]]) -> list[str]:
    out = []
    for e in entries:
        if not e.addon:
            continue
        n = allocations[0][e.code]
        if n == 0:
            text = f"The {e.code} service gets no unit, so neither {e.code} nor {e.addon} is billed."
        else:
            text = (
                f"Split of the {e.code} service's {_n(n, 'unit')}: the first unit is billed as {e.code} and "
                f"each further one as {e.addon}, so {_n(1, 'unit')} of {e.code} and {_n(n - 1, 'unit')} of {e.addon}."
            )
        if len({a[e.code] for a in allocations}) > 1:
            text += (
                f" In the other allowed choices below, the {e.code} service's units are split the same way "
                f"(first unit {e.code}, any further unit {e.addon})."
            )
        out.append(text)
    return out


def _timed_sum(timed: list[Any]) -> str:
    total = sum(e.minutes for e in timed)
    return " + ".join(f"{e.minutes} min of {e.code}" for e in timed) + f" = {total} min"


def _pooled_steps(ctx: dict[str, Any], band: Callable[..., tuple[int, int]]) -> list[str]:
    unit, low, tr = ctx["unit"], ctx["low"], ctx["pooled"]
    timed = [e for e in ctx["entries"] if e.kind == "timed"]
    out = [f"Total timed minutes (Medicare adds up the minutes of all timed codes): {_timed_sum(timed)}."]
    allowed = tr["allowed"]
    out.append(
        f"By the {unit}-minute table, {_row(tr['total'], band, unit, low, allowed)} "
        f"in all for the day {_table_hint(band, unit, low)}."
    )
    if allowed == 0:
        if len(timed) == 1:
            out.append(f"One timed service under {low} minutes on its own is not billed.")
        else:
            out.append(f"Together the timed services took under {low} minutes, so no timed unit is billed.")
        return out
    full, left = tr["full"], tr["left"]
    parts = [
        f"{e.code}: {e.minutes} min = {_n(full[e.code], 'full unit')}, {left[e.code]} min left over" for e in timed
    ]
    full_sum = sum(full.values())
    out.append(
        f"Full {unit}-minute units first: {'; '.join(parts)}. "
        f"Full units: {' + '.join(str(full[e.code]) for e in timed)} = {full_sum}."
    )
    extra = tr["extra"]
    if extra == 0:
        out.append(f"All {_n(allowed, 'unit')} are full units; the leftover minutes do not reach another unit.")
        return out
    out.append(
        f"{_n(allowed, 'unit')} allowed - {_n(full_sum, 'full unit')} = {_n(extra, 'unit')} left to share, "
        "one each to the codes with the most minutes left over (a code never gets more than one extra unit)."
    )
    winners = tr["sure"] + (tr["tied"] if tr["need"] == len(tr["tied"]) else [])
    if winners:
        got = [f"{c} ({left[c]} min left over)" for c in winners]
        out.append(f"The extra {'unit goes' if len(winners) == 1 else 'units go'} to {_join(got)}.")
    if 0 < tr["need"] < len(tr["tied"]):
        value = left[tr["tied"][0]]
        out.append(
            f"{_join(tr['tied'])} have the same leftover ({value} min), so any {tr['need']} of them may take "
            f"{'the unit' if tr['need'] == 1 else 'the units'}: every such choice is correct and "
            f"{_listed(tr.get('more', 0))}; "
            f"never bill the extra {'unit' if tr['need'] == 1 else 'units'} on more of them."
        )
    chosen = set(winners) | (set(tr["tied"]) if 0 < tr["need"] < len(tr["tied"]) else set())
    for e in timed:
        if e.code not in chosen and e.minutes and full[e.code] == 0:
            out.append(
                f"{e.code} gets no unit: its {e.minutes} min still counted toward the {tr['total']}-min total, "
                "and the units went to larger leftovers."
            )
    if len(timed) >= 2 and all(e.minutes < low for e in timed):
        out.append(
            f"Each timed service here took under {low} minutes, but together they reach {low} minutes or more, "
            f"so {_n(tr['allowed'], 'unit')} {'is' if tr['allowed'] == 1 else 'are'} billed, "
            f"{'on the service' if tr['allowed'] == 1 else 'one each on the services'} with the most minutes."
        )
    return out


def _per_code_steps(ctx: dict[str, Any], result: dict, band: Callable[..., tuple[int, int]]) -> list[str]:
    unit, low = ctx["unit"], ctx["low"]
    timed = [e for e in ctx["entries"] if e.kind == "timed"]
    out = [
        f"Each timed code stands on its own: a unit is reached once more than half of it ({low} of {unit} min) "
        "has passed. Payers that follow the CPT rule read it per code, so minutes are not added across codes "
        "(a payer interpretation, not CPT wording)."
    ]
    service_units = ctx["service_units"][0]
    out += [f"{e.code}: {_row(e.minutes, band, unit, low, service_units[e.code])}." for e in timed]
    if len(timed) > 1:
        out.append("Leftover minutes of one code are not carried over to another code.")
    out.append(f"Total timed minutes for the note: {_timed_sum(timed)}.")
    return out


def _unit_sum(units: dict[str, int]) -> str:
    return " + ".join(f"{_n(n, 'unit')} of {c}" for c, n in units.items()) + f" = {_n(sum(units.values()), 'unit')}"


def _status_steps(ctx: dict[str, Any]) -> list[str]:
    """The payer's status lines (bundled, not recognised, exclusive pairs), worked out by engine.payer_status."""
    return [f"Payer status: {note}" for note in ctx.get("status_notes", [])]


def _total_steps(ctx: dict[str, Any], result: dict) -> list[str]:
    n_service = result["total_units"] - result["timed_units"]
    out = [f"Units billed: {_unit_sum(result['units'])} ({result['timed_units']} timed + {n_service} service-based)."]
    out += [f"Also allowed instead: {_unit_sum(alt)}." for alt in result["alternatives"]]
    if result.get("more_alternatives"):
        out.append(f"And {result['more_alternatives']} more allowed allocations, not listed.")
    service_minutes = result["treatment_minutes"] - result["timed_minutes"]
    out.append(
        f"For the note: total timed minutes {result['timed_minutes']} min; total treatment time "
        f"{result['timed_minutes']} timed min + {service_minutes} service-based min given = "
        f"{result['treatment_minutes']} min. Record both."
    )
    return out


def steps(context: dict[str, Any], result: dict, band: Callable[..., tuple[int, int]]) -> list[str]:
    """The steps of one calculation, in order, as plain sentences."""
    rule = context["rule"]
    changed = set(context.get("status_codes", ()))
    out = [f"Rule: {rule['label']}.", WHAT_COUNTS, *_service_steps(context["entries"], changed)]
    if not any(e.kind == "timed" for e in context["entries"]):
        out.append("No timed codes were given, so there are no timed units to work out.")
    else:
        pooled = rule["algorithm"] == "pooled_total"
        out += _pair_intro(context["entries"], pooled)
        out += _pooled_steps(context, band) if pooled else _per_code_steps(context, result, band)
        out += _pair_split(context["entries"], context["service_units"])
    return out + _status_steps(context) + _total_steps(context, result)


def _listed(more: int) -> str:
    """How many of the tied choices a result lists."""
    return "each is listed" if more <= 0 else f"the first few are listed, and {more} more"
