"""The coach's suggestion: the decision tree walked from a treatment note.

There is no second decision logic here. Each answer of decision_tree.yaml may carry
`evidence`: `patterns` (any one matching shows the answer), `also` (groups of patterns
that must each match too), `unless` (patterns that cancel it) and `weak` (patterns that show it only when no
answer of the question has evidence of its own: a place such as "at the sink" names a task only when
nothing says what the time was for; `weak_unless` cancels only the weak ones); an answer may
`outrank` other answers of its question; a question may `ignore` parts of the note (goal
statements, when the question is about what the time was spent on). At each question the walk keeps the answers
whose evidence is in the note, drops those outranked by another kept answer, and
takes the answer only when exactly one is left. With none left it takes the
question's `when_silent` answer, if it has one (the documentation checks: a note that
does not show the assist level does not show it). Otherwise it stops and returns that
question as the open question: a wrong confident answer is worse than a question.
The user answers there and the same tree walk continues (engine.tree).

Evidence counts only where the note asserts it happened: with the reading data (data/note_reading.yaml)
the walk reads the note through engine.assertions, so negated, planned, historical and goal text never
settles an answer; an evidence group marked `reads: whole` (a documentation check's goal link) reads
the whole note. The walk names the code first and the documentation verdict beside it: answers and
outcomes may carry `documentation` (partly, not_shown), the worst one along the path is the verdict, and
what to add is said in the note's own words (`$work` becomes the words that named the work).
"""

from __future__ import annotations

from typing import Any

from engine import assertions, patterns
from engine.tree import Step, format_walk, nodes_by_id

#: longest note accepted, in characters
MAX_NOTE = 20_000
#: most distinct phrases quoted as one answer's evidence
MAX_EVIDENCE = 5
#: documentation verdicts, best first
VERDICTS = ("supported", "partly", "not_shown")
#: most phrases quoted for the work in what-to-add text
WORK_PHRASES = 2


class SuggestInputError(ValueError):
    """A note the walk cannot take; the message says what to change."""

    def __init__(self, message: str, field: str | None = "text") -> None:
        super().__init__(message)
        self.field = field


def check_note(text: Any) -> str:
    """The note as text, or SuggestInputError for empty, too long or non-text input."""
    if isinstance(text, bytes):
        try:
            text = text.decode("utf-8")
        except UnicodeDecodeError:
            raise SuggestInputError("the note is not UTF-8 text (fix: paste the note as plain text)") from None
    if not isinstance(text, str):
        raise SuggestInputError("the note must be text (fix: paste the note as plain text)")
    if any(ord(c) < 32 and c not in "\t\n\r" for c in text):
        raise SuggestInputError("the note holds control characters, so it is not plain text (fix: paste plain text)")
    if not text.strip():
        raise SuggestInputError("the note is empty (fix: paste the treatment note for one block of time)")
    if len(text) > MAX_NOTE:
        raise SuggestInputError(f"the note is {len(text)} characters; at most {MAX_NOTE} (fix: one block)")
    return text


def answer_spans(
    answer: dict[str, Any], text: str, vocab: dict[str, Any], whole: str | None = None, weak: bool = False
) -> list[dict[str, Any]]:
    """The spans that show `answer` in `text`, or [] when its evidence is absent or cancelled.

    `whole` is the note before non-asserted text was blanked, read by groups marked `reads: whole`.
    `weak` reads the answer's `weak` patterns in place of its `patterns` (words that suggest the answer
    only when nothing else in the note answers the question)."""
    evidence = answer.get("evidence")
    if not evidence:
        return []
    spans = patterns.matches(evidence.get("weak" if weak else "patterns", []), text, vocab)
    if not spans or (weak and patterns.matches(evidence.get("weak_unless", []), text, vocab, limit=1)):
        return []
    for group in evidence.get("also", []):
        more = patterns.matches(group["patterns"], _reads(group, text, whole), vocab)
        if not more:
            return []
        spans += more
    if patterns.matches(evidence.get("unless", []), text, vocab):
        return []
    return sorted(spans, key=lambda s: (s["start"], s["end"]))


def _with_goal_patterns(question: dict[str, Any], override: dict[str, Any]) -> dict[str, Any]:
    """`question` with a payer policy's goal patterns added to its answer's goal-link group (the last `also`)."""
    answers = []
    for answer in question["answers"]:
        groups = (answer.get("evidence") or {}).get("also", [])
        if answer["id"] == override["answer"] and groups:
            last = {**groups[-1], "patterns": [*groups[-1]["patterns"], *override["goal_patterns"]]}
            answer = {**answer, "evidence": {**answer["evidence"], "also": [*groups[:-1], last]}}
        answers.append(answer)
    return {**question, "answers": answers}


def _reads(group: dict[str, Any], text: str, whole: str | None) -> str:
    return whole if group.get("reads") == "whole" and whole is not None else text


def missing_parts(answer: dict[str, Any], text: str, vocab: dict[str, Any], whole: str | None = None) -> list[str]:
    """What to add for each part of `answer`'s evidence that the note lacks (the parts' `add` texts)."""
    evidence = answer.get("evidence") or {}
    adds = []
    if evidence.get("add") and not patterns.matches(evidence.get("patterns", []), text, vocab, limit=1):
        adds.append(evidence["add"])
    for group in evidence.get("also", []):
        if group.get("add") and not patterns.matches(group["patterns"], _reads(group, text, whole), vocab, limit=1):
            adds.append(group["add"])
    return adds


def masked(text: str, ignore: list[str], vocab: dict[str, Any]) -> str:
    """`text` with every match of the `ignore` patterns blanked out (same length, so offsets still hold)."""
    for span in patterns.matches(ignore, text, vocab, limit=None):
        text = text[: span["start"]] + " " * (span["end"] - span["start"]) + text[span["end"] :]
    return text


def settle(question: dict[str, Any], text: str, vocab: dict[str, Any], whole: str | None = None) -> dict[str, Any]:
    """One question read from the note: {"answer": id | None, "spans": [...], "silent": bool, "candidates": [...]}.

    A silent answer also carries `add`: what the note lacks for the question's other answers."""
    if question.get("ignore"):
        text = masked(text, question["ignore"]["patterns"], vocab)
    found = {a["id"]: spans for a in question["answers"] if (spans := answer_spans(a, text, vocab, whole))}
    weak = False
    if not found:  # weak evidence (a place or an object alone) counts only where nothing stronger answers
        found = {
            a["id"]: spans for a in question["answers"] if (spans := answer_spans(a, text, vocab, whole, weak=True))
        }
        weak = bool(found)
    outranked = {
        loser for a in question["answers"] if a["id"] in found for loser in a.get("outranks", []) if loser != a["id"]
    }
    kept = {aid: spans for aid, spans in found.items() if aid not in outranked}
    if len(kept) == 1:
        ((aid, spans),) = kept.items()
        shown = {k: v for k, v in found.items() if k != aid} if not weak else {}
        return {"answer": aid, "spans": spans, "silent": False, "candidates": [aid], "weak": weak, "outranked": shown}
    if not kept and question.get("when_silent"):
        silent = question["when_silent"]
        add = [a for answer in question["answers"] for a in missing_parts(answer, text, vocab, whole)]
        return {
            "answer": silent["answer"],
            "spans": [],
            "silent": True,
            "candidates": [],
            "reason": silent["evidence"],
            "add": add,
        }
    return {"answer": None, "spans": [], "silent": False, "candidates": sorted(kept)}


def _evidence_text(spans: list[dict[str, Any]]) -> str:
    seen: list[str] = []
    for span in spans:
        words = " ".join(span["text"].split())
        if words.lower() not in (s.lower() for s in seen):
            seen.append(words)
    return "; ".join(seen[:MAX_EVIDENCE])


def walk(
    tree: dict[str, Any],
    text: str,
    vocab: dict[str, Any] | None = None,
    reading: dict[str, Any] | None = None,
    goals: str = "",
    claims: str | None = None,
    heading: str | None = None,
    minutes: int | None = None,
    policy: dict[str, Any] | None = None,
    headed_only: bool = False,
    visit_header: str = "",
) -> dict[str, Any]:
    """Walk the tree from the root as far as the note settles it.

    Returns {"code", "codes", "outcome", "result", "title", "path", "open_question", "question", "candidates",
    "walk", "documentation", "asserted"}:
    `code`/`codes` are set only when the walk reached an outcome that names the work (codes lists every code
    billed, e.g. 97129 with 97130); `documentation` is {"verdict", "add"} beside a code; `path` holds each
    settled step with the note's words as evidence. `reading` (data/note_reading.yaml) turns on ConText;
    `goals` is more goal text of the visit (its goal lines) that a goal-link check may read. `claims` is
    the code a block's heading names: at a question the content leaves open (or answers only by silence
    or by weak evidence), the one answer whose `heading_codes` name that code is taken, and the step says
    the heading settled it; content that answers the question always wins over the heading. `minutes` are the
    block's minutes when the visit reader found them beside its heading: a question with `by_minutes` is
    answered from them. `policy` is a payer policy (data/policies) whose definitions change the walk: an
    answer it takes `instead_of` others, or more words that show a goal link; the step names the policy.
    `headed_only` walks a block that has a heading and no text (a flowsheet row): only the heading settles.
    `visit_header` is the visit's opening text before its first block ("L TTA, new prosthesis wk 2"): a
    question marked `reads_visit_header` reads it when the block's own text leaves the question open.
    """
    text = "" if headed_only and claims else check_note(text)
    vocab = vocab or {}
    context = (reading or {}).get("context")
    whole = text + ("\n" + goals if goals else "")
    read = assertions.asserted(text, context) if context else text
    nodes = nodes_by_id(tree)
    current = tree["root"]
    path: list[dict[str, Any]] = []
    steps: list[Step] = []
    candidates: list[str] = []
    overrides = {o["question"]: o for o in (policy or {}).get("walk", [])}
    while nodes[current]["type"] == "question":
        question = nodes[current]
        override = overrides.get(current)
        if override and override.get("goal_patterns"):
            question = _with_goal_patterns(question, override)
        settled = settle(question, read, vocab, whole)
        if settled["answer"] is None and visit_header and question.get("reads_visit_header"):
            # the opening lines as written: "S: prosthesis delivered yesterday" is the history this question needs
            heard = settle(question, visit_header, vocab)
            if heard["answer"] is not None and not heard["silent"]:
                reason = f"the visit's opening line: {_evidence_text(heard['spans'])}"
                settled = {**heard, "spans": [], "from_heading": True, "reason": reason}
        if override and settled["answer"] in override.get("instead_of", []):
            settled = {**settled, "answer": override["answer"], "policy": override["why"]}
        if minutes is not None and question.get("by_minutes") and settled["answer"] is None:
            rule = question["by_minutes"]
            aid = rule["at_most"] if minutes <= rule["threshold"] else rule["over"]
            settled = {"answer": aid, "spans": [], "silent": False, "candidates": [aid], "from_heading": True}
            settled["reason"] = f"the block's {minutes} minutes"
        if claims and (settled["answer"] is None or settled["silent"] or settled.get("weak")):
            settled = _heading_settles(question, settled, claims, heading)
        elif claims and settled.get("outranked"):
            settled = _heading_breaks_tie(question, settled, claims, heading)
        if settled["answer"] is None:
            candidates = settled["candidates"]
            break
        chosen = next(a for a in question["answers"] if a["id"] == settled["answer"])
        path.append(
            {
                "question": current,
                "answer": chosen["id"],
                "text": question.get("text", ""),
                "label": chosen.get("label", ""),
                "evidence": settled.get("reason", "")
                if settled["silent"] or settled.get("from_heading")
                else _evidence_text(settled["spans"]),
                "from_heading": bool(settled.get("from_heading")),
                "by_heading": bool(settled.get("by_heading")),
                "policy": settled.get("policy"),
                "from_silence": settled["silent"],
                "spans": settled["spans"],
                "add": settled.get("add", []),
                "documentation": chosen.get("documentation"),
                "names_work": bool(question.get("names_work")),
            }
        )
        steps.append((current, chosen["id"]))
        current = chosen["next"]
    return {**ending(nodes[current], path, candidates, format_walk(steps)), "asserted": read}


def ending(node: dict[str, Any], path: list[dict[str, Any]], candidates: list[str], walk_text: str) -> dict[str, Any]:
    """What a walk that stopped at `node` reports: the outcome and its codes, or the open question to ask."""
    reached = node["type"] == "outcome"
    asked = None
    if not reached:
        asked = {
            "id": node["id"],
            "text": node.get("text", ""),
            "help": node.get("help", ""),
            "answers": [
                {
                    "id": a["id"],
                    "label": a.get("label", ""),
                    "contested": a.get("contested"),
                    "shown": a["id"] in candidates,
                }
                for a in node["answers"]
            ],
        }
    codes = (node.get("codes") or ([node["code"]] if node.get("code") else [])) if reached else []
    return {
        "code": node.get("code") if reached else None,
        "codes": codes or None,
        "outcome": node["id"] if reached else None,
        "result": node.get("result") if reached else None,
        "path": path,
        "open_question": None if reached else node["id"],
        "question": asked,
        "title": node.get("title") if reached else None,
        "candidates": candidates,
        "walk": walk_text,
        "documentation": documentation(node, path) if reached and node.get("code") else None,
    }


def reaches(node_id: str, code: str, nodes: dict[str, Any], seen: set[str] | None = None) -> bool:
    """Whether a walk from `node_id` can end at an outcome that bills `code` (checks heading_codes)."""
    seen = set() if seen is None else seen
    if node_id in seen:
        return False
    seen.add(node_id)
    node = nodes[node_id]
    if node["type"] == "outcome":
        return code in (node.get("codes") or [node.get("code")])
    return any(reaches(a["next"], code, nodes, seen) for a in node["answers"])


def _heading_settles(
    question: dict[str, Any], settled: dict[str, Any], claims: str, heading: str | None
) -> dict[str, Any]:
    """The answer whose `heading_codes` name the heading's code, when the content leaves the question open."""
    pool = [a["id"] for a in question["answers"]] if settled.get("weak") else settled["candidates"]
    pool = pool or [a["id"] for a in question["answers"]]
    leading = [a["id"] for a in question["answers"] if a["id"] in pool and claims in a.get("heading_codes", [])]
    if len(leading) != 1 or ((settled["silent"] or settled.get("weak")) and leading[0] == settled["answer"]):
        return settled
    return {
        "answer": leading[0],
        "spans": [],
        "silent": False,
        "candidates": [leading[0]],
        "from_heading": True,
        "by_heading": True,
        "reason": f"the heading '{heading or claims}' (the block's text does not settle this question)",
    }


def _heading_breaks_tie(
    question: dict[str, Any], settled: dict[str, Any], claims: str, heading: str | None
) -> dict[str, Any]:
    """When the block's text shows two answers and one outranks the other only by the tree's order, the answer
    the heading names is taken ("Gait training 15 min: treadmill ..., obstacle course"): the content shows
    that work too, and the writer said which it was. Content that shows only one answer still wins."""
    leading = [a["id"] for a in question["answers"] if claims in a.get("heading_codes", [])]
    if len(leading) != 1 or leading[0] not in settled["outranked"]:
        return settled
    if any(a["id"] == settled["answer"] and a.get("decisive") for a in question["answers"]):
        return settled  # a fact the note states (the patient was not there) rules out the heading's code
    spans = settled["outranked"][leading[0]]
    return {
        "answer": leading[0],
        "spans": spans,
        "silent": False,
        "candidates": [leading[0]],
        "reason": f"{_evidence_text(spans)} (the text also shows other work; the heading '{heading or claims}'"
        " names this)",
        "from_heading": True,
    }


def _work_words(path: list[dict[str, Any]]) -> str:
    for step in path:
        if step["names_work"] and step["spans"]:
            seen: list[str] = []
            for span in step["spans"]:
                words = " ".join(span["text"].split())
                if not any(words.lower() in s.lower() or s.lower() in words.lower() for s in seen):
                    seen.append(words)
            return " / ".join(f"'{w}'" for w in seen[:WORK_PHRASES])
    return "this block"


def documentation(node: dict[str, Any], path: list[dict[str, Any]]) -> dict[str, Any]:
    """The documentation verdict beside an outcome's code: the worst along the path, and what to add."""
    verdicts = [node.get("documentation", "supported")]
    add: list[str] = []
    for step in path:
        if step["documentation"]:
            verdicts.append(step["documentation"]["verdict"])
            add += step["documentation"]["add"]
        if step["from_silence"]:
            add += step["add"]
        if step.get("by_heading") and step.get("label"):
            # the heading is the writer's claim: the code may follow it, the documentation does not
            verdicts.append("partly")
            add.append(
                f"Show in the block's text what its heading claims ({step['label'][0].lower()}{step['label'][1:]})."
            )
    verdict = max(verdicts, key=VERDICTS.index)
    if verdict != "supported" and not add:
        add = [item if isinstance(item, str) else item["text"] for item in node.get("note_must_show", [])]
    work = _work_words(path)
    unique: list[str] = []
    for item in add:
        item = item.replace("$work", work)
        if item not in unique:
            unique.append(item)
    return {"verdict": verdict, "add": unique if verdict != "supported" else []}


def outcome_key(node: dict[str, Any]) -> str:
    """How a note bank names an outcome: its codes joined by '+', or 'none' for an outcome without a code."""
    if node.get("codes"):
        return "+".join(node["codes"])
    return node.get("code") or "none"


def evidence_problems(tree: dict[str, Any], vocab: dict[str, Any]) -> list[tuple[tuple[Any, ...], str]]:
    """Every evidence pattern that fails to expand or compile: (path inside the tree, message)."""
    out = []
    for i, node in enumerate(tree.get("nodes", [])):
        for k, pattern in enumerate((node.get("ignore") or {}).get("patterns", [])):
            if (message := patterns.problem(pattern, vocab)) is not None:
                out.append((("nodes", i, "ignore", "patterns", k), f"{node['id']} ignore: {message}"))
        for j, answer in enumerate(node.get("answers", [])):
            evidence = answer.get("evidence") or {}
            groups: list[tuple[tuple[Any, ...], list[str]]] = [
                (("patterns",), evidence.get("patterns", [])),
                (("weak",), evidence.get("weak", [])),
                (("weak_unless",), evidence.get("weak_unless", [])),
                (("unless",), evidence.get("unless", [])),
                *((("also", g, "patterns"), group["patterns"]) for g, group in enumerate(evidence.get("also", []))),
            ]
            for where, group in groups:
                for k, pattern in enumerate(group):
                    if (message := patterns.problem(pattern, vocab)) is not None:
                        path = ("nodes", i, "answers", j, "evidence", *where, k)
                        out.append((path, f"{node['id']} {answer['id']}: {message}"))
    return out


def answered(tree: dict[str, Any], walked: dict[str, Any], answers: list[Any]) -> dict[str, Any]:
    """A walk that stopped at an open question, continued with the user's [question, answer] pairs.

    The note's steps stay as they were; each user step is marked `by_user`. Answers that do not follow the
    tree from where the walk stopped raise SuggestInputError naming the step."""
    if not isinstance(answers, list) or not all(isinstance(a, list | tuple) and len(a) == 2 for a in answers):
        raise SuggestInputError("answers must be [question, answer] pairs (fix: answer the open question)", "answers")
    nodes = nodes_by_id(tree)
    path = list(walked["path"])
    current = walked["open_question"] or walked["outcome"]
    for number, (qid, aid) in enumerate(answers, 1):
        node = nodes.get(current)
        if node is None or node["type"] != "question" or str(qid) != current:
            raise SuggestInputError(f"answer {number} is for {qid!r}; the open question is {current!r}", "answers")
        chosen = next((a for a in node["answers"] if a["id"] == str(aid)), None)
        if chosen is None:
            raise SuggestInputError(
                f"{aid!r} is not an answer of {current} (fix: choose one of its answers)", "answers"
            )
        path.append(
            {
                "question": current,
                "answer": chosen["id"],
                "text": node.get("text", ""),
                "label": chosen.get("label", ""),
                "evidence": "answered by you",
                "from_silence": False,
                "from_heading": False,
                "by_user": True,
                "spans": [],
                "add": [],
                "documentation": chosen.get("documentation"),
                "names_work": bool(node.get("names_work")),
            }
        )
        current = chosen["next"]
    return {**walked, **ending(nodes[current], path, [], format_walk([(p["question"], p["answer"]) for p in path]))}
