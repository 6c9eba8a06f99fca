"""engine.visit_report: one visit read under several rules, laid side by side for the coach page, and as text."""

from __future__ import annotations

import json

from build_tools.export import engine_data
from build_tools.load import load_project
from engine import api, visit, visit_report

DATA = engine_data(load_project())
THREE = (
    "TherEx 12 min: SLR 3x10, bridges 3x10, VC for quad set.\n"
    "NMR 10 min: tandem stance on foam, perturbations, LOB x3, Berg 41/56.\n"
    "TherAct 16 min: floor to counter lifts x8, CGA, mod VC hip hinge. Goal: unload dishwasher at home.\n"
    "Total timed 38 min"
)
#: one block whose walk stops at "what was this block for?"
OPEN = "Amb 150 ft with RW, CGA, then standing balance on foam with LOB x2. 20 min."


def view(text: str, answers: dict | None = None) -> dict:
    visits = {r: visit.read(text, DATA, r, answers) for r in ("cms", "ama")}
    return visit_report.report(text, visits, DATA["rules"], DATA["tree"])


def test_three_blocks_side_by_side_under_both_rules() -> None:
    v = view(THREE)
    assert [b["code_line"] for b in v["blocks"]] == ["97110, 12 min", "97112, 10 min", "97530, 16 min"]
    assert v["blocks"][0]["title"] == "Block 1: TherEx 12 min"
    assert [p["rule"] for p in v["payers"]] == ["cms", "ama"]
    for p in v["payers"]:
        assert {ln["code"]: ln["units"] for ln in p["lines"]} == {"97110": 1, "97112": 1, "97530": 1}
        assert p["total_units"] == 3
    assert v["payers"][0]["name"] == DATA["rules"]["cms"]["label"]
    assert "".join(s["text"] for s in v["segments"]) == THREE
    assert [s["block"] for s in v["segments"]] == [1, 2, 3, None]


def test_the_open_question_is_in_the_block_and_its_answer_is_carried() -> None:
    v = view(OPEN)
    (block,) = v["blocks"]
    assert block["question"]["id"] == "q_focus" and block["answered"] == []
    assert block["code_line"].startswith("no code yet")
    assert v["payers"][0]["total_units"] == 0
    assert any("q_focus" in w for w in v["warnings"])
    first = block["question"]["answers"][0]["id"]
    after = view(OPEN, {"1": [["q_focus", first]]})
    assert after["blocks"][0]["answered"] == [["q_focus", first]]
    assert after["blocks"][0]["question"] is None or after["blocks"][0]["question"]["id"] != "q_focus"


def test_warnings_of_one_rule_stay_with_that_rule() -> None:
    visits = {r: visit.read(THREE, DATA, r) for r in ("cms", "ama")}
    visits["ama"]["warnings"].append({"kind": "units", "message": "only under ama", "block": None})
    v = visit_report.report(THREE, visits, DATA["rules"])
    assert "only under ama" not in v["warnings"]
    assert v["payers"][1]["warnings"] == ["only under ama"] and v["payers"][0]["warnings"] == []


def test_the_text_summary_names_every_block_the_units_and_the_steps() -> None:
    text = view(THREE)["text"]
    assert text.startswith("Visit note, block by block\n")
    for line in ("Block 1: TherEx 12 min: 97110, 12 min", "Block 3: TherAct 16 min: 97530, 16 min"):
        assert line in text
    assert f"Units, {DATA['rules']['cms']['label']}: 97110 x1, 97112 x1, 97530 x1; 3 in all" in text
    assert f"Steps, {DATA['rules']['ama']['label']}:" in text
    assert text.rstrip().endswith(visit_report.DISCLAIMER)


def test_the_api_visit_handler_returns_the_report() -> None:
    api.load(json.dumps(DATA))
    reply = json.loads(api.call("visit", json.dumps({"text": THREE, "rules": ["cms", "ama"]})))
    result = reply["result"]
    assert set(result["visits"]) == {"cms", "ama"}
    assert result["report"]["blocks"][1]["code_line"] == "97112, 10 min"
    assert result["report"]["text"] == visit_report.summary_text(
        {k: v for k, v in result["report"].items() if k != "text"}
    )


def test_each_block_walk_reads_in_words_with_its_evidence() -> None:
    first = view(THREE)["blocks"][0]["path"]
    assert [s["question"] for s in first][:1] == ["q_skilled"]
    step = first[0]
    assert step["text"] and step["text"] != "q_skilled" and step["label"] and step["label"] != step["answer"]
    assert step["evidence"] and step["by_user"] is False
    answered = view(OPEN, {"1": [["q_focus", "a_walking"]]})["blocks"][0]["path"]
    assert answered[-1]["question"] == "q_focus" and answered[-1]["by_user"] is True


def test_an_answer_that_does_not_fit_the_open_question_is_an_error_as_data() -> None:
    api.load(json.dumps(DATA))
    args = {"text": OPEN, "rules": ["cms", "ama"], "answers": {"1": [["q_group", "a_one_on_one"]]}}
    reply = json.loads(api.call("visit", json.dumps(args)))
    assert reply["error"]["field"] == "answers" and "q_focus" in reply["error"]["message"]


def test_the_session_gets_the_billable_blocks_only() -> None:
    from build_tools.export import engine_data
    from build_tools.load import load_project
    from engine import visit, visit_report

    data = engine_data(load_project())
    note = (
        "UBE 8 min warm-up, independent.\nTherEx 12 min: SLR w/ VC.\nHP 10 min to knee.\n"
        "Gait: RW 100 ft, cues step length.\nTherEx 5 min: bridges w/ VC."
    )
    result = visit.read(note, data, "cms")
    assert visit_report.session_blocks(result) == [
        {"code": "97110", "minutes": 12},
        {"code": "97010", "minutes": None},
        {"code": "97110", "minutes": 5},
    ]
