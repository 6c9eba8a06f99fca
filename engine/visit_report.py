"""The coach page's view of one visit note read under several unit rules, and its plain-text summary.

engine.visit reads the note once per rule; this module lays those results side by side for the page (the
note cut into block segments, each block's code under each rule, the documentation verdict and what to add,
the open question, the units per rule, warnings shared by every rule and those of one rule) and writes the
same view as plain text for "Copy as text". Pure: no I/O, no clock.
"""

from __future__ import annotations

from typing import Any

from engine import visit
from engine.tree import nodes_by_id

#: the documentation verdict as the page says it
VERDICTS = {
    "supported": "the note supports the code",
    "partly": "partly shown: add what is listed",
    "not_shown": "not shown: add what is listed",
}
DISCLAIMER = "Education, not billing or legal advice: payers and contracts differ."


def _rule_name(rules: dict[str, Any], rule_id: str) -> str:
    return str(rules.get(rule_id, {}).get("label") or rule_id)


def _codes(block: dict[str, Any] | None) -> str | None:
    if not block or not block["code"]:
        return None
    return " + ".join(block["codes"] or [block["code"]])


def _code_line(number: int, per_rule: dict[str, dict[str, Any] | None], rules: dict[str, Any]) -> str:
    """What the block bills, in one line: one code for every rule, or each rule's own."""
    codes = {r: _codes(b) for r, b in per_rule.items()}
    first = next((b for b in per_rule.values() if b), None)
    if first is None:
        return "not a block of time"
    minutes = f", {first['minutes']} min" if first["minutes"] is not None else ""
    if len(set(codes.values())) == 1:
        code = next(iter(codes.values()))
        if code:
            return code + minutes
        if first["result"] == "not_billable":
            return "not billable as skilled therapy" + minutes
        if first["open_question"]:
            return "no code yet: the note leaves a question open" + minutes
        return "no code yet" + minutes
    return "; ".join(f"{_rule_name(rules, r)}: {c or 'no code'}" for r, c in codes.items()) + minutes


def _path(steps: list[dict[str, Any]], nodes: dict[str, Any]) -> list[dict[str, Any]]:
    """The block's walk, as the page reads it: each question and answer in words, with what settled it."""
    out = []
    for s in steps:
        node = nodes.get(s["question"], {})
        label = next((a.get("label") for a in node.get("answers", []) if a["id"] == s["answer"]), s["answer"])
        out.append(
            {
                "question": s["question"],
                "answer": s["answer"],
                "text": node.get("text", s["question"]),
                "label": label,
                "evidence": s["evidence"],
                "by_user": bool(s.get("by_user")),
            }
        )
    return out


def _block_view(
    number: int, per_rule: dict[str, dict[str, Any] | None], rules: dict[str, Any], nodes: dict[str, Any]
) -> dict[str, Any]:
    first = next(b for b in per_rule.values() if b)
    doc = first["documentation"]
    return {
        "number": number,
        "title": f"Block {number}" + (f": {first['heading']}" if first["heading"] else ""),
        "heading": first["heading"],
        "minutes": first["minutes"],
        "codes": {r: (b["codes"] or [b["code"]]) if b and b["code"] else [] for r, b in per_rule.items()},
        "code_line": _code_line(number, per_rule, rules),
        "result": first["result"],
        "documentation": {
            "verdict": doc["verdict"],
            "label": VERDICTS.get(doc["verdict"], doc["verdict"]),
            "add": list(doc.get("add") or []),
        }
        if doc
        else None,
        "heading_note": first["heading_note"],
        "question": first["question"] if first["open_question"] else None,
        "answered": [[s["question"], s["answer"]] for s in first["path"] if s.get("by_user")],
        "path": _path(first["path"], nodes),
    }


def report(
    text: str, visits: dict[str, dict[str, Any]], rules: dict[str, Any], tree: dict[str, Any] | None = None
) -> dict[str, Any]:
    """{"session", "segments", "blocks", "payers", "warnings", "steps", "text"} from {rule id: visit.read result}.

    `text` is the note the results were read from (their spans index it); `tree` (the decision tree) puts
    each block's walk in words."""
    nodes = nodes_by_id(tree) if tree else {}
    rule_ids = list(visits)
    numbers: list[int] = []
    for r in rule_ids:
        numbers += [b["number"] for b in visits[r]["blocks"] if b["number"] not in numbers]
    numbers.sort()
    by_number = {r: {b["number"]: b for b in visits[r]["blocks"]} for r in rule_ids}
    blocks = [_block_view(n, {r: by_number[r].get(n) for r in rule_ids}, rules, nodes) for n in numbers]
    first = visits[rule_ids[0]]
    messages = {r: [w["message"] for w in visits[r]["warnings"]] for r in rule_ids}
    shared = [m for m in messages[rule_ids[0]] if all(m in messages[r] for r in rule_ids)]
    payers = [
        {
            "rule": r,
            "name": _rule_name(rules, r),
            "lines": [{"code": c, "units": n} for c, n in visits[r]["units"].items()],
            "total_units": visits[r]["total_units"],
            "warnings": [m for m in messages[r] if m not in shared],
        }
        for r in rule_ids
    ]
    steps = [{"rule": r, "name": _rule_name(rules, r), "steps": list(visits[r]["steps"])} for r in rule_ids]
    view = {
        "session": session_blocks(first),
        "segments": visit.segments(text, first["blocks"]),
        "blocks": blocks,
        "payers": payers,
        "warnings": shared,
        "steps": steps,
    }
    view["text"] = summary_text(view)
    return view


def session_blocks(result: dict[str, Any]) -> list[dict[str, Any]]:
    """The blocks that bill, as today's session keeps them ({code, minutes}): what "Add to today's session" adds.

    Codes as the first rule names them; a service code without minutes keeps null minutes; blocks that are
    not billable, still open or timed without minutes are left out (the calculator would refuse them)."""
    out = []
    for block in result["blocks"]:
        code, minutes = block["code"], block["minutes"]
        if not code or block.get("result") == "not_billable" or block["open_question"]:
            continue
        timed = block.get("timed")
        if timed and minutes is None:
            continue
        out.append({"code": code, "minutes": minutes if timed else None})
    return out


def summary_text(view: dict[str, Any]) -> str:
    """The view as plain text, for the clipboard: blocks, units per rule, warnings, steps."""
    lines = ["Visit note, block by block", ""]
    for b in view["blocks"]:
        lines.append(f"{b['title']}: {b['code_line']}")
        doc = b["documentation"]
        if doc:
            lines.append(f"  Documentation: {doc['label']}")
            lines += [f"  - {a}" for a in doc["add"]]
        if b["heading_note"]:
            lines.append(f"  Heading: {b['heading_note']}")
        if b["question"]:
            lines.append(f"  Open question: {b['question']['text']}")
    for p in view["payers"]:
        claim = ", ".join(f"{ln['code']} x{ln['units']}" for ln in p["lines"]) or "nothing to bill"
        lines += ["", f"Units, {p['name']}: {claim}; {p['total_units']} in all"]
        lines += [f"  Warning: {w}" for w in p["warnings"]]
    if view["warnings"]:
        lines += ["", "Warnings:"] + [f"- {w}" for w in view["warnings"]]
    for s in view["steps"]:
        lines += ["", f"Steps, {s['name']}:"] + [f"{i}. {step}" for i, step in enumerate(s["steps"], 1)]
    lines += ["", DISCLAIMER]
    return "\n".join(lines) + "\n"
