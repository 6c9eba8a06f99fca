"""Cross-reference checks on decision_tree.yaml, and on the cases that walk it, one generator per rule.

Case walks go through the engine's own walker (engine.tree), so a case that
passes here is a walk the site's widget accepts.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from build_tools.checks.base import dangling
from build_tools.checks.schema import suggest
from build_tools.report import Problem
from engine import suggest as engine_suggest
from engine import tree as engine_tree

if TYPE_CHECKING:
    from build_tools.checks.base import Context, Rule


def _tree(ctx: Context) -> dict[str, Any] | None:
    return ctx.project.tree.data if ctx.valid(ctx.project.tree) else None


def _nodes(tree: dict[str, Any]) -> dict[str, tuple[int, dict[str, Any]]]:
    nodes: dict[str, tuple[int, dict[str, Any]]] = {}
    for i, node in enumerate(tree["nodes"]):
        nodes.setdefault(node["id"], (i, node))
    return nodes


def _answers(tree: dict[str, Any]) -> Iterator[tuple[int, dict[str, Any], int, dict[str, Any]]]:
    for i, node in enumerate(tree["nodes"]):
        for j, answer in enumerate(node.get("answers", [])):
            yield i, node, j, answer


def node_ids_unique(ctx: Context) -> Iterator[Problem]:
    """Node ids are unique in the tree."""
    if (tree := _tree(ctx)) is None:
        return
    doc, nodes = ctx.project.tree, _nodes(tree)
    for i, node in enumerate(tree["nodes"]):
        first = nodes[node["id"]][0]
        if first != i:
            line = doc.at("nodes", first, "id")[0]
            yield doc.problem(
                ("nodes", i, "id"), f"duplicate node id '{node['id']}' (first at line {line})", "rename one"
            )


def answer_ids_unique(ctx: Context) -> Iterator[Problem]:
    """Answer ids are unique within their question."""
    if (tree := _tree(ctx)) is None:
        return
    seen: dict[tuple[str, str], int] = {}
    for i, node, j, answer in _answers(tree):
        key = (node["id"], answer["id"])
        if key in seen:
            line = ctx.project.tree.at("nodes", i, "answers", seen[key], "id")[0]
            msg = f"duplicate answer id '{answer['id']}' in {node['id']} (first at line {line})"
            yield ctx.project.tree.problem(("nodes", i, "answers", j, "id"), msg, "rename one")
        seen.setdefault(key, j)


def targets_exist(ctx: Context) -> Iterator[Problem]:
    """The root and every answer's `next` name a node of the tree; the root is a question."""
    if (tree := _tree(ctx)) is None:
        return
    doc, nodes = ctx.project.tree, _nodes(tree)

    def fix_for(target: str) -> str:
        return suggest(target, nodes) or "point it at an existing node id"

    if tree["root"] not in nodes:
        yield doc.problem(("root",), f"root '{tree['root']}' is not a node of the tree", fix_for(tree["root"]))
    elif nodes[tree["root"]][1]["type"] != "question":
        yield doc.problem(("root",), f"root '{tree['root']}' must be a question", "point it at the first question")
    for i, node, j, answer in _answers(tree):
        if answer["next"] not in nodes:
            msg = f"answer {answer['id']} of {node['id']} leads to '{answer['next']}', which is not a node"
            yield doc.problem(("nodes", i, "answers", j, "next"), msg, fix_for(answer["next"]))


def no_cycles(ctx: Context) -> Iterator[Problem]:
    """No walk comes back to a node it has passed (every walk ends at an outcome).

    A depth-first search with its own stack (no recursion: a chain of thousands of questions is fine).
    """
    if (tree := _tree(ctx)) is None:
        return
    nodes = _nodes(tree)
    state: dict[str, str] = {}
    reported: set[tuple[int, int]] = set()
    for start in nodes:
        if start in state:
            continue
        state[start] = "open"
        stack: list[tuple[str, int]] = [(start, 0)]  # (node id, index of its next answer to follow)
        while stack:
            nid, j = stack[-1]
            i, node = nodes[nid]
            answers = node.get("answers", [])
            if j >= len(answers):
                state[nid] = "done"
                stack.pop()
                continue
            stack[-1] = (nid, j + 1)
            answer = answers[j]
            nxt = answer["next"]
            if nxt not in nodes:
                continue
            if state.get(nxt) == "open" and (i, j) not in reported:
                reported.add((i, j))
                trail = [n for n, _ in stack]
                ring = [*trail[trail.index(nxt) :], nxt]
                if len(ring) > 8:  # a long loop is shown by its ends
                    ring = [*ring[:3], f"... {len(ring) - 6} more ...", *ring[-3:]]
                loop = " -> ".join(ring)
                msg = f"answer {answer['id']} of {nid} leads back to {nxt}: the tree has a cycle ({loop})"
                yield ctx.project.tree.problem(("nodes", i, "answers", j, "next"), msg, "point it at a later node")
            elif nxt not in state:
                state[nxt] = "open"
                stack.append((nxt, 0))


def all_reachable(ctx: Context) -> Iterator[Problem]:
    """Every node can be reached from the root."""
    if (tree := _tree(ctx)) is None or tree["root"] not in (nodes := _nodes(tree)):
        return
    seen, todo = {tree["root"]}, [tree["root"]]
    while todo:
        for answer in nodes[todo.pop()][1].get("answers", []):
            if answer["next"] in nodes and answer["next"] not in seen:
                seen.add(answer["next"])
                todo.append(answer["next"])
    for nid, (i, _node) in nodes.items():
        if nid not in seen:
            msg = f"node {nid} cannot be reached from the root {tree['root']}"
            yield ctx.project.tree.problem(("nodes", i, "id"), msg, "point an answer at it, or delete it")


def outcome_references_exist(ctx: Context) -> Iterator[Problem]:
    """Outcomes name existing codes (code, neighbours) and existing activities."""
    if (tree := _tree(ctx)) is None:
        return
    doc, codes, activities = ctx.project.tree, ctx.ids("codes"), ctx.ids("activities")
    for i, node in enumerate(tree["nodes"]):
        if node["type"] != "outcome":
            continue
        if "code" in node and node["code"] not in codes:
            yield dangling(doc, ("nodes", i, "code"), "code", node["code"], codes)
        for j, code in enumerate(node.get("neighbours", [])):
            if code not in codes:
                yield dangling(doc, ("nodes", i, "neighbours", j), "code", code, codes)
        for j, slug in enumerate(node.get("activities", [])):
            if slug not in activities:
                yield dangling(doc, ("nodes", i, "activities", j), "activity", slug, activities)


def _tree_sound(ctx: Context) -> bool:
    structural = (node_ids_unique, answer_ids_unique, targets_exist, no_cycles)
    return _tree(ctx) is not None and not any(any(True for _ in rule(ctx)) for rule in structural)


def case_paths_walk(ctx: Context) -> Iterator[Problem]:
    """A case's tree_path walks the tree from the root to an outcome whose code is the case's answer."""
    if not _tree_sound(ctx):
        return
    tree = ctx.project.tree.data
    for doc in ctx.records("cases"):
        steps = [(s["question"], s["answer"]) for s in doc.data["tree_path"]]
        error = engine_tree.validate(tree, steps)
        if error is not None:
            step = error["step"] - 1
            at = engine_tree.end_node(tree, steps[:step])  # where the walk stood before the bad step
            field = "answer" if steps[step][0] == at else "question"
            where = ("tree_path", step, field)
            yield doc.problem(where, f"tree_path: {error['message']}", "follow the tree from its root")
            continue
        end = engine_tree.nodes_by_id(tree)[engine_tree.end_node(tree, steps)]
        want = doc.data["answer"]["code"]
        last = ("tree_path", len(steps) - 1)
        if end["type"] != "outcome":
            msg = f"tree_path stops at question {end['id']}, not at an outcome"
            yield doc.problem(last, msg, "add the remaining answers")
        elif want not in (end.get("codes") or [end.get("code")]):
            msg = f"tree_path ends at {end['id']} (code {end.get('code', 'none')}), not at answer.code {want}"
            yield doc.problem(last, msg, "fix the path or the answer")


def answer_links_exist(ctx: Context) -> Iterator[Problem]:
    """`outranks`, `when_silent` and `by_minutes` name answers of the same question; heading codes are reachable;
    a code list starts with the outcome's code."""
    if (tree := _tree(ctx)) is None:
        return
    doc = ctx.project.tree
    nodes = {node["id"]: node for node in tree["nodes"]}
    for i, node in enumerate(tree["nodes"]):
        ids = [a["id"] for a in node.get("answers", [])]
        for j, answer in enumerate(node.get("answers", [])):
            for k, other in enumerate(answer.get("outranks", [])):
                if other not in ids or other == answer["id"]:
                    msg = f"answer {answer['id']} of {node['id']} outranks '{other}', which is not another answer of it"
                    yield doc.problem(("nodes", i, "answers", j, "outranks", k), msg, "choose from " + ", ".join(ids))
            for k, code in enumerate(answer.get("heading_codes", [])):
                if answer["next"] in nodes and not engine_suggest.reaches(answer["next"], code, nodes):
                    msg = f"answer {answer['id']} of {node['id']} lists heading code {code}, which it cannot reach"
                    fix = "list only codes of outcomes reachable from this answer"
                    yield doc.problem(("nodes", i, "answers", j, "heading_codes", k), msg, fix)
        by_minutes = node.get("by_minutes") or {}
        for key in ("at_most", "over"):
            if by_minutes and by_minutes[key] not in ids:
                msg = f"by_minutes of {node['id']} names '{by_minutes[key]}', which is not one of its answers"
                yield doc.problem(("nodes", i, "by_minutes", key), msg, "choose from " + ", ".join(ids))
        silent = node.get("when_silent")
        if silent and silent["answer"] not in ids:
            msg = f"when_silent of {node['id']} names '{silent['answer']}', which is not one of its answers"
            yield doc.problem(("nodes", i, "when_silent", "answer"), msg, "choose from " + ", ".join(ids))
        if node.get("codes") and node["codes"][0] != node.get("code"):
            msg = f"outcome {node['id']} lists codes {node['codes']} but its code is {node.get('code')}"
            yield doc.problem(("nodes", i, "codes", 0), msg, "put the outcome's code first")


def evidence_patterns_compile(ctx: Context) -> Iterator[Problem]:
    """Every evidence pattern expands against data/vocab.yaml and compiles as a regular expression."""
    if (tree := _tree(ctx)) is None or not ctx.valid(ctx.project.vocab):
        return
    for where, message in engine_suggest.evidence_problems(tree, ctx.project.vocab.data):
        fix = "write a valid Python regular expression that names only lists and terms of data/vocab.yaml"
        yield ctx.project.tree.problem(where, f"evidence: {message}", fix)


def policy_walks_exist(ctx: Context) -> Iterator[Problem]:
    """A payer policy's walk overrides name questions of the tree and answers of those questions."""
    if (tree := _tree(ctx)) is None:
        return
    nodes = {node["id"]: node for node in tree["nodes"]}
    for doc in ctx.records("policies"):
        for i, override in enumerate(doc.data.get("walk", [])):
            node = nodes.get(override["question"])
            if node is None or node["type"] != "question":
                msg = f"walk {i + 1} names question '{override['question']}', which the tree does not have"
                yield doc.problem(("walk", i, "question"), msg, "name a question id of decision_tree.yaml")
                continue
            ids = [a["id"] for a in node["answers"]]
            named = [("answer", override["answer"])] + [
                (("instead_of", k), a) for k, a in enumerate(override.get("instead_of", []))
            ]
            for where, answer in named:
                if answer not in ids:
                    path = ("walk", i, *(where if isinstance(where, tuple) else (where,)))
                    msg = f"walk {i + 1}: '{answer}' is not an answer of {node['id']}"
                    yield doc.problem(path, msg, "choose from " + ", ".join(ids))


RULES: list[Rule] = [
    node_ids_unique,
    answer_ids_unique,
    targets_exist,
    no_cycles,
    all_reachable,
    outcome_references_exist,
    case_paths_walk,
    answer_links_exist,
    evidence_patterns_compile,
    policy_walks_exist,
]
