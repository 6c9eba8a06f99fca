"""engine.assertions: ConText over the lexicon of data/note_reading.yaml (negated, planned, historical, goal text)."""

from __future__ import annotations

import re

import pytest

from build_tools.load import load_project
from engine import assertions

CONTEXT = load_project().reading.data["context"]


def said(text: str) -> str:
    return assertions.asserted(text, CONTEXT)


# Forms written for this test after the lexicon was written (not tuned to): the first word must be gone, the
# second must stay.
NOT_ASSERTED = [
    ("Pt did not require cueing for transfers.", "cueing", "transfers"),
    ("No manual therapy performed today.", "manual", None),
    ("Gait trg deferred d/t knee pain; SLR 3x10.", "Gait", "SLR"),
    ("Pt denies dizziness with head turns.", "dizziness", None),
    ("Sit to stand without UE support x5.", "UE support", "stand"),
    ("Balance not assessed this session.", "Balance", None),
    ("Will begin stair training next wk.", "stair", None),
    ("Consider e-stim for pain control.", "e-stim", None),
    ("Goal: pt to don socks w/ sock aid mod I.", "sock aid", None),
    ("LTG: community amb 500 ft w/ SPC.", "amb", None),
    ("PLOF: indep w/ all ADLs, drove.", "ADLs", None),
    ("Hx of falls x3 in 6 months.", "falls", None),
    ("If tolerated, add perturbations on foam.", "perturbations", None),
    ("Plan: progress to resisted gait next session.", "resisted gait", None),
    ("Prior to admission pt walked w/o device.", "walked", None),
    ("No LOB during tandem stance on foam.", "LOB", "tandem stance on foam"),
    ("Cont HEP; next visit trial of mech traction.", "traction", "HEP"),
    ("S: pt reports stairs are hard. O: stair training 4 steps, CGA.", "stairs are hard", "stair training"),
]


@pytest.mark.parametrize(("text", "gone", "kept"), NOT_ASSERTED)
def test_negated_planned_historical_and_goal_text_is_not_asserted(text: str, gone: str, kept: str | None) -> None:
    out = said(text)
    assert len(out) == len(text)
    assert gone.lower() not in out.lower(), out
    if kept:
        assert kept.lower() in out.lower(), out


@pytest.mark.parametrize(
    "text",
    [
        "Supervised only, no changes to program.",  # "no change" is a pseudo-trigger: it negates nothing
        "TherEx 12 min: SLR 3x10, VC for quad set.",
        "Min A -> CGA for car transfers x5 trials.",
    ],
)
def test_plain_assertions_and_pseudo_triggers_stay(text: str) -> None:
    assert said(text) == text


def test_scope_ends_at_a_clause_boundary_and_offsets_hold() -> None:
    text = "No cues needed, min A for tub transfer; goal: bathe at home."
    out = said(text)
    assert "min A for tub transfer" in out and "cues" not in out and "bathe" not in out
    stretches = assertions.spans(text, CONTEXT)
    assert {s["category"] for s in stretches} == {"negated", "goal"}
    for s in stretches:
        assert 0 <= s["start"] < s["end"] <= len(text)


def test_goal_text_keeps_only_goal_stretches() -> None:
    text = "Floor to counter lifts x8, CGA. Goal: unload dishwasher."
    goals = assertions.goal_text(text, assertions.spans(text, CONTEXT))
    assert "dishwasher" in goals and "lifts" not in goals and len(goals) == len(text)


def test_phrase_pattern_matches_whole_words_and_spelling_variants() -> None:
    pattern = re.compile(assertions.phrase_pattern("ther ex"), re.IGNORECASE)
    assert all(pattern.search(t) for t in ["TherEx", "ther-ex 10", "Ther. ex:"])
    assert not pattern.search("other exercise")
    assert not re.search(assertions.phrase_pattern("no"), "nose", re.IGNORECASE)


def test_without_a_lexicon_everything_is_asserted() -> None:
    assert assertions.asserted("no cues", None) == "no cues"
    assert assertions.spans("no cues", {}) == []
