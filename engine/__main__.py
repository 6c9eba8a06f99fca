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
import datetime as dt
import json
import sys
from pathlib import Path
from typing import Any

# the one door to files (see above); imported here, before anything can replace build_tools.load.load_project,
# because build_tools.check binds that name when it is first imported
from build_tools.check import check_loaded
from engine import numbers, suggest, units, visit

#: --jsonl: the longest line read, in bytes (a note of suggest.MAX_NOTE characters, each escaped as \uXXXX, fits)
MAX_LINE_BYTES = 6 * suggest.MAX_NOTE + 1_000
#: --jsonl: the most notes read from one input (the rest is refused with a message; split the export)
MAX_LINES = 100_000
#: the longest id a --jsonl note may carry (it is echoed on its output line)
MAX_ID = 200


class DataError(Exception):
    """The project data does not pass `python -m build_tools check`: the engine refuses to run on it."""


#: id(project) -> (project, problems): each loaded project is checked once per process
_CHECKED: dict[int, tuple[Any, list[Any]]] = {}


def load_data(root: Path | None = None) -> dict[str, Any]:
    """The engine data of the project under `root` (default: this checkout), checked as the build checks it.

    Broken data (an empty or missing file, a pattern that does not compile, ...) raises DataError with the
    first problem as file:line, so the command line answers with one line instead of a traceback."""
    from build_tools.export import engine_data
    from build_tools.load import load_project

    project = load_project(root) if root is not None else load_project()
    if id(project) not in _CHECKED:  # no date is "in the future" here: review dates are the build's concern
        _CHECKED[id(project)] = (project, check_loaded(project, dt.date.max))
    problems = _CHECKED[id(project)][1]
    if problems:
        loading = set(project.load_problems())  # a file that cannot be read first: the others follow from it
        first = next((p for p in problems if p in loading), problems[0]).shown(project.root)
        count = f"{len(problems)} problem{'s' if len(problems) > 1 else ''}"
        raise DataError(f"the project data does not pass the check: {first}; {count} (run python -m build_tools check)")
    return engine_data(project)


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


def _lines(stream: Any) -> Any:
    """(number, bytes or None) for each input line; None for a line over MAX_LINE_BYTES (the rest is skipped)."""
    number = 0
    while True:
        raw = stream.readline(MAX_LINE_BYTES + 1)
        if not raw:
            return
        number += 1
        if len(raw) > MAX_LINE_BYTES and not raw.endswith(b"\n"):
            while raw and not raw.endswith(b"\n"):  # skip the rest of the long line, a piece at a time
                raw = stream.readline(MAX_LINE_BYTES + 1)
            yield number, None
        else:
            yield number, raw


def _note_id(item: dict[str, Any], number: int) -> Any:
    note_id = item.get("id", number)
    if note_id is None or isinstance(note_id, bool) or not isinstance(note_id, (int, str)):
        raise visit.VisitInputError('the id must be a whole number or a text (fix: e.g. "id": "visit-12")', "id")
    if (isinstance(note_id, str) and len(note_id) > MAX_ID) or (isinstance(note_id, int) and abs(note_id) >= 10**18):
        raise visit.VisitInputError(f"the id is longer than {MAX_ID} characters or 18 digits (fix: a shorter id)", "id")
    return note_id


def _visit_line(
    raw: bytes | None, number: int, data: dict[str, Any], rule: str, shown: dict[str, Any], policy: str | None = None
) -> dict:
    """One --jsonl line's output object; a bad line raises VisitInputError (shown["id"]: the id to report)."""
    if raw is None:
        raise visit.VisitInputError(f"it is longer than {MAX_LINE_BYTES} bytes (fix: one note a line)")
    try:
        item = json.loads(raw.decode("utf-8"))
    except UnicodeDecodeError:
        raise visit.VisitInputError("it is not UTF-8 text (fix: write the file as UTF-8)") from None
    except json.JSONDecodeError as exc:
        raise visit.VisitInputError(f"it is not JSON: {exc.msg} (fix: one JSON note a line)") from None
    except (ValueError, RecursionError):  # a number of over 4300 digits, arrays nested thousands deep
        raise visit.VisitInputError('it is not a JSON note (fix: a string, or an object with "text")') from None
    if not isinstance(item, dict):
        return {"id": number, **visit_json(visit.read(item, data, rule, policy_id=policy))}
    shown["id"] = _note_id(item, number)
    line_rule = item.get("rule") or rule
    if not isinstance(line_rule, str):
        raise visit.VisitInputError('the rule must be a text, e.g. "cms"', "rule")
    return {"id": shown["id"], **visit_json(visit.read(item.get("text"), data, line_rule, policy_id=policy))}


def _visit_lines(stream: Any, data: dict[str, Any], rule: str, policy: str | None = None) -> int:
    """--jsonl: one JSON note a line in, one result a line out; bad lines report their error in place.

    At most MAX_LINES notes, each line at most MAX_LINE_BYTES bytes (a longer line is an error on its own
    output line, and reading goes on)."""
    status = 0
    for number, raw in _lines(stream):
        if raw is not None and not raw.strip():
            continue
        if number > MAX_LINES:
            print(f"error: more than {MAX_LINES} lines (fix: split the file)", file=sys.stderr)
            return 2
        shown: dict[str, Any] = {"id": number}
        try:
            out = _visit_line(raw, number, data, rule, shown, policy)
        except visit.VisitInputError as exc:
            out, status = {"id": shown["id"], "error": f"line {number}: {exc}"}, 2
        print(json.dumps(out))
    return status


def _read_note(stream: Any) -> str:
    try:
        raw = stream.read(suggest.MAX_NOTE * 4 + 1)
    except OSError as exc:
        raise suggest.SuggestInputError(f"the note could not be read: {exc.strerror or exc}") from None
    if len(raw) > suggest.MAX_NOTE * 4:
        raise suggest.SuggestInputError(f"the note is longer than {suggest.MAX_NOTE} characters (fix: one block)")
    if b"\x00" in raw:
        raise suggest.SuggestInputError("the input holds NUL bytes, so it is not a text note (fix: plain text)")
    return suggest.check_note(raw)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m engine")
    sub = parser.add_subparsers(dest="command", required=True)
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--root", type=Path, help="project folder whose data is used (default: this checkout)")
    p_units = sub.add_parser(
        "units", parents=[common], help="turn minutes per code into billable units, with the steps"
    )
    p_units.add_argument("--rule", default="cms", help="unit rule id from data/payers (default: cms)")
    p_units.add_argument("--json", action="store_true", help="print the result as JSON")
    p_units.add_argument(
        "entries",
        nargs="*",
        metavar="CODE[=MINUTES][@DISC]",
        help="e.g. 97110=20@PT; a block two disciplines treated together: 97530=30@PT+OT",
    )
    p_suggest = sub.add_parser(
        "suggest", parents=[common], help="walk the decision tree from a treatment note read on stdin"
    )
    p_suggest.add_argument("--json", action="store_true", help="print the walk as JSON")
    p_visit = sub.add_parser(
        "visit", parents=[common], help="read a whole visit note on stdin: every block coded, the day's units"
    )
    p_visit.add_argument("--rule", default="cms", help="unit rule id from data/payers (default: cms)")
    p_visit.add_argument("--policy", default=None, help="payer policy id from data/policies (e.g. wsi)")
    form = p_visit.add_mutually_exclusive_group()
    form.add_argument("--json", action="store_true", help="print the visit as JSON")
    form.add_argument("--jsonl", action="store_true", help="read one JSON note a line, write one JSON result a line")
    args = parser.parse_args(argv)

    try:
        data = load_data(args.root)
    except DataError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    if args.command in ("suggest", "visit") and sys.stdin is None:
        print(f"error: no input: stdin is closed (fix: python -m engine {args.command} < note.txt)", file=sys.stderr)
        return 2
    if args.command == "visit":
        if args.rule not in data["rules"]:
            print(
                f"error: rule must be one of {', '.join(sorted(data['rules']))}: {numbers.clip(args.rule)} "
                "(fix: --rule cms)",
                file=sys.stderr,
            )
            return 2
        if args.jsonl:
            return _visit_lines(sys.stdin.buffer, data, args.rule, args.policy)
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
                f"rule must be one of {', '.join(sorted(data['rules']))}: {numbers.clip(args.rule)} (fix: --rule cms)",
                "rule",
            )
        result = units.compute(entries, data["rules"][args.rule], data["codes"])
    except units.UnitInputError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print(json.dumps(result) if args.json else render_text(result, data, entries))
    return 0


if __name__ == "__main__":
    from build_tools import cli

    sys.exit(cli.run(main))
