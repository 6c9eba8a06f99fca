"""The unit engine against an oracle written from the rule's constraints, and property tests.

The oracle shares no code with engine.units: it reads the 15-minute table as published rows
(1 unit from 8 minutes, each further unit 15 minutes later), enumerates candidate allocations
and keeps those that satisfy the Medicare constraints of Pub 100-04 ch. 5 sec. 20.2 C:
the total comes from the table on the total timed minutes; each code gets at least its full
15-minute units and at most one more; an extra unit goes only to a code whose leftover minutes
are at least those of every code without one. Service-based codes get 1 unit.

A primary code with an add-on (a fake 97006 with add-on 97007, shaped like 97129/97130) is one
timed service in that enumeration, under its primary code; the oracle then writes its units on
the bill itself: nothing when the service has no unit, else the first on the primary code and
every further one on the add-on.

Hypothesis runs with deadline=None under the profile named by TCG_UNITS_PROFILE
("units-ci" by default, fast; "units-thorough" for a long local run).
"""

from __future__ import annotations

import os
import random
import re
from itertools import product

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from engine.units import UnitInputError, allowed_allocations, compute

settings.register_profile("units-ci", deadline=None, max_examples=60, database=None)
settings.register_profile("units-thorough", deadline=None, max_examples=3000, database=None)
PROFILE = settings.get_profile(os.environ.get("TCG_UNITS_PROFILE", "units-ci"))

TIMED = ["97001", "97002", "97003", "97004"]
SERVICE = "97005"
CODES = {c: {"code": c, "name": f"timed {c}", "unit_basis": "timed_15"} for c in TIMED}
CODES[SERVICE] = {"code": SERVICE, "name": "service", "unit_basis": "service"}
PRIMARY, ADDON = "97006", "97007"
CODES[PRIMARY] = {"code": PRIMARY, "name": "paired, first 15", "unit_basis": "first_15_then_addon", "addon_code": ADDON}
CODES[ADDON] = {
    "code": ADDON,
    "name": "paired, each added 15",
    "unit_basis": "first_15_then_addon",
    "primary_code": PRIMARY,
}
COUNTED_BY_TIME = ("timed_15", "first_15_then_addon")
PARAMS = {"unit_minutes": 15, "min_minutes": 8, "max_minutes_per_day": 1440}
CMS = {"id": "cms", "label": "Medicare test", "algorithm": "pooled_total", "parameters": PARAMS}
AMA = {"id": "ama", "label": "Per-code test", "algorithm": "per_code_midpoint", "parameters": PARAMS}


def oracle_table(minutes: int) -> int:
    """Published rows: 8-22 = 1, 23-37 = 2, ...: count the rows whose lower bound is reached."""
    units, lower = 0, 8
    while minutes >= lower:
        units, lower = units + 1, lower + 15
    return units


def oracle_cms(minutes: dict[str, int], service: list[str]) -> set[tuple[tuple[str, int], ...]]:
    codes = list(minutes)
    total = oracle_table(sum(minutes.values()))
    full = {c: sum(1 for k in range(1, minutes[c] + 1) if k % 15 == 0) for c in codes}
    left = {c: minutes[c] - 15 * full[c] for c in codes}
    allowed = set()
    for alloc in product(*(range(max(0, full[c] - 1), full[c] + 3) for c in codes)):
        units = dict(zip(codes, alloc, strict=True))
        if sum(alloc) != total:
            continue
        if any(not full[c] <= units[c] <= full[c] + 1 for c in codes):
            continue
        extra = [c for c in codes if units[c] > full[c]]
        rest = [c for c in codes if units[c] == full[c]]
        if any(left[c] == 0 for c in extra) or any(left[c] < left[d] for c in extra for d in rest):
            continue
        allowed.add(tuple(sorted({**units, **dict.fromkeys(service, 1)}.items())))
    return allowed


def oracle_bill(service_units: tuple[tuple[str, int], ...]) -> tuple[tuple[str, int], ...]:
    """One allocation of services as billed: the paired service's units become primary + add-on lines."""
    lines = []
    for code, n in service_units:
        if code != PRIMARY:
            lines.append((code, n))
            continue
        lines.append((PRIMARY, 0 if n == 0 else 1))
        lines.append((ADDON, 0 if n == 0 else n - 1))
    return tuple(sorted(lines))


def engine_set(result: dict) -> set[tuple[tuple[str, int], ...]]:
    allocations = [result["units"], *result["alternatives"]]
    assert all(a.keys() == result["units"].keys() for a in allocations), "alternatives must have the same keys"
    found = [tuple(sorted(a.items())) for a in allocations]
    assert len(found) == len(set(found)), "an allocation is listed twice"
    return set(found)


def check_session(minutes: dict[str, int], service: list[str]) -> None:
    entries = [*minutes.items(), *((s, None) for s in service)]
    result = compute(entries, CMS, CODES)
    expected = oracle_cms(minutes, service)
    assert len(expected) >= 1
    assert engine_set(result) == expected, (minutes, result["units"], result["alternatives"])
    assert result["timed_units"] == oracle_table(sum(minutes.values()))
    public = allowed_allocations(minutes, CMS)
    assert public == [{c: a[c] for c in minutes} for a in [result["units"], *result["alternatives"]]]


def test_oracle_agrees_on_every_pair_of_codes_1_to_60_minutes() -> None:
    for a in range(1, 61):
        for b in range(1, 61):
            check_session({"97001": a, "97002": b}, [])


def test_oracle_agrees_on_seeded_random_three_and_four_code_sessions() -> None:
    rng = random.Random(20261123)
    for n in [3] * 1500 + [4] * 1500:
        codes = rng.sample(TIMED, n)
        minutes = {c: rng.choice([rng.randint(0, 60), rng.randint(1, 14), rng.randint(0, 100)]) for c in codes}
        check_session(minutes, [SERVICE] if rng.random() < 0.3 else [])


def test_a_primary_and_addon_pair_is_one_service_then_split() -> None:
    rng = random.Random(97129)
    separately_more = 0
    for _ in range(1500):
        minutes = {c: rng.randint(0, 60) for c in rng.sample(TIMED, rng.randint(0, 3))}
        minutes[PRIMARY] = rng.choice([rng.randint(0, 14), rng.randint(0, 100)])
        entries = list(minutes.items())
        rng.shuffle(entries)
        service = [SERVICE] if rng.random() < 0.3 else []
        entries += [(s, None) for s in service]
        cms = compute(entries, CMS, CODES)
        assert engine_set(cms) == {oracle_bill(a) for a in oracle_cms(minutes, service)}, (entries, cms["units"])
        assert cms["timed_units"] == oracle_table(sum(minutes.values()))
        codes = list(cms["units"])
        assert codes.index(ADDON) == codes.index(PRIMARY) + 1, "the add-on line follows its primary code"
        ama = compute(entries, AMA, CODES)
        per_code = tuple((c, oracle_table(m)) for c, m in minutes.items())
        assert tuple(sorted(ama["units"].items())) == oracle_bill(
            tuple(sorted((*per_code, *((s, 1) for s in service))))
        )
        for result in (cms, ama):
            check_steps_add_up(result, entries)
        split_alone = sum(oracle_table(m) for m in minutes.values())
        separately_more += split_alone > cms["timed_units"]
    assert separately_more > 100, "the cases where counting the pair separately would overbill must be covered"


@pytest.mark.parametrize("entries", [[(ADDON, 10)], [(PRIMARY, 10), (ADDON, 5)], [(ADDON, 5), ("97001", 10)]])
def test_the_addon_entered_itself_is_refused_with_the_fix(entries: list[tuple[str, int]]) -> None:
    for rule in (CMS, AMA):
        with pytest.raises(UnitInputError) as err:
            compute(entries, rule, CODES)
        assert err.value.field == f"entries.{[c for c, _ in entries].index(ADDON)}.code"
        assert f"fix: enter all paired minutes on {PRIMARY}" in str(err.value)
        assert f"first unit on {PRIMARY} and each further unit on {ADDON}" in str(err.value)


minutes_lists = st.lists(st.integers(0, 120), min_size=1, max_size=4)


def session(values: list[int]) -> list[tuple[str, int]]:
    return list(zip(TIMED, values, strict=False))


@PROFILE
@given(values=minutes_lists, data=st.data())
def test_medicare_total_depends_only_on_total_timed_minutes(values: list[int], data: st.DataObject) -> None:
    total = sum(values)
    cuts = sorted(data.draw(st.lists(st.integers(0, total), min_size=0, max_size=3)))
    split = [b - a for a, b in zip([0, *cuts], [*cuts, total], strict=True)]
    a, b = compute(session(values), CMS, CODES), compute(session(split), CMS, CODES)
    assert a["timed_units"] == b["timed_units"] == oracle_table(total)


@PROFILE
@given(values=minutes_lists, data=st.data())
def test_adding_minutes_never_lowers_a_total(values: list[int], data: st.DataObject) -> None:
    i = data.draw(st.integers(0, len(values) - 1))
    more = [*values]
    more[i] += data.draw(st.integers(1, 60))
    for rule in (CMS, AMA):
        before, after = compute(session(values), rule, CODES), compute(session(more), rule, CODES)
        assert after["total_units"] >= before["total_units"]
        if rule is AMA:
            assert all(after["units"][c] >= before["units"][c] for c in before["units"])


@PROFILE
@given(values=minutes_lists)
def test_per_code_units_equal_the_per_code_table(values: list[int]) -> None:
    result = compute(session(values), AMA, CODES)
    assert result["units"] == {c: oracle_table(m) for c, m in session(values)}
    assert result["alternatives"] == []
    assert result["timed_minutes"] == sum(values)


def _terms(text: str, unit: str) -> list[tuple[int, str]]:
    return [(int(n), c) for n, c in re.findall(rf"(\d+) {unit} of (\d+)", text)]


def check_steps_add_up(result: dict, entries: list[tuple[str, int | None]]) -> None:
    steps = result["steps"]
    timed = {c: m for c, m in entries if CODES[c]["unit_basis"] in COUNTED_BY_TIME}
    minute_sums = [s for s in steps for s in re.findall(r"(?:\d+ min of \d+ \+ )*\d+ min of \d+ = \d+ min", s)]
    assert minute_sums, steps
    for eq in minute_sums:
        terms, total = _terms(eq, "min"), int(eq.rsplit("= ", 1)[1].split()[0])
        assert {c: n for n, c in terms} == timed and sum(n for n, _ in terms) == total == result["timed_minutes"]
    unit_sums = [s for s in steps for s in re.findall(r"(?:\d+ units? of \d+ \+ )*\d+ units? of \d+ = \d+ units?", s)]
    assert len(unit_sums) == 1 + len(result["alternatives"])
    for eq, alloc in zip(unit_sums, [result["units"], *result["alternatives"]], strict=True):
        terms = _terms(eq, "units?")
        assert {c: n for n, c in terms} == alloc
        assert sum(n for n, _ in terms) == int(eq.rsplit("= ", 1)[1].split()[0]) == result["total_units"]
    text = " ".join(steps)
    t, s = map(int, re.search(r"\((\d+) timed \+ (\d+) service-based\)", text).groups())
    assert (t, t + s) == (result["timed_units"], result["total_units"])
    a, b, c = map(int, re.search(r"(\d+) timed min \+ (\d+) service-based min given = (\d+) min", text).groups())
    assert (a, a + b, c) == (result["timed_minutes"], c, result["treatment_minutes"])
    full = re.search(r"Full units: ((?:\d+ \+ )*\d+) = (\d+)", text)
    share = re.search(r"(\d+) units? allowed - (\d+) full units? = (\d+) units? left", text)
    if full:
        assert sum(map(int, full.group(1).split(" + "))) == int(full.group(2))
    if share:
        n, f, e = map(int, share.groups())
        assert n == result["timed_units"] and n - f == e and f == int(full.group(2))


@PROFILE
@given(values=minutes_lists, service=st.sampled_from([None, 0, 30]), use_ama=st.booleans())
def test_the_numbers_in_the_steps_add_up_to_the_result(values: list[int], service: int | None, use_ama: bool) -> None:
    entries: list[tuple[str, int | None]] = [*session(values), (SERVICE, service)]
    result = compute(entries, AMA if use_ama else CMS, CODES)
    check_steps_add_up(result, entries)


#: eight timed codes, for ties wider than the listed allocations
MANY = [f"9710{i}" for i in range(8)]
MANY_CODES = {c: {"code": c, "name": f"timed {c}", "unit_basis": "timed_15"} for c in MANY}


def test_wide_ties_list_a_few_allocations_and_count_the_rest_exactly() -> None:
    """Seeded sessions of 5 to 8 timed codes: listed + counted = the oracle's allowed set; accepts() = the set."""
    from engine.units import MAX_ALLOCATIONS, accepts

    rng = random.Random(16)
    truncated = 0
    for _ in range(120):
        codes = MANY[: rng.randint(5, 8)]
        minutes = {c: rng.choice([rng.randint(1, 14), 15 + rng.randint(1, 14), 7, 7, 22]) for c in codes}
        entries = list(minutes.items())
        result = compute(entries, CMS, MANY_CODES)
        expected = oracle_cms(minutes, [])
        listed = engine_set(result)
        assert listed <= expected
        assert len(listed) == min(len(expected), MAX_ALLOCATIONS)
        assert len(listed) + result["more_alternatives"] == len(expected)
        truncated += result["more_alternatives"] > 0
        for alloc in expected:
            assert accepts(entries, CMS, MANY_CODES, dict(alloc)), (minutes, alloc)
        first = result["units"]
        for code in codes:  # one unit moved up or down is never allowed (the total changes)
            for delta in (-1, 1):
                assert not accepts(entries, CMS, MANY_CODES, {**first, code: first[code] + delta})
        swapped = dict(first)
        a, b = codes[0], codes[1]
        swapped[a], swapped[b] = first[b], first[a]
        assert accepts(entries, CMS, MANY_CODES, swapped) == (tuple(sorted(swapped.items())) in expected)
    assert truncated >= 20, "the seeded sessions must exercise wide ties"


def test_twenty_two_tied_codes_stay_small() -> None:
    """The issue's case: 22 timed codes of 7 minutes each allow C(22, 10) = 646,646 allocations."""
    from math import comb

    from engine.units import MAX_ALLOCATIONS, accepts

    codes = {f"C{i:02d}": {"code": f"C{i:02d}", "name": "t", "unit_basis": "timed_15"} for i in range(22)}
    entries = [(c, 7) for c in codes]
    result = compute(entries, CMS, codes)
    assert result["total_units"] == 10
    assert len(result["alternatives"]) == MAX_ALLOCATIONS - 1
    assert result["more_alternatives"] == comb(22, 10) - MAX_ALLOCATIONS == 646_640
    assert any("646640 more" in s for s in result["steps"])
    last_ten = {c: int(i >= 12) for i, c in enumerate(codes)}
    assert last_ten not in [result["units"], *result["alternatives"]]
    assert accepts(entries, CMS, codes, last_ten)
    assert not accepts(entries, CMS, codes, {**last_ten, "C00": 1})
