"""Unit drills: deterministic for a seed, every level shaped as promised, grading accepts exactly the allowed."""

from __future__ import annotations

import itertools
from typing import Any

import pytest

from build_tools.export import engine_data
from build_tools.load import load_project
from engine import drills, units


@pytest.fixture(scope="module")
def data() -> dict[str, Any]:
    return engine_data(load_project())


def _kinds(drill: dict, codes: dict) -> list[str]:
    return [codes[e["code"]]["unit_basis"] for e in drill["entries"]]


@pytest.mark.parametrize("level", sorted(drills.LEVELS))
def test_same_seed_same_drill_other_seed_other_drills(data: dict, level: int) -> None:
    first = [drills.generate(seed, level, data["rules"], data["codes"]) for seed in range(40)]
    again = [drills.generate(seed, level, data["rules"], data["codes"]) for seed in range(40)]
    assert first == again
    assert len({repr(d["entries"]) for d in first}) > 30, "seeds should give varied drills"
    assert {d["rule"] for d in first} == set(data["rules"]), "every rule should come up"


def test_levels_have_their_shape(data: dict) -> None:
    codes = data["codes"]
    for seed in range(200):
        one = drills.generate(seed, 1, data["rules"], codes)
        assert len(one["entries"]) == 1 and _kinds(one, codes) == ["timed_15"]
        several = drills.generate(seed, 2, data["rules"], codes)
        assert 2 <= len(several["entries"]) <= 4 and set(_kinds(several, codes)) == {"timed_15"}
        codes_in = [e["code"] for e in several["entries"]]
        assert len(codes_in) == len(set(codes_in))
    hard = [drills.generate(seed, 3, data["rules"], codes) for seed in range(200)]
    assert any("service" in _kinds(d, codes) for d in hard), "level 3 mixes in service-based codes"
    assert any(all((e["minutes"] or 99) < 8 for e in d["entries"]) for d in hard), "level 3 has short services"
    cms = data["rules"]["cms"]
    ties = [d for d in hard if d["rule"] == "cms" and units.compute(_pairs(d), cms, codes)["alternatives"]]
    assert ties, "level 3 produces Medicare ties"


def _pairs(drill: dict) -> list[tuple[str, Any]]:
    return [(e["code"], e["minutes"]) for e in drill["entries"]]


def test_grading_accepts_every_allowed_allocation_and_nothing_else(data: dict) -> None:
    rules, codes = data["rules"], data["codes"]
    checked = 0
    for seed, level in itertools.product(range(60), sorted(drills.LEVELS)):
        drill = drills.generate(seed, level, rules, codes)
        result = units.compute(_pairs(drill), rules[drill["rule"]], codes)
        allowed = [result["units"], *result["alternatives"]]
        entry_codes = [e["code"] for e in drill["entries"]]
        for combo in itertools.product(range(4), repeat=len(entry_codes)):
            answer = dict(zip(entry_codes, combo, strict=True))
            graded = drills.grade({"seed": seed, "level": level}, answer, rules, codes)
            assert graded["correct"] is (answer in allowed), (drill, answer, allowed)
            checked += 1
    assert checked > 1000


def test_grading_names_wrong_codes_and_rejects_bad_answers(data: dict) -> None:
    rules, codes = data["rules"], data["codes"]
    drill = drills.generate(5, 2, rules, codes)
    right = units.compute(_pairs(drill), rules[drill["rule"]], codes)["units"]
    first = drill["entries"][0]["code"]
    wrong = {**right, first: right[first] + 2}
    graded = drills.grade(drill, wrong, rules, codes)
    assert graded["correct"] is False and first in graded["wrong_codes"]
    with pytest.raises(drills.DrillInputError, match="missing"):
        drills.grade(drill, {}, rules, codes)
    with pytest.raises(drills.DrillInputError, match="whole number"):
        drills.grade(drill, {**right, first: "two"}, rules, codes)
    with pytest.raises(drills.DrillInputError, match="level"):
        drills.generate(1, 9, rules, codes)


def test_drills_draw_the_modalities_as_each_payer_bills_them(data: dict) -> None:
    """personas-3: drills should draw the everyday modalities too (supervised, service-based: 97010, 97014 /
    G0283 ...), graded by the engine as the rule's payer bills them."""
    rules, codes = data["rules"], data["codes"]
    drawn: dict[str, set[str]] = {rule: set() for rule in rules}
    bundled = None
    for seed in range(600):
        drill = drills.generate(seed, 3, rules, codes)
        for e in drill["entries"]:
            drawn[drill["rule"]].add(e["code"])
            if codes[e["code"]]["unit_basis"] == "service":
                assert isinstance(e["minutes"], int) and e["minutes"] >= 8  # minutes given, not counted
        if drill["rule"] == "cms" and any(e["code"] == "97010" for e in drill["entries"]):
            bundled = bundled or drill
    supervised = {c for c, info in codes.items() if info.get("family") == "modality_supervised"}
    for rule, seen in drawn.items():
        assert len(seen & supervised) >= 4, (rule, seen & supervised)
    assert "G0283" in drawn["cms"] and "97014" not in drawn["cms"]  # Medicare: G0283 instead of 97014
    assert "97014" in drawn["ama"] and "G0283" not in drawn["ama"]
    # 97010 under Medicare is bundled: 0 units is right, 1 is not, and the steps say why
    assert bundled is not None
    result = units.compute(_pairs(bundled), rules["cms"], codes)
    right = result["units"]
    assert right["97010"] == 0
    assert drills.grade(bundled, right, rules, codes)["correct"]
    wrong = drills.grade(bundled, {**right, "97010": 1}, rules, codes)
    assert not wrong["correct"] and wrong["wrong_codes"] == ["97010"]
    assert any("97010 is bundled" in step for step in wrong["result"]["steps"])
