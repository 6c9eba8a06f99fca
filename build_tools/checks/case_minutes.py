"""Case minutes against the case's own note: what the data can show about a units case.

A case that asks for units gives minutes per code (`answer.units.minutes`) and a
session note. The note is free text, so only what it states plainly is checked:

- each code's minutes appear in the note ("33 min", "33 minutes", or a clock range
  such as 09:12-09:32 that lasts that long);
- a stated "total timed N min" equals the sum of the timed codes' minutes;
- a stated "total treatment time N min" equals the sum of every code's minutes
  (when a service-based code has no minutes, it is at least the timed total);
- a code's block ("Ther ex 33 min: ...") does not itself hold minutes described as
  warm-up, independent, unsupervised, unskilled or rest: that time is not billable;
- a case with `answer.blocks` (a note with several blocks) lists exactly the codes of its
  minutes, in the order the note states their minutes (where the note states them as "N min").
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from build_tools.checks.base import Context, Rule
from build_tools.report import Problem

TIMED_BASES = ("timed_15", "first_15_then_addon")
TOTAL_TIMED = re.compile(r"\btotal timed(?: code)?(?: minutes| min)?\s*[:=]?\s*(\d+)\b", re.I)
TOTAL_TREATMENT = re.compile(r"\btotal treatment time\s*[:=]?\s*(\d+)\b", re.I)
BLOCK = re.compile(r"\b(\d+)\s*(?:min|mins|minutes)\s*:", re.I)
CLOCK = re.compile(r"\b(\d{1,2}):(\d{2})\s*-\s*(\d{1,2}):(\d{2})\b")
UNSKILLED = r"warm[- ]?up|independent(?:ly)?|unsupervised|unskilled|rest(?: break)?"
UNSKILLED_MINUTES = re.compile(
    rf"\b(\d+)\s*(?:min|mins|minutes)\b[^.;:]{{0,25}}?\b(?:{UNSKILLED})\b"
    rf"|\b(?:{UNSKILLED})\b[^.;:]{{0,25}}?\b(\d+)\s*(?:min|mins|minutes)\b",
    re.I,
)


def stated_minutes(text: str) -> set[int]:
    """Every duration the note states: 'N min' and clock ranges."""
    found = {int(m) for m in re.findall(r"\b(\d+)\s*(?:min|mins|minutes)\b", text, re.I)}
    for h1, m1, h2, m2 in CLOCK.findall(text):
        found.add((int(h2) * 60 + int(m2)) - (int(h1) * 60 + int(m1)))
    return found


def blocks(text: str) -> list[tuple[int, str]]:
    """(minutes, text) of each 'Label N min: ...' block, up to the next block or a 'Total'."""
    starts = list(BLOCK.finditer(text))
    out = []
    for i, m in enumerate(starts):
        end = starts[i + 1].start() if i + 1 < len(starts) else len(text)
        body = text[m.end() : end]
        cut = re.search(r"\btotal\b", body, re.I)
        out.append((int(m.group(1)), body[: cut.start()] if cut else body))
    return out


def case_minutes_agree(ctx: Context) -> Iterator[Problem]:
    """A units case's minutes and totals agree with its session note."""
    bases = {str(d.data.get("code")): d.data.get("unit_basis") for d in ctx.project.codes.values() if ctx.valid(d)}
    for doc in ctx.records("cases"):
        units = doc.data["answer"].get("units")
        if not units:
            continue
        text = " ".join(doc.data["session"].split())
        minutes = units["minutes"]
        if any(c not in bases for c in minutes):
            continue  # a code file that could not be read is reported itself; its unit basis is unknown here
        stated = stated_minutes(text)
        for code, m in minutes.items():
            if m and m not in stated:
                yield doc.problem(
                    ("answer", "units", "minutes", code),
                    f"{code} is given {m} minutes, but the session note never states {m} minutes",
                    "make the minutes match what the note records for that code",
                )
        timed = sum(m or 0 for c, m in minutes.items() if bases.get(c) in TIMED_BASES)
        everything = sum(m or 0 for m in minutes.values())
        if (said := TOTAL_TIMED.search(text)) and int(said.group(1)) != timed:
            yield doc.problem(
                ("session",),
                f"the note states total timed {said.group(1)} min, but the timed codes' minutes add up to {timed}",
                "correct the note's total or the minutes per code",
            )
        if said := TOTAL_TREATMENT.search(text):
            n, complete = int(said.group(1)), all(m is not None for m in minutes.values())
            if (complete and n != everything) or n < timed:
                yield doc.problem(
                    ("session",),
                    f"the note states total treatment time {n} min, but the codes' minutes add up to {everything}",
                    "total treatment time is the minutes of every billed code, timed and service-based; "
                    "leave out rest, warm-up and other unbilled time",
                )
        for m, body in blocks(text):
            if m not in minutes.values():
                continue
            code = next(c for c, v in minutes.items() if v == m)
            if hit := UNSKILLED_MINUTES.search(body):
                k = hit.group(1) or hit.group(2)
                yield doc.problem(
                    ("answer", "units", "minutes", code),
                    f"the {m} minutes of {code} include {k} minutes the note describes as unskilled ('{hit.group(0)}')",
                    "take unskilled time (warm-up, independent exercise, rest) out of the code's minutes "
                    "and the totals",
                )


def case_blocks_agree(ctx: Context) -> Iterator[Problem]:
    """`answer.blocks` names each code of the units task once, in the note's order."""
    for doc in ctx.records("cases"):
        answer = doc.data["answer"]
        minutes = (answer.get("units") or {}).get("minutes") or {}
        order = answer.get("blocks")
        if not order:
            continue
        if sorted(order) != sorted(minutes):
            yield doc.problem(
                ("answer", "blocks"),
                f"the blocks ({', '.join(order)}) are not the codes given minutes ({', '.join(minutes)})",
                "list each code of answer.units.minutes once in answer.blocks",
            )
            continue
        text = " ".join(doc.data["session"].split())
        where = [re.search(rf"\b{minutes[c]}\s*(?:min|mins|minutes)\b", text, re.I) for c in order]
        if all(where) and [w.start() for w in where] != sorted(w.start() for w in where):
            yield doc.problem(
                ("answer", "blocks"),
                f"the blocks ({', '.join(order)}) are not in the order the note states their minutes",
                "list the blocks in the note's order",
            )


#: the rules of this module, in the order they run
RULES: list[Rule] = [case_minutes_agree, case_blocks_agree]
