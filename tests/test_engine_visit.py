"""engine.visit: a whole visit note -> every block coded (content first, heading second) -> the day's units."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from build_tools.export import engine_data
from build_tools.load import load_project
from engine import visit
from tests.note_bank import answer_key

DATA = engine_data(load_project())
BANK = Path(__file__).parent / "note_bank"
VISITS = {v["id"]: v for v in yaml.safe_load((BANK / "visits.yaml").read_text(encoding="utf-8"))}
HALVES = yaml.safe_load((BANK / "visit_split.yaml").read_text(encoding="utf-8"))
#: share of visits whose every block gets an acceptable code and the right minutes (each half): a guard
#: against regressions set below the figures benchmarks/suggest_accuracy.py prints (held-out: never tuned to)
# regression floors, below the figures measured on 2026-12-04 after the fifth round (tests/note_bank/README.md:
# dev 86.6%, held-out 59.2% of visits with every block right; held out: v4-, v6-, v11- and v12-, all written blind
# to the reader and never read while tuning); raised as the figures rise
FLOOR = {"dev": 0.85, "heldout": 0.58}


def read(text: str, rule: str = "cms") -> dict[str, Any]:
    return visit.read(text, DATA, rule)


def test_the_three_block_note_from_the_issue_is_billed_block_by_block() -> None:
    note = (
        "TherEx 12 min: SLR 3x10, bridges 3x10, VC for quad set.\n"
        "NMR 10 min: tandem stance on foam, perturbations, LOB x3, Berg 41/56.\n"
        "TherAct 16 min: floor to counter lifts x8, CGA, mod VC hip hinge. Goal: unload dishwasher at home.\n"
        "Total timed 38 min"
    )
    r = read(note)
    assert [(b["code"], b["minutes"]) for b in r["blocks"]] == [("97110", 12), ("97112", 10), ("97530", 16)]
    assert all(b["documentation"]["verdict"] == "supported" for b in r["blocks"])
    assert r["units"] == {"97110": 1, "97112": 1, "97530": 1} and r["total_units"] == 3
    assert not r["warnings"]
    ama = read(note, "ama")
    assert ama["units"] == {"97110": 1, "97112": 1, "97530": 1}


def test_a_heading_is_the_writers_claim_and_the_content_decides() -> None:
    r = read("NMR 15 min: bridges 3x10, clamshells 3x15 red TB, side-lying hip abd, cues for pelvic neutral.")
    (block,) = r["blocks"]
    assert block["code"] == "97110" and block["claims"] == "97112"
    assert block["heading_note"] == "headed NMR 15 min; the content supports 97110"
    assert r["units"] == {"97110": 1}


def test_a_heading_settles_only_what_the_content_leaves_open() -> None:
    (block,) = read("Gait 12 min: 4-count cueing for turns, big steps w/ metronome, cued through freezing.")["blocks"]
    assert block["code"] == "97116"
    assert any("heading" in step["evidence"] for step in block["path"])


def test_documentation_is_a_verdict_beside_the_code() -> None:
    (block,) = read("TA 15 min: car transfer simulator x5 trials, VC for sequencing.")["blocks"]
    assert block["code"] == "97530" and block["documentation"]["verdict"] == "partly"
    (add,) = block["documentation"]["add"]
    assert "'car transfer'" in add and "goal" in add
    (bare,) = read("TA 15 min: car transfer simulator x5 trials.")["blocks"]
    assert bare["code"] == "97530" and bare["documentation"]["verdict"] == "not_shown"
    (log,) = read("TE 12 min: bridges 3x10, clamshells 3x15, bike 10 min.")["blocks"]
    assert log["code"] == "97110" and log["documentation"]["verdict"] == "not_shown"


def test_negated_and_planned_services_are_not_billed() -> None:
    r = read(
        "Manual therapy (15 min): GH inf glides gr III.\nIce (10 min) not performed d/t time.\n"
        "Plan: gait training next visit. No cues were needed for HEP review."
    )
    assert [b["code"] for b in r["blocks"]] == ["97140", None]
    assert r["blocks"][1]["result"] == "not_billable"
    assert r["units"] == {"97140": 1}


def test_a_block_whose_content_says_it_did_not_happen_bills_nothing() -> None:
    r = read(
        "TherEx 12 min: pt declined, no exercise performed.\n"
        "NMR 10 min: tandem stance on foam 3x30 s, CGA, cues for hip strategy.\n"
        "CP 10 min: pt declined.\nTotal timed 22 min"
    )
    declined, balance, cold = r["blocks"]
    assert declined["code"] is None and declined["result"] == "not_billable"
    assert declined["heading_note"] == "headed TherEx 12 min; the note says it was not done"
    assert balance["code"] == "97112" and cold["code"] is None and cold["result"] == "not_billable"
    assert r["units"] == {"97112": 1}
    # the 22 stated minutes count the declined block: the billable timed blocks add up to 10
    assert [w["kind"] for w in r["warnings"]] == ["total_mismatch"]
    # a refusal of one part leaves the rest of the block: the work it shows is billed
    (part,) = read("TherEx 15 min: pt declined bike, SLR 3x10 and bridges 2x15 w/ VC for glute set.")["blocks"]
    assert part["code"] == "97110"
    hot, _ = read("HP 10 min to R knee, pt declined e-stim.\nTE 10 min: LAQ 2x10, VC for full ROM.")["blocks"]
    assert hot["code"] == "97010"


def test_a_goal_or_plan_on_the_line_before_a_block_keeps_the_blocks_minutes() -> None:
    for note, code in (
        ("LTG: indep LB dressing in 4 wks. ADL 15 min: trained sock aid and reacher use, min A, VC.", "97535"),
        ("Plan: NMR next session. Gait 10 min: FWW 150 ft x2, cues for step length and heel strike, CGA.", "97116"),
        ("P: add gait trng next visit. TherEx 12': SLR 3x10, bridges, VC for form.", "97110"),
    ):
        r = read(note)
        (block,) = r["blocks"]
        assert (block["code"], block["minutes"]) == (code, int(note.split(". ")[1].split()[1].strip("':min"))), note
        assert r["units"] == {code: 1} and not r["warnings"], note
    # the plan itself opens nothing: a heading inside it without minutes stays part of the plan
    r = read("TherEx 12 min: SLR 3x10, VC.\nPlan: progress NMR and gait next visit.")
    assert [b["code"] for b in r["blocks"]] == ["97110"]


def test_two_blocks_of_one_code_are_added_and_the_steps_say_so() -> None:
    r = read("TE 10': Nordic hamstring 3x6, cues for control.\nGait 9': RW, cues step length.\nTE 8': planks, VC form.")
    assert r["units"]["97110"] == 1 and r["units"]["97116"] == 1
    assert any("97110 appears in blocks 1, 3: 10 min + 8 min = 18 min" in s for s in r["steps"])


def test_warnings_for_a_disagreeing_total_a_block_without_minutes_and_a_range() -> None:
    r = read("TherEx 12 min: SLR w/ VC.\nGait: RW 100 ft, cues step length.\nMT 10-15 min: STM.\nTotal timed 30 min")
    kinds = [w["kind"] for w in r["warnings"]]
    assert "total_mismatch" in kinds and "block_without_minutes" in kinds and "minutes_range" in kinds
    counted = read("UBE 8 min warm-up, independent.\nTherEx 15 min: ER/IR TB, cues.\nTotal timed 23 min")
    (mismatch,) = [w for w in counted["warnings"] if w["kind"] == "total_mismatch"]
    assert "counts minutes the blocks do not bill" in mismatch["message"]


def test_services_the_tree_does_not_cover_are_coded_by_heading_and_payer() -> None:
    note = (
        "E-stim (unattended, premod) 15 min lumbar.\nTE 14 min: bridging w/ TA brace, cues.\nPT eval, low complexity."
    )
    cms, ama = read(note), read(note, "ama")
    assert [b["code"] for b in cms["blocks"]] == ["G0283", "97110", "97161"]
    assert [b["code"] for b in ama["blocks"]] == ["97014", "97110", "97161"]
    attended = read("NMES 15 min to L wrist ext, attended, therapist adjusting parameters.")
    assert attended["blocks"][0]["code"] == "97032"


def test_cognitive_minutes_go_to_the_first_code_and_its_add_on() -> None:
    r = read("Cog 40 min: executive function training, planning a 3-step task, cues faded mod -> min.")
    assert r["blocks"][0]["codes"] == ["97129", "97130"]
    assert r["units"] == {"97129": 1, "97130": 2}


@pytest.mark.parametrize("bad", ["", "   ", 42, "a\x00b", "x" * 20_001])
def test_bad_input_is_refused_with_a_message(bad: Any) -> None:
    with pytest.raises(visit.VisitInputError) as exc:
        read(bad)
    assert "fix" in str(exc.value)
    with pytest.raises(visit.VisitInputError):
        read("TE 10 min: SLR", "nope")


def bank_figures(ids: list[str]) -> dict[str, float]:
    """Share of visits with every block right (code acceptable, minutes equal), and billed exactly under cms."""
    blocks_right = billed = 0
    for i in ids:
        v = VISITS[i]
        got = read(v["text"])
        blocks_right += answer_key.blocks_right(v, answer_key.read_blocks(got["blocks"]))
        billed += {c: n for c, n in got["units"].items() if n} == answer_key.expected_units(v, DATA, "cms")
    return {"blocks": blocks_right / len(ids), "billed": billed / len(ids)}


@pytest.mark.parametrize("half", sorted(HALVES))
def test_the_visit_bank_is_read_block_by_block_on_both_halves(half: str) -> None:
    figures = bank_figures(HALVES[half])
    assert figures["blocks"] >= FLOOR[half], figures
    assert figures["billed"] >= FLOOR[half] - 0.05, figures


def test_a_stated_treatment_time_that_counts_unbilled_minutes_is_a_mismatch() -> None:
    def kinds(note: str) -> list[str]:
        return [w["kind"] for w in read(note)["warnings"]]

    assert "total_mismatch" in kinds("TE 15 min: bridges w/ VC.\nRest 5 min, vitals.\nTTT 20 min")
    assert "total_mismatch" in kinds("TE 15 min: bridges w/ VC.\nUS 8 min - not performed, unit broken.\nTTT 23")
    assert "total_mismatch" not in kinds("TE 15 min: bridges w/ VC.\nRest 5 min, vitals.\nTTT 15 min")
    assert "total_mismatch" not in kinds("TE 15 min: bridges w/ VC.\nParaffin 10 min R hand.\nTTT 25 min"), (
        "an untimed service's minutes belong in the treatment time"
    )


def test_an_open_question_answered_in_place_continues_the_same_walk() -> None:
    note = "TE 12 min: bridges w/ VC.\nWand AAROM and STM to post capsule by PT 12 min."
    first = read(note)
    open_block = next(i for i, b in enumerate(first["blocks"], 1) if b["open_question"])
    question = first["blocks"][open_block - 1]["open_question"]
    assert question == "q_focus"
    done = visit.read(note, DATA, "cms", {str(open_block): [["q_focus", "a_manual"]]})
    block = done["blocks"][open_block - 1]
    assert block["code"] == "97140" and block["path"][-1]["by_user"] and done["units"] == {"97110": 1, "97140": 1}
    with pytest.raises(visit.VisitInputError, match="not an answer of q_focus"):
        visit.read(note, DATA, "cms", {str(open_block): [["q_focus", "a_nope"]]})


def test_the_reading_page_states_the_bounds_the_engine_enforces() -> None:
    from engine import assertions, blocks, suggest

    page = (Path(__file__).resolve().parents[1] / "docs" / "guide" / "reading-visit-notes.md").read_text("utf-8")
    words = {6: "six"}
    assert f"{suggest.MAX_NOTE:,} characters" in page and f"{blocks.MAX_BLOCKS} blocks" in page
    assert f"{blocks.MAX_BLOCK_MINUTES:,} minutes" in page
    assert f"at most {words[assertions.NEGATION_WINDOW]} words" in page


def test_more_blocks_than_the_bound_are_refused() -> None:
    from engine import blocks

    note = "".join(f"TE {i} min: SLR w/ VC\n" for i in range(1, blocks.MAX_BLOCKS + 2))
    with pytest.raises(visit.VisitInputError, match=f"at most {blocks.MAX_BLOCKS}"):
        read(note)
    assert len(read(note.split("\n", 1)[1])["blocks"]) == blocks.MAX_BLOCKS


def test_a_guide_style_one_liner_names_its_code_with_the_verdict() -> None:
    (block,) = read("Therapeutic activities such as lifting and carrying to prepare for return to work.")["blocks"]
    assert block["code"] == "97530" and block["claims"] == "97530"
    assert block["documentation"]["verdict"] == "not_shown"
    assert any("heading" in s["evidence"] for s in block["path"]), "the opening words settled only what was open"


def test_a_cognitive_block_without_minutes_names_its_code_and_asks_for_the_time() -> None:
    r = read("Cog: sustained attention training, cancellation task, mod cues.")
    (block,) = r["blocks"]
    assert block["code"] == "97129" and block["open_question"] == "q_cognition_time"
    assert "block_without_minutes" in [w["kind"] for w in r["warnings"]]


def test_segments_cut_the_note_into_its_blocks_and_the_text_between() -> None:
    note = "TherEx 12 min: SLR 3x10, VC for quad set.\nNMR 10 min: tandem on foam 😀, LOB x3.\nTotal timed 22 min"
    r = read(note)
    pieces = visit.segments(note, r["blocks"])
    assert "".join(p["text"] for p in pieces) == note
    assert [p["block"] for p in pieces] == [1, 2, None]
    assert pieces[1]["text"].startswith("NMR 10 min") and "😀" in pieces[1]["text"]
    assert pieces[2]["text"] == "Total timed 22 min"


def test_segments_clip_overlapping_and_out_of_range_spans() -> None:
    spans = [{"number": 2, "span": [3, 20]}, {"number": 1, "span": [0, 5]}]
    assert visit.segments("abcdefgh", spans) == [
        {"text": "abcde", "block": 1},
        {"text": "fgh", "block": 2},
    ]
    assert visit.segments("abc", []) == [{"text": "abc", "block": None}]


def test_an_initial_evaluation_takes_its_complexity_from_its_title_line() -> None:
    note = (
        "OT Initial Eval - moderate complexity. L CVA.\nEval 40 min: hx, UE testing, ADL screen.\n"
        "ADL 10 min: taught hemi-dressing, return demo."
    )
    assert [b["code"] for b in read(note)["blocks"]] == ["97166", "97535"]


def test_a_bus_stop_is_where_curb_training_took_place_not_a_community_task() -> None:
    note = "Stairs/curb 10 min: curb step-up/down at bus stop x6, 4 flights w/ 1 rail, cues step-to -> reciprocal."
    assert read(note)["blocks"][0]["code"] == "97116"
    assert read("Community training 30 min: rode city bus, paid fare, cues.")["blocks"][0]["code"] == "97537"


def test_units_written_instead_of_minutes_bill_nothing_and_say_why() -> None:
    r = read("97110 x2 units: SLR, LAQ, VC for quad set\nGait 10 min: RW 150 ft, cues for step length")
    assert r["units"] == {"97116": 1}
    (warning,) = [w for w in r["warnings"] if w["kind"] == "block_without_minutes"]
    assert "it gives 2 units, but units come from minutes" in warning["message"]


def test_a_modality_named_in_an_unheaded_sentence_is_that_service_and_a_declined_one_is_not_billed() -> None:
    r = read(
        "Mech traction lumbar 15 min, 70# static.\nUnattended IFC to lumbar paraspinals 15 min, pt seated.\n"
        "TherEx 20 min: prone press ups 3x10, VC for lumbar extension.\nWe finished with ten minutes of ice."
    )
    assert [(b["code"], b["minutes"]) for b in r["blocks"]] == [
        ("97012", 15),
        ("G0283", 15),
        ("97110", 20),
        ("97010", 10),
    ]
    declined = read("TE 10 min: LAQ 2x10, VC for full ROM.\nTENS offered for home use - pt declined, prefers no e-stim")
    assert declined["units"] == {"97110": 1} and [b["code"] for b in declined["blocks"]] == ["97110"]
    other = read("HP to R knee; pt declined e-stim.\nTE 10 min: LAQ 2x10, VC for full ROM.")
    assert [b["code"] for b in other["blocks"]] == ["97010", "97110"]


def test_a_room_is_where_the_work_happened_not_what_it_was() -> None:
    (walk,) = read(
        "Gait 15 min: gait training in the hallway and kitchen with her rollator, turning in tight spaces,"
        " VC to keep the walker close, CGA on turns."
    )["blocks"]
    assert walk["code"] == "97116"
    (task,) = read("TA 15 min: kitchen tasks, retrieving pots from low cabinet x5, CGA, VC for hip hinge.")["blocks"]
    assert task["code"] == "97530"


def test_a_flowsheet_of_headings_and_minutes_bills_each_heading_with_the_documentation_not_shown() -> None:
    note = "THER EX..........12\nMANUAL THERAPY...8\nGAIT.............0\nTOTAL TIMED......20"
    r = read(note)
    assert [(b["code"], b["minutes"]) for b in r["blocks"]] == [("97110", 12), ("97140", 8), (None, 0)]
    assert r["blocks"][0]["documentation"]["verdict"] == "not_shown" and r["blocks"][2]["result"] == "not_billable"
    # 20 pooled minutes are one unit under Medicare; each code on its own is one unit under the per-code rule
    assert r["units"] == {"97110": 1, "97140": 0} and r["stated_total_timed"] == 20
    assert read(note, "ama")["units"] == {"97110": 1, "97140": 1}


def test_a_pool_class_is_group_therapy_and_the_one_on_one_pool_time_after_it_is_aquatic() -> None:
    r = read(
        "Aquatic arthritis group 45 min - 5 pts, PTA in water leading walking, squats.\n"
        "Individual aquatic tx 15 min after group: 1:1 gait training in chest-deep water, PT facilitation at pelvis."
    )
    assert [(b["code"], b["minutes"]) for b in r["blocks"]] == [("97150", 45), ("97113", 15)]


def test_minutes_that_end_a_line_belong_to_that_line_not_to_the_next_lines_heading() -> None:
    r = read(
        "NMES R wrist ext, attended throughout, paired w/ grasp-release of cones, 15 min\n"
        "Self-care: grooming at sink standing, compensatory technique for toothpaste, VC, 15 min"
    )
    assert [(b["code"], b["minutes"]) for b in r["blocks"]] == [("97032", 15), ("97535", 15)]


def test_when_the_text_shows_two_kinds_of_work_the_heading_names_which_it_was() -> None:
    gait = "treadmill 1.2 mph w/ handrails, then overground obstacle course naming animals (dual task), VC heel strike"
    (headed,) = read(f"Gait training 15 min - {gait}")["blocks"]
    assert headed["code"] == "97116" and headed["heading_note"] is None
    step = next(s for s in headed["path"] if s["question"] == "q_focus")
    assert "the heading 'Gait training" in step["evidence"] and step["spans"]
    # content that shows only one kind still decides against the heading
    (strength,) = read("NMR 15 min: bridges 3x10, clamshells 3x15 red TB, cues for pelvic neutral.")["blocks"]
    assert strength["code"] == "97110"


def test_pnf_named_as_a_stretch_is_exercise_and_orthoses_include_smos() -> None:
    (stretch,) = read("Stretching 15 min: therapist-applied PROM L GH flex/ER to end range, contract-relax PNF x5")[
        "blocks"
    ]
    assert stretch["code"] in ("97110", "97140")
    (fit,) = read(
        "Orthotic initial fit 20 min: new B SMOs delivered today, checked fit + trim lines, parent taught donning."
    )["blocks"]
    assert fit["code"] == "97760"


def test_a_dictated_note_is_cut_where_each_sentence_states_its_minutes() -> None:
    r = read(
        "Arrived at 1000, vitals stable. We spent about 15 minutes on gait training in the hallway with her rollator,"
        " VC to keep the walker close. Then 10 minutes of standing balance work, tandem stance, SLS with head turns."
        " Finished with 8 minutes reviewing her HEP, she did seated LAQ and marches, I corrected her form."
        " Pt tolerated well."
    )
    assert [(b["code"], b["minutes"]) for b in r["blocks"]] == [("97116", 15), ("97112", 10), ("97110", 8)]


def test_a_units_column_beside_a_minutes_column_reads_the_minutes() -> None:
    note = (
        "Code | Units | Minutes | Notes\n97535 | 1 | 14 | grooming at sink, SBA, VC for sequencing\n"
        "97530 | 1 | 11 | kitchen mobility w/ RW, retrieve items from low cabinet, CGA"
    )
    assert [(b["code"], b["minutes"]) for b in read(note)["blocks"]] == [("97535", 14), ("97530", 11)]


def test_a_note_that_names_no_service_says_so_and_bills_nothing() -> None:
    r = read("S: no new complaints O: see flow sheet A: tolerated well P: cont")
    assert r["units"] == {} and r["blocks"] == []
    assert [w["kind"] for w in r["warnings"]] == ["nothing_named"]
    (vague,) = read("General physical therapy for lower limb strength")["blocks"]
    assert vague["code"] == "97110" and vague["documentation"]["verdict"] == "not_shown"


def test_a_plan_right_after_a_heading_speaks_of_what_follows_not_of_the_block() -> None:
    r = read("Gait 10' - next visit will add stairs; today 200 ft w/ RW, VC step length.\nMT: n/a")
    assert [(b["code"], b["minutes"]) for b in r["blocks"]] == [("97116", 10)]
    planned = read("NMR 12 min - planned, not started d/t BP 180/100.\nTE 8 min: seated LAQ 2x10, VC")
    assert [b["code"] for b in planned["blocks"]] == [None, "97110"] and planned["units"] == {"97110": 1}


def test_canalith_repositioning_bills_95992_once_and_its_minutes_are_not_timed() -> None:
    note = (
        "NMR 15 min: gaze stabilization x1 viewing, head turns 3 x 1 min, DHI 46, dizziness 3/10 -> 1/10,"
        " vc for pacing.\n"
        "CRP 8 min: R Epley x2 for R posterior canal BPPV (R Dix-Hallpike positive, upbeating torsional nystagmus);"
        " nystagmus resolved on retest.\n"
        "Total timed 15 min"
    )
    for rule in ("cms", "ama"):
        r = read(note, rule)
        assert [(b["code"], b["minutes"]) for b in r["blocks"]] == [("97112", 15), ("95992", 8)], rule
        assert r["blocks"][1]["documentation"]["verdict"] == "supported", rule
        assert r["units"] == {"97112": 1, "95992": 1}, rule
        # the 8 minutes are not timed: the stated timed total of 15 agrees, and the steps count 15
        assert not r["warnings"], rule
        assert any("total timed minutes 15 min" in s for s in r["steps"]), rule
    said_23 = read(note.replace("Total timed 15 min", "Total timed 23 min"))
    assert "total_mismatch" in [w["kind"] for w in said_23["warnings"]]


def test_habituation_under_a_crp_heading_is_still_97112() -> None:
    (block,) = read(
        "CRP 12 min: habituation exercises, Brandt-Daroff x5 each side, dizziness 4/10 -> 2/10, DHI 46, vc for pacing."
    )["blocks"]
    assert block["code"] == "97112" and block["claims"] == "95992"
    assert block["heading_note"] == "headed CRP 12 min; the content supports 97112"


def test_a_pediatric_visit_codes_sensory_input_table_work_and_dressing_apart() -> None:
    note = (
        "Sensory integration 20 min: bolster swing w/ linear input graded to tolerance, heavy work pulling a loaded"
        " wagon, adaptive responses improved by the end.\n"
        "Fine motor 12 min: cutting along a thick line w/ loop scissors, cues for the helper hand.\n"
        "Self-care 10 min: pulling on socks and doing up a zipper on his coat, min A fading to SBA.\n"
        "Total timed 42 min"
    )
    r = read(note)
    assert [(b["code"], b["minutes"]) for b in r["blocks"]] == [("97533", 20), ("97530", 12), ("97535", 10)]
    assert r["units"] == {"97533": 1, "97530": 1, "97535": 1}


def test_caregiver_training_minutes_are_timed_minutes_of_the_day() -> None:
    note = (
        "Caregiver training 35 min: taught husband a bed-to-chair stand pivot with a gait belt while the patient was"
        " away at dialysis, husband return demo x3.\n"
        "Gait 10 min: RW 150 ft x2, cues for step length.\n"
        "Total timed 45 min"
    )
    r = read(note)
    assert [(b["code"], b["minutes"]) for b in r["blocks"]] == [("97550", 35), ("97116", 10)]
    kinds = [w["kind"] for w in r["warnings"]]
    assert "total_mismatch" not in kinds, "the caregiver minutes belong in the stated timed total"
    assert "not_counted" in kinds and r["units"] == {"97116": 1}


def test_a_declined_template_entry_bills_nothing_and_a_header_takes_no_minutes_from_below() -> None:
    note = (
        "IRF OT - R pontine stroke, L hemiparesis, IRF day 14\n"
        "Intervention: Neuro re-ed\nTime: 0940-1000\nAssist: Mod A\n"
        "Details: L UE weight bearing in sitting, graded facilitation of elbow ext, sitting balance w/ lateral reach.\n"
        "\nIntervention: Shower\nTime: --\nAssist: --\nDetails: pt declined shower today, prefers evening.\n"
        "\nTotal tx time: 40 min; timed: 20 min\n"
    )
    got = read(note)
    # the declined entry is no block of time: a step says why, and nothing is billed for it
    assert [(b["heading"], b["minutes"], b["code"]) for b in got["blocks"]] == [("Neuro re-ed", 20, "97112")]
    assert any("Shower" in step and "not done" in step for step in got["steps"]), got["steps"]
    assert got["units"] == {"97112": 1}


@pytest.mark.parametrize(
    "block",
    [
        "HEP (5'): reviewed, pt demo'd all ex independently, no cues needed",
        "From 9:40-9:50, he rode the recumbent bike at level 4 while I wrote up his home exercise program.",
        "Waiting for paratransit pickup outside clinic 15 min.",
        "The patient then performed her seated UE home exercise program for 10 minutes while the student documented.",
    ],
)
def test_time_the_patient_spent_on_their_own_bills_nothing(block: str) -> None:
    got = read("TE (10'): rep ext in lying 3x10 w/ cues for form\n" + block)
    assert [b["result"] for b in got["blocks"]][1:] == ["not_billable"]
    assert got["units"] == {"97110": 1}


def test_a_declined_service_named_inside_another_block_does_not_unbill_that_block() -> None:
    note = "NMR 12' SLS on foam 3x30s, SBA, 2 LOB. TE 10' 4-way ankle RTB 2x15. no MT today - pt declined"
    got = read(note)
    assert [b["code"] for b in got["blocks"]] == ["97112", "97110"]
    # 22 timed minutes: one unit under Medicare's total (to the larger block), one per code under the per-code rule
    assert got["units"] == {"97112": 1, "97110": 0}
    per_code = read(note, "ama")
    assert per_code["units"] == {"97112": 1, "97110": 1}


@pytest.mark.parametrize(
    ("line", "billed"),
    [
        ("97035 US - 8 min - 1 MHz 1.0 W/cm2 anterior shoulder -- HELD today, pt reports new numbness", False),
        ("US 8 min to R shoulder, 1 MHz; pt did not tolerate full intensity, reduced to 0.8 W/cm2", True),
        ("HP 10 min to R knee, pt declined e-stim", True),
    ],
)
def test_a_modality_held_anywhere_in_its_block_bills_nothing(line: str, billed: bool) -> None:
    got = read("97110 Ther Ex - 15 min - shoulder AAROM pulleys w/ cues for scap set\n" + line)
    assert (got["blocks"][-1]["result"] != "not_billable") is billed, got["blocks"][-1]


def test_a_first_session_with_a_new_orthosis_is_the_first_encounter_and_a_pack_not_applied_bills_nothing() -> None:
    note = (
        "Intervention: Orthotic training\nTime: 15 min\nAssist: Min A\n"
        "Details: first session w/ new custom tenodesis orthosis - fit check, donning/doffing training, skin check.\n"
        "\nIntervention: W/C management\nTime: 25 min\nAssist: Mod A\nDetails: propulsion on ramp, cues.\n"
        "\nIntervention: Cold pack\nTime: --\nDetails: not applied - impaired sensation, contraindicated.\n"
    )
    got = read(note)
    assert [b["code"] for b in got["blocks"]] == ["97760", "97542"]
    assert "97010" not in got["units"]
