"""Minutes to billable units: input checks, the 15-minute table and the unit algorithms.

Public API (used by the command line, the browser worker through engine.api, the
build's guidance page and the training drills):

- `table_units(minutes, unit_minutes, min_minutes)`: the 15-minute table.
- `table_band(units, unit_minutes, min_minutes)`: the minutes range that gives `units`.
- `check_entries(entries, rule, codes)`: validated entries, or `UnitInputError`.
- `allowed_allocations(timed_minutes, rule)`: the allocations of timed units the rule allows (at most
  MAX_ALLOCATIONS of them; ties can allow hundreds of thousands).
- `compute(entries, rule, codes)`: the full result with steps, as a JSON-ready dict: `units`, up to
  MAX_ALLOCATIONS - 1 `alternatives` and `more_alternatives`, the count of allowed ones not listed.
- `accepts(entries, rule, codes, answer)`: whether billed units per code are one of the allowed
  allocations, listed or not (what drills and practice grade with).

Ties are never enumerated past MAX_ALLOCATIONS: the work is linear in the number of codes.

A first-15-minutes code with an add-on (97129 with 97130) is entered once, on the
primary code, with all its minutes: it is one timed service in the arithmetic (in
Medicare's pooled total and leftover comparison, or on its own per code), and the
units it gets are then billed as 1 unit of the primary code and the rest on the add-on.
The add-on's key is always in `units` and in every allocation of `alternatives` (0 when
it gets no unit), right after its primary code, so every allocation has the same keys.
Entering the add-on code itself (alone or next to its primary) is a UnitInputError.

Rules arrive as data (data/payers/<rule>.yaml through the build's JSON): the
`algorithm` names one of ALGORITHMS, `parameters` give its numbers.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from itertools import combinations, islice, product
from math import comb
from typing import Any

from engine import explain, numbers, payer_status

ALGORITHMS = ("pooled_total", "per_code_midpoint")
TIMED_BASES = frozenset({"timed_15"})
SERVICE_BASES = frozenset({"service"})
#: a first-15-minutes primary code (with `addon_code`): one timed service, its units split primary/add-on
PAIRED_BASES = frozenset({"first_15_then_addon"})
#: unit bases the calculator refuses, with the reason given to the user
REFUSED_BASES = {
    "per_area": "it is billed per body area or per application, not by minutes",
    "first_2h_then_1h": "it is billed as a first two hours plus each further hour with an add-on code, "
    "not in 15-minute units",
    "per_encounter_time": "it has its own unit length (with an add-on code), not the 15-minute table",
    "bundled": "the payer does not pay it separately, so it has no units of its own",
    "unlisted": "an unlisted code is counted as the payer instructs",
}
#: what every refusal adds: the refused code's minutes matter to the rest of a pooled day
REFUSED_ADVICE = (
    "Under a pooled rule such as Medicare's, any timed minutes it has belong in the day's total and can change "
    "the units of the other timed codes, so the calculator's answer for the other codes alone could be wrong"
)
REFUSED_FIX = (
    "count the whole day by hand by the payer's rule, with this code included, or check the code with the payer"
)
DEFAULT_MAX_MINUTES = 24 * 60
#: the most allocations a result lists (the preferred one plus alternatives); the rest are only counted
MAX_ALLOCATIONS = 6


class UnitInputError(ValueError):
    """Input the unit math cannot accept; the message names the field and the fix.

    `field` is the form field it belongs to: "rule", "entries.<i>.code", "entries.<i>.minutes",
    or None when the entries as a whole are wrong (none given, more than a day).
    """

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


@dataclass(frozen=True)
class Entry:
    """One checked code of the day: its kind is 'timed' or 'service'; a timed primary code names its `addon`."""

    code: str
    minutes: int | None
    kind: str
    name: str = ""
    addon: str = ""


def table_units(minutes: int, unit_minutes: int = 15, min_minutes: int = 8) -> int:
    """Units for a number of minutes by the 15-minute table (8-22 = 1, 23-37 = 2, ...)."""
    if minutes < min_minutes:
        return 0
    return (minutes + unit_minutes - min_minutes) // unit_minutes


def table_band(units: int, unit_minutes: int = 15, min_minutes: int = 8) -> tuple[int, int]:
    """The inclusive range of minutes that gives `units` by the table (0 units: 0 to min_minutes - 1)."""
    if units <= 0:
        return 0, min_minutes - 1
    low = min_minutes + (units - 1) * unit_minutes
    return low, low + unit_minutes - 1


def _params(rule: dict[str, Any]) -> tuple[int, int, int]:
    params = rule.get("parameters", {})
    unit, low = int(params.get("unit_minutes", 15)), int(params.get("min_minutes", 8))
    if rule.get("algorithm") not in ALGORITHMS:
        raise UnitInputError(
            f"rule {rule.get('id')!r} must name a known algorithm: {rule.get('algorithm')!r} "
            f"(fix: use one of {', '.join(ALGORITHMS)})",
            "rule",
        )
    if not 1 <= low <= unit:
        raise UnitInputError(f"rule {rule.get('id')!r}: min_minutes must be between 1 and unit_minutes", "rule")
    return unit, low, int(params.get("max_minutes_per_day", DEFAULT_MAX_MINUTES))


def _minutes(code: str, value: Any, field: str) -> int | None:
    """Whole minutes from an int, an integral float or digits only ("2_3", "2e1" refused); None stays None."""
    if value is None:
        return None
    if isinstance(value, bool):
        raise UnitInputError(
            f"minutes for {code} must be a number, not {numbers.clip(value)} (fix: write digits, e.g. 23)", field
        )
    text = value.strip() if isinstance(value, str) else None
    negative = text is not None and text.startswith("-") and numbers.DIGITS.fullmatch(text[1:])
    if negative or (isinstance(value, (int, float)) and value < 0):
        shown = text if text is not None else f"{value:g}"
        raise UnitInputError(f"minutes for {code} must be 0 or more: {shown} (fix: remove the minus sign)", field)
    decimal = text is not None and re.fullmatch(r"[0-9]{1,9}\.[0-9]{0,8}[1-9]", text)
    if decimal or (isinstance(value, float) and value == value and abs(value) != float("inf") and value % 1):
        shown = text if text is not None else f"{value:g}"
        raise UnitInputError(
            f"minutes for {code} must be whole minutes: {shown} (fix: record whole minutes, as the note does)", field
        )
    try:
        return numbers.whole(value)
    except ValueError as exc:
        raise UnitInputError(
            f"minutes for {code} must be a whole number: {numbers.clip(value)}; {exc} "
            "(fix: write the minutes as digits, e.g. 23)",
            field,
        ) from None


def check_entries(
    entries: list[tuple[str, Any]], rule: dict[str, Any], codes: dict[str, dict[str, Any]]
) -> list[Entry]:
    """Validate one day's (code, minutes) pairs against the code registry; return them checked."""
    _, _, max_minutes = _params(rule)
    if not entries:
        raise UnitInputError("codes: give at least one code with its minutes (fix: e.g. 97110=23)")
    checked: list[Entry] = []
    seen: set[str] = set()
    for i, (raw_code, raw_minutes) in enumerate(entries):
        code = str(raw_code).strip().upper()
        if code not in codes:
            raise UnitInputError(
                f"code {numbers.clip(raw_code)} is not one the calculator knows "
                "(fix: check the number against the code list)",
                f"entries.{i}.code",
            )
        if code in seen:
            raise UnitInputError(
                f"code {code} is given twice (fix: add its minutes together on one line; "
                "a timed code is reported on one line per day)",
                f"entries.{i}.code",
            )
        seen.add(code)
        minutes = _minutes(code, raw_minutes, f"entries.{i}.minutes")
        info = codes[code]
        basis = info.get("unit_basis")
        addon = str(info.get("addon_code") or "") if basis in PAIRED_BASES else ""
        if basis in PAIRED_BASES and info.get("primary_code"):
            raise UnitInputError(_addon_alone(code, str(info["primary_code"]), codes), f"entries.{i}.code")
        if basis in TIMED_BASES or addon:
            if minutes is None:
                raise UnitInputError(
                    f"minutes for {code} are missing: it is a timed code (fix: give its minutes, e.g. {code}=23)",
                    f"entries.{i}.minutes",
                )
            kind = "timed"
        elif basis in SERVICE_BASES:
            kind = "service"
        else:
            reason = REFUSED_BASES.get(str(basis), f"its unit basis {basis!r} is not one this calculator handles")
            raise UnitInputError(
                f"code {code} cannot be counted by this calculator: {reason}. {REFUSED_ADVICE} (fix: {REFUSED_FIX})",
                f"entries.{i}.code",
            )
        if refused := payer_status.refusal(code, kind, rule):
            raise UnitInputError(refused, f"entries.{i}.code")
        checked.append(Entry(code, minutes, kind, str(info.get("name", "")), addon))
    total = sum(e.minutes or 0 for e in checked)
    big = [f"entries.{i}.minutes" for i, e in enumerate(checked) if (e.minutes or 0) > max_minutes]
    if total > max_minutes:
        raise UnitInputError(
            f"minutes must add up to one day ({max_minutes} minutes) or less: {total} "
            "(fix: check the minutes for a typo)",
            big[0] if len(big) == 1 else None,
        )
    return checked


def _addon_alone(code: str, primary: str, codes: dict[str, dict[str, Any]]) -> str:
    """The message for an add-on code entered itself (alone or next to its primary code)."""
    what = str(codes.get(primary, {}).get("name", primary)).split(",")[0].strip().lower()
    return (
        f"code {code} is not entered itself: it is the add-on of {primary}, and the minutes of both are one "
        f"service (fix: enter all {what} minutes on {primary}; the engine puts the first unit on {primary} "
        f"and each further unit on {code})"
    )


def _pooled(timed: dict[str, int], unit: int, low: int) -> tuple[list[dict[str, int]], dict[str, Any]]:
    """Medicare: table on the total, full units first, the rest to the largest leftovers (ties: all choices)."""
    total = sum(timed.values())
    allowed = table_units(total, unit, low)
    full = {c: m // unit for c, m in timed.items()}
    left = {c: m % unit for c, m in timed.items()}
    extra = allowed - sum(full.values())
    sure: list[str] = []
    tied: list[str] = []
    if extra > 0:
        cut = sorted(left.values(), reverse=True)[extra - 1]
        sure = [c for c in timed if left[c] > cut]
        tied = [c for c in timed if left[c] == cut]
    need = extra - len(sure) if extra > 0 else 0
    # lazily: only the first MAX_ALLOCATIONS choices are built, the others counted
    choices = list(islice(combinations(tied, need), MAX_ALLOCATIONS)) if extra > 0 else [()]
    allocations = [{c: full[c] + (c in sure or c in chosen) for c in timed} for chosen in choices]
    trace = {"total": total, "allowed": allowed, "full": full, "left": left, "extra": max(extra, 0)}
    trace.update(sure=sure, tied=tied, need=need, more=(comb(len(tied), need) if extra > 0 else 1) - len(choices))
    return allocations, trace


def allowed_allocations(timed_minutes: dict[str, int], rule: dict[str, Any]) -> list[dict[str, int]]:
    """The allocations of timed units the rule allows (at most MAX_ALLOCATIONS), the preferred (input order) first.

    Keys are timed services: a primary code with an add-on is one service here, before the split.
    """
    unit, low, _ = _params(rule)
    if rule["algorithm"] == "pooled_total":
        return _pooled(timed_minutes, unit, low)[0]
    return [{c: table_units(m, unit, low) for c, m in timed_minutes.items()}]


def _billed(units: dict[str, int], checked: list[Entry]) -> dict[str, int]:
    """Units per billed code: service codes 1; a primary code its first unit, its add-on every further one."""
    out: dict[str, int] = {}
    for e in checked:
        if e.kind == "service":
            out[e.code] = 1
        elif e.addon:
            out[e.code] = min(1, units[e.code])
            out[e.addon] = units[e.code] - out[e.code]
        else:
            out[e.code] = units[e.code]
    return out


def _warnings(checked: list[Entry], rule: dict[str, Any]) -> list[str]:
    out = []
    for code, status in payer_status.statuses(rule).items():
        if status.get("use") and any(e.code == code for e in checked):
            why = " ".join(status["why"].split())
            out.append(f"{code}: the payer of this rule wants {status['use']} instead. {why}")
    return out


def _allocate(
    entries: list[tuple[str, Any]], rule: dict[str, Any], codes: dict[str, dict[str, Any]]
) -> tuple[int, int, list[Entry], dict[str, int], list[dict[str, int]], dict[str, Any]]:
    """The checked entries, their timed minutes, and the rule's allocations with its trace (empty per code)."""
    unit, low, _ = _params(rule)
    checked = check_entries(entries, rule, codes)
    timed = {e.code: int(e.minutes or 0) for e in checked if e.kind == "timed"}
    if rule["algorithm"] == "pooled_total":
        allocations, trace = _pooled(timed, unit, low)
    else:
        allocations, trace = [{c: table_units(m, unit, low) for c, m in timed.items()}], {}
    return unit, low, checked, timed, allocations, trace


def compute(entries: list[tuple[Any, ...]], rule: dict[str, Any], codes: dict[str, dict[str, Any]]) -> dict:
    """Units for one day's codes under `rule`, with every allowed alternative and the steps explained.

    An entry is (code, minutes), or (code, minutes, discipline) with discipline "PT", "OT", "SLP" or a
    co-treated block "PT+OT" (see `compute_disciplines`). Entries without a discipline are counted exactly as
    before; their `lines` carry no discipline and no modifier.
    """
    if any(len(e) > 2 and e[2] is not None for e in entries):
        return compute_disciplines(entries, rule, codes)
    result = _compute_day([(e[0], e[1]) for e in entries], rule, codes)
    result["lines"] = _lines(result, _checked_minutes(entries), None, None)
    return result


def _compute_day(entries: list[tuple[str, Any]], rule: dict[str, Any], codes: dict[str, dict[str, Any]]) -> dict:
    """One clinician's (or one discipline's) day: the pooled or per-code arithmetic with its steps."""
    unit, low, checked, timed, allocations, trace = _allocate(entries, rule, codes)
    given = {e.code for e in checked}
    full, status_notes = payer_status.apply([_billed(a, checked) for a in allocations], rule)
    timed_units = sum(allocations[0].values())
    result = {
        "rule": rule["id"],
        "timed_minutes": sum(timed.values()),
        "treatment_minutes": sum(e.minutes or 0 for e in checked),
        "timed_units": timed_units,
        "total_units": sum(full[0].values()),
        "units": full[0],
        "alternatives": full[1:],
        "more_alternatives": trace.get("more", 0),
        "warnings": _warnings(checked, rule),
    }
    context = {"rule": rule, "unit": unit, "low": low, "entries": checked, "pooled": trace}
    context["service_units"] = allocations
    context["status_notes"] = status_notes
    context["status_codes"] = [c for c in full[0] if c in given and full[0][c] != _billed(allocations[0], checked)[c]]
    result["steps"] = explain.steps(context, result, table_band)
    return result


def accepts(
    entries: list[tuple[str, Any]], rule: dict[str, Any], codes: dict[str, dict[str, Any]], answer: dict[str, int]
) -> bool:
    """Whether `answer` (units per billed code) is an allocation the rule allows, listed in a result or not.

    Checked without enumerating: the sure codes and untied codes must match the preferred allocation, each
    tied code gets its full units or one more, exactly `need` of them one more (linear in the codes).
    """
    if any(len(e) > 2 and e[2] is not None for e in entries):
        raise UnitInputError("grading takes one clinician's minutes (fix: give the entries without @discipline)")
    entries = [(e[0], e[1]) for e in entries]
    _unit, _low, checked, _timed, allocations, trace = _allocate(entries, rule, codes)
    if trace.get("more", 0) <= 0:
        return answer in [payer_status.apply_to(_billed(a, checked), rule)[0] for a in allocations]
    first, tied = allocations[0], set(trace["tied"])
    service: dict[str, int] = {}
    for e in checked:
        if e.kind == "timed":
            service[e.code] = answer.get(e.code, -1) + (answer.get(e.addon, -1) if e.addon else 0)
    if set(answer) != set(payer_status.apply_to(_billed(first, checked), rule)[0]):
        return False
    raised = 0
    for code, n in service.items():
        base = trace["full"][code] + (code in trace["sure"])
        if code in tied and n == base + 1:
            raised += 1
        elif n != base:
            return False
    candidate = {c: service.get(c, 0) for c in first}
    return raised == trace["need"] and answer == payer_status.apply_to(_billed(candidate, checked), rule)[0]


# --- disciplines and co-treatment -------------------------------------------------------------------------------

#: how many allowed per-discipline combinations are looked at to list alternatives (the rest are only counted)
MAX_COMBINATIONS = MAX_ALLOCATIONS


def _checked_minutes(entries: list[tuple[Any, ...]]) -> dict[str, Any]:
    """The minutes as entered, per code upper-cased (for the `lines` of a day without disciplines)."""
    return {str(e[0]).strip().upper(): e[1] for e in entries}


def _lines(result: dict[str, Any], minutes: dict[str, Any], discipline: str | None, modifier: str | None) -> list:
    """One claim line per billed code: the code, its discipline and modifier, the minutes entered on it, its units.

    An add-on code's minutes are entered on its primary code, so its line shows None.
    """
    out = []
    for code, n in result["units"].items():
        given = minutes.get(code)
        shown = numbers.whole(given) if given is not None and not isinstance(given, bool) else None
        out.append({"code": code, "discipline": discipline, "modifier": modifier, "minutes": shown, "units": n})
    return out


def co_treatment(rule: dict[str, Any]) -> dict[str, Any]:
    """The rule's co_treatment block, or a UnitInputError naming the fix when the rule has none."""
    block = rule.get("co_treatment")
    if not isinstance(block, dict) or not block.get("disciplines"):
        raise UnitInputError(
            f"rule {rule.get('id')!r} has no discipline data, so @PT/@OT/@SLP cannot be used with it "
            "(fix: leave out the @ part, or choose a rule that has a co_treatment block)",
            "rule",
        )
    return block


def _disciplines_of(raw: Any, i: int, text: str, known: dict[str, dict[str, Any]]) -> list[str]:
    """'PT' -> ['PT']; 'PT+OT' -> ['PT', 'OT']; unknown or repeated disciplines are a UnitInputError."""
    names = [p.strip().upper() for p in str(raw).split("+")]
    choices = ", ".join(f"@{d}" for d in known)
    for name in names:
        if name not in known:
            shown = _shown(name) if name else "nothing"
            raise UnitInputError(
                f"{text}: the discipline after @ must be one of {choices}, not {shown} "
                f"(fix: e.g. {text.split('@')[0]}@PT; a block two disciplines treated together is written @PT+OT)",
                f"entries.{i}.discipline",
            )
    if len(set(names)) < len(names):
        twice = next(n for n in names if names.count(n) > 1)
        raise UnitInputError(
            f"{text}: names {twice} twice; a co-treated block is two different disciplines at the same time "
            f"(fix: @{twice} alone for one discipline's minutes, or two different ones, e.g. @PT+OT)",
            f"entries.{i}.discipline",
        )
    return names


def _n_units(n: int) -> str:
    return f"{n} unit" if n == 1 else f"{n} units"


def _shown(value: Any) -> str:
    """A value as the user typed it, for messages: printable, at most 24 characters."""
    text = "".join(ch for ch in str(value).strip() if ch.isprintable())
    return text if len(text) <= 24 else text[:23] + "\u2026"


def _shares(minutes: int, names: list[str], unit: int, low: int) -> tuple[int, dict[str, int], dict[str, int]]:
    """How a co-treated block is divided: its units by the table, then those units and the minutes behind them.

    The block earns `table_units(minutes)` units, as one clinician's block would; they are divided as evenly as
    whole units allow (an odd unit to the discipline named first), and the minutes follow the units in
    proportion (any odd minute to the first named). A discipline left with no unit gets none of the minutes,
    so no minute is counted twice and each share, alone, earns exactly its units. A block under the first
    unit's minutes earns none, and its minutes all go to the discipline named first.
    Returns (block units, units per discipline, minutes per discipline).
    """
    total = table_units(minutes, unit, low)
    if total == 0:
        return 0, dict.fromkeys(names, 0), {d: (minutes if k == 0 else 0) for k, d in enumerate(names)}
    base, extra = divmod(total, len(names))
    units_of = {d: base + (k < extra) for k, d in enumerate(names)}
    minutes_of = {d: minutes * n // total for d, n in units_of.items()}
    left = minutes - sum(minutes_of.values())
    for d in [d for d in names if units_of[d]][:left]:
        minutes_of[d] += 1
    return total, units_of, minutes_of


def compute_disciplines(
    entries: list[tuple[Any, ...]], rule: dict[str, Any], codes: dict[str, dict[str, Any]]
) -> dict[str, Any]:
    """Units per discipline: each entry names its discipline (97110=20@PT) or a co-treated block (97530=30@PT+OT).

    The rule's co_treatment block says how a shared block is billed: `divide` (Medicare Part B: the disciplines
    together bill it once, so the units it earns by the table are divided between them, with the minutes behind
    them; see `_shares`), `check_payer` (the same division as a stand-in, with a warning) or `full_each` (each
    discipline counts all of it). Each discipline's minutes are then counted on their own by the rule's
    algorithm, and every line carries that discipline's modifier. `units` holds the units per code over all
    disciplines; `lines` one line per code and discipline; `alternatives` the other per-code totals found among
    the first MAX_COMBINATIONS combinations of the disciplines' allowed allocations, `more_alternatives` how
    many combinations were not looked at.
    """
    block = co_treatment(rule)
    known = {str(d["id"]): d for d in block["disciplines"]}
    _, _, max_minutes = _params(rule)
    if not entries:
        raise UnitInputError("codes: give at least one code with its minutes (fix: e.g. 97110=23@PT)")
    per: dict[str, dict[str, Any]] = {}  # discipline -> code -> minutes (None for a service code without minutes)
    origin: dict[str, dict[str, int]] = {}  # discipline -> code -> index of the first entry that gave it
    seen: dict[tuple[str, tuple[str, ...]], int] = {}
    singles: dict[str, dict[str, Any]] = {}  # code -> discipline -> minutes as given alone
    shared: list[tuple[str, int, list[str], dict[str, int], dict[str, int]]] = []
    total = 0
    for i, entry in enumerate(entries):
        raw_code, raw_minutes = entry[0], entry[1]
        raw_disc = entry[2] if len(entry) > 2 else None
        code = str(raw_code).strip().upper()
        given = _shown(raw_code) + ("" if raw_minutes is None else "=" + _shown(raw_minutes))
        text = f"{given}@{_shown(raw_disc)}" if raw_disc is not None else given
        if raw_disc is None:
            raise UnitInputError(
                f"entry {i + 1} ({given}) has no discipline while others have one "
                f"(fix: give every entry its discipline, e.g. {given}@PT, @OT or @SLP)",
                f"entries.{i}.discipline",
            )
        names = _disciplines_of(raw_disc, i, text, known)
        key = (code, tuple(sorted(names)))
        if key in seen:
            raise UnitInputError(
                f"{text}: code {code} is given twice for {'+'.join(names)} (fix: add its minutes together "
                "on one entry; a timed code is reported on one line per discipline per day)",
                f"entries.{i}.code",
            )
        seen[key] = i
        minutes = _minutes(code, raw_minutes, f"entries.{i}.minutes")
        if len(names) > 1:
            if code not in codes:
                raise UnitInputError(
                    f"code {_shown(raw_code)} is not one the calculator knows "
                    "(fix: check the number against the code list)",
                    f"entries.{i}.code",
                )
            if codes[code].get("unit_basis") in SERVICE_BASES:
                raise UnitInputError(
                    f"{text}: only a timed code's minutes can be shared by disciplines; a service-based code is "
                    f"billed once, by one discipline (fix: give it to the discipline that furnished it, e.g. "
                    f"{code}@{names[0]})",
                    f"entries.{i}.discipline",
                )
            try:  # refused unit bases, missing minutes, an add-on entered itself: the usual message
                check_entries([(code, minutes)], rule, codes)
            except UnitInputError as exc:
                where = f"entries.{i}.{exc.field.split('.', 2)[2]}" if exc.field else None
                raise UnitInputError(f"{text}: {exc}", where) from None
            if block["shared_minutes"] == "full_each":
                parts, earned = dict.fromkeys(names, minutes), {}
            else:
                unit, low, _ = _params(rule)
                _total, earned, parts = _shares(minutes, names, unit, low)
            shared.append((code, minutes, names, parts, earned))
        else:
            parts = {names[0]: minutes}
            singles.setdefault(code, {})[names[0]] = minutes
        total += minutes or 0
        for d, m in parts.items():
            if len(names) > 1 and not m and d != names[0]:
                continue  # a discipline left with no unit of the block bills none of its minutes
            day = per.setdefault(d, {})
            if code in day and (day[code] is None or m is None):
                raise UnitInputError(
                    f"{text}: service-based code {code} is given twice for {d} (fix: one entry per discipline)",
                    f"entries.{i}.code",
                )
            day[code] = m if code not in day else day[code] + m
            origin.setdefault(d, {}).setdefault(code, i)
    if total > max_minutes:
        raise UnitInputError(
            f"minutes must add up to one day ({max_minutes} minutes) or less: {total} "
            "(fix: check the minutes for a typo; a co-treated block is entered once, as @PT+OT)",
            None,
        )
    results: dict[str, dict[str, Any]] = {}
    for d, day in per.items():
        try:
            results[d] = _compute_day(list(day.items()), rule, codes)
        except UnitInputError as exc:
            field = exc.field
            if field and field.startswith("entries."):
                idx = int(field.split(".")[1])
                field = f"entries.{origin[d][list(day)[idx]]}.{field.split('.', 2)[2]}"
            raise UnitInputError(f"{d} ({known[d]['name']}): {exc}", field) from None
    return _combine(results, per, known, block, shared, singles, rule)


def _combine(
    results: dict[str, dict[str, Any]],
    per: dict[str, dict[str, Any]],
    known: dict[str, dict[str, Any]],
    block: dict[str, Any],
    shared: list[tuple[str, int, list[str], dict[str, int], dict[str, int]]],
    singles: dict[str, dict[str, Any]],
    rule: dict[str, Any],
) -> dict[str, Any]:
    """The disciplines' results as one day: totals, per-code units, claim lines, warnings and steps."""
    order = list(results)
    units_total: dict[str, int] = {}
    lines: list[dict[str, Any]] = []
    for d in order:
        for code, n in results[d]["units"].items():
            units_total[code] = units_total.get(code, 0) + n
        lines += _lines(results[d], per[d], d, str(known[d]["modifier"]))
    options = [[r["units"], *r["alternatives"]] for r in (results[d] for d in order)]
    counts = [len(o) + results[d].get("more_alternatives", 0) for o, d in zip(options, order, strict=True)]
    alternatives: list[dict[str, int]] = []
    looked = 0
    for combo in islice(product(*options), MAX_COMBINATIONS):
        looked += 1
        summed = {c: 0 for c in units_total}
        for alloc in combo:
            for c, n in alloc.items():
                summed[c] += n
        if summed != units_total and summed not in alternatives:
            alternatives.append(summed)
    every = 1
    for n in counts:
        every *= n
    result = {
        "rule": rule["id"],
        "timed_minutes": sum(r["timed_minutes"] for r in results.values()),
        "treatment_minutes": sum(r["treatment_minutes"] for r in results.values()),
        "timed_units": sum(r["timed_units"] for r in results.values()),
        "total_units": sum(r["total_units"] for r in results.values()),
        "units": units_total,
        "alternatives": alternatives,
        "more_alternatives": every - looked,
        "warnings": _co_warnings(results, block, shared, singles, rule),
    }
    result["steps"] = _co_steps(results, per, known, block, shared)
    result["lines"] = lines
    return result


def _co_warnings(
    results: dict[str, dict[str, Any]],
    block: dict[str, Any],
    shared: list[tuple[str, int, list[str], dict[str, int], dict[str, int]]],
    singles: dict[str, dict[str, Any]],
    rule: dict[str, Any],
) -> list[str]:
    out: list[str] = []
    for code, by in singles.items():
        same = [d for d, m in by.items() if m is not None]
        values = {by[d] for d in same}
        if len(same) > 1 and len(values) == 1:
            m = values.pop()
            out.append(
                f"{code} is entered for {' and '.join(same)} with the same {m} min each, so it is counted as "
                f"{len(same)} separate sessions. If they treated the patient at the same time, it is a co-treatment: "
                f"write {code}={m}@{'+'.join(same)}, and the minutes are billed once between them."
            )
    if shared and block["shared_minutes"] == "check_payer":
        out.append(
            f"Co-treatment under the {rule['label']} rule: its source sets no rule for two disciplines at the same "
            "time, so the calculator divided the shared minutes as Medicare Part B does, only as a stand-in; "
            "check the payer's policy."
        )
    for d, r in results.items():
        out += [f"{d}: {w}" for w in r["warnings"] if f"{d}: {w}" not in out]
    return out


def _co_steps(
    results: dict[str, dict[str, Any]],
    per: dict[str, dict[str, Any]],
    known: dict[str, dict[str, Any]],
    block: dict[str, Any],
    shared: list[tuple[str, int, list[str], dict[str, int], dict[str, int]]],
) -> list[str]:
    flag = " (unverified: only secondary sources state this rule for this payer)" if block.get("unverified") else ""
    out = []
    for code, minutes, names, parts, earned in shared:
        if block["shared_minutes"] == "full_each":
            out.append(
                f"{code}: {minutes} min co-treated by {' and '.join(names)}; this rule lets each "
                f"discipline count the whole block, so each gets {minutes} min{flag}."
            )
            continue
        how = (
            f"Under this rule the disciplines together bill the block once, not each in full{flag}"
            if block["shared_minutes"] == "divide"
            else "This rule's source sets nothing for co-treatment, so Medicare Part B's division is used as a "
            "stand-in (check the payer)"
        )
        split = " and ".join(f"{_n_units(earned[d])} ({m} min) to {d}" for d, m in parts.items())
        block_units = sum(earned.values())
        text = (
            f"{code}: {minutes} min co-treated by {' and '.join(names)}. {how}. By the 15-minute table the block "
            f"is worth {_n_units(block_units)}, as one clinician's {minutes} min would be; the calculator divides "
            f"the units as evenly as whole units allow (an odd unit to the discipline named first) and the minutes "
            f"with them: {split}."
        )
        if block_units == 0:
            text += " The block earns no unit on its own, so its minutes go to the discipline named first."
        if block.get("one_may_bill_all"):
            text += (
                f" The payer also allows one discipline to bill all {minutes} min instead "
                f"(enter it as {code}={minutes}@{names[0]} or {code}={minutes}@{names[1]})."
            )
        out.append(text)
    note = next((n for n in block.get("notes", []) if n.get("id") == "eight-minute-rule-per-discipline"), None)
    count = (
        "Each discipline's minutes are counted on their own by this rule's arithmetic (under Medicare, the "
        "pooled total and the 8-minute table per discipline), never across two disciplines, and each line "
        "carries that discipline's modifier"
    )
    if note and note.get("unverified"):
        count += " (unverified: the per-discipline count is stated only by a secondary source)"
    out.append(count + ": " + ", ".join(f"{d} {known[d]['modifier']}" for d in results) + ".")
    first = next(iter(results.values()))["steps"]
    shared_by_all = [s for s in first[:2] if all(s in r["steps"] for r in results.values())]
    common = [s for s in shared_by_all if s.startswith("Rule:") or s == explain.WHAT_COUNTS]
    out += common
    for d, r in results.items():
        minutes = " + ".join(f"{m} min of {c}" for c, m in per[d].items() if m is not None) or "no timed minutes"
        out.append(f"{d} ({known[d]['name']}, {known[d]['modifier']}): {minutes}.")
        out += [f"{d}: {s}" for s in r["steps"] if s not in common]
    return out
