"""The tree walked from a note (engine.suggest): the walk rules on small trees, the real tree's walks, the CLI
`python -m engine suggest --json`, and the note bank's figures, reported for the dev and held-out halves apart.

Expected codes come from tests/note_bank (notes written for this purpose, split before any pattern was tuned);
the held-out half is only ever scored here and in benchmarks/suggest_accuracy.py, never inspected note by note.
"""

from __future__ import annotations

import json
import statistics
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from build_tools.export import engine_data
from build_tools.load import load_project
from engine import api, suggest, tree

ROOT = Path(__file__).resolve().parents[1]
BANK = ROOT / "tests" / "note_bank"
COMMON = ("97110", "97112", "97530", "97535", "97140", "97116")
PROJECT = load_project()
DATA = engine_data(PROJECT)
TREE, VOCAB, READING = DATA["tree"], DATA["vocab"], DATA["reading"]
NOTES = {n["id"]: n for n in yaml.safe_load((BANK / "notes.yaml").read_text(encoding="utf-8"))}
SPLIT = yaml.safe_load((BANK / "split.yaml").read_text(encoding="utf-8"))
#: the issue's targets for the held-out half (the dev half must meet them too)
TARGETS = {"acceptable_pct": 95.0, "commit_pct": 70.0, "median_common": 6}


def _small(**question: Any) -> dict[str, Any]:
    """A one-question tree with answers a_x -> o_x, a_y -> o_y (evidence and extras from `question`)."""
    answers = question.pop("answers")
    return {
        "root": "q_one",
        "nodes": [
            {"id": "q_one", "type": "question", "answers": answers, **question},
            {"id": "o_x", "type": "outcome", "result": "code", "code": "X1"},
            {"id": "o_y", "type": "outcome", "result": "code", "code": "Y2", "codes": ["Y2", "Y3"]},
        ],
    }


def _answers(x: dict[str, Any] | None = None, y: dict[str, Any] | None = None) -> list[dict[str, Any]]:
    return [{"id": "a_x", "next": "o_x", **(x or {})}, {"id": "a_y", "next": "o_y", **(y or {})}]


# ---- the walk's rules --------------------------------------------------------------------------------------------


def test_one_answer_shown_is_taken_with_the_notes_words_as_evidence() -> None:
    t = _small(answers=_answers({"evidence": {"patterns": [r"\bfloor\b"]}}, {"evidence": {"patterns": [r"\bfoam\b"]}}))
    r = suggest.walk(t, "Retrieved cups from the floor x6.")
    assert (r["code"], r["codes"], r["outcome"], r["open_question"]) == ("X1", ["X1"], "o_x", None)
    assert r["path"][0]["evidence"] == "floor" and r["path"][0]["spans"][0]["start"] == 24
    both = suggest.walk(t, "Stood on foam, then picked items off the floor.")
    assert (both["code"], both["open_question"], both["candidates"]) == (None, "q_one", ["a_x", "a_y"])
    none = suggest.walk(t, "Tolerated well.")
    assert (none["code"], none["open_question"], none["candidates"], none["path"]) == (None, "q_one", [], [])


def test_outranks_unless_also_ignore_and_when_silent() -> None:
    x = {"evidence": {"patterns": ["lift"], "unless": ["no lift"]}, "outranks": ["a_y"]}
    y = {"evidence": {"patterns": ["reps"], "also": [{"patterns": ["goal"]}]}}
    t = _small(answers=_answers(x, y))
    assert suggest.walk(t, "lift 10 reps, goal home")["outcome"] == "o_x", "a_x outranks a_y"
    assert suggest.walk(t, "no lift; 10 reps, goal home")["outcome"] == "o_y", "unless cancels a_x"
    assert suggest.walk(t, "10 reps")["open_question"] == "q_one", "a_y also needs a goal"
    r = suggest.walk(t, "10 reps, goal home")
    assert r["codes"] == ["Y2", "Y3"] and r["code"] == "Y2"
    ignoring = _small(answers=_answers(x, y), ignore={"patterns": [r"goal[^.]*"]})
    assert suggest.walk(ignoring, "10 reps. goal: lift grandson")["open_question"] == "q_one", "goal text not read"
    silent = _small(answers=_answers(x, y), when_silent={"answer": "a_y", "evidence": "nothing named"})
    r = suggest.walk(silent, "Tolerated well.")
    assert r["outcome"] == "o_y" and r["path"][0]["evidence"] == "nothing named" and r["path"][0]["from_silence"]


def test_weak_evidence_counts_only_when_nothing_stronger_answers_and_yields_to_the_heading() -> None:
    x = {"evidence": {"patterns": [r"\bdishes\b"], "weak": [r"\bsink\b"]}, "heading_codes": ["X1"]}
    y = {"evidence": {"patterns": [r"\bweight shifts\b"]}, "heading_codes": ["Y2"]}
    t = _small(answers=_answers(x, y))
    assert suggest.walk(t, "Stood at the sink, weight shifts x10.")["outcome"] == "o_y", "a place alone loses"
    alone = suggest.walk(t, "Stood at the sink 5 min.")
    assert alone["outcome"] == "o_x" and alone["path"][0]["evidence"] == "sink", "alone, the place still answers"
    headed = suggest.walk(t, "Stood at the sink 5 min.", claims="Y2", heading="NMR")
    assert headed["outcome"] == "o_y" and headed["path"][0]["from_heading"], "the heading outweighs weak evidence"
    strong = suggest.walk(t, "Washed dishes at the sink.", claims="Y2", heading="NMR")
    assert strong["outcome"] == "o_x" and not strong["path"][0]["from_heading"], "content evidence wins"
    guarded = _small(answers=_answers({"evidence": {**x["evidence"], "weak_unless": [r"\bsets\b"]}}, y))
    assert suggest.walk(guarded, "Stood at the sink 5 min.")["outcome"] == "o_x"
    assert suggest.walk(guarded, "Stood at the sink, 3 sets.")["open_question"] == "q_one", "weak_unless cancels"


def test_the_real_tree_reads_body_function_places_warm_ups_and_manual_stretches() -> None:
    def code(note: str) -> str | None:
        r = suggest.walk(TREE, note, VOCAB, READING)
        return r["code"] or (r["result"] if r["outcome"] else r["open_question"])

    assert code("Standing at sink w/ lateral weight shifts, reaching across midline, CGA, LOB x2.") == "97112"
    assert code("Shoulder ex: prone T/Y 2x10, serratus punch w/ 3#, cues.") == "97110", "no balance named: exercise"
    assert code("NuStep 8 min warm-up, level 4.") == "not_billable"
    assert code("Bike warm-up 5 min then squats 3x10, lunges 2x10.") == "97110", "a warm-up inside exercise work"
    assert code("NuStep 8 min warm-up, level 4, resistance adjusted to HR, cues for pacing.") == "97110"
    assert code("Posterior glides grade III and sleeper stretch assisted by PT.") == "97140"
    assert code("Rest break 5 min, vitals taken.") == "not_billable"
    assert code("Bridges 3x10, clams 3x10, rest break 1 min between sets.") == "97110", "rests inside exercise work"


def test_a_canalith_repositioning_maneuver_is_95992_and_habituation_stays_97112() -> None:
    def walked(note: str) -> tuple[str | None, str | None]:
        r = suggest.walk(TREE, note, VOCAB, READING)
        return r["code"], r["outcome"]

    # the maneuver, side and response are written, the positional test finding is not
    assert walked("Epley R posterior canal, 2 reps, nystagmus resolved on retest") == ("95992", "o_doc_95992_partial")
    assert walked(
        "R Dix-Hallpike positive, upbeating torsional nystagmus; R posterior canal BPPV; modified Epley x2;"
        " no nystagmus on retest."
    ) == ("95992", "o_95992")
    assert walked(
        "Habituation exercises: Brandt-Daroff x5 each side, dizziness 4/10 -> 2/10, DHI 46, vc for pacing."
    ) == (
        "97112",
        "o_97112",
    )
    assert walked("VOR x1 viewing 3 x 1 min with head turns, dizziness 3/10 -> 1/10, DHI 46, vc.")[0] == "97112"


def test_independent_work_and_rests_are_not_a_therapists_action() -> None:
    def code(note: str) -> str | None:
        r = suggest.walk(TREE, note, VOCAB, READING)
        return r["code"] or (r["result"] if r["outcome"] else r["open_question"])

    assert code("HEP performed indep in gym, pt needed no cues, PT observed.") == "not_billable"
    assert code("UBE 6 min warm-up, pt indep.") == "not_billable", "an independent level is not the therapist's part"
    assert code("Pt rested in chair between tasks (5 min).") == "not_billable"
    assert code("Sit to stand from chair x10, min A, cues for nose over toes.") == "97530", "an assist level is"


def test_normal_gait_supported_stepping_adaptive_foam_and_assisted_tasks() -> None:
    def code(note: str) -> str | None:
        r = suggest.walk(TREE, note, VOCAB, READING, claims="97116", heading="Gait")
        return r["code"] or (r["result"] if r["outcome"] else r["open_question"])

    walk = "Hallway walking 600 ft x2 for endurance, HR monitored, gait pattern WNL w/o AD."
    assert code(walk) == "97110", "a pattern written as normal has nothing to correct"
    assert code("Hallway amb 300 ft w/ RW, cues for step length.") == "97116"
    assert code("Treadmill in harness w/ 30% BWS, PT facilitating step through at the knees.") == "97116"

    def plain(note: str) -> str | None:
        r = suggest.walk(TREE, note, VOCAB, READING)
        return r["code"] or (r["result"] if r["outcome"] else r["open_question"])

    assert plain("Taught modified grasp for utensils w/ built-up foam, return demo.") == "97535", "not balance foam"
    assert plain("Standing on foam, eyes closed, CGA, LOB x2.") == "97112"
    folding = "Stood at counter folding towels and reaching to the 2nd shelf to put them away, CGA, cues for wide BOS."
    assert plain(folding) == "97530", "an assisted task with nothing taught is practice"
    assert plain("Instructed in long-handled sponge for bathing, return demo w/ min A.") == "97535", "teaching wins"


def test_a_room_a_walk_went_to_is_a_place_not_a_task() -> None:
    def code(note: str) -> str | None:
        r = suggest.walk(TREE, note, VOCAB, READING, claims="97116", heading="Gait trg")
        return r["code"] or (r["result"] if r["outcome"] else r["open_question"])

    assert code("RW in home from bedroom to kitchen 60 ft x3, cues for RW proximity and turning.") == "97116"
    assert code("Kitchen task: retrieved pots from low cabinet to stove, CGA, cues for hip hinge.") == "97530"


@pytest.mark.parametrize(
    ("text", "fragment"),
    [("", "empty"), ("  \n\t ", "empty"), ("x" * (suggest.MAX_NOTE + 1), "characters"), ("a\x00b", "control")],
)
def test_bad_note_is_refused_with_a_fix(text: str, fragment: str) -> None:
    with pytest.raises(suggest.SuggestInputError) as exc:
        suggest.walk(TREE, text, VOCAB, READING)
    assert fragment in str(exc.value) and "fix:" in str(exc.value)
    with pytest.raises(suggest.SuggestInputError):
        suggest.check_note(b"\xff\xfe note")
    with pytest.raises(suggest.SuggestInputError):
        suggest.check_note(42)


# ---- the real tree -----------------------------------------------------------------------------------------------


def test_common_codes_are_at_most_six_answers_from_the_root() -> None:
    nodes = tree.nodes_by_id(TREE)
    for code in COMMON:
        node = next(
            n for n in TREE["nodes"] if n["type"] == "outcome" and n.get("code") == code and n["result"] == "code"
        )
        steps = tree.path_to(TREE, node["id"])
        assert steps is not None and len(steps) <= 6, f"{code}: {len(steps or [])} answers"
        assert nodes[node["id"]]["code"] == code


def test_cognitive_outcome_bills_the_first_code_and_the_add_on() -> None:
    billed = [n for n in TREE["nodes"] if n.get("codes")]
    assert [n["codes"] for n in billed] == [["97129", "97130"]]


@pytest.mark.parametrize("note_id", sorted(NOTES))
def test_walk_is_a_tree_walk_and_its_evidence_is_in_the_note(note_id: str) -> None:
    """One logic: the suggestion is exactly the tree state its steps reach, and each step quotes the note."""
    text = NOTES[note_id]["text"]
    r = suggest.walk(TREE, text, VOCAB, READING)
    steps = [(s["question"], s["answer"]) for s in r["path"]]
    state = tree.state(TREE, steps)
    assert state["error"] is None
    if r["outcome"]:
        assert state["outcome"]["id"] == r["outcome"] and state["outcome"]["codes"] == (r["codes"] or [])
    else:
        assert state["question"]["id"] == r["open_question"]
    for step in r["path"]:
        if step["from_silence"]:
            assert step["evidence"] and not step["spans"]
        else:
            assert step["spans"] and all(text[s["start"] : s["end"]] == s["text"] for s in step["spans"])


def test_api_suggest_replies_with_the_walk_or_an_error() -> None:
    api.load(json.dumps(DATA))
    text = NOTES[SPLIT["dev"][0]]["text"]
    reply = json.loads(api.call("suggest", json.dumps({"text": text})))["result"]
    assert reply == suggest.walk(TREE, text, VOCAB, READING)
    assert json.loads(api.call("suggest", json.dumps({"text": ""})))["error"]["field"] == "text"


# ---- the command line --------------------------------------------------------------------------------------------


def _cli(data: bytes) -> subprocess.CompletedProcess[bytes]:
    cmd = [sys.executable, "-m", "engine", "suggest", "--json"]
    return subprocess.run(cmd, cwd=ROOT, input=data, capture_output=True, check=False)


def test_cli_prints_the_documented_json() -> None:
    text = NOTES[SPLIT["dev"][0]]["text"]
    done = _cli(text.encode())
    assert done.returncode == 0, done.stderr
    out = json.loads(done.stdout)
    assert list(out)[:4] == ["code", "codes", "path", "open_question"]
    want = suggest.walk(TREE, text, VOCAB, READING)
    assert out["code"] == want["code"] and out["codes"] == want["codes"]
    assert out["open_question"] == want["open_question"]
    assert out["path"] == [{k: s[k] for k in ("question", "answer", "evidence")} for s in want["path"]]


@pytest.mark.parametrize(
    ("data", "fragment"),
    [
        (b"", b"empty"),
        (b"x" * (4 * suggest.MAX_NOTE + 1), b"longer"),
        (b"\x89PNG\r\n\x00\x00", b"NUL"),
        (b"\xff\xfe", b"UTF-8"),
    ],
)
def test_cli_exits_2_on_bad_input(data: bytes, fragment: bytes) -> None:
    done = _cli(data)
    assert done.returncode == 2 and fragment in done.stderr and not done.stdout


# ---- the note bank -----------------------------------------------------------------------------------------------


def test_bank_is_split_in_two_disjoint_halves_covering_every_note_and_outcome() -> None:
    dev, held = set(SPLIT["dev"]), set(SPLIT["heldout"])
    assert not dev & held and dev | held == set(NOTES) and len(NOTES) >= 150
    keys = {suggest.outcome_key(n) for n in TREE["nodes"] if n["type"] == "outcome"}
    for note in NOTES.values():
        assert note["expected"] in note["acceptable"] and set(note["acceptable"]) <= keys, note["id"]
    assert keys <= {n["expected"] for n in NOTES.values()}, "an outcome of the tree has no note in the bank"


def test_bank_stays_out_of_the_site() -> None:
    for folder in ("build_tools", "docs", "engine", "overrides"):
        for path in (ROOT / folder).rglob("*"):
            if path.is_file() and path.suffix in (".py", ".js", ".md", ".html", ".yml", ".yaml"):
                assert "note_bank" not in path.read_text(encoding="utf-8", errors="replace"), path


def _figures(half: str) -> dict[str, Any]:
    rows = [(NOTES[i], suggest.walk(TREE, NOTES[i]["text"], VOCAB, READING)) for i in SPLIT[half]]
    nodes = tree.nodes_by_id(TREE)
    committed = [(n, r) for n, r in rows if r["outcome"]]
    good = [(n, r) for n, r in committed if suggest.outcome_key(nodes[r["outcome"]]) in n["acceptable"]]
    lengths = [len(r["path"]) for n, r in good if n["expected"] in COMMON]
    return {
        "acceptable_pct": 100 * len(good) / len(committed),
        "commit_pct": 100 * len(committed) / len(rows),
        "median_common": statistics.median(lengths),
    }


@pytest.mark.parametrize("half", ["dev", "heldout"])
def test_bank_half_meets_the_targets(half: str) -> None:
    got = _figures(half)
    print(f"{half}: {got}")
    assert got["acceptable_pct"] >= TARGETS["acceptable_pct"], got
    assert got["commit_pct"] >= TARGETS["commit_pct"], got
    assert got["median_common"] <= TARGETS["median_common"], got


@settings(max_examples=60, deadline=None)
@given(
    st.text(min_size=1, max_size=400).filter(
        lambda t: t.strip() and not any(ord(c) < 32 and c not in "\t\n\r" for c in t)
    )
)
def test_any_text_gives_a_tree_walk_or_a_question(text: str) -> None:
    r = suggest.walk(TREE, text, VOCAB, READING)
    state = tree.state(TREE, [(s["question"], s["answer"]) for s in r["path"]])
    assert state["error"] is None
    assert (r["outcome"] is None) == (r["open_question"] is not None)


def _code(note: str, **kwargs: Any) -> str | None:
    """The code (or not_billable, or the open question) the real tree reaches from `note`."""
    r = suggest.walk(TREE, note, VOCAB, READING, **kwargs)
    return r["code"] or (r["result"] if r["outcome"] else r["open_question"])


def test_a_self_care_task_trained_is_self_care_and_a_transfer_practised_is_an_activity() -> None:
    dressing = (
        "Lower-body dressing at edge of bed w/ long-handled shoe horn, min A, VC x2 for posterior hip precautions."
    )
    assert _code(dressing) == "97535", "the self-care task itself, with its equipment and precautions"
    assert _code("Oral care and hair combing seated at the sink, set-up and VC to finish the left side.") == "97535"
    assert _code("Opened jars w/ a jar opener, joint protection reviewed for kitchen work, 3 trials.") == "97535"
    assert _code("Toilet transfer x4 w/ grab bar, CGA, VC for hand placement.") == "97530", "a transfer is practice"
    grooming_for_balance = "Grooming standing at sink to challenge standing balance, LOB x2, CGA, wide BOS cued."
    assert _code(grooming_for_balance) != "97535", "a task done for balance is not self-care training"


def test_controlled_sensory_input_is_sensory_integration() -> None:
    swing = "Platform swing w/ linear and rotary input graded to tolerance, then heavy work pushing a weighted bin."
    assert _code(swing) == "97533"
    assert _code("Deep pressure and joint compressions before table work, adaptive responses improved.") == "97533"
    assert _code("Talked with mom about a sensory diet for home.") != "97533", "advice about a home programme"


def test_attention_and_processing_speed_drills_are_cognitive_intervention() -> None:
    drills = (
        "Selective attention drills on tablet w/ graded distractors 12 min, error detection 7/10, cues to self-check."
    )
    assert _code(drills) == "97129"
    assert _code("Divided attention + processing speed tasks, Dynavision 2 x 1 min, 14 min.") == "97129"


def test_community_tasks_and_workstation_set_up_are_community_or_work_training() -> None:
    assert _code("Practised planning a bus route with the transit app and counting the fare, 2 cues.") == "97537"
    workstation = "Workstation set-up analysed: chair lowered 2 in, monitor raised, pt trained in microbreaks."
    assert _code(workstation) == "97537"


def test_an_orthosis_made_weeks_ago_is_a_later_encounter() -> None:
    check = "Wrist cock-up orthosis (fabricated 3 wks ago) checked for fit, strap trimmed, wear schedule reviewed."
    assert _code(check) == "97763"
    assert (
        _code("Resting hand orthosis fabricated today from thermoplastic, fit checked, wear schedule taught.")
        == "97760"
    )


def test_table_tasks_righting_reactions_and_isometrics_are_read() -> None:
    assert (
        _code("Cutting along a curved line w/ loop scissors, tripod grasp on crayon, cues for helper hand.") == "97530"
    )
    assert (
        _code("Prone on wedge for head righting, protective reactions in sitting w/ facilitation at hips.") == "97112"
    )
    assert _code("Quad isometrics 10 x 10 sec holds, cues to avoid breath holding.") == "97110"
    assert _code("Walked with son to the lobby, no skilled tx.") == "not_billable", "'no skilled tx' is not negated"


def test_a_note_that_says_no_skill_was_given_is_not_billable_beside_a_vital_sign() -> None:
    assert _code("Tilt table 15 min for WB tolerance, HR monitored, no skilled intervention after set-up.") == (
        "not_billable"
    )
    assert _code("Pt did his shelf-stocking circuit indep per his program, PT monitored from the doorway.") == (
        "not_billable"
    )
    assert _code("Squat pivot w/c to mat x4, min A, cues for head-hips.") == "97530", "a pivot is a transfer"
    step = "Parallel bars: step training w/ R LE, weight shift onto R, mod A at the knee."
    assert _code(step, claims="97116", heading="Gait") == "97116", "step training under a gait heading"


def test_a_caregiver_trained_while_the_patient_is_away_is_caregiver_training_whatever_the_heading() -> None:
    note = "Taught wife Hoyer lift transfers and a turning schedule (pt not present), return demo x2."
    assert _code(note, claims="97535", heading="Caregiver training") == "97550"
    present = "Taught wife Hoyer lift transfers with the pt, return demo x2."
    assert _code(present, claims="97535", heading="Caregiver training") == "97535", "with the patient: self-care"


def test_a_work_hardening_program_is_its_own_code_and_job_simulation_in_therapy_is_an_activity() -> None:
    program = "Work hardening hour 2: simulated shelf stocking at 25 lb and ladder work, cues for lift mechanics."
    assert _code(program) == "97545"
    assert _code("Job simulation: lifting 25 lb crates floor to shelf x8, cues for lift mechanics.") == "97530"


def test_a_treadmill_in_a_harness_is_stepping_trained() -> None:
    assert _code("Treadmill w/ harness 20 min, PT cueing R heel strike and longer step.") == "97116"
    assert _code("Treadmill 10 min at 2.5 mph, HR monitored, speed increased.") == "97110"
