"""The "which code?" walk: validate a walk through decision_tree data and say where it leads.

A walk is a list of steps `(question_id, answer_id)` from the tree's root. It is
written in URLs as `q_root:a_yes,q_intent:a_task`. Nothing here raises on bad
input: an invalid walk comes back as data saying which step is wrong, and the
state starts over at the root (the product rule for a broken shared link).

The outcome card and the neighbour comparison live in `engine.outcome`; this
module only walks.
"""

from __future__ import annotations

import re
from typing import Any

from engine import numbers, outcome

Step = tuple[str, str]
_ID = {"q": re.compile(r"^q_[a-z0-9_]+$"), "a": re.compile(r"^a_[a-z0-9_]+$")}
#: longest walk string accepted from a URL (a long tree is ~20 steps of ~40 characters)
MAX_WALK_CHARS = 4000


def nodes_by_id(tree: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Every node of the tree by its id."""
    return {node["id"]: node for node in tree["nodes"]}


def format_walk(steps: list[Step]) -> str:
    """Steps -> the URL form `q_a:a_x,q_b:a_y` (empty string for no steps)."""
    return ",".join(f"{q}:{a}" for q, a in steps)


def parse_walk(text: str) -> tuple[list[Step], dict[str, Any] | None]:
    """The URL form -> steps, or ([], error) naming the first malformed step (1-based)."""
    text = text.strip()
    if text.startswith("#"):
        text = text[1:]
    if text.startswith("walk="):
        text = text[len("walk=") :]
    if not text:
        return [], None
    if len(text) > MAX_WALK_CHARS:
        return [], {"step": None, "message": f"the walk is too long ({len(text)} characters); start again"}
    steps: list[Step] = []
    for number, item in enumerate(text.split(","), start=1):
        question, sep, answer = item.partition(":")
        if not sep or not _ID["q"].match(question) or not _ID["a"].match(answer):
            return [], {
                "step": number,
                "text": item,
                "message": f"step {number} ({numbers.clip(item)}) must read question_id:answer_id, "
                "e.g. q_group:a_one_on_one",
            }
        steps.append((question, answer))
    return steps, None


def validate(tree: dict[str, Any], steps: list[Step]) -> dict[str, Any] | None:
    """None when `steps` is a walk from the root; otherwise the first invalid step, as data."""
    nodes = nodes_by_id(tree)
    current = tree["root"]
    for number, (question, answer) in enumerate(steps, start=1):
        where = {"step": number, "question": question, "answer": answer}
        node = nodes[current]
        if node["type"] != "question":
            return {**where, "message": f"step {number}: the walk already ended at {current}; nothing can follow it"}
        if question not in nodes:
            return {**where, "message": f"step {number}: there is no question {numbers.clip(question)} in the tree"}
        if question != current:
            return {**where, "message": f"step {number}: the walk is at {current}, not at {question}"}
        nexts = {a["id"]: a["next"] for a in node["answers"]}
        if answer not in nexts:
            choices = ", ".join(nexts)
            shown = numbers.clip(answer)
            return {**where, "message": f"step {number}: {question} has no answer {shown}; choose {choices}"}
        current = nexts[answer]
    return None


def end_node(tree: dict[str, Any], steps: list[Step]) -> str:
    """The node a valid walk reaches (call `validate` first)."""
    nodes = nodes_by_id(tree)
    current = tree["root"]
    for _question, answer in steps:
        current = next(a["next"] for a in nodes[current]["answers"] if a["id"] == answer)
    return current


def path_to(tree: dict[str, Any], node_id: str) -> list[Step] | None:
    """The first walk from the root to `node_id`, trying answers in their order; None for an unknown node.

    Several walks may reach one node (the tree is a directed acyclic graph: both a body-function
    walk and an endurance-walking walk end at the exercise documentation check); a static-page
    anchor then opens the first of them.
    """
    nodes = nodes_by_id(tree)
    if node_id not in nodes:
        return None

    def visit(current: str, steps: list[Step], seen: frozenset[str]) -> list[Step] | None:
        if current == node_id:
            return steps
        node = nodes.get(current)
        if node is None or node["type"] != "question":
            return None
        for answer in node["answers"]:
            if answer["next"] not in seen:
                found = visit(answer["next"], [*steps, (current, answer["id"])], seen | {answer["next"]})
                if found is not None:
                    return found
        return None

    return visit(tree["root"], [], frozenset({tree["root"]}))


def _answers(node: dict[str, Any]) -> list[dict[str, str | None]]:
    return [{"id": a["id"], "label": a["label"], "contested": a.get("contested")} for a in node["answers"]]


def _question_view(node: dict[str, Any], number: int, guide: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": node["id"],
        "number": number,
        "text": node["text"],
        "help": node["help"],
        "why": node.get("why"),
        "sources": outcome.resolve_citations(node.get("sources", []), guide),
        "answers": _answers(node),
    }


def state(tree: dict[str, Any], steps: list[Step], guide: dict[str, Any] | None = None) -> dict[str, Any]:
    """Everything the widget shows for a walk: the path so far and the next question or the outcome card.

    An invalid walk gives the root state with `error` set (say so and start over).
    """
    guide = guide or {}
    error = validate(tree, steps)
    if error is not None:
        return {**state(tree, [], guide), "error": error}
    nodes = nodes_by_id(tree)
    path = []
    current = tree["root"]
    for question, answer in steps:
        node = nodes[question]
        chosen = next(a for a in node["answers"] if a["id"] == answer)
        path.append(
            {
                "question": question,
                "text": node["text"],
                "answer": answer,
                "label": chosen["label"],
                "answers": _answers(node),
            }
        )
        current = chosen["next"]
    node = nodes[current]
    is_question = node["type"] == "question"
    return {
        "walk": format_walk(steps),
        "steps": path,
        "node": current,
        "question": _question_view(node, len(steps) + 1, guide) if is_question else None,
        "outcome": None if is_question else outcome.card(node, guide),
        "error": None,
    }


def resolve(tree: dict[str, Any], args: dict[str, Any], guide: dict[str, Any] | None = None) -> dict[str, Any]:
    """One entry point for the worker: `{"walk": "q:a,..."}`, `{"steps": [[q, a], ...]}` or `{"node": id}`.

    `{"node": id}` (a static-page anchor) becomes the first walk to that node, or the root when there is none.
    """
    guide = guide or {}
    if "node" in args:
        node_id = str(args["node"])
        steps = path_to(tree, node_id)
        if steps is None:
            error = {"step": None, "node": node_id, "message": f"no walk leads to {numbers.clip(node_id)}; start again"}
            return {**state(tree, [], guide), "error": error}
        return state(tree, steps, guide)
    if "steps" in args:
        raw = args["steps"]
        if not isinstance(raw, list) or not all(isinstance(s, list | tuple) and len(s) == 2 for s in raw):
            error = {"step": None, "message": "steps must be [question, answer] pairs"}
            return {**state(tree, [], guide), "error": error}
        return state(tree, [(str(q), str(a)) for q, a in raw], guide)
    steps, error = parse_walk(str(args.get("walk", "")))
    if error is not None:
        return {**state(tree, [], guide), "error": error}
    return state(tree, steps, guide)
