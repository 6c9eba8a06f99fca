"""Command line: `python -m engine units --rule cms [--json] CODE=MINUTES[@DISC] CODE ...`,
`python -m engine suggest [--json] < note.txt` (the decision tree walked from one block) and
`python -m engine visit --rule cms|ama [--json | --jsonl] < note.txt` (a whole visit note: every block
coded, the day's units). With `--jsonl` each input line is one JSON note (a string, or an object with
"text" and optionally "id" and "rule") and each output line one result, so a clinic can check an export
of notes on its own machine; a bad line gives {"id", "error"} on its output line and exit status 2.

A bare CODE is a service-based code given without minutes. `@PT`, `@OT` or `@SLP` names the discipline of an
entry, and `@PT+OT` a block two disciplines treated together (co-treatment): the payer rule's co_treatment
block says how it is billed, and each discipline's lines carry its modifier. The command line is
the engine's only door to files: it loads the validated project data through
build_tools (never shipped to the browser). Bad input: message on stderr, exit 2.
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from engine import suggest, units, visit


def parse_entry(text: str) -> tuple[str, str | None] | tuple[str, str | None, str]:
    """'97110=33' -> ('97110', '33'); a bare '97165' -> ('97165', None).

    With a discipline: '97110=20@PT' -> ('97110', '20', 'PT'); a co-treated block '97530=30@PT+OT' ->
    ('97530', '30', 'PT+OT'); '97165@OT' -> ('97165', None, 'OT'). The engine checks minutes and disciplines.
    """
    body, at, discipline = text.partition("@")
    code, sep, minutes = body.partition("=")
    if at:
        return code.strip(), (minutes if sep else None), discipline
    return code.strip(), (minutes if sep else None)


def render_lines(result: dict[str, Any], data: dict[str, Any]) -> list[str]:
    """The claim lines of a day with disciplines: code, discipline, modifier, minutes, units."""
    codes = data["codes"]
    lines = [f"{'code':<7}{'disc.':<6}{'mod.':<5}{'minutes':>8}{'units':>7}  name"]
    for line in result["lines"]:
        minutes = "-" if line["minutes"] is None else str(line["minutes"])
        name = codes[line["code"]].get("name", "")
        lines.append(
            f"{line['code']:<7}{line['discipline']:<6}{line['modifier']:<5}{minutes:>8}{line['units']:>7}  {name}"
        )
    return lines


def render_text(result: dict[str, Any], data: dict[str, Any], entries: list[tuple[str, str | None]]) -> str:
    """The readable form: a table of code, minutes and units, then alternatives, warnings and steps."""
    given = {e[0].strip().upper(): e[1] for e in entries}
    codes, label = data["codes"], data["rules"][result["rule"]]["label"]
    lines = [f"Rule: {result['rule']} ({label})", "", f"{'code':<7}{'minutes':>8}{'units':>7}  name"]
    if any(line["discipline"] for line in result.get("lines", [])):
        lines[2:] = render_lines(result, data)
    else:
        for code, n in result["units"].items():
            minutes, primary = given.get(code), codes[code].get("primary_code")
            name = codes[code].get("name", "") + (
                f" (its minutes are on {primary})" if code not in given and primary else ""
            )
            lines.append(f"{code:<7}{'-' if minutes is None else minutes.strip():>8}{n:>7}  {name}")
    lines.append(f"{'total':<7}{result['treatment_minutes']:>8}{result['total_units']:>7}")
    lines.append(f"timed minutes {result['timed_minutes']}, timed units {result['timed_units']}")
    for alt in result["alternatives"]:
        lines.append("also allowed: " + ", ".join(f"{c} {n}" for c, n in alt.items()))
    if result.get("more_alternatives"):
        lines.append(f"and {result['more_alternatives']} more allowed allocations (not listed)")
    lines += [f"warning: {w}" for w in result["warnings"]]
    lines += ["", "Steps:"] + [f"{i}. {s}" for i, s in enumerate(result["steps"], 1)]
    return "\n".join(lines)


def suggest_json(result: dict[str, Any]) -> dict[str, Any]:
    """The documented JSON shape of a note walk (plus the outcome id and its kind)."""
    return {
        "code": result["code"],
        "codes": result["codes"],
        "path": [{"question": s["question"], "answer": s["answer"], "evidence": s["evidence"]} for s in result["path"]],
        "open_question": result["open_question"],
        "outcome": result["outcome"],
        "result": result["result"],
    }


def render_suggest(result: dict[str, Any], tree: dict[str, Any]) -> str:
    """The readable form: each settled question with the note's words, then the outcome or the open question."""
    from engine.tree import nodes_by_id

    nodes = nodes_by_id(tree)
    lines = []
    for i, step in enumerate(result["path"], 1):
        node = nodes[step["question"]]
        label = next(a["label"] for a in node["answers"] if a["id"] == step["answer"])
        lines += [f"{i}. {node['text']}", f"   -> {label}", f"   evidence: {step['evidence']}"]
    if result["open_question"]:
        node = nodes[result["open_question"]]
        lines += ["", f"Open question ({node['id']}): {node['text']}"]
        lines += [f"   - {a['label']}" for a in node["answers"]]
    else:
        lines += ["", f"Outcome: {nodes[result['outcome']]['title']}"]
    return "\n".join(lines)


def visit_json(result: dict[str, Any]) -> dict[str, Any]:
    """The documented JSON shape of a visit (issue 22): blocks, units, total_units, steps, warnings."""
    return {
        "blocks": [
            {
                "span": b["span"],
                "heading": b["heading"],
                "minutes": b["minutes"],
                "code": b["code"],
                "codes": b["codes"],
                "open_question": b["open_question"],
                "path": [
                    {"question": s["question"], "answer": s["answer"], "evidence": s["evidence"]} for s in b["path"]
                ],
                "documentation": b["documentation"],
                "heading_note": b["heading_note"],
                "result": b["result"],
            }
            for b in result["blocks"]
        ],
        "units": result["units"],
        "total_units": result["total_units"],
        "steps": result["steps"],
        "warnings": [w["message"] for w in result["warnings"]],
        "warning_kinds": [w["kind"] for w in result["warnings"]],
        "rule": result["rule"],
    }


def render_visit(result: dict[str, Any], text: str) -> str:
    """The readable form: each block with its code and verdict, then the claim lines and the steps."""
    lines = [f"Rule: {result['rule']}", ""]
    for i, b in enumerate(result["blocks"], 1):
        quote = " ".join(text[b["span"][0] : b["span"][1]].split())
        lines.append(f"Block {i}: {quote[:70]}{'...' if len(quote) > 70 else ''}")
        if b["code"]:
            doc = b["documentation"]
            verdict = f"  documentation: {doc['verdict']}" if doc else ""
            lines.append(f"   code {' + '.join(b['codes'] or [b['code']])}, {b['minutes']} min{verdict}")
            lines += [f"   add: {a}" for a in (doc or {}).get("add", [])]
        elif b["result"] == "not_billable":
            lines.append("   not billable")
        elif b["open_question"]:
            lines.append(f"   open question: {b['open_question']}")
        if b["heading_note"]:
            lines.append(f"   note: {b['heading_note']}")
    lines += ["", "Claim: " + (", ".join(f"{c} x{n}" for c, n in result["units"].items() if n) or "nothing to bill")]
    lines.append(f"Total units: {result['total_units']}")
    lines += [f"warning: {w['message']}" for w in result["warnings"]]
    lines += ["", "Steps:"] + [f"{i}. {s}" for i, s in enumerate(result["steps"], 1)]
    return "\n".join(lines)


def _visit_lines(stream: Any, data: dict[str, Any], rule: str, policy: str | None = None) -> int:
    """--jsonl: one JSON note a line in, one result a line out; bad lines report their error in place."""
    status = 0
    for number, raw in enumerate(stream, 1):
        if not raw.strip():
            continue
        note_id: Any = number
        try:
            item = json.loads(raw)
            if isinstance(item, dict):
                note_id = item.get("id", number)
                text, line_rule = item.get("text"), str(item.get("rule") or rule)
            else:
                text, line_rule = item, rule
            out = {"id": note_id, **visit_json(visit.read(text, data, line_rule, policy_id=policy))}
        except json.JSONDecodeError as exc:
            out, status = (
                {"id": note_id, "error": f"line {number} is not JSON: {exc.msg} (fix: one JSON note a line)"},
                2,
            )
        except visit.VisitInputError as exc:
            out, status = {"id": note_id, "error": f"line {number}: {exc}"}, 2
        print(json.dumps(out))
    return status


def _read_note(stream: Any) -> str:
    raw = stream.read(suggest.MAX_NOTE * 4 + 1)
    if len(raw) > suggest.MAX_NOTE * 4:
        raise suggest.SuggestInputError(f"the note is longer than {suggest.MAX_NOTE} characters (fix: one block)")
    if b"\x00" in raw:
        raise suggest.SuggestInputError("the input holds NUL bytes, so it is not a text note (fix: plain text)")
    return suggest.check_note(raw)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m engine")
    sub = parser.add_subparsers(dest="command", required=True)
    p_units = sub.add_parser("units", help="turn minutes per code into billable units, with the steps")
    p_units.add_argument("--rule", default="cms", help="unit rule id from data/payers (default: cms)")
    p_units.add_argument("--json", action="store_true", help="print the result as JSON")
    p_units.add_argument(
        "entries",
        nargs="*",
        metavar="CODE[=MINUTES][@DISC]",
        help="e.g. 97110=20@PT; a block two disciplines treated together: 97530=30@PT+OT",
    )
    p_suggest = sub.add_parser("suggest", help="walk the decision tree from a treatment note read on stdin")
    p_suggest.add_argument("--json", action="store_true", help="print the walk as JSON")
    p_visit = sub.add_parser("visit", help="read a whole visit note on stdin: every block coded, the day's units")
    p_visit.add_argument("--rule", default="cms", help="unit rule id from data/payers (default: cms)")
    p_visit.add_argument("--policy", default=None, help="payer policy id from data/policies (e.g. wsi)")
    form = p_visit.add_mutually_exclusive_group()
    form.add_argument("--json", action="store_true", help="print the visit as JSON")
    form.add_argument("--jsonl", action="store_true", help="read one JSON note a line, write one JSON result a line")
    args = parser.parse_args(argv)

    from build_tools.export import engine_data
    from build_tools.load import load_project

    data = engine_data(load_project())
    if args.command == "visit":
        if args.rule not in data["rules"]:
            print(
                f"error: rule must be one of {', '.join(sorted(data['rules']))}: {args.rule!r} (fix: --rule cms)",
                file=sys.stderr,
            )
            return 2
        if args.jsonl:
            return _visit_lines(sys.stdin, data, args.rule, args.policy)
        try:
            note = _read_note(sys.stdin.buffer)
            result = visit.read(note, data, args.rule, policy_id=args.policy)
        except (suggest.SuggestInputError, visit.VisitInputError) as exc:
            print(f"error: {exc}", file=sys.stderr)
            return 2
        print(json.dumps(visit_json(result)) if args.json else render_visit(result, note))
        return 0
    if args.command == "suggest":
        try:
            result = suggest.walk(
                data["tree"], _read_note(sys.stdin.buffer), data.get("vocab", {}), data.get("reading")
            )
        except suggest.SuggestInputError as exc:
            print(f"error: {exc}", file=sys.stderr)
            return 2
        print(json.dumps(suggest_json(result)) if args.json else render_suggest(result, data["tree"]))
        return 0
    entries = [parse_entry(e) for e in args.entries]
    try:
        if args.rule not in data["rules"]:
            raise units.UnitInputError(
                f"rule must be one of {', '.join(sorted(data['rules']))}: {args.rule!r} (fix: --rule cms)", "rule"
            )
        result = units.compute(entries, data["rules"][args.rule], data["codes"])
    except units.UnitInputError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print(json.dumps(result) if args.json else render_text(result, data, entries))
    return 0


if __name__ == "__main__":
    sys.exit(main())
