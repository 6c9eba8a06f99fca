"""A whole visit note in, every block coded and the day's claim lines out.

One pipeline, one decision logic: note -> blocks (engine.blocks) -> what each block asserts
(engine.assertions) -> the decision tree walked over each block's content (engine.suggest) -> the
visit's units under the payer's rule (engine.units). The heading of a block is only the writer's
claim: the content decides the code, and a heading that disagrees is reported. Services that the tree
does not cover (modalities, evaluations) are named by their heading. Two blocks of one code are added
together before the unit math, and the steps say so. A stated total that disagrees with the blocks
is a warning, and so is a timed block with no minutes.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

from engine import assertions, blocks, numbers, suggest, units
from engine.assertions import phrase_pattern


class VisitInputError(ValueError):
    """A note the visit reader cannot take; the message says what to change."""

    def __init__(self, message: str, field: str | None = "text") -> None:
        super().__init__(message)
        self.field = field


#: most words a block may have and still name no service ("O: see flow sheet A: tolerated well P: cont")
MAX_WORDS_NAMING_NOTHING = 10


def _warning(kind: str, message: str, block: int | None = None) -> dict[str, Any]:
    return {"kind": kind, "message": message, "block": block}


#: timed codes with a unit length of their own (caregiver training's first 30 minutes, work hardening's first two
#: hours): their minutes are timed minutes of the day, though the unit calculator does not count their units
OWN_UNIT_BASES = frozenset({"per_encounter_time", "first_2h_then_1h"})


def _timed(code: str, codes: dict[str, dict[str, Any]]) -> bool:
    return codes.get(code, {}).get("unit_basis") in units.TIMED_BASES | units.PAIRED_BASES | OWN_UNIT_BASES


def _label(block: dict[str, Any], number: int) -> str:
    return f"Block {number}" + (f" ({block['heading']})" if block["heading"] else "")


def _discipline(text: str) -> str | None:
    """PT or OT, from the upper-case abbreviation or the discipline's name ("pt" is the patient)."""
    pt = bool(re.search(r"\bPT\b", text) or re.search(r"physical therap", text, re.IGNORECASE))
    ot = bool(re.search(r"\bOT\b", text) or re.search(r"occupational therap", text, re.IGNORECASE))
    return "PT" if pt and not ot else "OT" if ot and not pt else None


def _evaluation(block: dict[str, Any], content: str, note: str, reading: dict[str, Any]) -> dict[str, Any]:
    """The evaluation code from the heading's discipline and complexity, or the question the note leaves open."""
    heading = block["heading"] or ""
    claimed = re.search(r"\b(9716[1-8])\b", heading)
    if claimed:
        return {"code": claimed.group(1), "missing": None}
    discipline = _discipline(heading) or _discipline(content) or _discipline(note)
    if re.search(r"re-?\s?eval", heading, re.IGNORECASE):
        complexity: str | None = "re"
    else:
        complexity = None
        for level, words in reading["complexity"].items():
            if re.search("|".join(phrase_pattern(w) for w in words), content + " " + heading, re.IGNORECASE):
                complexity = level
                break
    if discipline is None or complexity is None:
        missing = " and ".join(
            x
            for x, gap in (("the discipline (PT or OT)", discipline is None), ("the complexity", complexity is None))
            if gap
        )
        return {"code": None, "missing": missing}
    return {"code": reading["evaluations"][discipline][complexity], "missing": None}


def _goal_lines(text: str, note_blocks: dict[str, Any], context: dict[str, Any] | None) -> str:
    """The visit's goal text: goal sections and every goal stretch, for a block's goal-link check."""
    parts = [text[s["start"] : s["end"]] for s in note_blocks["sections"] if s["id"] == "goals"]
    if context:
        goal_only = assertions.goal_text(text, assertions.spans(text, context))
        parts.append(" ".join(goal_only.split()))
    return "\n".join(p for p in parts if p.strip())


def _not_done(block: dict[str, Any], text: str, reading: dict[str, Any]) -> bool:
    """Whether the block's own heading sits in a negated or planned stretch ("Ice 10 min not performed")."""
    start, end = block["span"]
    piece = text[start:end]
    heading_end = block["content"][0] - start
    for s in assertions.spans(piece, reading.get("context")):
        if s["category"] not in ("negated", "hypothetical") or s["start"] > heading_end + 3:
            continue
        if s["direction"] == "forward":
            # a forward trigger reaches the heading only from before it ("No MT today"); one right after the
            # heading speaks of what follows ("Gait 10' - next visit will add stairs; today 200 ft ...")
            if s["start"] < heading_end - 1 and s["end"] >= heading_end - 1:
                return True
            continue
        trigger_at = s["end"] - len(s["trigger"])
        if trigger_at > heading_end + 3:
            continue
        # a trigger that opens its clause speaks of the heading only when it also ends the clause
        # ("NMR 12 min - planned, not started"), not when words follow ("- next visit will add stairs")
        opens_clause = not piece[s["start"] : trigger_at].strip(" \t-–:")
        if opens_clause and not re.match(r"[ \t]*(?:[,.;)]|$|\n)", piece[s["end"] :]):
            continue
        return True
    return False


def _says(phrases: list[str], text: str) -> bool:
    """Whether any of the plain phrases occurs in `text` (whole words, any case)."""
    return bool(phrases) and re.search("|".join(phrase_pattern(p) for p in phrases), text, re.IGNORECASE) is not None


#: words before a statement that still count as its opening ("pt declined", "Patient refused")
_OPENING_WORDS = re.compile(
    r"[\s:.,;()\-]*(?:(?:the\s+)?(?:pt|patient|client|child|resident)\b[\s.,:]*)?", re.IGNORECASE
)


@lru_cache(maxsize=4)
def _not_done_lexicon(triggers: tuple[str, ...], words: tuple[str, ...]) -> tuple[frozenset[str], re.Pattern[str]]:
    """The `not_done` data compiled once: trigger keys, and one pattern for the words."""
    pattern = re.compile("|".join(phrase_pattern(w) for w in words), re.IGNORECASE)
    return frozenset(assertions.phrase_key(t) for t in triggers), pattern


def _not_done_statements(content: str, reading: dict[str, Any]) -> list[dict[str, Any]]:
    """The negated stretches of a block's content that say the service did not happen ("pt declined",
    "no exercise performed", "held today"): by their trigger or a word they name (data: `not_done`)."""
    rule = reading.get("not_done")
    if not rule:
        return []
    triggers, words = _not_done_lexicon(tuple(rule["triggers"]), tuple(rule["words"]))
    out = []
    for s in assertions.spans(content, reading.get("context")):
        if s["category"] != "negated":
            continue
        if assertions.phrase_key(s["trigger"]) in triggers or words.search(content, s["start"], s["end"]):
            out.append(s)
    return out


_CLAUSE_MARK = re.compile(r"[.!?](?=\s|$)|[;,\n]|\s[-–]\s")


_SENTENCE_MARK = re.compile(r"[.!?](?=\s|$)|\n")


def _services_in_sentence(text: str, stretch: dict[str, Any], reading: dict[str, Any]) -> set[str]:
    """The services (heading ids) named in the sentence a stretch sits in."""
    begin = max((m.end() for m in _SENTENCE_MARK.finditer(text, 0, stretch["start"])), default=0)
    stop = _SENTENCE_MARK.search(text, stretch["end"])
    return blocks.services_named(text[begin : stop.start() if stop else len(text)], reading)


def _clause_around(text: str, stretch: dict[str, Any]) -> str:
    """The clause a stretch's trigger sits in ("pt declined e-stim" of "HP to R knee; pt declined e-stim.")."""
    at = stretch["end"] - len(stretch["trigger"]) if stretch["end"] - stretch["start"] > 0 else stretch["start"]
    at = max(stretch["start"], min(at, len(text)))
    begin = max((m.end() for m in _CLAUSE_MARK.finditer(text, 0, at)), default=0)
    stop = _CLAUSE_MARK.search(text, at)
    return text[begin : stop.start() if stop else len(text)]


def _said_not_done(
    content: str,
    reading: dict[str, Any],
    walked: dict[str, Any] | None,
    minutes: int | None = None,
    own: str | None = None,
) -> bool:
    """Whether a block's content says the service did not happen and nothing in it shows it did.

    For a walked block: a not-done statement anywhere, and no answer of the walk rests on the content's
    words ("TherEx 12 min: pt declined, no exercise performed") other than those the statement names. For a
    block its heading decides (a modality): the statement opens the content ("CP 10 min: pt declined."), or the
    block gives no minutes ("TENS offered for home use - pt declined"); "HP 10 min to R knee, pt declined e-stim"
    still bills the pack."""
    statements = _not_done_statements(content, reading)
    if not statements:
        return False
    if walked is not None:
        # a statement about another service is not about this one ("TE 10' ... no MT today - pt declined"): its
        # sentence names another service and not this block's own
        statements = [s for s in statements if not (_services_in_sentence(content, s, reading) - {own, None})]
        if not statements:
            return False
        # evidence that only repeats what the statement names ("Shower ... pt declined shower") is the statement's
        said = " ".join(_clause_around(content, s).lower() for s in statements)
        return not any(span["text"].lower() not in said for step in walked["path"] for span in step["spans"])
    if minutes is None:  # unless the statement is about another service ("HP to R knee; pt declined e-stim")
        return any(not (blocks.services_named(_clause_around(content, s), reading) - {own}) for s in statements)
    opening = _OPENING_WORDS.match(content)
    first = opening.end() if opening else 0
    if any(s["start"] <= first for s in statements):
        return True
    # or, later in the content, the service was held or refused outright and its sentence names no other service
    # ("97035 US - 8 min - 1 MHz ... -- HELD today, new numbness"); a partial "did not tolerate" still bills
    withholding = {assertions.phrase_key(p) for p in reading["not_done"].get("withholding", [])}
    return any(
        assertions.phrase_key(s["trigger"]) in withholding
        and not (_services_in_sentence(content, s, reading) - {own, None})
        for s in statements
    )


def _known_code(tree: dict[str, Any], open_question: str | None) -> str | None:
    """The code every outcome below an open question bills first (the work is known; only, say, the add-on is not)."""
    if open_question is None:
        return None
    nodes = {n["id"]: n for n in tree["nodes"]}
    firsts: set[str | None] = set()
    stack, seen = [open_question], set()
    while stack:
        node = nodes[stack.pop()]
        if node["id"] in seen:
            continue
        seen.add(node["id"])
        if node["type"] == "outcome":
            firsts.add(node.get("code"))
        else:
            stack += [a["next"] for a in node["answers"]]
    return firsts.pop() if len(firsts) == 1 else None


def _walk_block(
    block: dict[str, Any],
    text: str,
    data: dict[str, Any],
    rule_id: str,
    goals: str,
    answers: Any = None,
    policy: dict[str, Any] | None = None,
    header: str = "",
) -> dict[str, Any]:
    """One block coded: {code, codes, open_question, path, documentation, heading_note, walk}."""
    start, end = block["content"]
    content = text[start:end]
    reading = data["reading"]
    out: dict[str, Any] = {"code": None, "codes": None, "open_question": None, "path": [], "documentation": None}
    out["heading_note"] = None
    if _not_done(block, text, reading):
        out.update(result="not_billable", decided_by="heading")
        out["heading_note"] = f"headed {block['heading']}; the note says it was not done"
        return out
    if block["decides"] == "heading" and _said_not_done(content, reading, None, block["minutes"], block["heading_id"]):
        out.update(result="not_billable", decided_by="content")
        out["heading_note"] = f"headed {block['heading']}; the note says it was not done"
        return out
    if block["decides"] == "heading":
        code = block["codes_by_rule"].get(rule_id) or block["claims"]
        said = assertions.asserted(text[block["span"][0] : end], reading.get("context"))
        # a group of patients is group therapy whatever it did (a pool class); constant attendance makes the
        # unattended modality the attended, timed one
        for switch in (block.get("grouped"), block.get("attended")):
            if switch and _says(switch["phrases"], said) and not _says(switch.get("unless", []), said):
                code = switch["claims"]
                break
        if code is None:
            out.update(result="not_billable", decided_by="heading")
            return out
        out.update(code=code, codes=[code], decided_by="heading")
        return out
    if block["decides"] == "evaluation":
        ev = _evaluation(block, content, text, reading)
        out.update(code=ev["code"], codes=[ev["code"]] if ev["code"] else None, decided_by="heading")
        out["missing"] = ev["missing"]
        return out
    if block["minutes"] == 0:  # a row left at zero ("GAIT....0"): no time was spent on it
        out.update(result="not_billable", decided_by="content")
        out["heading_note"] = f"headed {block['heading']}; 0 minutes written"
        return out
    if block.get("blank") and not content.strip(" \t\n-:_|"):
        # a template row left blank ("Therapeutic Activity 97530: __ min"): no service was written in it
        out.update(result="not_billable", decided_by="content")
        out["heading_note"] = f"headed {block['heading']}; the row is left blank"
        return out
    if not content.strip():
        out["empty"] = True
        if not block["claims"]:
            return out
        # a flowsheet row with only its heading and minutes: the heading's code, the documentation not shown
    walked = suggest.walk(
        data["tree"],
        content,
        data.get("vocab", {}),
        reading,
        goals,
        claims=block["claims"],
        heading=block["heading"],
        minutes=block["minutes"],
        policy=policy,
        headed_only=not content.strip(),
        visit_header=header,
    )
    if answers and walked["open_question"]:
        try:
            walked = suggest.answered(data["tree"], walked, answers)
        except suggest.SuggestInputError as exc:
            raise VisitInputError(f"{_label(block, block['number'])}: {exc}", "answers") from None
    if _said_not_done(content, reading, walked, own=block["heading_id"]):
        out.update(result="not_billable", decided_by="content")
        out["heading_note"] = f"headed {block['heading'] or 'this block'}; the note says it was not done"
        return out
    if (
        not block["claims"]
        and walked["open_question"]
        and not walked["candidates"]
        and not any(step["spans"] for step in walked["path"])
        and len(re.findall(r"[A-Za-z]{3,}", walked["asserted"])) <= MAX_WORDS_NAMING_NOTHING
    ):
        # no heading and no word of the tree's evidence: the note names no service ("O: see flow sheet")
        out.update(result="not_billable", decided_by="content", open_question=None)
        out["heading_note"] = "the text names no service to code (write what was done)"
        out["names_nothing"] = True
        return out
    known = walked["code"] or _known_code(data["tree"], walked["open_question"])
    out.update(
        code=known,
        codes=walked["codes"] or ([known] if known else None),
        open_question=walked["open_question"],
        documentation=walked["documentation"],
        decided_by="content",
        result=walked["result"],
        outcome=walked["outcome"],
        candidates=walked["candidates"],
        question=walked["question"],
    )
    out["path"] = [
        {
            "question": s["question"],
            "answer": s["answer"],
            "evidence": s["evidence"],
            "by_user": bool(s.get("by_user")),
            "policy": s.get("policy"),
            "spans": [
                {"start": sp["start"] + start, "end": sp["end"] + start, "text": sp["text"]} for sp in s["spans"]
            ],
        }
        for s in walked["path"]
    ]
    claims = block["claims"]
    if claims and walked["codes"] and claims not in walked["codes"]:
        out["heading_note"] = f"headed {block['heading']}; the content supports {walked['code']}"
    elif claims and walked["result"] == "not_billable":
        out["heading_note"] = f"headed {block['heading']}; the content is not billable as skilled therapy"
    return out


def read(
    text: Any, data: dict[str, Any], rule_id: str = "cms", answers: Any = None, policy_id: str | None = None
) -> dict[str, Any]:
    """The visit result: {"blocks", "units", "total_units", "steps", "warnings", "rule", ...}.

    `data` is the engine data (tree, vocab, reading, rules, codes). `answers` continues blocks whose walk
    stopped at an open question: {"<block number>": [[question, answer], ...]} (the tree widget's answers).
    `policy_id` names a payer policy of data/policies whose definitions change the walk (e.g. "wsi").
    Bad input raises VisitInputError."""
    policies = data.get("policies", {})
    if policy_id is not None and policy_id not in policies:
        known = ", ".join(sorted(policies)) or "none"
        raise VisitInputError(f"unknown payer policy {policy_id!r}; choose one of {known}", "policy")
    policy = policies.get(policy_id) if policy_id else None
    if answers is not None and not isinstance(answers, dict):
        raise VisitInputError("answers must map a block number to [question, answer] pairs", "answers")
    answers = answers or {}
    try:
        text = suggest.check_note(text)
    except suggest.SuggestInputError as exc:
        raise VisitInputError(str(exc).replace("one block", "one visit note")) from None
    rules, codes = data["rules"], data["codes"]
    if not isinstance(rule_id, str) or rule_id not in rules:
        raise VisitInputError(f"unknown rule {numbers.clip(rule_id)}; choose one of {', '.join(sorted(rules))}", "rule")
    reading = data["reading"]
    # offsets into the note still hold: the spoken breaks are replaced by text of the same length
    text = blocks.spoken_breaks(text)
    try:
        split = blocks.split(text, reading)
    except ValueError as exc:
        raise VisitInputError(str(exc)) from None
    goals = _goal_lines(text, split, reading.get("context"))
    # the visit's opening text before its first block (diagnosis line, "new prosthesis wk 2")
    header = text[: split["blocks"][0]["span"][0]] if split["blocks"] else ""
    out_blocks: list[dict[str, Any]] = []
    warnings: list[dict[str, Any]] = []
    steps: list[str] = []
    minutes_by_code: dict[str, list[tuple[int, int]]] = {}
    service_codes: list[str] = []
    billed_minutes = 0
    all_minutes = 0
    service_minutes = 0
    for number, block in enumerate(split["blocks"], 1):
        block["number"] = number
        coded = _walk_block(block, text, data, rule_id, goals, answers.get(str(number)), policy, header)
        code = coded["code"]
        if coded.get("result") == "not_billable" and coded["heading_note"] and block["minutes"] is None:
            steps.append(f"{_label(block, number)}: {coded['heading_note']}; not a block of time.")
            if coded.get("names_nothing"):
                warnings.append(
                    _warning(
                        "nothing_named",
                        f"{_label(block, number)}: the text names no service"
                        " (fix: write what was done and its minutes)",
                        number,
                    )
                )
            continue
        label = _label(block, number)
        if block["range"]:
            warnings.append(
                _warning(
                    "minutes_range",
                    f"{label}: '{block['range']}' is a range, not minutes (fix: write the minutes the block took)",
                    number,
                )
            )
        if block["minutes"] is not None and block["minutes"] > blocks.MAX_BLOCK_MINUTES:
            raise VisitInputError(
                f"{label}: {block['minutes']} minutes is more than a day (fix: write the block's minutes)"
            )
        if block["minutes"] is not None:
            all_minutes += block["minutes"]
        if coded.get("empty"):
            warnings.append(_warning("empty_block", f"{label}: the heading has no text under it", number))
        if coded.get("missing"):
            warnings.append(
                _warning(
                    "evaluation_unclear",
                    f"{label}: an evaluation; the note does not name {coded['missing']}"
                    " (fix: e.g. 'PT eval, low complexity')",
                    number,
                )
            )
        if coded["open_question"]:
            warnings.append(
                _warning(
                    "open_question",
                    f"{label}: the note does not settle the question"
                    f" '{(coded.get('question') or {}).get('text') or coded['open_question']}'"
                    f" ({coded['open_question']}); answer it to code the block",
                    number,
                )
            )
        if code:
            timed = _timed(code, codes)
            if timed and block["minutes"] is None and not block["range"]:
                written = block.get("units_written")
                units_note = (
                    f"; it gives {written} unit{'s' if written != 1 else ''}, but units come from minutes"
                    if written is not None
                    else ""
                )
                warnings.append(
                    _warning(
                        "block_without_minutes",
                        f"{label}: {code} is a timed code and the block states no minutes{units_note}"
                        " (fix: write its minutes)",
                        number,
                    )
                )
            elif timed and block["minutes"] is not None:
                minutes_by_code.setdefault(code, []).append((number, block["minutes"]))
                billed_minutes += block["minutes"]
            elif not timed:
                service_minutes += block["minutes"] or 0
                if code not in service_codes:
                    service_codes.append(code)
            steps.append(
                f"{label}: {' + '.join(coded['codes'] or [code])}"
                + (f", {block['minutes']} min" if block["minutes"] is not None else "")
                + (f" ({coded['heading_note']})" if coded["heading_note"] else "")
                + "."
            )
        elif coded.get("result") == "not_billable":
            steps.append(f"{label}: not billable as skilled therapy; its minutes are not counted.")
        else:
            steps.append(f"{label}: no code yet.")
        out_blocks.append(
            {
                "number": number,
                "span": block["span"],
                "heading": block["heading"],
                "minutes": block["minutes"],
                "code": code,
                "codes": coded["codes"],
                "open_question": coded["open_question"],
                "path": coded["path"],
                "documentation": coded["documentation"],
                "heading_note": coded["heading_note"],
                "claims": block["claims"],
                "decided_by": coded.get("decided_by"),
                "outcome": coded.get("outcome"),
                "result": coded.get("result"),
                "timed": bool(code) and _timed(code, codes),
                "question": coded.get("question"),
                "candidates": coded.get("candidates", []),
            }
        )
    for code, parts in minutes_by_code.items():
        if len(parts) > 1:
            steps.append(
                f"{code} appears in blocks {', '.join(str(n) for n, _ in parts)}: "
                f"{' + '.join(f'{m} min' for _, m in parts)} = {sum(m for _, m in parts)} min of {code} for the day."
            )
    entries: list[tuple[str, Any]] = [(c, str(sum(m for _, m in parts))) for c, parts in minutes_by_code.items()]
    entries += [(c, None) for c in service_codes]
    unit_result: dict[str, Any] | None = None
    while entries:
        try:
            unit_result = units.compute(entries, rules[rule_id], codes)
            break
        except units.UnitInputError as exc:
            where = re.fullmatch(r"entries\.(\d+)\.(?:code|minutes)", exc.field or "")
            if where is None:
                raise VisitInputError(f"the blocks do not make a claim: {exc}") from None
            dropped = entries.pop(int(where.group(1)))[0]
            warnings.append(_warning("not_counted", f"{dropped} is left out of the units: {exc}"))
    if unit_result:
        steps += unit_result["steps"]
        warnings += [_warning("units", w) for w in unit_result["warnings"]]
    _check_totals(split, billed_minutes, all_minutes, warnings, service_minutes)
    return {
        "blocks": out_blocks,
        "units": unit_result["units"] if unit_result else {},
        "total_units": unit_result["total_units"] if unit_result else 0,
        "steps": steps,
        "warnings": warnings,
        "rule": rule_id,
        "policy": policy_id,
        "stated_total_timed": split["stated_total_timed"],
        "stated_total_treatment": split["stated_total_treatment"],
    }


def segments(text: str, coded: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The note cut into [{"text", "block"}] pieces, in order: each block's span (its number) and the text between
    (block None). Joined, the pieces are the note; the browser renders them without offset arithmetic (JavaScript
    counts UTF-16 units, the spans count code points). Overlapping or out-of-range spans are clipped."""
    out: list[dict[str, Any]] = []
    at = 0
    for b in sorted(coded, key=lambda b: b["span"][0]):
        start, end = max(b["span"][0], at), min(b["span"][1], len(text))
        if start >= end:
            continue
        if start > at:
            out.append({"text": text[at:start], "block": None})
        out.append({"text": text[start:end], "block": b["number"]})
        at = end
    if at < len(text):
        out.append({"text": text[at:], "block": None})
    return out


def _check_totals(
    split: dict[str, Any], billed: int, every: int, warnings: list[dict[str, Any]], services: int = 0
) -> None:
    """A stated total that disagrees with the blocks' minutes is a warning that says which minutes differ.

    A stated treatment time may be the billable timed minutes or those plus the untimed services' minutes
    (`services`); minutes of a block that is not billable (unskilled, not performed, a rest) do not belong
    in it, even when the blocks' minutes add up to it."""
    timed = split["stated_total_timed"]
    if timed is not None and timed != billed:
        extra = " It counts minutes the blocks do not bill." if timed == every and every != billed else ""
        warnings.append(
            _warning(
                "total_mismatch",
                f"the note states {timed} total timed minutes; the billable timed blocks add up to {billed} min.{extra}"
                " (fix: correct the total or the block minutes)",
            )
        )
    treatment = split["stated_total_treatment"]
    if treatment is not None and treatment not in (billed, billed + services):
        counted = billed + services
        extra = (
            f" It counts {every - counted} min the blocks do not bill (unskilled, not performed or rest)."
            if treatment == every and every != counted
            else ""
        )
        warnings.append(
            _warning(
                "total_mismatch",
                f"the note states {treatment} min of treatment; the billable blocks add up to {counted} min"
                f" ({billed} timed).{extra} (fix: correct the total or the block minutes)",
            )
        )
