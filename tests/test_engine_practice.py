"""Practice cases: filters and seeded order, quiz links, grading feedback, progress."""

from __future__ import annotations

import json
from typing import Any

import pytest

from build_tools.export import engine_data
from build_tools.load import load_project
from engine import api, practice, units


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
    assert [r["case"] for r in rows] == [practice.token(cid) for cid in ids]  # no case names in the file
    assert [r["final_result"] for r in rows] == ["right", "wrong", "not answered"]
    assert {r["final_score"] for r in rows} == {"1"} and {r["total"] for r in rows} == {"3"}
    assert rows[0]["student"] == "'=cmd Ann Lee"  # no spreadsheet formula


def test_tampered_progress_from_storage_is_cleaned() -> None:
    """localStorage is the user's to edit: a negative streak, non-boolean answers or junk never show."""
    from engine.practice import clean_progress, record, summary

    tampered = {"answers": {"a-case": True, "b": "yes", "<x>": False, "c": False}, "streak": -5, "best_streak": 1e9}
    assert clean_progress(tampered) == {
        "answers": {"a-case": True, "c": False},
        "attempts": {},
        "streak": 0,
        "best_streak": 0,
    }
    for junk in (None, [], "x", 5, {"answers": [1, 2]}, {"streak": True}):
        assert clean_progress(junk) == {"answers": {}, "attempts": {}, "streak": 0, "best_streak": 0}
    # attempts: junk entries dropped, attempts for unknown cases dropped, the latest attempt sets the answer
    messy = {
        "answers": {"a-case": True},
        "attempts": {"a-case": [{"correct": False, "code": "<b>"}, "junk", {"correct": True}], "zz": [{"correct": 1}]},
    }
    cleaned = clean_progress(messy)
    assert cleaned["attempts"] == {
        "a-case": [{"correct": False, "code": "", "units": ""}, {"correct": True, "code": "", "units": ""}]
    }
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
    assert practice.parse_quiz(quiz, data["cases"]) == {"seed": 7, "ids": [cid], "feedback": "each", "title": ""}
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


def test_a_retry_adds_an_attempt_and_never_rewrites_the_first(data: dict) -> None:
    """personas-3 #4: after 'Retry missed only' the CSV said 7/7 where the first pass was 4/7."""
    import csv
    import io

    api.load(json.dumps(data))
    ids = sorted(data["cases"])[:3]
    quiz = practice.format_quiz(5, ids)
    order = practice.parse_quiz(quiz, data["cases"])["ids"]
    progress = None

    def answer(cid: str, right: bool) -> None:
        nonlocal progress
        case = data["cases"][cid]
        code = case["answer"]["code"] if right else case["tempting"]["code"]
        task = case["answer"].get("units")
        given = None
        if task:
            result = units.compute(list(task["minutes"].items()), data["rules"][task["rule"]], data["codes"])
            given = {c: n + (0 if right else 1) for c, n in result["units"].items()}
        args = {"case": cid, "code": code, "units": given, "progress": progress, "ids": order}
        progress = json.loads(api.call("practice_grade", json.dumps(args)))["result"]["progress"]

    answer(order[0], True)
    answer(order[1], False)
    answer(order[2], False)
    answer(order[1], False)  # first retry: still wrong
    answer(order[1], True)  # second retry: right
    answer(order[2], True)
    tally = practice.summary(progress, order)
    assert (tally["first_correct"], tally["correct"], tally["attempts"]) == (1, 3, 6)
    assert [a["correct"] for a in progress["attempts"][order[1]]] == [False, False, True]
    assert progress["attempts"][order[1]][0]["code"] == data["cases"][order[1]]["tempting"]["code"]

    reply = json.loads(api.call("practice_csv", json.dumps({"quiz": quiz, "progress": progress, "student": "A"})))
    rows = list(csv.DictReader(io.StringIO(reply["result"]["text"])))
    assert [r["first_result"] for r in rows] == ["right", "wrong", "wrong"]
    assert [r["attempts"] for r in rows] == ["1", "3", "2"]
    assert [r["final_result"] for r in rows] == ["right", "right", "right"]
    assert {(r["first_score"], r["final_score"], r["total"]) for r in rows} == {("1", "3", "3")}
    second = data["cases"][order[1]]
    assert rows[1]["first_answer"].startswith(second["tempting"]["code"])
    assert rows[1]["final_answer"].startswith(second["answer"]["code"])


def test_progress_from_before_attempts_counts_one_attempt_per_case() -> None:
    old = {"answers": {"a": False, "b": True}, "streak": 1, "best_streak": 1}
    assert practice.summary(old)["attempts"] == 2 and practice.summary(old)["first_correct"] == 1
    after = practice.record(old, "a", True, "97110")
    assert [t["correct"] for t in after["attempts"]["a"]] == [False, True]
    assert practice.summary(after)["first_correct"] == 1 and practice.summary(after)["correct"] == 2


def test_quiz_mode_hands_out_no_case_ids_and_no_key(data: dict) -> None:
    """personas-3 #8: quiz mode carried `data-case=<case id>`, and the key opened by editing the quiz link's path."""
    api.load(json.dumps(data))
    cases = data["cases"]
    ids = sorted(cid for cid, c in cases.items() if not c["answer"].get("units"))[:4]
    quiz = practice.format_quiz(2027, ids)
    order = practice.parse_quiz(quiz, cases)["ids"]

    def call(fn: str, args: dict) -> dict:
        return json.loads(api.call(fn, json.dumps(args)))

    opened = call("practice_set", {"quiz": quiz})["result"]
    wire = json.dumps(opened)
    for cid in ids:
        assert cid not in wire and cases[cid]["title"] not in wire
    assert opened["refs"] == [practice.token(cid) for cid in order]
    assert [c["ref"] for c in opened["cases"]] == opened["refs"]

    # grading by the opaque ref, scored over the whole quiz
    first = cases[order[0]]
    asked = {"case": opened["refs"][0], "code": first["tempting"]["code"], "scope": quiz, "quiz_mode": True}
    graded = call("practice_grade", asked)
    reply = graded["result"]
    assert reply["feedback"]["case"] == practice.token(order[0]) and order[0] not in json.dumps(reply["summary"])
    assert reply["summary"]["missed"] == [{"ref": practice.token(order[0]), "number": 1}]
    assert call("practice_grade", {"case": "zzzzz", "code": "97110", "scope": quiz})["error"]["field"] == "case"

    # a retry of the missed cases keeps the summary over the whole quiz
    retry = call("practice_set", {"quiz": quiz, "only_missed": True, "progress": reply["progress"]})["result"]
    assert retry["refs"] == [practice.token(order[0])] and retry["scope"] == quiz
    assert retry["summary"]["total"] == len(ids)

    # the key opens with its own code, in the quiz's order; the students' code does not open it
    made = call("quiz_link", {"seed": 2027, "ids": ids})["result"]
    assert made["quiz"] == quiz and made["key"] != quiz
    key_tokens = {made["key"].split("-")[1][i : i + 5] for i in range(0, len(ids) * 5, 5)}
    assert key_tokens.isdisjoint({practice.token(cid) for cid in ids})
    assert call("quiz_key", {"key": made["key"]})["result"] == {"ids": order, "quiz": quiz, "title": ""}
    refused = call("quiz_key", {"key": quiz})["error"]
    assert "student's quiz link" in refused["message"]
    assert "error" in call("quiz_key", {"key": "k2027-" + practice.QUIZ.match(quiz).group(2)})


def test_code_right_units_wrong_says_so_and_shows_where_the_units_part(data: dict) -> None:
    """personas-3 #7: the right code with wrong units got only "Not quite. The note supports 97112."."""
    case = data["cases"]["balance-and-exercise-minutes-split"]  # Medicare: 97112 24 min + 97110 23 min = 2 + 1
    short = practice.grade(case, "97112", {"97112": 1, "97110": 1}, data)
    assert not short["correct"] and short["code_correct"]
    assert short["headline"].startswith("Code right, units not.") and "97112" in short["headline"]
    assert short["units"]["compare"] == [
        {"code": "97112", "yours": 1, "right": 2},
        {"code": "97110", "yours": 1, "right": 1},
    ]
    part = short["units"]["parts_at"]  # a wrong total parts at the 15-minute table row
    assert part["text"] == short["units"]["result"]["steps"][part["step"] - 1]
    assert part["text"].startswith("By the 15-minute table") and "add up to 2" in part["why"]
    # the right total, shared the wrong way: parts where the leftover unit is given
    shared = practice.grade(case, "97112", {"97112": 1, "97110": 2}, data)["units"]["parts_at"]
    assert shared["text"].startswith("The extra unit goes to 97112") and "97110 gets 1, not 2" in shared["why"]
    # per-code (AMA): parts at the first code's own row
    ama = data["cases"]["three-codes-ten-minutes-each"]
    per_code = practice.grade(ama, "97530", {"97110": 1, "97112": 0, "97530": 1}, data)["units"]["parts_at"]
    assert per_code["text"].startswith("97112: 10 min") and "not pooled" in per_code["why"]
    # the add-on split: 3 units on 97129 alone parts at the split step
    split = data["cases"]["executive-function-training-forty-minutes"]
    addon = practice.grade(split, "97129", {"97129": 3, "97130": 0}, data)["units"]["parts_at"]
    assert addon["text"].startswith("Split of the 97129")
    # the other headlines
    assert practice.grade(case, "97112", {"97112": 2, "97110": 1}, data)["headline"] == "Right."
    assert practice.grade(case, "97110", {"97112": 2, "97110": 1}, data)["headline"].startswith("Units right, code not")
    assert practice.grade(case, "97110", {"97112": 1, "97110": 1}, data)["headline"] == "Not quite."
    assert practice.grade(case, "97112", {"97112": 2, "97110": 1}, data)["units"]["parts_at"] is None


def test_a_multi_block_case_asks_for_every_claim_line(data: dict) -> None:
    """personas-3 #6: 'Balance work and strengthening' asked for one code and called 97110 wrong while asking for
    97110 units. Now each block gets its code and units."""
    case = data["cases"]["balance-and-exercise-minutes-split"]  # NMR 24 min, ther ex 23 min
    shown = practice.view(case, data["codes"], data["rules"])
    assert shown["blocks"] == [{"block": 1, "minutes": 24}, {"block": 2, "minutes": 23}]
    assert shown["units_task"]["codes"] == []  # the view does not name the blocks' codes
    right = practice.grade_blocks(case, [{"code": "97112", "units": "2"}, {"code": "97110", "units": "1"}], data)
    assert right["correct"] and right["headline"].startswith("Right: every block")
    assert [(b["code"], b["units"]) for b in right["blocks"]] == [("97112", 2), ("97110", 1)]
    lumped = practice.grade_blocks(case, [{"code": "97110", "units": "2"}, {"code": "97110", "units": "1"}], data)
    assert not lumped["correct"] and lumped["chose_tempting"]
    assert [b["code_correct"] for b in lumped["blocks"]] == [False, True]  # 97110 is right for the ther ex block
    assert "block 1 (24 min) is 97112, not 97110" in lumped["headline"]
    short = practice.grade_blocks(case, [{"code": "97112", "units": "1"}, {"code": "97110", "units": "1"}], data)
    assert not short["correct"] and short["code_correct"] and short["units"]["parts_at"]["step"]
    with pytest.raises(practice.PracticeInputError, match="each of the 2 blocks"):
        practice.grade_blocks(case, [{"code": "97112", "units": "2"}], data)
    # through the API, recorded as one attempt with every block's code
    api.load(json.dumps(data))
    args = {"case": case["id"], "blocks": [{"code": "97112", "units": 2}, {"code": "97110", "units": 1}]}
    reply = json.loads(api.call("practice_grade", json.dumps(args)))["result"]
    assert reply["feedback"]["correct"]
    assert reply["progress"]["attempts"][case["id"]][0]["code"] == "97112 + 97110"
    # the seven multi-code unit cases are multi-block; single-code and add-on cases are not
    multi = sorted(cid for cid, c in data["cases"].items() if practice.blocks_of(c, data["codes"]))
    assert "three-codes-ten-minutes-each" in multi and len(multi) == 7
    assert practice.blocks_of(data["cases"]["executive-function-training-forty-minutes"], data["codes"]) is None


def _api(fn: str, args: dict) -> dict:
    return json.loads(api.call(fn, json.dumps(args)))


def test_a_quiz_with_feedback_at_the_end_holds_every_verdict_until_the_review(data: dict) -> None:
    """personas-3 (instructor): quiz mode gave right/wrong at once, with no "feedback at the end" setting."""
    api.load(json.dumps(data))
    cases = data["cases"]
    ids = ["balance-and-exercise-minutes-split", *sorted(c for c in cases if not cases[c]["answer"].get("units"))[:2]]
    made = _api("quiz_link", {"seed": 31, "ids": ids, "feedback": "end"})["result"]
    quiz = made["quiz"]
    assert quiz == practice.format_quiz(31, ids, "end") and quiz.endswith("-end")
    assert practice.parse_quiz(quiz, cases)["feedback"] == "end"
    assert practice.parse_quiz(quiz.removesuffix("-end"), cases)["feedback"] == "each"
    assert _api("quiz_key", {"key": made["key"]})["result"]["quiz"] == quiz  # the key names the same quiz
    with pytest.raises(practice.PracticeInputError, match="feedback"):
        practice.format_quiz(31, ids, "later")

    opened = _api("practice_set", {"quiz": quiz})["result"]
    assert opened["feedback"] == "end" and opened["scope"] == quiz
    order = practice.parse_quiz(quiz, cases)["ids"]
    progress, verdicts = None, []
    for i, cid in enumerate(order):
        case = cases[cid]
        args = {"case": practice.token(cid), "scope": quiz, "quiz_mode": True, "progress": progress}
        if practice.blocks_of(case, data["codes"]):  # block 1 wrong: 97110 for the balance block
            args["blocks"] = [{"code": "97110", "units": 2}, {"code": "97110", "units": 1}]
            verdicts.append(False)
        else:
            right = i % 2 == 0
            args["code"] = case["answer"]["code"] if right else case["tempting"]["code"]
            verdicts.append(right)
        if i == 1:
            early = _api("quiz_review", {"quiz": quiz, "progress": progress})["error"]
            assert "every case is answered: 1 of 3" in early["message"]
            held_csv = _api("practice_csv", {"quiz": quiz, "progress": progress})["error"]
            assert "ready when every case is answered (1 of 3 so far)" in held_csv["message"]
        reply = _api("practice_grade", args)["result"]
        progress = reply["progress"]
        assert reply["feedback"] is None and reply["held"] is True
        summary = reply["summary"]
        if i + 1 < len(order):  # before the end: how many answered, nothing about which were right
            assert summary["held"] and summary["answered"] == i + 1 and "correct" not in summary
            assert summary["missed"] == []
    assert summary["held"] is False and summary["correct"] == sum(verdicts)

    assert _api("practice_csv", {"quiz": quiz, "progress": progress})["result"]["text"].count("\r\n") == 4
    review = _api("quiz_review", {"quiz": quiz, "progress": progress})["result"]
    assert [c["number"] for c in review["cases"]] == [1, 2, 3]
    assert [c["feedback"]["correct"] for c in review["cases"]] == verdicts
    assert [c["ref"] for c in review["cases"]] == [practice.token(cid) for cid in order]
    assert not any(cid in json.dumps(review) for cid in order)  # no case ids
    blocks = next(c["feedback"] for c in review["cases"] if c["feedback"].get("blocks"))
    assert [b["code_correct"] for b in blocks["blocks"]] == [False, True]
    # a practice set (no quiz) keeps feedback after each answer
    assert _api("practice_set", {"seed": 3})["result"]["feedback"] == "each"


def test_regrade_gives_the_feedback_the_answer_got(data: dict) -> None:
    case = data["cases"]["balance-and-exercise-minutes-split"]
    rows = [{"code": "97112", "units": "1"}, {"code": "97110", "units": "1"}]
    first = practice.grade_blocks(case, rows, data)
    stored = practice.record(None, case["id"], first["correct"], first["your_code"], first["units"]["your_units"])
    assert practice.regrade(case, stored["attempts"][case["id"]][0], data) == first
    assert practice.regrade(case, {"correct": True, "code": "", "units": ""}, data) is None


def test_progress_by_code_and_the_missed_cases_as_plain_text(data: dict) -> None:
    """personas-3 (student): progress showed only a count, and the missed cases were not something to copy."""
    api.load(json.dumps(data))
    cases = data["cases"]
    squats = "squats-for-quad-strength-after-tka"  # 97110
    lumbar = "lumbar-stabilization-for-back-pain"
    split = "balance-and-exercise-minutes-split"  # two blocks: 97112 24 min, 97110 23 min (Medicare: 2 + 1)
    assert cases[squats]["answer"]["code"] == cases[lumbar]["answer"]["code"] == "97110"
    progress = practice.record(None, squats, False, "97530")
    progress = practice.record(progress, squats, True, "97110")  # right on the retry
    progress = practice.record(progress, lumbar, False, "97112")
    progress = practice.record(progress, split, False, "97110 + 97110", {"97112": 2, "97110": 1})
    rows = practice.by_code(progress, cases)
    assert rows == [
        {"code": "97110", "tried": 2, "right": 1, "first_right": 0, "missed": [lumbar]},
        {"code": "97112", "tried": 1, "right": 0, "first_right": 0, "missed": [split]},
    ]
    assert practice.by_code(progress, cases, [squats]) == [
        {"code": "97110", "tried": 1, "right": 1, "first_right": 0, "missed": []}
    ]
    names = {lumbar: "Core work", split: "Two blocks"}
    text = practice.missed_text(progress, [squats, lumbar, split], data, names)
    assert text.splitlines() == [
        "1. Core work — your answer: 97112; right answer: 97110",
        "2. Two blocks — your answer: block 1 (24 min) 97110 x2, block 2 (23 min) 97110 x1; right answer: "
        "block 1 (24 min) 97112 x2, block 2 (23 min) 97110 x1",
    ]
    # through the API: in quiz mode the cases are named by number, never by title or id
    quiz = practice.format_quiz(5, [squats, lumbar, split])
    order = practice.parse_quiz(quiz, cases)["ids"]
    summary = _api("practice_set", {"quiz": quiz, "progress": progress})["result"]["summary"]
    number = {cid: i for i, cid in enumerate(order, 1)}
    assert summary["missed_text"].splitlines()[0].startswith(f"1. Case {min(number[lumbar], number[split])} — ")
    assert [r["code"] for r in summary["by_code"]] == ["97110", "97112"]
    assert summary["by_code"][0]["missed"] == [{"ref": practice.token(lumbar), "number": number[lumbar]}]
    assert not any(cid in json.dumps(summary) or cases[cid]["title"] in json.dumps(summary) for cid in order)
    practice_set = _api("practice_set", {"ids": order, "seed": 5, "progress": progress})["result"]["summary"]
    assert cases[lumbar]["title"] in practice_set["missed_text"]
    assert practice_set["by_code"][0]["name"] == "Therapeutic exercise"


def _neighbours(data: dict, code: str) -> set[str]:
    return {n["code"] for n in data["guide"]["codes"].get(code, {}).get("neighbours", [])}


def test_wrong_choices_are_codes_a_student_could_confuse_with_the_answer(data: dict) -> None:
    """personas-3 F2-7: distractors were throwaways (evaluation codes, 97129/97130 on strength notes). Every wrong
    choice is the tempting code, the code the heading claims, a neighbour (in the data) of one of them or of
    the answer, or a code of the answer's family with a guidance page; on a treatment note never an evaluation
    or test code, never an add-on code on its own."""
    treatment = {f["id"] for f in data["vocab"]["code_families"] if f["treatment"]}
    for case in data["cases"].values():
        answer, tempting = case["answer"]["code"], case["tempting"]["code"]
        billed = case.get("billed_as") or tempting
        first = [answer, tempting, billed]
        got = practice.plausible_codes(case, data, first)
        assert len(got) == practice.CHOICES == len(set(got)) and got[:2] == [answer, tempting], case["id"]
        family = {c for c, r in data["codes"].items() if r["family"] == case["family"] and r.get("guidance_page")}
        allowed = {tempting, billed} | _neighbours(data, answer) | _neighbours(data, tempting)
        allowed |= _neighbours(data, billed)
        allowed |= family  # the answer's own family, after the neighbours
        assert set(got[1:]) <= allowed, (case["id"], got)
        if data["codes"][answer]["family"] in treatment:
            for code in got[1:]:
                assert data["codes"][code]["family"] in treatment, (case["id"], code)
                assert not data["codes"][code].get("primary_code"), (case["id"], code)
    strength = data["cases"]["squats-for-quad-strength-after-tka"]  # 97110, tempting 97530
    got = practice.plausible_codes(strength, data, ["97110", "97530"])
    assert not {"97129", "97130"} & set(got) and not any(c.startswith("9716") for c in got)
    cognitive = data["cases"]["executive-function-training-forty-minutes"]  # 97129: its add-on 97130 is no choice
    assert "97130" in _neighbours(data, "97129")
    assert "97130" not in practice.plausible_codes(cognitive, data, ["97129", "97537"])


def test_which_codes_are_wrong_choices_is_data(data: dict) -> None:
    """The families' `treatment` flag (data/vocab.yaml) and the codes' neighbours decide; the choices do not
    change with the quiz (the same case, the same choices, in any quiz code)."""
    import copy

    case = data["cases"]["squats-for-quad-strength-after-tka"]
    changed = copy.deepcopy(data)
    changed["guide"]["codes"]["97110"]["neighbours"] = [{"code": "97161", "difference": "x"}, {"code": "97116"}]
    got = practice.plausible_codes(case, changed, ["97110", "97530"])
    assert "97161" not in got and "97116" in got  # an evaluation neighbour is dropped on a treatment note
    for family in changed["vocab"]["code_families"]:
        family["treatment"] = True
    assert "97161" in practice.plausible_codes(case, changed, ["97110", "97530"])
    assert practice.plausible_codes(case, data, ["97110", "97530"]) == practice.plausible_codes(
        case, data, ["97110", "97530"]
    )
    from engine import lms_export

    one = {i["case"]: i["choices"] for i in lms_export.items(practice.format_quiz(1, [case["id"]]), data)}
    other = [*sorted(data["cases"])[:5], case["id"]]
    two = {i["case"]: i["choices"] for i in lms_export.items(practice.format_quiz(8, other), data)}
    assert one[case["id"]] == two[case["id"]]


def test_a_quiz_title_travels_in_the_quiz_code_and_the_key_code(data: dict) -> None:
    """personas-3 F2-8: a quiz could not be named. The title is carried by the quiz code and the key code; codes
    without a title read as before; the title is bounded and kept as plain text."""
    cases = data["cases"]
    ids = sorted(cases)[:3]
    plain = practice.format_quiz(12, ids, "end")
    titled = practice.format_quiz(12, ids, "end", "  Week 3:\tNMR <b>vs</b> ther ex \u202e ")
    assert titled.startswith(plain + ".") and practice.QUIZ.match(titled)
    read = practice.parse_quiz(titled, cases)
    assert read["title"] == "Week 3: NMR <b>vs</b> ther ex" and read["ids"] == practice.parse_quiz(plain, cases)["ids"]
    assert practice.parse_quiz(plain, cases)["title"] == "" and read["feedback"] == "end"
    key = practice.key_code(titled, cases)
    assert practice.parse_key(key, cases)["title"] == read["title"] and practice.parse_key(key, cases)["quiz"] == titled
    assert practice.key_code(plain, cases) == key.split(".")[0]  # an untitled key code is the old code
    old = f"12:{','.join(ids)}"  # the oldest form, and codes written before titles, still open
    assert practice.parse_quiz(old, cases)["title"] == ""
    longest = "é" * practice.MAX_TITLE
    assert practice.parse_quiz(practice.format_quiz(1, ids, title=longest), cases)["title"] == longest
    with pytest.raises(practice.PracticeInputError, match="at most 80 characters"):
        practice.format_quiz(1, ids, title="x" * (practice.MAX_TITLE + 1))
    import base64

    control = base64.urlsafe_b64encode(b"\x01quiz").decode().rstrip("=")
    # not base64, not UTF-8 (0xff), too long, a control character
    for bad in (plain + ".!!", plain + ".w", plain + "._w", plain + "." + "QQ" * 300, plain + "." + control):
        with pytest.raises(practice.PracticeInputError):
            practice.parse_quiz(bad, cases)
    api.load(json.dumps(data))
    made = json.loads(api.call("quiz_link", json.dumps({"seed": 12, "ids": ids, "title": "Midterm"})))["result"]
    assert made["title"] == "Midterm" and practice.parse_quiz(made["quiz"], cases)["title"] == "Midterm"
    opened = json.loads(api.call("practice_set", json.dumps({"quiz": made["quiz"]})))["result"]
    assert opened["title"] == "Midterm" and opened["scope"] == made["quiz"]
    assert json.loads(api.call("quiz_key", json.dumps({"key": made["key"]})))["result"]["title"] == "Midterm"
