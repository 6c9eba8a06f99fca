"""The tree walk in CPython: every case's tree_path reaches its code, invalid walks are data, URLs round-trip.

Everything is read from the data files (decision_tree.yaml, data/cases, data/codes, data/activities)
through the same export the site ships, so new content is tested without editing this file.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

from build_tools.export import engine_data
from build_tools.load import load_project
from engine import api, outcome, tree

ROOT = Path(__file__).resolve().parents[1]
CASES = sorted((ROOT / "data" / "cases").glob("*.yaml"))


@pytest.fixture(scope="module")
def data() -> dict[str, Any]:
    return engine_data(load_project())


def _case(path: Path) -> dict[str, Any]:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def _outcomes(data: dict[str, Any]) -> list[dict[str, Any]]:
    return [n for n in data["tree"]["nodes"] if n["type"] == "outcome"]


def test_cases_exist() -> None:
    assert CASES, "data/cases/ holds no case: the walk tests below would test nothing"


@pytest.mark.parametrize("path", CASES, ids=[p.stem for p in CASES])
def test_case_tree_path_reaches_its_code(path: Path, data: dict[str, Any]) -> None:
    case = _case(path)
    steps = [(s["question"], s["answer"]) for s in case["tree_path"]]
    assert tree.validate(data["tree"], steps) is None
    result = tree.state(data["tree"], steps, data["guide"])
    assert result["error"] is None
    assert result["outcome"] is not None, f"{path.name}: tree_path stops at question {result['node']}"
    assert case["answer"]["code"] in result["outcome"]["codes"]
    # the same walk through the URL form and the worker's entry point
    again = tree.resolve(data["tree"], {"walk": tree.format_walk(steps)}, data["guide"])
    assert again["node"] == result["node"]


def test_every_node_has_one_walk_and_it_round_trips(data: dict[str, Any]) -> None:
    nodes = tree.nodes_by_id(data["tree"])
    for node_id in nodes:
        steps = tree.path_to(data["tree"], node_id)
        assert steps is not None, f"{node_id} is unreachable"
        text = tree.format_walk(steps)
        assert tree.parse_walk(text) == (steps, None)
        assert tree.parse_walk("#walk=" + text) == (steps, None)
        result = tree.resolve(data["tree"], {"walk": text}, data["guide"])
        assert (result["node"], result["walk"], result["error"]) == (node_id, text, None)
        assert [(s["question"], s["answer"]) for s in result["steps"]] == steps
        if nodes[node_id]["type"] == "question":
            assert result["question"]["id"] == node_id and result["question"]["number"] == len(steps) + 1
            assert [a["id"] for a in result["question"]["answers"]] == [a["id"] for a in nodes[node_id]["answers"]]


def test_static_anchor_becomes_its_walk(data: dict[str, Any]) -> None:
    for node in _outcomes(data):
        result = tree.resolve(data["tree"], {"node": node["id"]}, data["guide"])
        assert result["error"] is None and result["outcome"]["id"] == node["id"]
    unknown = tree.resolve(data["tree"], {"node": "q_nowhere"}, data["guide"])
    assert unknown["error"]["node"] == "q_nowhere" and unknown["node"] == data["tree"]["root"]


def test_path_to_takes_the_first_walk_in_answer_order() -> None:
    small = {
        "root": "q_a",
        "nodes": [
            {"id": "q_a", "type": "question", "answers": [{"id": "a_x", "next": "q_b"}, {"id": "a_y", "next": "o_z"}]},
            {"id": "q_b", "type": "question", "answers": [{"id": "a_w", "next": "o_z"}, {"id": "a_v", "next": "o_y"}]},
            {"id": "o_z", "type": "outcome"},
            {"id": "o_y", "type": "outcome"},
        ],
    }
    assert tree.path_to(small, "o_z") == [("q_a", "a_x"), ("q_b", "a_w")]
    assert tree.path_to(small, "o_y") == [("q_a", "a_x"), ("q_b", "a_v")]
    assert tree.path_to(small, "q_a") == []
    assert tree.path_to(small, "o_nowhere") is None


def _first_answers(data: dict[str, Any], count: int) -> list[tuple[str, str]]:
    """The first `count` steps taking the first answer each time (from the data, not typed here)."""
    nodes, steps, current = tree.nodes_by_id(data["tree"]), [], data["tree"]["root"]
    while len(steps) < count and nodes[current]["type"] == "question":
        answer = nodes[current]["answers"][0]
        steps.append((current, answer["id"]))
        current = answer["next"]
    return steps


def test_invalid_walks_name_the_step_and_start_over(data: dict[str, Any]) -> None:
    t, root = data["tree"], data["tree"]["root"]
    good = _first_answers(data, 2)
    q2 = good[1][0]
    cases = {
        "wrong first question": ([(q2, good[1][1])], 1),
        "unknown answer": ([good[0], (q2, "a_not_an_answer")], 2),
        "unknown question": ([good[0], ("q_not_in_tree", "a_yes")], 2),
        "question out of order": ([good[0], (root, good[0][1])], 2),
    }
    for label, (steps, bad_step) in cases.items():
        result = tree.resolve(t, {"walk": tree.format_walk(steps)}, data["guide"])
        assert result["error"]["step"] == bad_step, label
        assert f"step {bad_step}" in result["error"]["message"], label
        assert (result["node"], result["steps"], result["walk"]) == (root, [], ""), label
    # a step after the walk has ended
    o_node = _outcomes(data)[0]["id"]
    ended = [*tree.path_to(t, o_node), (root, good[0][1])]
    error = tree.validate(t, ended)
    assert error["step"] == len(ended) and "ended" in error["message"]


@pytest.mark.parametrize("text", ["q_skilled", "q_skilled:", ":a_yes", "q_a:a_b,,q_c:a_d", "Q_X:a_y", "q_x:a_y;drop"])
def test_malformed_walk_strings(text: str, data: dict[str, Any]) -> None:
    steps, error = tree.parse_walk(text)
    assert steps == [] and error["step"] is not None and "question_id:answer_id" in error["message"]
    result = tree.resolve(data["tree"], {"walk": text}, data["guide"])
    assert result["error"] == error and result["node"] == data["tree"]["root"]


@given(st.text(max_size=200))
def test_parse_walk_never_raises(text: str) -> None:
    steps, error = tree.parse_walk(text)
    assert (error is None) or steps == []
    if error is None:
        assert tree.parse_walk(tree.format_walk(steps)) == (steps, None)


def test_outcome_card_carries_the_code_guidance(data: dict[str, Any]) -> None:
    guide = data["guide"]
    checked = 0
    for node in _outcomes(data):
        card = tree.resolve(data["tree"], {"node": node["id"]}, guide)["outcome"]
        assert card["title"] == node["title"] and card["why"] == node["why"]
        assert [c["text"] for c in card["note_must_show"]] == [
            c if isinstance(c, str) else c["text"] for c in node["note_must_show"]
        ]
        assert card["disclaimer"]
        rows = {r["code"]: r for r in card["compare"]["rows"]}
        assert set(node.get("neighbours", [])) <= set(rows)
        info = guide["codes"].get(node.get("code") or "", {})
        for neighbour in info.get("neighbours", []):
            assert rows[neighbour["code"]]["difference"]["text"] == neighbour["difference"]
            checked += 1
        for caveat, shown in zip(info.get("payer_caveats", []), card["payer_caveats"], strict=True):
            assert shown["as_of"] == caveat["as_of"] and shown["sources"]
        expected = {s for s, a in guide["activities"].items() if node.get("code") and a["likely_code"] == node["code"]}
        assert expected <= {a["slug"] for a in card["activities"]}
    assert checked, "no outcome code has guidance neighbours yet"


def test_compare_uses_an_activity_of_the_outcome_code(data: dict[str, Any]) -> None:
    guide = data["guide"]
    found = 0
    for node in _outcomes(data):
        compare = outcome.compare_neighbours(node.get("code"), node.get("neighbours", []), guide)
        if compare["activity"] is None:
            continue
        act = guide["activities"][compare["activity"]["slug"]]
        assert act["likely_code"] == node["code"]
        changes = {c["code"]: c["when"] for c in act["code_changes"]}
        for row in compare["rows"]:
            if not row["is_outcome"] and row["code"] in changes:
                assert row["same_activity"] == changes[row["code"]]
        found += 1
    assert found, "no outcome code has an activity whose code_changes name a neighbour"


def test_citations_resolve_to_bibliography_titles(data: dict[str, Any]) -> None:
    card = tree.resolve(data["tree"], {"node": _outcomes(data)[0]["id"]}, data["guide"])["outcome"]
    for source in card["sources"]:
        assert source["id"] in data["guide"]["sources"]
        assert source["title"] == data["guide"]["sources"][source["id"]]["title"]


def test_worker_entry_point_returns_errors_as_data(data: dict[str, Any]) -> None:
    api.load(json.dumps(data))
    ok = json.loads(api.call("walk", json.dumps({"walk": ""})))
    assert ok["result"]["node"] == data["tree"]["root"] and ok["result"]["question"]["number"] == 1
    bad = json.loads(api.call("walk", json.dumps({"walk": "q_nope:a_nope"})))
    assert bad["result"]["error"]["step"] == 1
    steps = json.loads(api.call("walk", json.dumps({"steps": [list(s) for s in _first_answers(data, 1)]})))
    assert steps["result"]["steps"][0]["answer"] == _first_answers(data, 1)[0][1]
    malformed = json.loads(api.call("walk", json.dumps({"steps": "q_a:a_b"})))
    assert malformed["result"]["error"]["message"].startswith("steps must be")
