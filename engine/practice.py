"""Practice cases: choosing the set (filters, seeded order, quiz links), grading answers, and progress.

Cases arrive as data (data/cases through the build's JSON). A quiz code is
`SEED-TOKENS`: the seed, then one opaque five-character token per case (from a
hash of its id), so a link does not name the cases or their answers. The same
code gives every student the same cases in the same order. A quiz may carry a title
(`.` and the title in URL-safe base64 at the end); a code without one reads as before. The older
`SEED:case-id,...` form is still read. The answer key and the worksheet open
with their own code (`key_code`, `kSEED-TOKENS` from a different hash), so a
student's quiz link does not open the key by editing its path. Progress is a
small JSON object the page keeps in the browser's localStorage; only this module
changes it. It keeps every attempt per case, so a retry never rewrites the first
result. Scores leave the browser only as a CSV file the student downloads
(`results_csv`: first result, attempts and final result per case).

A note that documents several blocks of time (`answer.blocks` in the case data)
is answered line by line: a code and units per block (`grade_blocks`).
"""

from __future__ import annotations

import base64
import binascii
import csv
import hashlib
import io
import random
import re
import unicodedata
from typing import Any

from engine import numbers, tree, units

#: the longest quiz title, in characters (the builder's field holds no more)
MAX_TITLE = 80
#: a title in a quiz code: `.` and the title's UTF-8 in URL-safe base64 without padding (at most 4 bytes a character)
TITLE_PART = rf"(?:\.([A-Za-z0-9_-]{{2,{-(-MAX_TITLE * 4 * 4 // 3)}}}))?"
QUIZ = re.compile(r"^(\d{1,9})-((?:[0-9a-f]{5})+)(?:-(end))?" + TITLE_PART + "$")
#: a quiz's feedback setting: after each answer (the default), or only once the student has answered every case
FEEDBACK_EACH, FEEDBACK_END = "each", "end"
LEGACY_QUIZ = re.compile(r"^(\d{1,9}):([a-z0-9-]+(?:,[a-z0-9-]+)*)$")
TOKEN_LEN = 5
#: the longest quiz code read, in characters (checked before any parsing); a code of every case fits many
#: times over, and a longer one (a 1 MB link) is refused at once
MAX_QUIZ = 20_000
#: the most case ids one quiz code is made from
MAX_QUIZ_CASES = MAX_QUIZ // TOKEN_LEN
EMPTY_PROGRESS: dict[str, Any] = {"answers": {}, "streak": 0, "best_streak": 0}


class PracticeInputError(ValueError):
    """A practice request the engine cannot use; the message says how to fix it."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


def select(
    cases: dict[str, dict[str, Any]],
    seed: int,
    families: list[str] | None = None,
    difficulties: list[str] | None = None,
) -> list[str]:
    """Case ids matching the filters (empty filter = all), shuffled by `seed`."""
    ids = sorted(
        cid
        for cid, case in cases.items()
        if (not families or case.get("family") in families) and (not difficulties or case["difficulty"] in difficulties)
    )
    random.Random(seed).shuffle(ids)
    return ids


def families(cases: dict[str, dict[str, Any]], vocab_families: list[dict[str, Any]]) -> list[dict[str, str]]:
    """The code families that have cases, with their labels, in vocabulary order."""
    present = {case.get("family") for case in cases.values()}
    return [{"id": f["id"], "label": f["label"]} for f in vocab_families if f["id"] in present]


def token(case_id: str) -> str:
    """The opaque token a quiz code uses for one case (a short hash of its id)."""
    return hashlib.sha256(case_id.encode()).hexdigest()[:TOKEN_LEN]


def token_clashes(cases: dict[str, Any]) -> list[list[str]]:
    """Groups of case ids that share a token (a quiz code could not tell them apart); empty when all differ."""
    by_token: dict[str, list[str]] = {}
    for cid in sorted(cases):
        by_token.setdefault(token(cid), []).append(cid)
    return [ids for ids in by_token.values() if len(ids) > 1]


def clean_title(text: Any) -> str:
    """A quiz title as the engine keeps it: control and format characters dropped, spaces tidied. Longer than
    MAX_TITLE characters is refused. The title is plain text wherever it goes: the pages set it as text (never
    as HTML) and the LMS files write it through ElementTree, which escapes it for XML."""
    text = "".join(ch for ch in str(text or "") if not unicodedata.category(ch).startswith("C") or ch in "\t\n")
    text = " ".join(unicodedata.normalize("NFC", text).split())
    if len(text) > MAX_TITLE:
        raise PracticeInputError(
            f"a quiz title has at most {MAX_TITLE} characters, not {len(text)} (fix: shorten it)", "title"
        )
    return text


def _title_suffix(title: str) -> str:
    """The title's part of a quiz or key code ("" for no title)."""
    if not title:
        return ""
    return "." + base64.urlsafe_b64encode(title.encode()).decode().rstrip("=")


def _read_title(part: str | None) -> str:
    """The title carried by a code's title part; an unreadable one makes the code invalid."""
    if not part:
        return ""
    try:
        raw = base64.urlsafe_b64decode(part + "=" * (-len(part) % 4)).decode()
    except (binascii.Error, UnicodeDecodeError, ValueError):
        raise _bad_quiz() from None
    title = clean_title(raw)
    if title != raw or not title:
        raise _bad_quiz()
    return title


def format_quiz(seed: int, ids: list[str], feedback: str = FEEDBACK_EACH, title: str = "") -> str:
    """The quiz code for a seed and a set of case ids (tokens sorted: the seed alone sets the order). A quiz
    with feedback at the end (`feedback="end"`) ends in `-end`: the students see no verdict until they finish.
    A quiz with a title (`clean_title`, at most MAX_TITLE characters) ends in `.` and the title in URL-safe
    base64; a code without one is the code the site has always written."""
    if len(ids) > MAX_QUIZ_CASES:
        raise PracticeInputError(f"a quiz holds at most {MAX_QUIZ_CASES} cases, not {len(ids)}", "ids")
    if feedback not in (FEEDBACK_EACH, FEEDBACK_END):
        raise PracticeInputError(f"feedback must be 'each' or 'end', not {numbers.clip(feedback)}", "feedback")
    end = "-end" if feedback == FEEDBACK_END else ""
    code = f"{seed}-{''.join(sorted({token(cid) for cid in ids}))}{end}{_title_suffix(clean_title(title))}"
    if len(code) > MAX_QUIZ:
        raise PracticeInputError(f"a quiz code has at most {MAX_QUIZ} characters: choose fewer cases", "ids")
    return code


def file_stem(quiz: str) -> str:
    """A short name for a quiz's files: the start of its code, without the title part."""
    return quiz.split(".")[0][:24]


def _bad_quiz() -> PracticeInputError:
    return PracticeInputError(
        "this quiz link is not valid (fix: ask your instructor for the link again; it looks like 12-3fa9c07b2e)",
        "quiz",
    )


def parse_quiz(text: str, cases: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """{'seed', 'ids', 'feedback', 'title'} from a quiz code, ids in the seeded order; an unusable code raises.
    `feedback` is "end" for a code ending in `-end` (feedback once every case is answered), else "each";
    `title` is the quiz's title ("" for a code without one).

    A code over MAX_QUIZ characters is refused before it is read; reading is linear in the code's length."""
    if len(text) > MAX_QUIZ:
        raise PracticeInputError(
            f"this quiz link is {len(text)} characters long; a quiz link has at most {MAX_QUIZ} "
            "(fix: ask your instructor for the link again)",
            "quiz",
        )
    text = text.strip()
    match = QUIZ.match(text)
    legacy = None if match else LEGACY_QUIZ.match(text)
    feedback = FEEDBACK_END if match and match.group(3) else FEEDBACK_EACH
    title = _read_title(match.group(4)) if match else ""
    if match:
        by_token = {token(cid): cid for cid in cases}
        hexes = match.group(2)  # once: each group() call copies the text (one per token was quadratic)
        tokens = [hexes[i : i + TOKEN_LEN] for i in range(0, len(hexes), TOKEN_LEN)]
        unknown = [t for t in tokens if t not in by_token]
        if unknown:
            raise PracticeInputError(
                f"this quiz link names {len(unknown)} case(s) the site does not have (fix: ask for a new link)", "quiz"
            )
        ids = sorted(dict.fromkeys(by_token[t] for t in tokens))
        seed = int(match.group(1))
    elif legacy:
        named = legacy.group(2).split(",")
        unknown = [cid for cid in named if cid not in cases]
        if unknown:
            shown = ", ".join(numbers.clip(cid) for cid in unknown[:3]) + (
                f" and {len(unknown) - 3} more" if len(unknown) > 3 else ""
            )
            raise PracticeInputError(f"this quiz link names cases the site does not have: {shown}", "quiz")
        seed, ids = int(legacy.group(1)), sorted(dict.fromkeys(named))
    else:
        raise _bad_quiz()
    random.Random(seed).shuffle(ids)
    return {"seed": seed, "ids": ids, "feedback": feedback, "title": title}


KEY = re.compile(r"^k(\d{1,9})-((?:[0-9a-f]{5})+)(?:-(end))?" + TITLE_PART + "$")


def key_token(case_id: str) -> str:
    """A case's token in an answer-key code: a different hash from the quiz token, so a student's quiz
    link does not open the key by editing the page's path, and the key code cannot be worked out from it."""
    return hashlib.sha256(("answer-key:" + case_id).encode()).hexdigest()[:TOKEN_LEN]


def key_code(quiz: str, cases: dict[str, dict[str, Any]]) -> str:
    """The answer-key code (`kSEED-TOKENS`, then the quiz's `-end` and title parts) for a quiz code: what the
    builder's key and worksheet links carry."""
    chosen = parse_quiz(quiz, cases)
    end = "-end" if chosen["feedback"] == FEEDBACK_END else ""
    tokens = "".join(sorted(key_token(cid) for cid in chosen["ids"]))
    return f"k{chosen['seed']}-{tokens}{end}{_title_suffix(chosen['title'])}"


def parse_key(text: str, cases: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """{'seed', 'ids', 'feedback', 'title', 'quiz'} from an answer-key code, ids in the quiz's order. A student's
    quiz code is refused with a sentence saying why (the key opens only from the builder's link)."""
    text = text.strip()
    match = KEY.match(text)
    if not match:
        if QUIZ.match(text) or LEGACY_QUIZ.match(text):
            raise PracticeInputError(
                "this is a student's quiz link, not an answer-key link: the key for a quiz opens only from the "
                "quiz builder's 'answer key for this quiz' link",
                "key",
            )
        raise PracticeInputError("this answer-key link is not valid (fix: make the quiz again in the builder)", "key")
    by_token = {key_token(cid): cid for cid in cases}
    tokens = [match.group(2)[i : i + TOKEN_LEN] for i in range(0, len(match.group(2)), TOKEN_LEN)]
    if any(t not in by_token for t in tokens):
        raise PracticeInputError("this answer-key link names cases the site does not have (fix: make it again)", "key")
    feedback = FEEDBACK_END if match.group(3) else FEEDBACK_EACH
    try:
        title = _read_title(match.group(4))
    except PracticeInputError:
        raise PracticeInputError("this answer-key link is not valid (fix: make the quiz again)", "key") from None
    quiz = format_quiz(int(match.group(1)), [by_token[t] for t in tokens], feedback, title)
    return {**parse_quiz(quiz, cases), "quiz": quiz}


#: how many codes a multiple-choice question offers (the answer and three wrong choices)
CHOICES = 4


def _neighbours(code: str, data: dict[str, Any]) -> list[str]:
    """The codes a code is most often confused with, from its guidance (data/codes/<code>.yaml neighbours)."""
    return [n["code"] for n in data.get("guide", {}).get("codes", {}).get(code, {}).get("neighbours", [])]


def plausible_codes(case: dict[str, Any], data: dict[str, Any], first: list[str], salt: str = "") -> list[str]:
    """The codes of a multiple-choice question, CHOICES of them, in the order they were chosen: `first` (the
    answer, the tempting code, the code the heading claims: always kept), then the codes a student could take
    for the answer. Those come by tiers: the answer's neighbours (the codes its guidance says it is confused
    with), then the neighbours of the other `first` codes, then the other treatment codes with a guidance page
    in the answer's family, and last any treatment code with a guidance page. Within a tier the order is a
    hash of the case id and `salt`, so a case gets the same choices in every quiz.

    On a treatment note (the answer's family has `treatment: true` in data/vocab.yaml code_families) a wrong
    choice is never an evaluation or test code, nor an add-on code on its own (a code with a primary code)."""
    codes = data["codes"]
    treatment = {f["id"] for f in data["vocab"]["code_families"] if f.get("treatment")}
    answer = first[0]
    on_treatment = codes.get(answer, {}).get("family") in treatment

    def fits(code: str) -> bool:
        rec = codes.get(code)
        if rec is None:
            return False
        return not on_treatment or (rec.get("family") in treatment and not rec.get("primary_code"))

    family = codes.get(answer, {}).get("family")
    guided = sorted(c for c, rec in codes.items() if rec.get("guidance_page"))
    tiers = [
        _neighbours(answer, data),
        [n for code in first[1:] for n in _neighbours(code, data)],
        [c for c in guided if codes[c].get("family") == family],
        guided,
    ]
    picked = list(dict.fromkeys(first))[:CHOICES]
    for tier in tiers:
        if len(picked) >= CHOICES:
            break
        fresh = [c for c in dict.fromkeys(tier) if c not in picked and fits(c)]
        fresh.sort(key=lambda c: hashlib.sha256(f"{case['id']}{salt}{c}".encode()).hexdigest())
        picked += fresh[: CHOICES - len(picked)]
    return picked


def _billed_codes(minutes: dict[str, Any], codes: dict[str, dict[str, Any]]) -> list[str]:
    """The codes a units answer covers: each code given, followed by its add-on code when it has one."""
    out: list[str] = []
    for code in minutes:
        out += [code, *([codes[code]["addon_code"]] if codes.get(code, {}).get("addon_code") else [])]
    return out


def blocks_of(case: dict[str, Any], codes: dict[str, dict[str, Any]]) -> list[dict[str, Any]] | None:
    """The claim lines of a note that documents several blocks, in the note's order: [{"block", "code",
    "minutes"}], from the case's `answer.blocks` (codes in the note's order) and its units task's minutes.
    None for a case without blocks."""
    task, order = case["answer"].get("units"), case["answer"].get("blocks")
    if not task or not order:
        return None
    return [{"block": i, "code": c, "minutes": task["minutes"][c]} for i, c in enumerate(order, 1)]


def view(
    case: dict[str, Any], codes: dict[str, dict[str, Any]], rules: dict[str, dict[str, Any]] | None = None
) -> dict[str, Any]:
    """What the student sees before answering: no answer, no reasoning; the rule by its display name."""
    shown = {k: case[k] for k in ("id", "title", "difficulty", "session", "family") if k in case}
    units_task = case["answer"].get("units")
    if units_task:
        rule = units_task["rule"]
        shown["units_task"] = {
            "rule": rule,
            "rule_label": (rules or {}).get(rule, {}).get("label", rule),
            "codes": _billed_codes(units_task["minutes"], codes),
        }
    if case.get("billed_as"):
        shown["billed_as"] = case["billed_as"]
    blocks = blocks_of(case, codes)
    if blocks:  # a code and units for every block; the blocks are named by their minutes, never their code
        shown["blocks"] = [{"block": b["block"], "minutes": b["minutes"]} for b in blocks]
        shown["units_task"]["codes"] = []
    return shown


def _units_feedback(case: dict[str, Any], given: dict[str, Any] | None, data: dict[str, Any]) -> dict[str, Any]:
    task = case["answer"]["units"]
    result = units.compute(list(task["minutes"].items()), data["rules"][task["rule"]], data["codes"])
    accepted = [result["units"], *result["alternatives"]]
    try:
        answer = {code: numbers.whole((given or {}).get(code, "")) for code in result["units"]}
    except ValueError:
        raise PracticeInputError("enter whole units for every code (0 or more)", "units") from None
    correct = answer in accepted or units.accepts(
        list(task["minutes"].items()), data["rules"][task["rule"]], data["codes"], answer
    )
    target = answer if correct else min(accepted, key=lambda a: sum(abs(a[c] - answer.get(c, 0)) for c in a))
    return {
        "correct": correct,
        "your_units": answer,
        "accepted": accepted,
        "result": result,
        "compare": [{"code": c, "yours": answer.get(c, 0), "right": n} for c, n in target.items()],
        "parts_at": None if correct else _parting(result, answer, target),
    }


def _step_index(steps: list[str], test: Any) -> int | None:
    return next((i for i, step in enumerate(steps) if test(step)), None)


def _parting(result: dict[str, Any], yours: dict[str, int], target: dict[str, int]) -> dict[str, Any]:
    """The step of the unit engine's explanation where a wrong units answer leaves the rule's answer.

    Pooled rules (Medicare): a wrong total parts at the 15-minute table row; a right total shared
    differently parts at the add-on split or at the leftover comparison. Per-code rules: the first code
    whose units differ parts at that code's own row. {"step": 1-based number, "text": the step, "why"}."""
    steps = result["steps"]
    mine, right = sum(yours.values()), sum(target.values())
    wrong = [c for c in target if yours.get(c, 0) != target[c]]
    table = _step_index(steps, lambda s: s.startswith("By the 15-minute table"))
    at, why = None, ""
    if table is not None and mine != right:
        at = table
        why = (
            f"Your units add up to {mine}; the day's pooled minutes give {right} in all. "
            "Under this rule the total comes from the pooled minutes first, then it is shared out."
        )
    elif table is not None:
        split = _step_index(steps, lambda s: s.startswith("Split of the"))
        share = _step_index(steps, lambda s: s.startswith(("The extra unit", "The extra units")))
        share = share if share is not None else _step_index(steps, lambda s: "left to share" in s)
        addon_pair = split is not None and all(c in steps[split] for c in wrong)
        at = split if addon_pair else share
        why = (
            f"Your total ({mine}) is right, but the units are shared differently: "
            + "; ".join(f"{c} gets {target[c]}, not {yours.get(c, 0)}" for c in wrong)
            + "."
        )
    else:  # per code: each code's own row
        first = wrong[0] if wrong else next(iter(target))
        at = _step_index(steps, lambda s: s.startswith(f"{first}:"))
        why = f"{first}: its own minutes give {target[first]}, not {yours.get(first, 0)} (minutes are not pooled)."
    if at is None:  # fall back to the step that lists the units billed
        at = _step_index(steps, lambda s: s.startswith("Units billed")) or len(steps) - 1
    return {"step": at + 1, "text": steps[at], "why": why}


def _headline(code_right: bool, units_fb: dict[str, Any] | None, code: str, answer_code: str) -> str:
    """The first words of the feedback: what was right and what was not."""
    units_right = units_fb is None or units_fb["correct"]
    if code_right and units_right:
        return "Right."
    if code_right:
        return f"Code right, units not. {code} is the code the note supports; your units differ from the rule's."
    if units_fb is not None and units_right:
        return f"Units right, code not. The note supports {answer_code}, not {code}."
    return "Not quite."


def _code_verdict(code: str, answer_code: str, codes: dict[str, dict[str, Any]]) -> tuple[str, str]:
    """('right' | 'add_on_alone' | 'wrong', a sentence for the student when the choice is incomplete)."""
    if code == answer_code:
        return "right", ""
    if str(codes.get(code, {}).get("primary_code") or "") == answer_code:
        return "add_on_alone", (
            f"{code} is the add-on for the time beyond the first 15 minutes and is never billed without "
            f"{answer_code}: on its own it leaves the claim incomplete. The claim starts with {answer_code}."
        )
    return "wrong", ""


def _claim(answer_code: str, unit_feedback: dict[str, Any] | None) -> list[dict[str, Any]]:
    """The claim's lines, code and units (units only when the case asks for them), in billing order."""
    if unit_feedback is None:
        return [{"code": answer_code, "units": None}]
    billed = unit_feedback["result"]["units"]
    return [{"code": code, "units": n} for code, n in billed.items() if n]


def grade_blocks(case: dict[str, Any], given: Any, data: dict[str, Any]) -> dict[str, Any]:
    """A multi-block case graded line by line: `given` is [{"code", "units"}] in block order.

    Each block's code is right or not on its own; the units are graded as one claim under the case's rule
    (the student's units for block i count for block i's code), so any allocation the rule allows is right.
    The reply is `grade`'s, plus `blocks` (one line per block) and a headline saying which blocks were right."""
    blocks = blocks_of(case, data["codes"]) or []
    rows = given if isinstance(given, list) else []
    if len(rows) != len(blocks) or not all(isinstance(r, dict) for r in rows):
        raise PracticeInputError(f"give a code and units for each of the {len(blocks)} blocks", "blocks")
    chosen = [str(r.get("code") or "").strip().upper() for r in rows]
    if not all(chosen):
        raise PracticeInputError("choose a code for every block", "blocks")
    given_units = {b["code"]: r.get("units", "") for b, r in zip(blocks, rows, strict=True)}
    feedback = grade(case, case["answer"]["code"], given_units, data)
    units_fb = feedback["units"]
    lines = []
    for b, code in zip(blocks, chosen, strict=True):
        line = {**b, "your_code": code, "code_correct": code == b["code"]}
        line["your_units"] = units_fb["your_units"].get(b["code"], 0)
        line["units"] = next(r["right"] for r in units_fb["compare"] if r["code"] == b["code"])
        lines.append(line)
    codes_right = all(line["code_correct"] for line in lines)
    wrong = [line for line in lines if not line["code_correct"]]
    feedback.update(
        your_code=" + ".join(chosen),
        code_correct=codes_right,
        code_verdict="right" if codes_right else "wrong",
        chose_tempting=len(set(chosen)) == 1 and chosen[0] == case["tempting"]["code"],
        blocks=lines,
        correct=codes_right and units_fb["correct"],
    )
    if feedback["correct"]:
        feedback["headline"] = f"Right: every block ({len(lines)}) has its code and units."
    elif codes_right:
        feedback["headline"] = "Every block's code is right; the units are not."
    else:
        named = "; ".join(
            f"block {w['block']} ({w['minutes']} min) is {w['code']}, not {w['your_code']}" for w in wrong
        )
        feedback["headline"] = f"{len(lines) - len(wrong)} of {len(lines)} blocks coded right: {named}."
    return feedback


def grade(case: dict[str, Any], code: str, given_units: dict[str, Any] | None, data: dict[str, Any]) -> dict[str, Any]:
    """Feedback on a code (and units, when the case asks): right or wrong, why, why not the tempting code.

    The answer is the whole claim: the code that carries the service and, when the case asks for units,
    the units of every line (an add-on code's too). Choosing only the add-on code is graded incomplete
    (`code_verdict` 'add_on_alone'), with a sentence saying which code starts the claim.
    """
    code = str(code or "").strip().upper()
    if not code:
        raise PracticeInputError("choose a code first", "code")
    answer = case["answer"]
    verdict, code_note = _code_verdict(code, answer["code"], data["codes"])
    feedback: dict[str, Any] = {
        "case": case["id"],
        "your_code": code,
        "code": answer["code"],
        "code_correct": verdict == "right",
        "code_verdict": verdict,
        "code_note": code_note,
        "why": case["why"],
        "tempting": case["tempting"],
        "chose_tempting": code == case["tempting"]["code"],
        "add_to_note": answer.get("add_to_note", []),
        # the advice is for the code that was billed or meant, never for the answer's code
        "add_to_note_for": str(case.get("billed_as") or case["tempting"]["code"])
        if answer.get("add_to_note")
        else None,
        "billed_as": case.get("billed_as"),
        "tree_path": case.get("tree_path", []),
        "walk": tree.format_walk([(s["question"], s["answer"]) for s in case.get("tree_path", [])]),
        "activities": case.get("activities", []),
    }
    feedback["units"] = _units_feedback(case, given_units, data) if answer.get("units") else None
    feedback["claim"] = _claim(answer["code"], feedback["units"])
    feedback["claim_text"] = " + ".join(
        line["code"] if line["units"] is None else f"{line['code']} x{line['units']}" for line in feedback["claim"]
    )
    feedback["correct"] = verdict == "right" and (feedback["units"] is None or feedback["units"]["correct"])
    feedback["headline"] = _headline(verdict == "right", feedback["units"], code, answer["code"])
    return feedback


#: the most answers kept in progress (the site has far fewer cases), and the most attempts kept per case
MAX_ANSWERS = 5000
MAX_ATTEMPTS = 50
CASE_ID = re.compile(r"^[a-z0-9-]{1,100}$")
ATTEMPT_CODE = re.compile(r"^[0-9A-Z +]{0,60}$")  # one code, or a multi-block case's codes ("97112 + 97110")
ATTEMPT_UNITS = re.compile(r"^[0-9A-Z: ,]{0,200}$")


def _clean_attempt(raw: Any) -> dict[str, Any] | None:
    """One attempt as stored: {"correct": bool, "code": "97110", "units": "97110: 2, 97112: 1"}; None when junk."""
    if not isinstance(raw, dict) or not isinstance(raw.get("correct"), bool):
        return None
    code, given = raw.get("code", ""), raw.get("units", "")
    code = code if isinstance(code, str) and ATTEMPT_CODE.match(code) else ""
    given = given if isinstance(given, str) and ATTEMPT_UNITS.match(given) else ""
    return {"correct": raw["correct"], "code": code, "units": given}


def clean_progress(progress: Any) -> dict[str, Any]:
    """Progress as read back from the browser's storage, which anyone can edit: only well-formed parts kept.

    Answers are case id -> true/false (the latest result); attempts are case id -> every answer given, in
    order (right or wrong, the code and the units), so a retry adds an attempt and never rewrites the first.
    Progress written before attempts were kept has answers only: each such case counts as one attempt.
    Streaks are whole numbers from 0 to the number of answers, and the best streak is at least the running
    one. Anything else is dropped or reset to 0.
    """
    state = progress if isinstance(progress, dict) else {}
    raw = state.get("answers") if isinstance(state.get("answers"), dict) else {}
    answers = {k: v for k, v in raw.items() if isinstance(k, str) and CASE_ID.match(k) and isinstance(v, bool)}
    answers = dict(list(answers.items())[:MAX_ANSWERS])
    raw_attempts = state.get("attempts") if isinstance(state.get("attempts"), dict) else {}
    attempts: dict[str, list[dict[str, Any]]] = {}
    for cid, tries in raw_attempts.items():
        if cid not in answers or not isinstance(tries, list):
            continue
        kept = [a for a in map(_clean_attempt, tries[-MAX_ATTEMPTS:]) if a is not None]
        if kept:
            attempts[cid] = kept
            answers[cid] = kept[-1]["correct"]  # the latest attempt is the latest result

    def count(value: Any) -> int:
        ok = isinstance(value, int) and not isinstance(value, bool) and 0 <= value <= len(answers)
        return value if ok else 0

    streak = count(state.get("streak"))
    return {
        "answers": answers,
        "attempts": attempts,
        "streak": streak,
        "best_streak": max(streak, count(state.get("best_streak"))),
    }


def units_text(given: dict[str, Any] | None) -> str:
    """A units answer as one short line ("97112: 2, 97110: 1"), as the attempts and the CSV keep it."""
    return ", ".join(f"{code}: {n}" for code, n in (given or {}).items())


def record(
    progress: dict[str, Any] | None,
    case_id: str,
    correct: bool,
    code: str = "",
    given_units: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """Progress after one answer: the latest result per case, every attempt kept, the running and best streak."""
    state = clean_progress(progress)
    answers = dict(state["answers"])
    attempts = {cid: list(tries) for cid, tries in state["attempts"].items()}
    if case_id in answers and case_id not in attempts:  # progress from before attempts were kept
        attempts[case_id] = [{"correct": answers[case_id], "code": "", "units": ""}]
    attempt = _clean_attempt({"correct": bool(correct), "code": str(code or ""), "units": units_text(given_units)})
    attempts[case_id] = [*attempts.get(case_id, []), attempt][-MAX_ATTEMPTS:]
    answers[case_id] = bool(correct)
    streak = state["streak"] + 1 if correct else 0
    return {
        "answers": answers,
        "attempts": attempts,
        "streak": streak,
        "best_streak": max(state["best_streak"], streak),
    }


def attempts_of(state: dict[str, Any], case_id: str) -> list[dict[str, Any]]:
    """Every attempt at a case in cleaned progress (one, unknown answer, for progress from before attempts)."""
    if case_id in state["attempts"]:
        return state["attempts"][case_id]
    if case_id in state["answers"]:
        return [{"correct": state["answers"][case_id], "code": "", "units": ""}]
    return []


def summary(progress: dict[str, Any] | None, ids: list[str] | None = None) -> dict[str, Any]:
    """Score, streaks and missed cases, over `ids` when given (a quiz) or over every answered case.

    `correct` counts cases whose latest attempt is right; `first_correct` those right at the first attempt
    (a retry never changes it); `attempts` is the number of answers given in all."""
    state = clean_progress(progress)
    answers = state["answers"]
    scope = ids if ids is not None else list(answers)
    answered = [cid for cid in scope if cid in answers]
    right = [cid for cid in answered if answers[cid]]
    tries = {cid: attempts_of(state, cid) for cid in answered}
    return {
        "answered": len(answered),
        "correct": len(right),
        "first_correct": sum(1 for cid in answered if tries[cid][0]["correct"]),
        "attempts": sum(len(t) for t in tries.values()),
        "total": len(scope),
        "streak": state["streak"],
        "best_streak": state["best_streak"],
        "missed": [cid for cid in answered if not answers[cid]],
        "remaining": [cid for cid in scope if cid not in answers],
    }


def _units_given(text: str) -> dict[str, str]:
    """A units answer read back from its stored line ("97112: 2, 97110: 1" -> {"97112": "2", "97110": "1"})."""
    out: dict[str, str] = {}
    for part in text.split(","):
        code, sep, n = part.partition(":")
        if sep and code.strip():
            out[code.strip()] = n.strip()
    return out


def regrade(case: dict[str, Any], attempt: dict[str, Any], data: dict[str, Any]) -> dict[str, Any] | None:
    """The feedback for a stored attempt (its code and units as kept in progress), as `grade` or
    `grade_blocks` gave it when the answer was sent; None for an attempt kept without its answer."""
    if not attempt.get("code"):
        return None
    given = _units_given(attempt.get("units", ""))
    blocks = blocks_of(case, data["codes"])
    if blocks:
        chosen = attempt["code"].split(" + ")
        if len(chosen) != len(blocks):
            return None
        rows = [{"code": c, "units": given.get(b["code"], "0")} for b, c in zip(blocks, chosen, strict=True)]
        return grade_blocks(case, rows, data)
    return grade(case, attempt["code"], given if case["answer"].get("units") else None, data)


def held(summary_: dict[str, Any]) -> dict[str, Any]:
    """A quiz summary while its feedback waits for the end: how many cases are answered, nothing about
    which were right (`held` true). Once every case is answered the whole summary is given."""
    if not summary_["remaining"]:
        return {**summary_, "held": False}
    keep = ("answered", "total", "remaining")
    return {
        **{k: summary_[k] for k in keep},
        "held": True,
        "missed": [],
        "missed_text": "",
        "by_code": [],
        "attempts": summary_["attempts"],
    }


def by_code(progress: dict[str, Any] | None, cases: dict[str, dict[str, Any]], ids: list[str] | None = None) -> list:
    """Progress per code, over `ids` when given (a quiz) or every answered case: [{"code", "tried" (cases
    answered), "right" (latest answer right), "first_right" (right at the first attempt), "missed" (case ids
    whose latest answer is wrong)}], by code. A case counts under the code its note supports."""
    state = clean_progress(progress)
    answers = state["answers"]
    rows: dict[str, dict[str, Any]] = {}
    for cid in ids if ids is not None else list(answers):
        if cid not in answers or cid not in cases:
            continue
        code = cases[cid]["answer"]["code"]
        row = rows.setdefault(code, {"code": code, "tried": 0, "right": 0, "first_right": 0, "missed": []})
        row["tried"] += 1
        row["right"] += answers[cid]
        row["first_right"] += attempts_of(state, cid)[0]["correct"]
        if not answers[cid]:
            row["missed"].append(cid)
    return [rows[code] for code in sorted(rows)]


def right_answer_text(case: dict[str, Any], data: dict[str, Any]) -> str:
    """The right answer as one line: the code, and each claim line's units when the case asks for them
    ("97112 x2 + 97110 x1"; a note with blocks: "block 1 (24 min) 97112 x2, block 2 (23 min) 97110 x1")."""
    task = case["answer"].get("units")
    if not task:
        return case["answer"]["code"]
    result = units.compute(list(task["minutes"].items()), data["rules"][task["rule"]], data["codes"])
    blocks = blocks_of(case, data["codes"])
    if blocks:
        text = ", ".join(
            f"block {b['block']} ({b['minutes']} min) {b['code']} x{result['units'].get(b['code'], 0)}" for b in blocks
        )
    else:
        text = " + ".join(f"{code} x{n}" for code, n in result["units"].items() if n)
    return text + (" (or another split the rule allows)" if result["alternatives"] else "")


def attempt_text(case: dict[str, Any], attempt: dict[str, Any], data: dict[str, Any]) -> str:
    """A stored answer as one line, written like `right_answer_text`; "" when the answer was not kept."""
    if not attempt.get("code"):
        return ""
    given = _units_given(attempt.get("units", ""))
    blocks = blocks_of(case, data["codes"])
    chosen = attempt["code"].split(" + ")
    if blocks and len(chosen) == len(blocks):
        return ", ".join(
            f"block {b['block']} ({b['minutes']} min) {c} x{given.get(b['code'], '0')}"
            for b, c in zip(blocks, chosen, strict=True)
        )
    if given:
        return " + ".join(f"{code} x{n}" for code, n in given.items())
    return attempt["code"]


def missed_text(progress: dict[str, Any] | None, ids: list[str], data: dict[str, Any], names: dict[str, str]) -> str:
    """The missed cases of `ids` as plain text to copy: one numbered line per case whose latest answer is
    wrong, with the student's answer and the right one. `names` gives each case's name on the line (its
    title, or "Case 3" in a quiz)."""
    state = clean_progress(progress)
    lines = []
    for cid in ids:
        if state["answers"].get(cid) is not False:
            continue
        case = data["cases"][cid]
        yours = attempt_text(case, attempts_of(state, cid)[-1], data) or "not kept in this browser"
        lines.append(
            f"{len(lines) + 1}. {names.get(cid, cid)} — your answer: {yours}; right answer: "
            f"{right_answer_text(case, data)}"
        )
    return "\n".join(lines)


CSV_COLUMNS = (
    "student",
    "quiz",
    "case_number",
    "case",
    "first_result",
    "attempts",
    "final_result",
    "first_answer",
    "final_answer",
    "first_score",
    "final_score",
    "answered",
    "total",
)


def _answer_cell(attempt: dict[str, Any] | None) -> str:
    if not attempt or not attempt["code"]:
        return ""
    return attempt["code"] + (f" ({attempt['units']})" if attempt["units"] else "")


def _result(attempt: dict[str, Any] | None) -> str:
    return "not answered" if attempt is None else "right" if attempt["correct"] else "wrong"


def results_csv(progress: dict[str, Any] | None, quiz: str, ids: list[str], student: str = "") -> str:
    """One row per quiz case: the first attempt's result and answer, the number of attempts, the final result
    and answer, and the quiz's first-attempt and final scores. A retry adds attempts and can raise the final
    score; the first-attempt score stays what it was. The `case` column is the case's opaque quiz token."""
    state = clean_progress(progress)
    tally = summary(progress, ids)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    name = " ".join(str(student).split())[:80]
    if name[:1] in ("=", "+", "-", "@"):  # a spreadsheet would run it as a formula
        name = "'" + name
    for number, cid in enumerate(ids, 1):
        tries = attempts_of(state, cid)
        first, last = (tries[0], tries[-1]) if tries else (None, None)
        writer.writerow(
            (
                name,
                quiz,
                number,
                token(cid),
                _result(first),
                len(tries),
                _result(last),
                _answer_cell(first),
                _answer_cell(last),
                tally["first_correct"],
                tally["correct"],
                tally["answered"],
                tally["total"],
            )
        )
    return out.getvalue()
