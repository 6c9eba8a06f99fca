"""engine.blocks: a visit note cut into blocks of time (headings, minute forms, sections, stated totals)."""

from __future__ import annotations

import pytest

from build_tools.load import load_project
from engine import blocks

READING = load_project().reading.data


def split(text: str) -> dict:
    return blocks.split(text, READING)


@pytest.mark.parametrize(
    ("text", "minutes"),
    [
        ("TherEx 12 min: SLR 3x10", 12),
        ("TherEx 12': SLR 3x10", 12),
        ("TherEx 12m: SLR 3x10", 12),
        ("TherEx x12 min: SLR 3x10", 12),
        ("TherEx (12 min): SLR 3x10", 12),
        ("TherEx 8-min: SLR 3x10", 8),
        ("TherEx 12 minutes - SLR 3x10", 12),
        ("TherEx: 12\n- SLR 3x10", 12),
        ("12-min Ther ex: SLR 3x10", 12),
        ("TherEx | 12 min | SLR 3x10", 12),
        ("TherEx: SLR 3x10 for 12 min", 12),
        ("TherEx (12): SLR 3x10", 12),
        ("TherEx [12] - SLR 3x10", 12),
        ("TherEx: 12 minutes. Bike x 5 min, then SLR 3x10", 12),
        ("Ther Ex | 12 | SLR 3x10 w/ VC", 12),
        ("0930-0942 TherEx: SLR 3x10", 12),
        ("TherEx 9:30-9:42: SLR 3x10", 12),
        ("TherEx 0955 - 1007 SLR 3x10", 12),
        ("Ther ex with SLR 3x10 and bridges, VC for form x 12 min", 12),
    ],
)
def test_minutes_in_every_common_form(text: str, minutes: int) -> None:
    (block,) = split("NMR 9 min: tandem stance.\n" + text)["blocks"][1:]
    assert block["claims"] == "97110" and block["minutes"] == minutes


def test_a_range_is_not_minutes() -> None:
    (block,) = split("TE 10-15 min: bike")["blocks"]
    assert block["minutes"] is None and block["range"] == "10-15 min"


def test_three_block_note_on_one_line_with_a_stated_total() -> None:
    note = "TherEx 12 min: SLR. NMR 10 min: tandem on foam. TherAct 16 min: floor to counter lifts. Total timed 38 min"
    out = split(note)
    assert [(b["claims"], b["minutes"]) for b in out["blocks"]] == [("97110", 12), ("97112", 10), ("97530", 16)]
    assert out["stated_total_timed"] == 38 and out["stated_total_treatment"] is None
    for b in out["blocks"]:
        assert note[b["span"][0] : b["span"][1]].strip() and "Total" not in note[b["span"][0] : b["span"][1]]


def test_soap_sections_close_blocks_and_services_are_named_by_their_heading() -> None:
    note = (
        "S: knee stiff.\nO: Ther ex (12'): quad sets\nHP 10 min to L knee\nA: tolerated well\nP: cont POC\nTTT 22 min"
    )
    out = split(note)
    assert [(b["claims"], b["decides"], b["minutes"]) for b in out["blocks"]] == [
        ("97110", "content", 12),
        ("97010", "heading", 10),
    ]
    assert out["stated_total_treatment"] == 22
    assert {s["id"] for s in out["sections"]} >= {"subjective", "assessment", "plan", "total_treatment"}


def test_unheaded_lines_with_their_own_minutes_are_blocks() -> None:
    note = "R RTC repair. UBE 8 min warm-up, independent.\nTherEx 15 min: ER/IR TB.\nRest 6 min.\nMT 10 min: glides"
    got = [(b["heading"], b["minutes"]) for b in split(note)["blocks"]]
    assert got == [(None, 8), ("TherEx 15 min", 15), ("Rest", 6), ("MT 10 min", 10)]


def test_a_note_without_headings_is_cut_at_sentences_that_state_minutes() -> None:
    note = "Bridges 3x10 w/ VC - 14 min.\nSTM to infraspinatus - 10 min.\nTotal timed 24 min."
    got = [b["minutes"] for b in split(note)["blocks"]]
    assert got == [14, 10]
    (one,) = split("Sit to stand x10, min A -> CGA. 15 min.")["blocks"]
    assert one["heading"] is None and one["minutes"] == 15 and one["span"] == [0, 39]


def test_words_inside_a_sentence_are_not_headings() -> None:
    (one,) = split("Pt tolerated exercise well with ther ex cues, 10 min")["blocks"]
    assert one["heading"] is None


def test_an_evaluation_title_and_its_block_are_one_block() -> None:
    note = "PT re-eval, R shoulder impingement, 10th visit.\nRe-eval 20 min: ROM, MMT, goals updated.\nTE 12 min: rows."
    got = [(b["decides"], b["minutes"]) for b in split(note)["blocks"]]
    assert got == [("evaluation", 20), ("content", 12)]


def test_an_untimed_service_written_as_a_line_of_its_own_is_a_block() -> None:
    note = "E-stim 15 min premod to R knee, unattended.\nHP to R knee w/ e-stim.\nTA 12 min: floor transfers w/ cues."
    found = split(note)["blocks"]
    assert [(b["claims"], b["minutes"]) for b in found] == [("97014", 15), ("97010", None), ("97530", 12)]
    (one,) = split("Balance on foam w/ CGA, LOB x2.")["blocks"]
    assert one["heading"] is None, "a timed service's name opening a sentence is content, not a heading"


def test_a_discipline_named_before_an_initial_evaluation_is_its_title() -> None:
    note = "PT Initial Eval - low complexity. R plantar fasciitis.\nEval 30 min: hx, exam, LEFS.\nTE 10 min: stretches."
    got = [(b["decides"], b["minutes"]) for b in split(note)["blocks"]]
    assert got == [("evaluation", 30), ("content", 10)]
    assert "low complexity" in note[slice(*split(note)["blocks"][0]["content"])]


def test_wheelchair_skills_is_a_wheelchair_heading() -> None:
    note = "W/c skills: wheelie practice, propulsion on ramp.\nTransfers 12 min: slide board, min A."
    first, _ = split(note)["blocks"]
    assert (first["claims"], first["minutes"]) == ("97542", None)


def test_a_bulleted_total_line_is_a_total_not_a_block() -> None:
    got = split("- TherEx x12 min: bird dog 2x10\n- MT x10 min: PA mobs\n- Total timed 22 min\n")
    assert [b["minutes"] for b in got["blocks"]] == [12, 10] and got["stated_total_timed"] == 22


@pytest.mark.parametrize("label", ["Today", "Ind", "Tx", "Individual"])
def test_a_label_before_a_heading_does_not_hide_it(label: str) -> None:
    note = f"POC: TE, NMR, gait trg 2x/wk.\n{label}: TE 18 min - leg press 3x10; MT 10 min - patellar mobs."
    assert [(b["claims"], b["minutes"]) for b in split(note)["blocks"]] == [("97110", 18), ("97140", 10)]


def test_a_heading_with_one_more_word_after_a_slash_is_one_heading() -> None:
    note = "Community reintegration 30 min: rode bus w/ pt.\nStairs/curb 10 min: curb step-up x6, 4 flights, cues."
    second = split(note)["blocks"][1]
    assert (second["claims"], second["minutes"], second["heading"]) == ("97116", 10, "Stairs/curb 10 min")
    (one,) = split("TherEx 12 min: step-up/down x10, cues.")["blocks"]
    assert one["minutes"] == 12, "a slash inside the content is not a heading"


def test_a_heading_with_its_minutes_inside_a_sentence_opens_a_block() -> None:
    note = (
        "Pt performed TherEx x12 min incl. mini squats w/ cues, then gait trg x10 min on ramps w/ SPC, cues for"
        " step length. MT x8 min: patellar mobs."
    )
    got = split(note)["blocks"]
    assert [(b["claims"], b["minutes"]) for b in got] == [("97110", 12), ("97116", 10), ("97140", 8)]
    assert got[0]["span"][0] == 0, "the words before it in its sentence belong to it"
    (one,) = split("E-stim unattended IFC 15 min to lumbar.")["blocks"]
    assert one["minutes"] == 15, "a heading that describes the block before it is that block's work"
    (bed,) = split("Seated AAROM L shoulder 2x10 with OT assisting at end range to maintain ROM 8 min.")["blocks"]
    assert bed["heading"] is None, "minutes that end a sentence are the sentence's"


def test_a_clock_range_is_minutes_and_a_minute_range_is_not() -> None:
    assert blocks.clock_minutes("0930-0945") == 15 and blocks.clock_minutes("9:50 - 10:05") == 15
    assert blocks.clock_minutes("2355-0010") == 15  # across midnight
    assert blocks.clock_minutes("10-15") is None
    (block,) = split("TherEx 10-15 min: SLR 3x10")["blocks"]
    assert block["minutes"] is None and block["range"] == "10-15 min"


def test_units_written_instead_of_minutes_are_kept_and_are_not_minutes() -> None:
    first, second = split("97110 x2 units: SLR, LAQ, cues\n97116 x1 unit: gait w/ RW 150 ft, cues")["blocks"]
    assert (first["claims"], first["minutes"], first["units_written"]) == ("97110", None, 2)
    assert (second["claims"], second["minutes"], second["units_written"]) == ("97116", None, 1)


def test_a_line_that_opens_with_a_service_and_ends_with_minutes_is_a_block_of_its_own() -> None:
    note = "Ther ex - bridges 3x10, clams w/ VC x 12 min\nGait training with FWW 200 ft, CGA, cues for posture x 10 min"
    assert [(b["claims"], b["minutes"]) for b in split(note)["blocks"]] == [("97110", 12), ("97116", 10)]
    # minutes in a later sentence of the line are the whole line's, not the service's: no heading opens there
    (block,) = split("Amb 150 ft with RW, CGA, then standing balance on foam with LOB x2. 20 min.")["blocks"]
    assert block["heading"] is None and block["minutes"] == 20


def test_every_heading_written_run_together_or_hyphenated_is_read_without_error() -> None:
    """A heading matched with its spaces dropped or turned into hyphens ("GameReady", "game-ready") is the same
    heading: the lookup must not fail on the form the pattern let through (it crashed on "GameReady")."""
    for heading in READING["headings"]:
        for phrase in heading["phrases"]:
            for form in (phrase.replace(" ", ""), phrase.replace(" ", "-"), phrase.upper()):
                blocks_ = split(f"TE 10 min: SLR w/ VC.\n{form} 12 min: done as planned.")["blocks"]
                assert blocks_, form


def test_an_apostrophe_after_a_distance_is_feet_not_minutes() -> None:
    """ "amb 400'" read as 400 minutes would bill 27 units: a number past an hour, or one followed by repetitions
    ("150' x2"), written with an apostrophe is a distance."""
    note = "TE 15' - clams, bridges\nTE 10' - amb 150' x2 w/ SPC, cues step length\nGait: amb 400' w/ RW, cues x 14 min"
    assert [(b["claims"], b["minutes"]) for b in split(note)["blocks"]] == [("97110", 15), ("97110", 10), ("97116", 14)]
    (far,) = split("Amb 300' with RW, cues for heel strike, 12 min")["blocks"]
    assert far["minutes"] == 12


def test_lines_that_open_with_their_minutes_are_blocks() -> None:
    note = "10 min paraffin R hand\n12' AROM wrist flex/ext, tendon glides\n8' joint mobs radiocarpal\nTotal timed 20'"
    got = split(note)
    assert [b["minutes"] for b in got["blocks"]] == [10, 12, 8] and got["stated_total_timed"] == 20
    narrative = "He swung on the platform swing for linear input (15). Then an obstacle course for motor planning (12)."
    assert [b["minutes"] for b in split(narrative)["blocks"]] == [15, 12]


def test_spoken_clock_ranges_and_bracketed_minutes_before_a_colon_open_blocks() -> None:
    spoken = "From 1015 to 1030 therapeutic exercise, 3x10 w/ cues. From 1030 to 1040 gait training with the RW."
    assert [b["minutes"] for b in split(spoken)["blocks"]] == [15, 10]
    named = "Obstacle course #1 (10): hop on dots, crawl. Obstacle course #2 (10): backwards. Fine motor (15): beads."
    assert [b["minutes"] for b in split(named)["blocks"]] == [10, 10, 15]
    # minutes in words and the same minutes in brackets are said once
    (one,) = split("Then ten minutes on the tire swing with slow linear movement (10).")["blocks"]
    assert one["minutes"] == 10


def test_a_time_range_before_a_modality_is_its_minutes_and_feet_in_an_unheaded_line_are_not() -> None:
    note = (
        "1400-1410 paraffin L hand\n1410-1425 AROM digit ext, composite fist\n1425-1433 scar mobs, retrograde massage"
    )
    assert [b["minutes"] for b in split(note)["blocks"]] == [10, 15, 8]
    (fes,) = split("FES L anterior tibialis during gait, PT adjusting timing throughout, 300' x 15 min")["blocks"]
    assert fes["minutes"] == 15


def test_how_often_is_not_how_long() -> None:
    (block,) = split(
        "Spent about twenty-five minutes on wheelchair management, doorways, brakes, pressure relief every twenty"
        " minutes, vitals checked q5 min."
    )["blocks"]
    assert block["minutes"] == 25


def test_template_fields_start_and_end_times_and_hours_are_minutes() -> None:
    fields = "Moist Heat - Duration - 10 - cervical\nTherapeutic Exercise - Duration - 15 - chin tucks, cues"
    assert [b["minutes"] for b in split(fields)["blocks"]] == [10, 15]
    times = "Gait Training  Start 09:05 End 09:20  150 ft x 3 w/ RW\nTher Ex  Start 09:20 End 09:30  LAQ 2x10"
    assert [b["minutes"] for b in split(times)["blocks"]] == [15, 10]
    hours = split("Gait 0.5 hrs: treadmill w/ harness, stepping cues\nTotal therapy: 1 hr")
    assert [b["minutes"] for b in hours["blocks"]] == [30] and hours["stated_total_treatment"] == 60
    # hours the note gives as history are not a block's ("PLOF: ... 6 hr shifts")
    history = split("PLOF: indep, worked as a cashier standing 6 hr shifts.\nGait trg 12 min: FWW, cues.")
    assert [b["minutes"] for b in history["blocks"]] == [12]
    # vital signs are not hours: "BP 128/76 HR 84" once read as 76 hours
    vitals = split("OT Eval - mod complexity.\nVS: BP 128/76 HR 84 SpO2 97% RA\nADL 13 min: LB dressing w/ reacher")
    assert [b["minutes"] for b in vitals["blocks"]] == [None, 13]


def test_a_billing_summarys_charge_lines_are_not_blocks() -> None:
    note = (
        "Therapeutic Exercise - Duration - 15 - chin tucks, cues\nBilling Summary:\n97010 x1\n97110 x1\nTotal Timed: 15"
    )
    assert [b["claims"] for b in split(note)["blocks"]] == ["97110"]


def test_dictated_breaks_and_totals_in_words_read_like_written_ones() -> None:
    note = (
        "seen today period new line therapeutic exercise fifteen minutes wall walks with cues period new line"
        " manual therapy ten minutes STM upper trap period new line total timed twenty five minutes"
    )
    spoken = blocks.spoken_breaks(note)
    assert len(spoken) == len(note) and "\n" in spoken
    got = split(spoken)
    assert [b["minutes"] for b in got["blocks"]] == [15, 10] and got["stated_total_timed"] == 25


def test_paragraphs_that_close_with_their_minutes_are_blocks_of_their_own() -> None:
    """A home-health narrative: each paragraph ends with its minutes; the opening vitals and the closing remark
    are not blocks, and one paragraph's minutes never run into the next."""
    note = (
        "Home visit. BP 124/70, HR 76, pt in recliner.\n\n"
        "Ther ex in kitchen: standing hip abd and marching at counter 2x12, 2# cuffs, cues to stay upright. 14 min.\n\n"
        "Walked pt to the mailbox and back on the gravel drive with RW, cues for step length and RW placement,"
        " CGA on the slope. Eleven minutes.\n\n"
        "25 min timed. Pt tired but pleased."
    )
    got = split(note)
    assert [(b["heading"], b["minutes"]) for b in got["blocks"]] == [("Ther ex", 14), (None, 11)]
    assert got["stated_total_timed"] == 25
    assert note[slice(*got["blocks"][1]["span"])].startswith("Walked pt to the mailbox")


def test_one_paragraph_closing_with_minutes_does_not_split_the_note() -> None:
    note = "TE 12 min: bridges 2x10, clams RTB.\n\nNMR: SLS on foam 3x20 sec, tandem, cues. 10 min."
    assert [b["minutes"] for b in split(note)["blocks"]] == [12, 10]


def test_terse_minutes_after_an_abbreviation_columns_in_hours_and_a_side_before_the_minutes() -> None:
    terse = "R ankle fx 8 wk. TE x12 calf raises 2x15, SLS. MT x8 talocrural post glides. HP x10 post."
    assert [(b["claims"], b["minutes"]) for b in split(terse)["blocks"]] == [("97110", 12), ("97140", 8), ("97010", 10)]
    # "x" and a number after an activity counts repetitions, never minutes
    reps = split("Sit to stand x10 from mat, min A, cues for nose over toes")
    assert all(b["minutes"] is None for b in reps["blocks"])
    sheet = "Intervention | Time | Notes\nTher ex | 0:12 | rows, clams\nNMES attended | 15 | quads, therapist adjusting"
    assert [b["minutes"] for b in split(sheet)["blocks"]] == [12, 15]
    assert [b["minutes"] for b in split("PT re-eval L knee 25' - goals updated. TE 10' SLR")["blocks"]] == [25, 10]


def test_an_apostrophe_after_a_service_is_minutes_after_a_walking_verb_feet() -> None:
    assert [b["minutes"] for b in split("Gait 12' w/ SPC, cues for step length, curb x2")["blocks"]] == [12]
    assert [b["minutes"] for b in split("amb 15' w/ RW CGA, then sat")["blocks"]] == [None]


def test_a_flowsheet_is_read_a_row_at_a_time() -> None:
    """Each row is a block: its name cell is the heading (with words around the known phrase), its minutes cell the
    minutes in any form, an empty cell the minutes in the details; the total's row is a total, not a block."""
    sheet = (
        "Clinic day 3. Pt: roofer, R shoulder.\n"
        "Service | Time | Details\n"
        "| Hot pack R shoulder | 10' | before tx |\n"
        "| Ther act - overhead reach | 0:20 | shelf reaching 5# x10, cues for scap set |\n"
        "| Balance class (group) | -- | 3 pts, 25 min, PT leading |\n"
        "| Total timed | 20 |\n"
    )
    got = split(sheet)
    rows = [(b["claims"], b["minutes"]) for b in got["blocks"]]
    assert rows == [("97010", 10), ("97530", 20), ("97150", 25)], rows
    assert got["stated_total_timed"] == 20
    assert got["blocks"][1]["heading"] == "Ther act - overhead reach"


def test_half_an_hour_written_out_is_thirty_minutes_and_offsets_hold() -> None:
    note = "ADL (half hour): LB dressing w/ reacher, CGA\nTE x 8: chair push-ups 2x5\nGait 1/2 hr w/ RW, cues"
    plain = blocks.spoken_breaks(note)
    assert len(plain) == len(note)
    assert [b["minutes"] for b in split(plain)["blocks"]] == [30, 8, 30]


def test_a_dictated_run_on_note_splits_at_its_spoken_commas_and_its_total() -> None:
    note = (
        "so today we did stairs with one rail about ten minutes cueing step to pattern comma then standing"
        " balance on foam six minutes comma she also did the bike for eight minutes on her own comma total"
        " timed twenty four minutes"
    )
    got = split(blocks.spoken_breaks(note))
    assert [b["minutes"] for b in got["blocks"]] == [10, 6, 8]
    assert got["stated_total_timed"] == 24


def test_minutes_that_time_a_finding_or_a_set_are_not_a_blocks() -> None:
    note = "6MWT: 910 ft, SpO2 nadir 89%, recovered in 3 min.\nGaze stab: VOR x1 1 min x3 sets ea\nTE 10 min: bridges"
    got = split(note)["blocks"]
    assert [(b["claims"], b["minutes"]) for b in got if b["minutes"] or b["claims"]] == [("97112", None), ("97110", 10)]
    # a block named by when it came is not an evaluation ("Tx after eval 10 min:")
    after = split("OT eval (low complexity) - indep PLOF.\nTx after eval 10 min: LB dressing w/ reacher")["blocks"]
    assert [(b["decides"], b["minutes"]) for b in after] == [("evaluation", None), ("content", 10)]


def test_an_evaluations_findings_under_a_domains_name_stay_in_the_evaluation() -> None:
    note = (
        "OT eval - moderate complexity\nPt 81 y/o s/p fall. Cognition: A&Ox3, impaired recall. Balance: Berg 38/56."
        " Unable to stand >2 min.\nSelf-care 12 min: UB dressing w/ hemi technique, min A"
    )
    got = split(note)["blocks"]
    assert [(b["decides"], b["minutes"]) for b in got] == [("evaluation", None), ("content", 12)]


def test_sentences_lines_and_paragraphs_that_carry_their_own_minutes() -> None:
    # a line after one ending "wk 4." is not a numbered list item: its heading still opens a block
    goal = "Ther Ex: 12 min. Goal: indep stairs by wk 4.\nManual: 8 min. STG: less pain w/ reach."
    assert [b["minutes"] for b in split(goal)["blocks"]] == [12, 8]
    # a measure that changed is a finding, not minutes; a new sentence with its own minutes is a new block
    note = "Ther act 15 min: reaching at counter, standing tolerance 4 min -> 7 min."
    assert [b["minutes"] for b in split(note)["blocks"]] == [15]
    note = "Today: Manual: radiocarpal mobs, 9 min. Ther ex: putty, wrist curls, 12 min. Orthosis check, fit ok, 2 min."
    assert [b["minutes"] for b in split(note)["blocks"]] == [9, 12, 2]
    paragraphs = "Balance: SLS w/ UE support, tandem, CGA, VC.\n\nStairs w/ rail x4, step-to, cues. 10 min.\n\nCall MD."
    assert [(b["claims"], b["minutes"]) for b in split(paragraphs)["blocks"]] == [("97112", None), (None, 10)]
    summed = blocks.spoken_breaks("TE 6+9' (before and after MT) bridges, clams. MT 8' STM")
    assert [b["minutes"] for b in split(summed)["blocks"]] == [15, 8]
    sessions = "AM ADL 0800-0830: shower w/ bench, min A\nPM ADL 1300-1315: toileting, CGA"
    assert [b["minutes"] for b in split(sessions)["blocks"]] == [30, 15]


def test_a_writer_who_puts_m_for_minutes_has_unheaded_lines_read_the_same_way() -> None:
    note = "Community reintegration 40m: bus route w/ pt, fare card, 2 cues\nWait for the bus back 12m.\nTotal 52m"
    assert [b["minutes"] for b in split(note)["blocks"]] == [40, 12]
    # metres named anywhere: "10m" stays a distance
    metres = "Gait 10 min: 4 x 10m walkway, meters counted\nWalked to car 20m."
    assert [b["minutes"] for b in split(metres)["blocks"]] == [10]


@pytest.mark.parametrize("blank", [" ", "\t"])
def test_a_long_run_of_blanks_reads_like_one_blank(blank: str) -> None:
    """A pasted, space-aligned note: 20,000 blanks inside a flowsheet row and between narrative blocks are
    read as one blank would be (the reader once took minutes per thousand blanks, and hung the worker)."""
    note = (
        "Intervention | Min | Details\nNMR | 12 | SLS 3x30s, tandem stance, VC for trunk\n"
        "Gait training | 15 | hemiwalker L hand, 80 ft x3,{gap}CGA\nTotal timed: 27\n"
        "TherEx 10 min: bridges 2x10{gap}NMR 8 min: SLS on foam, cues"
    )
    one, many = split(note.format(gap=blank)), split(note.format(gap=blank * 20_000))

    def shape(result: dict) -> list[tuple]:
        return [(b["heading"], b["minutes"], b["decides"]) for b in result["blocks"]]

    assert shape(many) == shape(one)
    assert [b["minutes"] for b in one["blocks"]] == [12, 15, 10, 8]


@pytest.mark.parametrize(
    ("text", "minutes"),
    [
        ("TE 12 - seated LE strengthening 2# 3x10", 12),
        ("ther ex 12 supine B LE AROM 2x10", 12),
        ("ther ex 12, quad sets", 12),
        ("TE 15 (supine) SLR 3x10", 15),
    ],
)
def test_a_bare_number_after_a_line_opening_heading_is_its_minutes(text: str, minutes: int) -> None:
    (block,) = split("NMR 9 min: tandem stance.\n" + text)["blocks"][1:]
    assert block["claims"] == "97110" and block["minutes"] == minutes


@pytest.mark.parametrize(
    ("text", "minutes"),
    [
        ("amb 50 w/ RW CGA x2", None),  # feet, in a terse gait line
        ("gait 150 ft w/ RW", None),
        ("gait 12 w/ RW 2x75ft CGA", 12),
        ("GT 25 - RW 2x60' CGA", 25),
        ("gait 10 RW 150' SBA", 10),
    ],
)
def test_a_bare_number_after_a_walking_heading_is_minutes_only_when_small_or_dashed(
    text: str, minutes: int | None
) -> None:
    found = split("NMR 9 min: tandem stance.\n" + text)["blocks"]
    if minutes is None:  # no block takes the number (the line may be a row of its own, without minutes)
        assert {b["minutes"] for b in found} <= {9, None}
    else:
        assert (found[-1]["claims"], found[-1]["minutes"]) == ("97116", minutes)


@pytest.mark.parametrize(
    "text",
    ["ROM 90 flexion, 45 abd", "TE 3 sets of SLR", "TE 2 x 10 SLR", "US 1 MHz 1.0 w/cm2 R shoulder 8 min"],
)
def test_a_bare_number_that_counts_or_measures_is_not_minutes(text: str) -> None:
    found = split("NMR 9 min: tandem stance.\n" + text)["blocks"]
    assert {b["minutes"] for b in found} <= {None, 9, 8}


def test_a_template_time_field_under_the_heading_is_its_minutes() -> None:
    note = (
        "Intervention: Neuro re-ed\nTime: 0940-1000\nAssist: Mod A\nDetails: weight bearing through L UE.\n\n"
        "Intervention: Cognitive tx\nTime: 9:00-9:20\nDetails: memory notebook use.\n\n"
        "Intervention: Orthotic check\nTime: --\nDetails: splint fit re-checked.\n"
    )
    found = split(note)["blocks"]
    assert [(b["claims"], b["minutes"]) for b in found] == [("97112", 20), ("97129", 20), ("97763", None)]


def test_template_entries_name_their_service_in_the_label_line_whatever_follows_it() -> None:
    note = (
        "IRF OT - R MCA CVA, L hemiparesis\n"
        "Intervention: NMES L shoulder\nTime: 20 min\nAssist: n/a\nDetails: unattended, pt monitored in room.\n\n"
        "Intervention: Neuro re-ed L UE\nTime: 15'\nAssist: Mod A\nDetails: weight bearing through L UE, mirror "
        "therapy 5 min.\n\n"
        "Intervention: Tub transfer training\nTime: 0930-0945\nAssist: Min A\nDetails: w/c<>tub bench.\n\n"
        "Intervention: Shower\nTime: --\nDetails: pt declined shower today.\n\n"
        "Total timed: 30\n"
    )
    found = split(note)
    got = [(b["heading"], b["claims"], b["minutes"]) for b in found["blocks"]]
    assert got == [
        ("NMES L shoulder", "97014", 20),  # unattended e-stim: G0283 under Medicare (codes_by_rule)
        ("Neuro re-ed L UE", "97112", 15),  # its details' "5 min" are part of the 15, not the block's minutes
        ("Tub transfer training", "97530", 15),
        ("Shower", None, None),
    ]
    assert found["stated_total_timed"] == 30


@pytest.mark.parametrize(
    ("text", "heading", "claims", "minutes"),
    [
        ("- Plyo/TherAct 10': pogo hops 3x20, line hops", "Plyo/TherAct 10'", "97530", 10),
        ("Dual-task gait: amb 400' while naming animals, cues for step length x 14 min", "Dual-task gait", "97116", 14),
    ],
)
def test_a_word_before_a_line_opening_heading_says_which_kind(
    text: str, heading: str, claims: str, minutes: int
) -> None:
    block = split("NMR 9 min: tandem stance.\n" + text)["blocks"][-1]
    assert (block["heading"], block["claims"], block["minutes"]) == (heading, claims, minutes)


def test_a_modified_service_inside_a_sentence_is_prose() -> None:
    found = split("NMR 9 min: tandem stance. Pt reports long-distance gait: tiring after 10 min at home.")["blocks"]
    assert [b["heading"] for b in found] == ["NMR 9 min"]


def test_a_row_of_a_terse_list_without_minutes_is_a_block_without_minutes() -> None:
    note = "PT SNF - L knee OA\nther ex 15 - LAQ 3# 3x10, SLR\ngait 2x100' SPC SBA\nTTT 30"
    assert [(b["claims"], b["minutes"]) for b in split(note)["blocks"]] == [("97110", 15), ("97116", None)]
    # a visit's opening line names a service too, but no row comes before it; a heading over its own list is no row
    listed = split("TA 20 min:\ntransfers sit<>stand x5 CGA\nbed mob sup<>sit")["blocks"]
    assert [(b["claims"], b["minutes"]) for b in listed] == [("97530", 20)]
    opening = "Aquatic PT - 4 ft pool, 92F.\nAquatic therex 30 min: water walking, squats 2x15\n"
    assert [b["minutes"] for b in split(opening)["blocks"] if b["heading"]] == [30]


def test_a_line_closing_with_bracketed_minutes_is_a_block_of_its_own() -> None:
    note = "- TE (13'): AAROM supine wand flex/ER\n- Pt performed HEP independently, observed (5')\n- CP 10'"
    got = [(b["heading"], b["minutes"]) for b in split(note)["blocks"]]
    assert got == [("TE (13')", 13), (None, 5), ("CP 10'", 10)]


def test_a_label_ending_its_line_does_not_hide_the_next_lines_heading() -> None:
    note = (
        "Interventions Performed:\n"
        "97129 Cognitive function - Start 13:00 End 13:35 - working memory drills\n"
        "97535 Self-care - Start 13:35 End 13:45 - calendar set-up\n"
        "Total Timed Code Min: 45\n"
    )
    assert [(b["claims"], b["minutes"]) for b in split(note)["blocks"]] == [("97129", 35), ("97535", 10)]


def test_template_lines_with_a_minutes_field_are_blocks_headed_or_not() -> None:
    note = (
        "Interventions Performed:\n"
        "Sensory Integration - Minutes: 25 - platform swing, vestibular input graded to arousal\n"
        "Ther Ex (individual) - Minutes: 10 - step ups w/ 1 rail\n"
        "Fine motor - Minutes: 10 - stringing beads\n"
    )
    got = [(b["claims"], b["minutes"]) for b in split(note)["blocks"]]
    assert got == [("97533", 25), ("97110", 10), (None, 10)]


def test_a_numbered_session_before_a_heading_does_not_hide_it() -> None:
    note = (
        "IRF OT - R CVA\nSession 1 (AM) ADL 0700-0730: shower w/ tub bench, UB/LB dressing, mod A -> min A\n"
        "Session 2 (PM) 1300-1330 ther act: standing tolerance at table, card sorting, CGA\n"
        "1330-1345 self care: toileting w/ grab bar, min A\n"
    )
    got = [(b["claims"], b["minutes"]) for b in split(note)["blocks"] if b["heading"]]
    assert got == [("97535", 30), ("97530", 30), ("97535", 15)]


@pytest.mark.parametrize(
    "line",
    ["Intervention: " + "a" * 19_000, "TE 1 " * 3_800, "Plyo/" * 3_900, "ab-cd " * 3_200],
)
def test_one_long_line_without_a_pipe_is_read_in_one_pass(line: str) -> None:
    """A 19,000-character line once cost the flowsheet-row pattern a square of its length (seconds here, far
    longer in the browser's worker); read now as text, after a real block that is still found."""
    found = split("TherEx 10 min: bridges 2x10\n" + line)["blocks"]
    assert (found[0]["claims"], found[0]["minutes"]) == ("97110", 10)


def test_a_total_named_in_full_inside_a_run_on_dictation_is_a_total_not_minutes() -> None:
    note = (
        "ther activity fifteen minutes for bed mobility rolling and supine to sit with minimal assist, BP "
        "rechecked after five minutes rest total treatment time thirty two minutes"
    )
    found = split(note)
    assert [b["minutes"] for b in found["blocks"]] == [15]
    assert found["stated_total_treatment"] == 32
