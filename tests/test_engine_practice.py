"""Practice cases: filters and seeded order, quiz links, grading feedback, progress."""

from __future__ import annotations

from typing import Any

import pytest

from build_tools.export import engine_data
from build_tools.load import load_project
from engine import practice, units


@pytest.fixture(scope="module")
def data() -> dict[str, Any]:
    return engine_data(load_project())


def test_select_filters_and_orders_by_seed(data: dict) -> None:
    cases = data["cases"]
    everything = practice.select(cases, 3)
    assert sorted(everything) == sorted(cases)
    assert practice.select(cases, 3) == everything
    assert practice.select(cases, 4) != everything
    hard = practice.select(cases, 3, difficulties=["hard"])
    assert hard and all(cases[c]["difficulty"] == "hard" for c in hard)
    family = cases[everything[0]]["family"]
    assert all(cases[c]["family"] == family for c in practice.select(cases, 1, families=[family]))


def test_quiz_link_round_trip_gives_everyone_the_same_order(data: dict) -> None:
    cases = data["cases"]
    ids = sorted(cases)[:6]
    link = practice.format_quiz(77, ids)
    first = practice.parse_quiz(link, cases)
    assert first == practice.parse_quiz(link, cases)
    assert sorted(first["ids"]) == ids and first["seed"] == 77
    for bad in ("", "abc", "12:", "12:no-such-case", "x:" + ids[0]):
        with pytest.raises(practice.PracticeInputError):
            practice.parse_quiz(bad, cases)


def test_view_hides_the_answer(data: dict) -> None:
    for case in data["cases"].values():
        shown = practice.view(case, data["codes"])
        assert "answer" not in shown and "why" not in shown and "tempting" not in shown
        assert shown["session"] == case["session"]


def test_grade_code_feedback(data: dict) -> None:
    code_only = [c for c in data["cases"].values() if not c["answer"].get("units")]
    case = code_only[0]
    right = practice.grade(case, case["answer"]["code"], None, data)
    assert right["correct"] and right["code_correct"] and right["why"] == case["why"]
    wrong = practice.grade(case, case["tempting"]["code"], None, data)
    assert not wrong["correct"] and wrong["chose_tempting"]
    assert wrong["tempting"]["why_not"] == case["tempting"]["why_not"]


def test_grade_units_uses_the_engine(data: dict) -> None:
    unit_cases = [c for c in data["cases"].values() if c["answer"].get("units")]
    assert len(unit_cases) >= 5
    for case in unit_cases:
        task = case["answer"]["units"]
        result = units.compute(list(task["minutes"].items()), data["rules"][task["rule"]], data["codes"])
        good = practice.grade(case, case["answer"]["code"], result["units"], data)
        assert good["correct"], case["id"]
        off = {code: n + 1 for code, n in result["units"].items()}
        assert not practice.grade(case, case["answer"]["code"], off, data)["correct"]


def test_progress_streaks_and_missed() -> None:
    p = practice.record(None, "a", True)
    p = practice.record(p, "b", True)
    p = practice.record(p, "c", False)
    p = practice.record(p, "d", True)
    s = practice.summary(p, ["a", "b", "c", "d", "e"])
    assert (s["answered"], s["correct"], s["total"]) == (4, 3, 5)
    assert (s["streak"], s["best_streak"]) == (1, 2)
    assert s["missed"] == ["c"] and s["remaining"] == ["e"]
    p = practice.record(p, "c", True)
    assert practice.summary(p)["missed"] == []


def test_units_task_covers_add_on_codes(data: dict) -> None:
    """A case asking for 97129 units expects the add-on 97130 too, as the engine bills it."""
    case = {
        "id": "made-up-cognition-units",
        "title": "Made-up cognition case",
        "difficulty": "easy",
        "session": "Cognitive strategy training 40 min; therapeutic exercise 23 min.",
        "answer": {"code": "97129", "units": {"rule": "cms", "minutes": {"97110": 23, "97129": 40}}},
        "why": "Attention strategy training.",
        "tempting": {"code": "97535", "why_not": "No daily task was taught."},
        "tree_path": [],
    }
    shown = practice.view(case, data["codes"])
    assert shown["units_task"]["codes"] == ["97110", "97129", "97130"]
    task = case["answer"]["units"]
    result = units.compute(list(task["minutes"].items()), data["rules"]["cms"], data["codes"])
    assert practice.grade(case, "97129", result["units"], data)["correct"]


def test_forty_minute_executive_function_case_grades_the_whole_claim(data: dict) -> None:
    """Audit 3, M1: 40 minutes is 97129 x1 + 97130 x2; 97129 is right, 97130 alone is incomplete."""
    case = data["cases"]["executive-function-training-forty-minutes"]
    assert practice.view(case, data["codes"])["units_task"]["codes"] == ["97129", "97130"]
    claim = {"97129": 1, "97130": 2}
    right = practice.grade(case, "97129", claim, data)
    assert right["correct"] and right["code_verdict"] == "right"
    assert right["claim"] == [{"code": "97129", "units": 1}, {"code": "97130", "units": 2}]
    assert right["claim_text"] == "97129 x1 + 97130 x2"
    alone = practice.grade(case, "97130", claim, data)
    assert not alone["correct"] and alone["code_verdict"] == "add_on_alone"
    assert "never billed without 97129" in alone["code_note"]
    # the add-on's units count: 3 units all on 97129 is not the claim
    assert not practice.grade(case, "97129", {"97129": 3, "97130": 0}, data)["correct"]
    assert not practice.grade(case, "97129", {"97129": 1, "97130": 1}, data)["correct"]


def test_no_case_answer_is_an_add_on_code(data: dict) -> None:
    addons = {c["code"] for c in data["codes"].values() if c.get("primary_code")}
    assert addons >= {"97130"}
    assert not [cid for cid, c in data["cases"].items() if c["answer"]["code"] in addons]


def test_quiz_code_is_opaque_and_tokens_do_not_clash(data: dict) -> None:
    cases = data["cases"]
    ids = sorted(cases)[:5]
    code = practice.format_quiz(12, ids)
    assert not any(part in code for cid in ids for part in cid.split("-") if len(part) > 3)
    assert practice.QUIZ.match(code)
    assert practice.token_clashes(cases) == []
    assert practice.token_clashes({"a": {}, "b": {}}) == []
    # the older form still opens, with the same cases and order
    legacy = f"12:{','.join(ids)}"
    assert practice.parse_quiz(legacy, cases) == practice.parse_quiz(code, cases)
    with pytest.raises(practice.PracticeInputError, match="does not have"):
        practice.parse_quiz("12-fffff", {k: v for k, v in cases.items() if practice.token(k) != "fffff"} or cases)


def test_view_names_the_rule_by_its_label(data: dict) -> None:
    unit_case = next(c for c in data["cases"].values() if c["answer"].get("units"))
    shown = practice.view(unit_case, data["codes"], data["rules"])
    rule = unit_case["answer"]["units"]["rule"]
    assert shown["units_task"]["rule_label"] == data["rules"][rule]["label"] != rule


def test_results_csv_has_one_row_per_quiz_case(data: dict) -> None:
    import csv
    import io

    ids = sorted(data["cases"])[:3]
    progress = practice.record(practice.record(None, ids[0], True), ids[1], False)
    text = practice.results_csv(progress, "9-abc", ids, student="=cmd  Ann  Lee")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert [r["case"] for r in rows] == ids
    assert [r["result"] for r in rows] == ["right", "wrong", "not answered"]
    assert {r["score"] for r in rows} == {"1"} and {r["total"] for r in rows} == {"3"}
    assert rows[0]["student"] == "'=cmd Ann Lee"  # no spreadsheet formula


def test_tampered_progress_from_storage_is_cleaned() -> None:
    """localStorage is the user's to edit: a negative streak, non-boolean answers or junk never show."""
    from engine.practice import clean_progress, record, summary

    tampered = {"answers": {"a-case": True, "b": "yes", "<x>": False, "c": False}, "streak": -5, "best_streak": 1e9}
    assert clean_progress(tampered) == {"answers": {"a-case": True, "c": False}, "streak": 0, "best_streak": 0}
    for junk in (None, [], "x", 5, {"answers": [1, 2]}, {"streak": True}):
        assert clean_progress(junk) == {"answers": {}, "streak": 0, "best_streak": 0}
    shown = summary(tampered)
    assert shown["streak"] == 0 and shown["best_streak"] == 0 and shown["answered"] == 2
    assert record({"answers": {}, "streak": 99, "best_streak": 99}, "a-case", True)["streak"] == 1


@pytest.mark.parametrize("size", [1_000_000, 2_000_000])
def test_a_huge_quiz_link_is_refused_by_its_length(data: dict, size: int) -> None:
    """Issue 26: a 1 MB `#quiz=` link kept the engine busy for 8.7 s (2 MB: a minute); now refused before parsing."""
    for quiz in ("1-" + "a" * size, "1:" + "x," * (size // 2) + "x"):
        with pytest.raises(practice.PracticeInputError) as err:
            practice.parse_quiz(quiz, data["cases"])
        message = str(err.value)
        assert f"at most {practice.MAX_QUIZ}" in message and str(len(quiz)) in message and len(message) < 200


def test_a_quiz_link_at_the_length_bound_is_read(data: dict) -> None:
    """The longest code accepted still parses (repeated tokens name one case once)."""
    cid = sorted(data["cases"])[0]
    quiz = "7-" + practice.token(cid) * ((practice.MAX_QUIZ - 2) // practice.TOKEN_LEN)
    assert len(quiz) <= practice.MAX_QUIZ
    assert practice.parse_quiz(quiz, data["cases"]) == {"seed": 7, "ids": [cid]}
    with pytest.raises(practice.PracticeInputError, match="at most"):
        practice.parse_quiz(quiz + "0" * (practice.MAX_QUIZ + 1 - len(quiz)), data["cases"])


def test_unknown_cases_of_a_legacy_link_are_clipped_in_the_message(data: dict) -> None:
    """`1:x0,x1,...` (0.7 MB) gave a 0.79 MB message; now three names, clipped, and a count."""
    quiz = "1:" + ",".join(f"x{i}" for i in range(2_000)) + "," + "y" * 5_000
    with pytest.raises(practice.PracticeInputError) as err:
        practice.parse_quiz(quiz, data["cases"])
    assert str(err.value) == "this quiz link names cases the site does not have: 'x0', 'x1', 'x2' and 1998 more"


def test_format_quiz_bounds_the_number_of_cases() -> None:
    with pytest.raises(practice.PracticeInputError, match=f"at most {practice.MAX_QUIZ_CASES} cases"):
        practice.format_quiz(1, ["c"] * (practice.MAX_QUIZ_CASES + 1))
