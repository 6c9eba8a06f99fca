"""JSON in, JSON out: the one place that knows the browser worker's wire format.

The worker calls `load(data_json)` once with the JSON the build writes, then
`call(fn, args_json)` for each request. Every reply is a JSON object with either
"result" or "error" ({"message": ..., "field": ...}); errors are data, never
exceptions across the boundary.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Callable
from typing import Any

from engine import coach, drills, lms_export, numbers, practice, suggest, tree, units, visit, visit_report

_DATA: dict[str, Any] = {}


def load(data_json: str) -> None:
    """Keep the site data (codes, rules, tree) for later calls."""
    _DATA.clear()
    _DATA.update(json.loads(data_json))


def _form_minutes(raw: Any) -> Any:
    """An empty form field means no minutes given; anything else goes to the engine's checks as typed."""
    return None if isinstance(raw, str) and not raw.strip() else raw


def _units(args: dict[str, Any]) -> dict:
    entries: list[tuple[Any, ...]] = []
    for row in args.get("entries", []):
        entry = (str(row.get("code") or ""), _form_minutes(row.get("minutes")))
        # an optional discipline ("PT", or "PT+OT" for a co-treated block); empty or absent: the old two-part entry
        discipline = str(row.get("discipline") or "").strip()
        entries.append((*entry, discipline) if discipline else entry)
    rule_id = args.get("rule", "cms")
    rules = _DATA["rules"]
    if not isinstance(rule_id, str) or rule_id not in rules:
        raise units.UnitInputError(
            f"unknown rule {numbers.clip(rule_id)}; choose one of {', '.join(sorted(rules))}", "rule"
        )
    return units.compute(entries, rules[rule_id], _DATA["codes"])


def _coach(args: dict[str, Any]) -> dict:
    code = str(args.get("code") or "").strip() or None
    return coach.check(
        str(args.get("text") or ""),
        code,
        _DATA["codes"],
        _DATA.get("vocab", {}),
        _DATA.get("tree"),
        _DATA.get("reading"),
    )


def _suggest(args: dict[str, Any]) -> dict:
    """The tree walked from a note: {"text": note} -> engine.suggest.walk result (bad notes as errors)."""
    return suggest.walk(_DATA["tree"], args.get("text"), _DATA.get("vocab", {}), _DATA.get("reading"))


def _visit(args: dict[str, Any]) -> dict:
    """A whole visit note: {"text", "rules": ["cms", "ama"], "answers"?} -> {"visits": {rule: visit.read result},
    "report": the coach page's side-by-side view and its plain text (engine.visit_report)}.

    The blocks are the same under every rule (only codes named by payer and the units differ)."""
    rule_ids = args.get("rules") or [args.get("rule") or "cms"]
    if not isinstance(rule_ids, list) or not all(isinstance(r, str) for r in rule_ids):
        raise visit.VisitInputError('rules must be a list of unit rule ids, e.g. ["cms", "ama"]', "rules")
    answers, policy = args.get("answers"), args.get("policy") or None
    visits = {r: visit.read(args.get("text"), _DATA, r, answers, policy) for r in dict.fromkeys(rule_ids[:4])}
    report = visit_report.report(suggest.check_note(args.get("text")), visits, _DATA["rules"], _DATA["tree"])
    return {"visits": visits, "report": report}


def _walk(args: dict[str, Any]) -> dict:
    """The tree walk: {"walk": "q:a,..."} | {"steps": [[q, a], ...]} | {"node": id} -> state (errors as data)."""
    return tree.resolve(_DATA["tree"], args, _DATA.get("guide"))


def _drill(args: dict[str, Any]) -> dict:
    return drills.generate(
        _whole(args.get("seed"), "seed"), _whole(args.get("level"), "level"), _DATA["rules"], _DATA["codes"]
    )


def _grade_drill(args: dict[str, Any]) -> dict:
    drill = args.get("drill") or {}
    checked = {"seed": _whole(drill.get("seed"), "seed"), "level": _whole(drill.get("level"), "level")}
    return drills.grade(checked, args.get("answer") or {}, _DATA["rules"], _DATA["codes"])


def _whole(value: Any, field: str) -> int:
    try:
        return numbers.whole(value)
    except ValueError:
        raise drills.DrillInputError(f"{field} must be a whole number, not {numbers.clip(value)}", field) from None


def _refs(ids: list[str]) -> list[str]:
    return [practice.token(cid) for cid in ids]


def _scoped_summary(progress: Any, scope: list[str], quiz_mode: bool) -> dict[str, Any]:
    """The summary the page shows, naming cases by their opaque token (`ref`) and their number in the scope;
    titles only outside quiz mode."""
    tally = practice.summary(progress, scope)
    cases = _DATA["cases"]
    number = {cid: i for i, cid in enumerate(scope, 1)}

    def named(cid: str) -> dict[str, Any]:
        title = {} if quiz_mode else {"title": cases[cid]["title"]}
        return {"ref": practice.token(cid), "number": number[cid], **title}

    # the missed cases as plain text to copy: each with the student's answer and the right one
    names = {cid: f"Case {number[cid]}" if quiz_mode else cases[cid]["title"] for cid in tally["missed"]}
    tally["missed_text"] = practice.missed_text(progress, scope, _DATA, names)
    tally["missed"] = [named(cid) for cid in tally["missed"]]
    tally["remaining"] = _refs(tally["remaining"])
    # progress per code: over the quiz in quiz mode (cases by their number), else over every answer kept
    codes = _DATA["codes"]
    rows = practice.by_code(progress, cases, scope if quiz_mode else None)
    for row in rows:
        row["name"] = str(codes.get(row["code"], {}).get("name", ""))
        row["missed"] = [
            {"ref": practice.token(cid), **({"number": number[cid]} if quiz_mode else {"title": cases[cid]["title"]})}
            for cid in row["missed"]
        ]
    tally["by_code"] = rows
    return tally


def _practice_set(args: dict[str, Any]) -> dict:
    """A practice set: from a quiz string, or from filters and a seed. Case views carry no answers.

    A quiz code (`quiz`) opens quiz mode: the views carry no case id and no title, only an opaque `ref`, and
    the summary covers the whole quiz (`scope`). `{"quiz": code, "only_missed": true, "progress": ...}` is
    a retry: the quiz's missed cases, with the summary still over the whole quiz. `resume` reopens a
    practice set by its code. The reply never lists case ids."""
    cases = _DATA["cases"]
    code = args.get("quiz") or args.get("resume")
    if code:  # an instructor's quiz code, or a practice set's code to resume
        chosen = practice.parse_quiz(str(code), cases)
    elif args.get("ids"):
        seed = _whole(args.get("seed", 1), "seed")
        chosen = practice.parse_quiz(practice.format_quiz(seed, [str(i) for i in args["ids"]]), cases)
    else:
        seed = _whole(args.get("seed", 1), "seed")
        ids = practice.select(cases, seed, args.get("families") or None, args.get("difficulties") or None)
        chosen = {"seed": seed, "ids": ids}
    title = chosen.get("title", "")
    quiz_mode = bool(args.get("quiz"))
    # a quiz's feedback setting ("end": no verdict until every case is answered); practice sets give it at once
    feedback = chosen.get("feedback", practice.FEEDBACK_EACH) if quiz_mode else practice.FEEDBACK_EACH
    scope = list(chosen["ids"])
    if args.get("only_missed"):
        answers = practice.clean_progress(args.get("progress"))["answers"]
        chosen = {"seed": chosen["seed"], "ids": [cid for cid in scope if answers.get(cid) is False], "title": title}
    views = []
    for cid in chosen["ids"]:
        shown = practice.view(cases[cid], _DATA["codes"], _DATA["rules"])
        shown["ref"] = practice.token(cid)
        if quiz_mode:
            shown = {k: v for k, v in shown.items() if k not in ("id", "title")}
        views.append(shown)
    summary = _scoped_summary(args.get("progress"), scope, quiz_mode)
    return {
        "seed": chosen["seed"],
        "quiz": practice.format_quiz(chosen["seed"], chosen["ids"], feedback, title) if chosen["ids"] else "",
        "scope": practice.format_quiz(chosen["seed"], scope, feedback, title),
        "feedback": feedback,
        "title": title,
        "refs": _refs(chosen["ids"]),
        "cases": views,
        "choices": _DATA["answer_choices"],
        "families": practice.families(cases, _DATA["vocab"].get("code_families", [])),
        "summary": practice.held(summary) if feedback == practice.FEEDBACK_END else summary,
    }


def _shown_feedback(case_id: str, feedback: dict[str, Any]) -> dict[str, Any]:
    """Feedback as the page gets it: the case named by its opaque token, its activities with their names."""
    feedback["case"] = practice.token(case_id)  # the page never needs the case's id
    known = _DATA.get("guide", {}).get("activities", {})
    feedback["activity_links"] = [
        {"slug": slug, "name": known.get(slug, {}).get("name", slug)} for slug in feedback["activities"]
    ]
    return feedback


def _case_of(args: dict[str, Any]) -> tuple[str, list[str] | None]:
    """The case to grade and the summary's scope: {"case": ref, "scope": set or quiz code} (a case id and
    "ids" are still read)."""
    cases, ref = _DATA["cases"], str(args.get("case") or "")
    scope = practice.parse_quiz(str(args["scope"]), cases)["ids"] if args.get("scope") else None
    if scope is None and args.get("ids") is not None:
        scope = [str(i) for i in args["ids"]]
    if ref in cases:
        return ref, scope
    found = [cid for cid in (scope or []) if practice.token(cid) == ref]
    if not found:
        raise practice.PracticeInputError(f"unknown case {numbers.clip(ref)}", "case")
    return found[0], scope


def _practice_grade(args: dict[str, Any]) -> dict:
    case_id, scope = _case_of(args)
    case = _DATA["cases"][case_id]
    if args.get("blocks") is not None and practice.blocks_of(case, _DATA["codes"]):
        feedback = practice.grade_blocks(case, args["blocks"], _DATA)
    else:
        feedback = practice.grade(case, str(args.get("code") or ""), args.get("units"), _DATA)
    feedback = _shown_feedback(case_id, feedback)
    given = feedback["units"]["your_units"] if feedback["units"] else None
    progress = practice.record(args.get("progress"), case_id, feedback["correct"], feedback["your_code"], given)
    if scope is None:
        return {"feedback": feedback, "progress": progress, "summary": practice.summary(progress)}
    quiz_mode = bool(args.get("quiz_mode"))
    summary = _scoped_summary(progress, scope, quiz_mode)
    if quiz_mode and practice.parse_quiz(str(args["scope"]), _DATA["cases"])["feedback"] == practice.FEEDBACK_END:
        # feedback at the end: the answer is kept, and no verdict is given until the quiz's review
        return {"feedback": None, "held": True, "progress": progress, "summary": practice.held(summary)}
    return {"feedback": feedback, "progress": progress, "summary": summary}


def _quiz_review(args: dict[str, Any]) -> dict:
    """Every case's feedback once a quiz is finished: {"quiz", "progress"} -> {"cases": [{"number", "ref",
    "feedback"}], "summary"}, each case graded from its latest attempt. Refused while a case is unanswered."""
    chosen = practice.parse_quiz(str(args.get("quiz") or ""), _DATA["cases"])
    state = practice.clean_progress(args.get("progress"))
    summary = _scoped_summary(state, chosen["ids"], True)
    if summary["remaining"]:
        raise practice.PracticeInputError(
            f"the feedback comes when every case is answered: {summary['answered']} of {summary['total']} so far",
            "quiz",
        )
    cases = []
    for number, cid in enumerate(chosen["ids"], 1):
        tries = practice.attempts_of(state, cid)
        graded = practice.regrade(_DATA["cases"][cid], tries[-1], _DATA) if tries else None
        shown = _shown_feedback(cid, graded) if graded else None
        cases.append({"number": number, "ref": practice.token(cid), "attempts": len(tries), "feedback": shown})
    return {"cases": cases, "summary": summary}


def _quiz_link(args: dict[str, Any]) -> dict:
    ids = [str(i) for i in args.get("ids") or []]
    if not ids:
        raise practice.PracticeInputError("choose at least one case", "ids")
    feedback = practice.FEEDBACK_END if args.get("feedback") == practice.FEEDBACK_END else practice.FEEDBACK_EACH
    title = practice.clean_title(args.get("title"))
    quiz = practice.format_quiz(_whole(args.get("seed"), "seed"), ids, feedback, title)
    practice.parse_quiz(quiz, _DATA["cases"])
    return {"quiz": quiz, "key": practice.key_code(quiz, _DATA["cases"]), "title": title}


def _quiz_key(args: dict[str, Any]) -> dict:
    """The answer key's and the worksheet's cases: {"key": key code} -> {"ids", "quiz", "title"}, ids in the
    quiz's order."""
    chosen = practice.parse_key(str(args.get("key") or ""), _DATA["cases"])
    return {"ids": chosen["ids"], "quiz": chosen["quiz"], "title": chosen["title"]}


def _practice_csv(args: dict[str, Any]) -> dict:
    chosen = practice.parse_quiz(str(args.get("quiz") or ""), _DATA["cases"])
    quiz = practice.format_quiz(chosen["seed"], chosen["ids"], chosen["feedback"], chosen["title"])
    tally = practice.summary(args.get("progress"), chosen["ids"])
    if chosen["feedback"] == practice.FEEDBACK_END and tally["remaining"]:  # the file would give the verdicts away
        raise practice.PracticeInputError(
            "this quiz gives its feedback at the end: the results file is ready when every case is answered "
            f"({tally['answered']} of {tally['total']} so far)",
            "quiz",
        )
    text = practice.results_csv(args.get("progress"), quiz, chosen["ids"], str(args.get("student") or ""))
    return {"filename": f"quiz-{practice.file_stem(quiz)}-results.csv", "mime": "text/csv", "text": text}


def _quiz_export(args: dict[str, Any]) -> dict:
    """The quiz as an LMS file: {"format": "qti"} (zip, base64) or {"format": "moodle"} (XML text)."""
    chosen = practice.parse_quiz(str(args.get("quiz") or ""), _DATA["cases"])
    quiz = practice.format_quiz(chosen["seed"], chosen["ids"], chosen["feedback"], chosen["title"])
    if args.get("format") == "qti":
        package = lms_export.qti_package(quiz, _DATA)
        return {
            "filename": f"quiz-{practice.file_stem(quiz)}-qti.zip",
            "mime": "application/zip",
            "base64": _b64(package),
        }
    if args.get("format") == "moodle":
        xml = lms_export.moodle_xml(quiz, _DATA).decode("utf-8")
        return {"filename": f"quiz-{practice.file_stem(quiz)}-moodle.xml", "mime": "application/xml", "text": xml}
    raise practice.PracticeInputError("format must be 'qti' or 'moodle'", "format")


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


HANDLERS: dict[str, Callable[[dict[str, Any]], Any]] = {
    "drill": _drill,
    "grade_drill": _grade_drill,
    "practice_set": _practice_set,
    "practice_grade": _practice_grade,
    "quiz_link": _quiz_link,
    "quiz_key": _quiz_key,
    "quiz_review": _quiz_review,
    "practice_csv": _practice_csv,
    "quiz_export": _quiz_export,
    "units": _units,
    "coach": _coach,
    "walk": _walk,
    "suggest": _suggest,
    "visit": _visit,
}


def call(fn: str, args_json: str) -> str:
    """Run handler `fn` on JSON arguments; return {"result": ...} or {"error": ...} as JSON."""
    try:
        handler = HANDLERS[fn]
    except KeyError:
        return json.dumps({"error": {"message": f"unknown function {numbers.clip(fn)}"}})
    try:
        args = json.loads(args_json)
        if not isinstance(args, dict):
            return json.dumps({"error": {"message": f"{fn}: the arguments must be a JSON object", "field": None}})
        return json.dumps({"result": handler(args)})
    except (
        units.UnitInputError,
        coach.CoachInputError,
        drills.DrillInputError,
        practice.PracticeInputError,
        suggest.SuggestInputError,
        visit.VisitInputError,
    ) as exc:
        return json.dumps({"error": {"message": str(exc), "field": getattr(exc, "field", None)}})
    except (TypeError, AttributeError, KeyError, ValueError, IndexError) as exc:
        # a request of the wrong shape (only a hand-made worker message can send one): an error, as data
        message = f"{fn}: an argument has the wrong type or shape ({type(exc).__name__}; fix: send what the page sends)"
        return json.dumps({"error": {"message": message, "field": None}})
