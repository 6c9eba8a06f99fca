"""A visit note cut into blocks of time: headings, minutes, untimed services and stated totals.

Clinicians write one note per visit with a block for each service ("TherEx 12 min: ... NMR 10': ...").
A block opens where a heading of data/note_reading.yaml (`headings`) starts a line or a sentence and is
followed by a colon, a dash or minutes; it closes at the next heading or at a section line (a total,
the assessment, the plan, goals). Minutes are read next to the heading in any common form ("12 min",
"12'", "12m", "x12 min", "(12 min)", "8-min"); in the block's text only as "N min(utes)". A range
("10-15 min") is refused with a message. A note with no heading is one block: the single-block case.

Nothing here decides a code: the heading is only the writer's claim (`claims`); engine.visit walks
the tree over each block's content. Offsets are Python string indices into the note.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from engine.assertions import phrase_key, phrase_pattern

#: most blocks read from one note
MAX_BLOCKS = 30
#: most minutes one block may state (a whole day)
MAX_BLOCK_MINUTES = 1440

#: a heading phrase ends at a word's end; it may run on into one more word after a slash before its colon or
#: minutes ("Stairs/curb 10 min:"), never into other text after a slash ("step-up/down")
_NO_SLASH = r"(?![\w/])"
_SLASH_WORD = r"(?!\w)(?!/(?![a-z][a-z-]{1,15}[ \t]*(?:[(:|–-]|x?\d)))"

#: labels before a line's first heading when the reading data names none
_LABELS = ["O", "Objective", "Tx", "Treatment", "Intervention", "Interventions"]

#: a time-of-day range ("0930-0945", "9:30-9:45", "930 - 945"): the block's minutes are the difference
CLOCK_RANGE = (
    r"(?<!\d)(?:[01]?\d|2[0-3]):?[0-5]\d[ \t]*(?:[-–]|to)[ \t]*(?:[01]?\d|2[0-3]):?[0-5]\d(?!\d)(?![ \t]*(?:min|'))"
)

#: the words after a bare number that make it a count, a distance, a weight, an angle or another unit, not minutes
_NOT_MINUTES = (
    r"(?:x|×|reps?|sets?|ft|feet|foot|times|trials?|laps?|each|ea|bouts?|rounds?|passes|steps?|stairs|lbs?|kg|oz"
    r"|deg\w*|sec\w*|s|m|meters?|metres?|yds?|yards?|inch\w*|in|cm|mm|pts?|patients|items|words|hz|mph|bpm|mmhg"
    r"|flex\w*|ext\w*|abd\w*|add\w*|IR|ER|rot\w*|DF|PF|inv\w*|ev\w*|of|out|and|or|to|through|percent|%"
    r"|mhz|hz|watts?|ma|volts?|pps|cm2|cc|ml|mg|psi"
    r"|mins?|minutes?|hrs?|hours?|days?|weeks?|wks?|months?|mos?|years?|yrs?|visits?|sessions?)\b"
)

#: minute units that also write feet ("amb 150' x2")
_APOSTROPHES = ("'", "’", "′")
#: most minutes an apostrophe may mean: past it the number is a distance ("amb 400'")
MAX_APOSTROPHE_MINUTES = 60

#: the groups of the heading pattern that state a block's minutes
MINUTE_GROUPS = (
    "min",
    "pmin",
    "nmin",
    "cmin",
    "dmin",
    "fmin",
    "xmin",
    "hmin",
    "st",
    "pre",
    "bare",
    "tmin",
    "clock",
    "preclock",
)

#: the groups that hold whole minutes written right after a heading ("TE 12 min", "TE (12):", "| 12 |", "....12")
_BESIDE_GROUPS = ("min", "pmin", "nmin", "cmin", "dmin", "fmin", "xmin", "tmin")

#: time written in hours ("0.5 hrs", "1 hr", "1.5 hours"): minutes are the hours times 60. Not the end of a
#: reading ("BP 128/76 HR 84": "HR" before a number is the heart rate, a number after a slash is not hours)
HOURS = (
    r"(?<![/\d.])(?P<hours>\d{1,2}(?:\.\d{1,2})?)[ \t]*(?:hours?|hrs?)\b"
    r"(?![ \t]*[:=]?[ \t]*\d{2,3}\b(?![ \t]*(?:min|m\b|')))"
)

_ONES = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve"]
_ONES += ["thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen"]
_TENS = {"twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60}
#: minutes spelled out in dictation ("twelve minutes", "twenty-five minutes")
NUMBER_WORDS = (
    "(?:"
    + "|".join(_TENS)
    + ")(?:[- ](?:"
    + "|".join(_ONES[1:10])
    + "))?|"
    + "|".join(sorted(_ONES[1:], key=len, reverse=True))
)


def _count(written: str) -> int:
    """Minutes written as digits or words ("12", "twelve")."""
    return int(written) if written.isdigit() else word_number(written)


def word_number(words: str) -> int:
    """A number written in words, 1-69 ("fifteen" -> 15, "twenty-five" -> 25)."""
    parts = re.split(r"[- ]+", words.lower().strip())
    if parts[0] in _TENS:
        return _TENS[parts[0]] + (_ONES.index(parts[1]) if len(parts) > 1 else 0)
    return _ONES.index(parts[0])


#: a CPT code beside the heading, in brackets ("TE (97110)") or in a flowsheet column ("Ther Ex | 97110 | ...")
_CODE_TAG = r"(?:\s*[(\[]\s*(?:CPT\s*)?\d{5}\s*[)\]]|[ \t]*\|[ \t]*(?:CPT[ \t]*)?(?:\d{5}|G\d{4})(?=[ \t]*\|))?"


@dataclass(frozen=True)
class _Reader:
    heading: re.Pattern[str]
    heading_ids: dict[str, dict[str, Any]]
    section: re.Pattern[str]
    section_ids: dict[str, str]
    body_minutes: re.Pattern[str]
    body_range: re.Pattern[str]
    opening: re.Pattern[str]
    service: re.Pattern[str] | None
    anywhere: re.Pattern[str]
    heading_words: re.Pattern[str]


_key = phrase_key


#: a phrase's start (engine.assertions.phrase_pattern), and that start right after a heading's modifier word
#: ("Plyo/TherAct": the slash that otherwise keeps a phrase from starting inside "w/c" joins the two)
_WORD_START = r"(?<![\w/])"
_AFTER_MOD = r"(?(mod)|(?<![\w/]))"


def _alternation(phrases: list[str]) -> str:
    return "|".join(phrase_pattern(p) for p in sorted(set(phrases), key=lambda p: (-len(p), p)))


def _heading_pattern(reading: dict[str, Any], phrases: list[str], unit: str) -> re.Pattern[str]:
    """The heading pattern with `unit` as the minute units after a heading (all of them, or only words)."""
    number = r"(?:(?P<range>\d{1,4}\s*(?:-|–|to)\s*\d{1,4})|(?P<min>\d{1,4}))"
    minutes = rf"[(\[]?\s*(?:x\s*)?{number}\s*-?\s*{unit}\s*[)\]]?"
    # a bare number in brackets between a heading and its colon is the block's minutes ("TE (15): ..."), and
    # so is a bare number right before the colon ("TherEx 15: bridges")
    paren_minutes = r"(?:[(\[]\s*(?P<pmin>\d{1,3})\s*[)\]](?=[ \t]*[:|–-])|(?P<nmin>[1-9]\d{0,2})(?=[ \t]*:(?!\d)))"
    # a flowsheet column: a bare number between pipes after the heading ("Ther Ex | 15 | ...")
    column_minutes = r"[ \t]*\|[ \t]*(?:0?0:)?(?P<cmin>\d{1,3})(?=[ \t]*\|)"  # "| 15 |", "| 0:15 |"
    # "x" and a bare number before the content is the block's minutes in terse notes ("TE x15 quad sets, SLR"):
    # from 5 to 60, and never before repetitions, distances or a unit ("Gait x10 laps", "STS x5 reps")
    x_minutes = (
        r"[x×][ \t]*(?P<xmin>[5-9]|[1-5]\d|60)"
        r"(?=[ \t]*:|[ \t]+(?!(?:reps?|sets?|ft|feet|times|trials?|laps?|each|ea|bouts?|rounds?|passes|steps)\b)[a-z])"
    )
    # a bare number right after a heading that opens its line is its minutes in terse notes ("TE 12 - seated
    # LE strengthening", "bed mob 10 - roll", "ther ex 10, gait 12 w/ RW"): from 1 to 60, before a dash, a comma
    # or a word, never before repetitions, a distance, a weight, an angle or a unit ("amb 50 ft", "ROM 90 flex")
    terse_minutes = (
        r"(?P<tmin>[1-9]\d?)(?![\d.:/x×'’′])"
        r"(?=[ \t]*[-–—][ \t]+\S|[ \t]*,[ \t]*\S|[ \t]+\((?!\d+\s*(?:min|'))|[ \t]+(?!" + _NOT_MINUTES + r")[a-z])"
    )
    # units written instead of minutes ("97110 x2 units:"): the block states no minutes
    units_written = r"[ \t]*[-–,:]?[ \t]*[x×]?[ \t]*(?P<units>\d{1,2})[ \t]*(?:units?|u)\b"
    # a template's minutes field ("Moist Heat - Duration - 10 -", "Ther Ex Time: 12") and its start/end times
    field_minutes = r"[ \t]*[-–:,|]?[ \t]*(?:duration|time|minutes|mins?)[ \t]*[:=–-]?[ \t]*(?P<fmin>\d{1,3})(?![\d:])"
    start_end = (
        r"[ \t]*[-–:,|]?[ \t]*(?:start(?:ed)?|time in|in)[ \t]*:?[ \t]*(?P<st>\d{1,2}:?\d{2})[ \t,;]*"
        r"(?:end(?:ed)?|stop|time out|out)[ \t]*:?[ \t]*(?P<et>\d{1,2}:?\d{2})"
    )
    # a dotted leader to the minutes ("THER EX..........12"); a template's blank minutes ("__ min")
    leader_minutes = r"[ \t]*\.{2,}[ \t]*(?P<dmin>\d{1,3})(?![\d.])"
    blank_minutes = rf"[ \t]*(?:[,:=|–-][ \t]*)?(?P<blank>_{{1,8}})[ \t]*{unit}"
    # one or two words between a heading and its minutes ("Orthotic adjustment 10 min -"): they stay content
    qualifier = (
        r"(?P<qual>(?:[ \t]+(?:[a-z][a-z/+&'-]{1,20}|[RLB](?=[ \t])|BIL|\([a-z][a-z /+&'-]{0,28}\))){1,2})"
        r"(?=[ \t]*[(:|–-]?[ \t]*x?[ \t]*\d{1,3}[ \t]*(?:min|'|’)"
        r"|[ \t]*\|[ \t]*(?:0?0:)?\d{1,3}[ \t]*\|"
        # or a template's minutes field or start time ("97129 Cognitive function - Start 13:00 End 13:35")
        r"|[ \t]*[-–:,|]?[ \t]*(?:start(?:ed)?|time in|duration|minutes)[ \t]*[:=–-]?[ \t]*\d)"
    )
    lead = (
        # mid-line only after a run's first blank: a start further into the run finds the same match later
        r"(?:(?<=\n)|^|(?<=[.;|]\s)|(?<=[.;|])|(?<=[.;]\s\s)|(?<=[.;][\"”']\s)|(?P<comma>(?<=,\s))"
        r"|(?P<mid>(?<=[ \t])(?<![ \t]{2})))"
        # possessive: nothing after these spaces starts with a space, and giving them back one by one costs
        # quadratic time on a long run of blanks (a pasted, space-aligned flowsheet)
        r"[ \t]*+(?:[-*•>]\s*+|\d{1,2}[.)][ \t]++)?"
        # a label before the heading on the same line ("Tx: TE 10 min"); across a line end the heading's own line
        # start finds it (a label ending a line, "Interventions Performed:", must not swallow the next line's start)
        + rf"(?:(?:{_alternation(reading.get('labels') or _LABELS)})[ \t]*+:[ \t]*+)?"
        # the part of the day before a session's heading ("AM ADL 0700-0730:", "PM session - gait 15 min")
        r"(?:(?:AM|PM|a\.m\.|p\.m\.)(?:[ \t]+session)?[ \t]*[-:]?[ \t]+"
        # or the session's number ("Session 1 (AM) ADL 0700-0730:", "Session 2 - 1300-1330 ther act:")
        r"|session[ \t]*\d{1,2}[ \t]*(?:\((?:AM|PM)\))?[ \t]*[-:]?[ \t]*)?"
        rf"(?:(?P<pre>\d{{1,4}}|{NUMBER_WORDS})[ \t]*-?[ \t]*(?:minutes|minute|mins|min|['’′])[ \t]+"
        r"(?P<preof>(?:of|on)[ \t]+)?"
        rf"|(?P<preclock>{CLOCK_RANGE})[ \t]*[:|–-]?[ \t]*)?"
    )
    hours_beside = HOURS.replace("(?P<hours>", "(?P<hmin>")
    return re.compile(
        lead
        # a word joined to the heading by a slash, or a hyphenated modifier, at a line's start ("Plyo/TherAct 10':",
        # "Dual-task gait: ... x 14 min"): the heading names the service, the word says which kind
        + r"(?P<mod>[A-Za-z][A-Za-z-]{1,15}[ \t]*/[ \t]*|[A-Za-z]{2,12}-[A-Za-z]{2,12}[ \t]+)?"
        + rf"(?P<heading>{_alternation(phrases).replace(_NO_SLASH, _SLASH_WORD).replace(_WORD_START, _AFTER_MOD)})"
        # a second heading or one more word after a slash, before the colon or minutes ("Stairs/curb 10 min:")
        + rf"(?:[ \t]*/[ \t]*(?:{_alternation(phrases)})|/[a-z][a-z-]{{1,15}}(?=[ \t]*[(:|–-]|[ \t]*x?\d)"
        + rf"|[ \t]+(?:{_alternation(phrases)})(?=[ \t]*[(:|x\d–-])|{qualifier})?"
        + _CODE_TAG
        + rf"(?:{column_minutes}|{units_written}|{leader_minutes}|{blank_minutes}|{field_minutes}|{start_end}"
        + r"|[ \t]*(?:[,:=|–-][ \t]*)?"
        + rf"(?:{minutes}|{paren_minutes}|{x_minutes}|(?P<clock>{CLOCK_RANGE})|{hours_beside}|{terse_minutes}))?"
        + r"(?P<end>[ \t]*[:|–-](?!\d)|[ \t]*,|[ \t]*\.(?=[ \t])|[ \t]*\n|[ \t]+(?=\S)|[ \t]*$)"
        + r"(?:[ \t]*(?P<bare>\d{1,3})[ \t]*(?=\n|$))?",
        re.IGNORECASE | re.MULTILINE,
    )


@lru_cache(maxsize=8)
def _compile(frozen: str) -> _Reader:
    reading = json.loads(frozen)
    heading_ids = {_key(p): h for h in reading["headings"] for p in h["phrases"]}
    phrases = [p for h in reading["headings"] for p in h["phrases"]]
    units = sorted(reading["minute_units"], key=len, reverse=True)
    unit = "(?:" + "|".join(re.escape(u) for u in units) + r")(?![a-z])"
    word_units = [u for u in units if u not in _APOSTROPHES]
    word_unit = "(?:" + "|".join(re.escape(u) for u in word_units) + r")(?![a-z])"
    heading = _heading_pattern(reading, phrases, unit)
    # the same pattern without apostrophe minutes: "amb 400' x2" is feet (see _feet)
    heading_words = _heading_pattern(reading, phrases, word_unit)
    section_ids = {_key(p): s["id"] for s in reading["sections"] for p in s["phrases"]}
    section = re.compile(
        # a bulleted line or a flowsheet row too ("- Total timed 28", "| Total timed | 20 |")
        # or inside a sentence, a total named in full (a dictation without full stops: "... five minutes rest
        # total treatment time thirty two minutes")
        r"(?:(?<=\n)|^|(?<=[.;]\s)|(?<=[.;])|(?<=,)(?=[ \t]*total\b)"
        r"|(?<=[ \t])(?=total[ \t]+(?:treatment|tx|timed|therapy)[ \t]+(?:time|minutes|min)\b))[ \t]*(?:[-*•>|][ \t]*)?"
        + rf"(?P<section>{_alternation([p for s in reading['sections'] for p in s['phrases']])})"
        + rf"(?P<rest>[ \t]*(?:[:=(|]|\.{{2,}}|(?=\s*(?:[a-z]+:?\s+){{0,2}}?x?\s*(?:\d|(?:{NUMBER_WORDS})\b))))",
        re.IGNORECASE | re.MULTILINE,
    )
    body_minutes = re.compile(
        # ("every 20 minutes", "q5 min" say how often, not how long)
        # ("recovered in 2 min", "within 5 min", "1 min x3 sets" time a finding or a set, not the block)
        r"(?<![\d.])(?<!every )(?<!each )(?<!\bq)(?<!\bq )(?<!\bin )(?<!\bwithin )(?<!\bafter )(?<![<>≥≤])(?<![<>≥≤] )"
        r"(?:x\s*)?(?P<min>\d{1,4})\s*-?\s*(?:minutes?|mins?)\b"
        r"(?![ \t]*(?:/|per |a |each )[ \t]*(?:wk|week|mo|month|day|session)s?\b)"
        r"(?![ \t]*(?:x[ \t]*\d|each\b|ea\b|bouts?\b|holds?\b|intervals?\b|->|→))(?<!tolerance \d)(?<!tolerance \d\d)"
        r"|\(\s*(?P<paren>\d{1,4})\s*['’′]\s*\)"
        rf"|(?<![\d.]){HOURS}"
        # a template's minutes field ("Minutes: 8", "Duration - 15", "Time: 12")
        r"|(?<![\w-])(?:duration|minutes|mins|time)[ \t]*[:=–-][ \t]*(?P<field>\d{1,3})(?![\d:])"
        # a bare number in brackets that ends a sentence is its minutes ("... to organize his body (15).")
        r"|\((?P<bare>[1-9]\d{0,2})\)(?=[ \t]*(?:[.;]|$))"
        rf"|(?<![\w-])(?<!every )(?<!each )(?<!\bin )(?<!\bwithin )(?<!\bafter )"
        rf"(?P<word>{NUMBER_WORDS})[ \t]+(?:minutes|minute|mins)\b",
        re.IGNORECASE,
    )
    body_range = re.compile(r"(?<![\d.])\d{1,4}\s*(?:-|–|to)\s*\d{1,4}\s*(?:minutes|minute|mins|min)\b", re.IGNORECASE)
    opening = re.compile(rf"\s*(?P<heading>{_alternation(phrases)})", re.IGNORECASE)
    named = [p for h in reading["headings"] if h.get("decides") == "heading" and h.get("claims") for p in h["phrases"]]
    service = re.compile(rf"(?P<heading>{_alternation(named)})", re.IGNORECASE) if named else None
    anywhere = re.compile(rf"(?P<heading>{_alternation(phrases)})", re.IGNORECASE)
    return _Reader(
        heading, heading_ids, section, section_ids, body_minutes, body_range, opening, service, anywhere, heading_words
    )


def clock_minutes(span: str) -> int | None:
    """The minutes between the two times of a range ("0930-0945" -> 15; across midnight too); None if not a
    range of times (both sides need four digits or a colon, so "10-15" stays a range of minutes)."""
    left, right = (part.strip() for part in re.split(r"[-–]|to", span, maxsplit=1))
    if not all(":" in side or len(side) in (3, 4) for side in (left, right)):
        return None

    def at(side: str) -> int:
        digits = side.replace(":", "")
        return int(digits[:-2]) * 60 + int(digits[-2:])

    return (at(right) - at(left)) % (24 * 60) or None


def reader(reading: dict[str, Any]) -> _Reader:
    """The compiled reader for data/note_reading.yaml (cached on its content)."""
    keys = ("headings", "minute_units", "sections", "labels")
    return _compile(json.dumps({k: reading.get(k) for k in keys}, sort_keys=True))


#: a heading followed by a few words and then minutes ("e-stim unattended 15 min")
_QUALIFIED_MINUTES = re.compile(
    r"(?:[\w/ (),:-]|\.(?!\s)){0,40}?\b\d{1,4}\s*-?\s*(?:minutes|minute|mins|min\b|['’′])", re.IGNORECASE
)


#: minutes that end a line ("... cues for upright posture x 10 min.")
_LINE_END_MINUTES = re.compile(
    r"(?:^|\s)[x×]?\s*\d{1,3}\s*-?\s*(?:minutes|minute|mins|min|['’′])\s*[.)]?[ \t]*$", re.IGNORECASE
)


def _line_end_minutes(rest: str) -> int | None:
    """The minutes that end the rest of a heading's line, when no sentence ends before them (one statement)."""
    m = _LINE_END_MINUTES.search(rest)
    if m is None or re.search(r"[.;!?](?=\s|$)", rest[: m.start()]):
        return None
    return int(re.search(r"\d{1,3}", m.group(0)).group(0))


#: flowsheet column names that hold units, not minutes
_UNIT_COLUMNS = frozenset({"units", "unit", "u", "# units", "no. units"})


def _column_name(text: str, pos: int) -> str | None:
    """The header of the flowsheet column `pos` sits in: the nearest earlier line with as many cells, its cell
    at the same index (lower case); None when the note has no such header line."""
    line_start = text.rfind("\n", 0, pos) + 1
    index = text.count("|", line_start, pos)
    before = text[:line_start].split("\n")
    for line in reversed(before):
        cells = [c.strip().lower() for c in line.split("|")]
        if len(cells) > index and not any(ch.isdigit() for ch in line):
            return cells[index]
    return None


#: flowsheet column names that hold minutes
_MINUTE_COLUMNS = frozenset({"min", "mins", "minutes", "minute", "time", "tx time", "time (min)"})


def _minutes_cell(text: str, pos: int) -> int | None:
    """The row's cell under a minutes column of the header (when its units sit in another column)."""
    line_start = text.rfind("\n", 0, pos) + 1
    line_end = text.find("\n", pos)
    row = [c.strip() for c in text[line_start : len(text) if line_end < 0 else line_end].split("|")]
    for line in reversed(text[:line_start].split("\n")):
        cells = [c.strip().lower() for c in line.split("|")]
        if len(cells) > 1 and not any(ch.isdigit() for ch in line):
            for i, name in enumerate(cells):
                if name in _MINUTE_COLUMNS and i < len(row) and row[i].isdigit():
                    return int(row[i])
            return None
    return None


def _line_minutes_of(m: re.Match[str], text: str) -> int | None:
    """The line-end minutes of a heading that opens its line and states no minutes of its own."""
    if m.group("comma") is not None or m.group("mid") is not None:
        return None
    if text[text.rfind("\n", 0, m.start("heading")) + 1 : m.start("heading")].strip(" \t-*•>"):
        return None
    line_end = text.find("\n", m.end())
    return _line_end_minutes(text[m.end() : len(text) if line_end < 0 else line_end])


#: a charge line of a billing summary: a code and its units, nothing else ("97110 x1", "97530-GO x 2 units")
_CHARGE_LINE = re.compile(
    r"[ \t]*(?:[-–]?[ \t]*[A-Z]{2}\b)?[ \t]*[x×][ \t]*\d{1,2}[ \t]*(?:units?)?[ \t]*[,;.]?[ \t]*$", re.I
)


def _x_minutes_heading(m: re.Match[str], rd: _Reader) -> bool:
    """Whether "x" and a bare number after this heading can be its minutes: after a billing abbreviation written in
    capitals ("TE x15", "MT x10") or a service its name decides ("Paraffin x10"), not after an activity, where the
    number counts repetitions ("STS x10 from mat")."""
    written = m.group("heading").strip()
    info = rd.heading_ids[_key(written)]
    return (written.isupper() and len(written) <= 4) or info.get("decides") == "heading"


#: a template's time field on a line of its own ("Time: 0930-0940", "Time: 9:00-9:20", "Duration: 15 min",
#: "Time: --"); `_time_cell` reads its cell
_TIME_FIELD = re.compile(
    r"^[ \t]*(?:time|duration|tx time|treatment time|minutes|mins)[ \t]*[:=](?P<cell>[^\n]*)$", re.I | re.M
)


def _time_cell(cell: str) -> tuple[bool, int | None]:
    """(whether a time field's cell is a time, its minutes): a time-of-day range, minutes in any form of a
    flowsheet cell ("20", "20'", "20 min"), or left blank ("--", "n/a": a time, no minutes)."""
    cell = cell.strip().rstrip(".")
    if re.fullmatch(CLOCK_RANGE, cell):
        return True, clock_minutes(cell)
    return _cell_minutes(cell)


#: minutes written with a word unit ("8 min", "10 minutes"): an apostrophe may be feet ("RW 150'")
_WORD_MINUTES = re.compile(r"(?<![\d.])\d{1,3}[ \t]*-?[ \t]*(?:minutes|minute|mins|min)\b", re.IGNORECASE)


def _in_terse_list(m: re.Match[str], text: str, rd: _Reader) -> bool:
    """Whether the line before the heading's line opens with a service and its minutes written beside it
    ("TE 15 - ...", "HP 10 L knee"): the heading's line is then one more row of the same list (a visit's opening
    line, "Aquatic PT - 4 ft pool", has no row above it)."""
    line_start = text.rfind("\n", 0, m.start("heading")) + 1
    if not line_start:
        return False
    row = rd.heading.match(text, text.rfind("\n", 0, line_start - 1) + 1)
    if row is None or row.group("mid") is not None or not any(row.group(g) for g in _BESIDE_GROUPS):
        return False
    # a heading that opens a list of its own ("TA 20 min:" over "transfers sit<>stand x5") is no row
    return bool(re.search(r"[A-Za-z]", text[row.end() : line_start]))


def _modified_heading(m: re.Match[str], text: str) -> bool:
    """A heading with a word before it ("Plyo/TherAct", "Dual-task gait") opens its line and is followed by a colon
    or a dash, or states its minutes: inside a sentence those words are prose ("step-down gait was ...")."""
    if text[text.rfind("\n", 0, m.start("mod")) + 1 : m.start("mod")].strip(" \t-*•>"):
        return False
    return bool(m.group("end").strip(" \t") in (":", "-", "–", "|") or any(m.group(g) for g in _BESIDE_GROUPS))


#: the end of a comma list's item that is a service and its minutes ("ther ex 10, gait 12": "ther ex 10")
_LIST_ITEM_MINUTES = re.compile(r"\d{1,3}[ \t]*(?:minutes|mins?|m|['’′])?[ \t]*$", re.IGNORECASE)


def _item_before(text: str, pos: int) -> str:
    """The comma list's item before the one at `pos` (which follows a comma): "ther ex 10" in "ther ex 10, gait 12"."""
    comma = text.rfind(",", 0, pos)
    return text[max(text.rfind(",", 0, comma), text.rfind("\n", 0, comma)) + 1 : comma]


def _terse_minutes_heading(m: re.Match[str], text: str, rd: _Reader) -> bool:
    """Whether a bare number after this heading can be its minutes: the heading opens its line (or an item of a
    comma list), the number is at most 60, and after a walking heading ("amb 50 w/ RW": 50 feet) a number past
    20 is minutes only before a dash ("GT 25 - RW")."""
    if m.group("mid") is not None:
        return False
    if m.group("comma") is not None and not _LIST_ITEM_MINUTES.search(_item_before(text, m.start())):
        return False  # a list of services ends each item with its minutes; "gait 10 RW 150' SBA, stairs 4" does not
    if m.group("comma") is None and text[text.rfind("\n", 0, m.start("heading")) + 1 : m.start("heading")].strip(
        " \t-*•>"
    ):
        return False
    value = int(m.group("tmin"))
    line_end = text.find("\n", m.end("tmin"))
    if value > 60 or _WORD_MINUTES.search(text[m.end("tmin") : len(text) if line_end < 0 else line_end]):
        return False  # minutes written with their unit later on the line are the block's ("US 1 MHz ... 8 min")
    walking = rd.heading_ids[_key(m.group("heading"))].get("id") == "gait_training"
    return not walking or value <= 20 or bool(re.match(r"[ \t]*[-–—][ \t]", text[m.end("tmin") :]))


def _valid_heading(m: re.Match[str], text: str, rd: _Reader) -> bool:
    """A heading needs a colon or dash after it, minutes beside it or on its line, or a line of its own.

    An evaluation heading may also open a sentence on its own ("PT eval, low complexity."), and a heading
    marked `line_opens` (an untimed service, which has no minutes to write) a line ("HP to R knee.")."""
    end = m.group("end")
    if m.group("xmin") and not _x_minutes_heading(m, rd):
        return False
    if m.group("tmin") and not _terse_minutes_heading(m, text, rd):
        return False
    if m.group("mod") and not _modified_heading(m, text):
        return False
    if re.fullmatch(r"\d{5}|G\d{4}", m.group("heading"), re.I):
        line_end = text.find("\n", m.end("heading"))
        if _CHARGE_LINE.match(text[m.end("heading") : len(text) if line_end < 0 else line_end]):
            return False  # a billing summary's charge line, not a block of time
    if m.group("comma") is not None:  # inside a list ("TE 10', NMR 8'"): only a heading with its minutes
        stated = ("min", "pmin", "nmin", "cmin", "clock", "tmin")
        return any(m.group(g) for g in stated)
    if m.group("mid") is not None and re.search(
        r"\b(?:after|post|following|before|prior to|since)[ \t]+$",
        text[max(0, m.start("heading") - 12) : m.start("heading")],
    ):
        return False  # "Tx after eval 10 min:" names when the block came, not an evaluation
    if m.group("mid") is not None:  # inside a sentence ("Pt performed TherEx x12 min incl. ..., then gait trg x10 min")
        # only with its minutes, and with its content after them: minutes that end the sentence are the sentence's
        # ("... did ten minutes of therapeutic exercise with cues": minutes before it, joined by "of")
        stated = m.group("min") or m.group("preof")
        return bool(stated) and end.strip() != "." and "\n" not in end and m.end() < len(text)
    if any(m.group(g) for g in MINUTE_GROUPS) or m.group("range") or m.group("units"):
        return True
    if end.strip() == ".":  # a full stop closes minutes ("Ther ex: 15 minutes. Bike ..."), never a bare heading
        return False
    if end.strip() == ",":  # "OT eval, moderate complexity" opens a block; "bed mobility, supine to sit" does not
        return rd.heading_ids[_key(m.group("heading"))].get("decides") == "evaluation"
    if end.strip() or "\n" in end:
        return True
    line_end = text.find("\n", m.end())
    rest = text[m.end() : len(text) if line_end < 0 else line_end]
    info = rd.heading_ids[_key(m.group("heading"))]
    if info.get("decides") == "evaluation":
        return True
    line_start = not text[text.rfind("\n", 0, m.start("heading")) + 1 : m.start("heading")].strip(" \t-*•>")
    if info.get("line_opens") and line_start:  # an untimed service written as a line of its own ("HP to R knee.")
        return True
    if line_start and _line_end_minutes(rest) is not None:
        # a line that opens with a service and ends with its minutes ("Gait training with FWW ... x 10 min")
        return True
    if line_start and m.group("end").strip(" \t") == "" and _in_terse_list(m, text, rd):
        # a row of a terse list of services that forgot its minutes ("ther ex 15 - LAQ" / "gait 2x100' SPC SBA")
        return True
    return bool(_QUALIFIED_MINUTES.match(rest))


def _describes_previous(m: re.Match[str], found: list[re.Match[str]], text: str) -> bool:
    """A heading inside a sentence whose earlier heading has no minutes yet names that block's work, not a new
    block ("E-stim unattended IFC 15 min to lumbar")."""
    if (m.group("mid") is None and m.group("comma") is None) or not found:
        return False
    prev = found[-1]
    has_minutes = any(prev.group(g) for g in (*MINUTE_GROUPS, "range", "units"))
    return not has_minutes and _SENTENCE_START.search(text, prev.end(), m.start("heading")) is None


def _apostrophe_distance(text: str, number_end: int, value: int) -> bool:
    """Whether the number ending at `number_end`, written with an apostrophe, is a distance: more than an hour's
    worth, or followed by repetitions or a device ("amb 150' x2 w/ SPC", "300' x 15 min")."""
    after = text[number_end : number_end + 12]
    unit = re.match(r"[ \t]*-?[ \t]*(['’′])", after)
    if unit is None:
        return False
    rest = after[unit.end() :]
    return value > MAX_APOSTROPHE_MINUTES or re.match(r"[ \t]*(?:x[ \t]*\d|w/|with\b)", rest) is not None


#: headings that are a walking verb: the apostrophe after them is feet ("amb 10' w/ RW")
_WALKING = re.compile(r"amb\w*|walk\w*", re.IGNORECASE)


def _feet(m: re.Match[str], text: str) -> bool:
    """Whether a heading's "minutes" written with an apostrophe are a distance (see _apostrophe_distance). After a
    service's name ("Gait 10' w/ SPC, cues") a number up to half an hour before a device is its minutes; after a
    walking verb it is feet ("amb 10' w/ RW")."""
    if not m.group("min"):
        return False
    value = int(m.group("min"))
    if not _WALKING.fullmatch(m.group("heading").strip()) and value <= 30:
        after = text[m.end("min") : m.end("min") + 14]
        return re.match(r"[ \t]*-?[ \t]*['’′][ \t]*x[ \t]*\d", after) is not None
    return _apostrophe_distance(text, m.end("min"), value)


def _headings(text: str, rd: _Reader) -> list[re.Match[str]]:
    found = []
    pos = 0
    while (m := rd.heading.search(text, pos)) is not None:
        if _feet(m, text):
            m = rd.heading_words.match(text, m.start()) or m
        if _valid_heading(m, text, rd) and not _describes_previous(m, found, text):
            found.append(m)
            pos = m.end()
        else:
            pos = m.start("heading") + 1
    return found


#: where a sentence or a line starts (a block's earliest start)
_SENTENCE_START = re.compile(r"\n|[.;](?=\s)|^")

#: where a section line ends: the line's end, or the next SOAP label on the same line
_SECTION_END = re.compile(r"\n|(?<![\w/])(?:[SOAP]|Subjective|Objective|Assessment|Plan)\s*:", re.IGNORECASE)


def _sections(text: str, rd: _Reader) -> list[dict[str, Any]]:
    out = []
    for m in rd.section.finditer(text):
        sid = rd.section_ids[_key(m.group("section"))]
        stop = _SECTION_END.search(text, m.end())
        end = len(text) if stop is None else stop.start()
        stated = None
        if sid.startswith("total"):
            num = re.match(
                r"[\s:=(|.]*(?:\(?[a-z]+\)?[:\s]+){0,2}?x?\s*"
                rf"(?:(\d{{1,4}}(?:\.\d{{1,2}})?)(?:[ \t]*(hours?|hrs?)\b)?|({NUMBER_WORDS})[ \t]+(?:minutes|mins?)\b)",
                text[m.end("section") : end],
                re.I,
            )
            if num is None:
                continue
            # a total in hours is that many minutes ("Total therapy: 1 hr", "1.5 hrs"); in words, dictated
            if num.group(3):
                stated = word_number(num.group(3))
            else:
                stated = round(float(num.group(1)) * 60) if num.group(2) else int(float(num.group(1)))
            # a total is one statement: the sentence ends it ("Pt seen for 38 min. Began w/ ...")
            after = m.end("section") + num.end()
            full_stop = re.search(r"[.;](?=\s)", text[after:end])
            end = after + full_stop.end() if full_stop else end
        out.append({"id": sid, "start": m.start("section"), "end": end, "minutes": stated})
    for m in _TOTAL_AFTER.finditer(text):  # "27 min timed.", "38 minutes total"
        if any(s["start"] <= m.start("num") < s["end"] for s in out):
            continue
        kind = "total_timed" if "timed" in m.group("kind").lower() else "total_treatment"
        out.append({"id": kind, "start": m.start("num"), "end": m.end(), "minutes": int(m.group("num"))})
    return sorted(out, key=lambda s: s["start"])


#: a total written minutes first, as a sentence of its own ("27 min timed.", "38 minutes total today")
_TOTAL_AFTER = re.compile(
    r"(?:(?<=\n)|^|(?<=[.;]\s))[ \t]*(?P<num>\d{1,3})[ \t]*(?:minutes|mins?|['’′])[ \t]+"
    r"(?P<kind>total[ \t]+timed|timed[ \t]+total|timed|total)\b[^.;\n]*[.;]?",
    re.IGNORECASE | re.MULTILINE,
)


def _opens_sentence_with_minutes(m: re.Match[str]) -> bool:
    """A heading that starts a sentence or a line (not inside a list or a sentence) and states its minutes."""
    started = m.group("comma") is None and m.group("mid") is None
    return started and any(m.group(g) for g in (*MINUTE_GROUPS, "range", "units"))


def _clip_sections(sections: list[dict[str, Any]], heads: list[re.Match[str]]) -> list[dict[str, Any]]:
    """A goal, plan, assessment or subjective section ends where a new sentence of its line opens a block with
    its minutes ("LTG: indep LB dressing in 4 wks. ADL 15 min: ..."): the block is what happened, the section
    before it is not. Totals keep their own end (a total is one statement already)."""
    out = []
    for sec in sections:
        if not sec["id"].startswith("total"):
            inside = [
                m for m in heads if sec["start"] < m.start("heading") < sec["end"] and _opens_sentence_with_minutes(m)
            ]
            if inside:
                first = inside[0]
                opens = first.start("pre") if first.group("pre") else first.start("heading")
                sec = {**sec, "end": first.start("preclock") if first.group("preclock") else opens}
        out.append(sec)
    return out


def _body_minutes(text: str, start: int, end: int, rd: _Reader, skip: list[tuple[int, int]]) -> dict[str, Any]:
    """Minutes written inside a block's text: {"minutes", "found": [...], "range": str | None}."""
    ranges = [m for m in rd.body_range.finditer(text, start, end) if not _inside(m.start(), skip)]
    if ranges:
        return {"minutes": None, "found": [], "range": " ".join(ranges[0].group(0).split())}
    found = []
    for m in rd.body_minutes.finditer(text, start, end):
        if _inside(m.start(), skip):
            continue
        count = (
            word_number(m.group("word"))
            if m.group("word")
            else round(float(m.group("hours")) * 60)
            if m.group("hours")
            else int(m.group("min") or m.group("paren") or m.group("bare") or m.group("field"))
        )
        found.append({"text": m.group(0).strip(), "minutes": count, "bare": bool(m.group("bare"))})
    if any(not f["bare"] for f in found):  # "ten minutes on the swing (10)": the bracket repeats them
        found = [f for f in found if not f["bare"]]
    total = sum(f["minutes"] for f in found) if found else None
    return {"minutes": total, "found": found, "range": None}


def _inside(pos: int, spans: list[tuple[int, int]]) -> bool:
    return any(s <= pos < e for s, e in spans)


def _unheaded(start: int, end: int, minutes: int | None, minutes_from: str | None, range_: str | None) -> dict:
    """A block without a heading: its content decides everything."""
    return {
        "span": [start, end],
        "content": [start, end],
        "heading": None,
        "heading_id": None,
        "claims": None,
        "decides": "content",
        "codes_by_rule": {},
        "minutes": minutes,
        "minutes_from": minutes_from,
        "range": range_,
    }


#: a line (or a sentence before the first heading) that states its own minutes without a known heading
_UNHEADED = re.compile(
    r"(?:(?<=\n)|^|(?<=[.;]\s))[ \t]*(?:[-*•]\s*)?(?P<lead>[A-Za-z][^\n:.;|]{0,160}?)[ \t](?:[|:][ \t]*)?(?:x[ \t]*)?"
    r"(?:(?P<min>\d{1,3})[ \t]*(?:-?[ \t]*(?:minutes|minute|mins|min)\b"
    r"(?![ \t]*(?:/|per )[ \t]*(?:wk|week|mo|month|day)s?\b)(?![ \t]*(?:->|→))|['’′](?=[:\s]))"
    rf"|(?P<word>{NUMBER_WORDS})[ \t]+(?:minutes|minute|mins)\b"
    # a template's minutes field after the service ("Fine motor - Minutes: 10 - stringing beads")
    r"|(?<=[-–][ \t])(?:minutes|mins|duration)[ \t]*:[ \t]*(?P<fmin>[1-9]\d{0,2})(?=[ \t]*(?:[-–][ \t]|$))"
    # bracketed minutes before a colon or closing the line ("Obstacle course (10):", "... observed (5')")
    r"|\((?P<pmin>[1-9]\d{0,2})(?:[ \t]*(?:minutes|mins?|['’′]))?\)(?=[ \t]*(?::|\.?[ \t]*$))"
    rf"|{HOURS})"
    r"(?P<opens>[ \t]*[:–-](?!\d))?",
    re.IGNORECASE | re.MULTILINE,
)


#: the same, where the writer puts "m" for minutes ("Community reintegration 45m: ...", "Waiting for the van 15m.")
_UNHEADED_M = re.compile(
    _UNHEADED.pattern.replace(r"(?:minutes|minute|mins|min)\b", r"(?:minutes|minute|mins|min|m)\b", 1), _UNHEADED.flags
)


def _writes_m_for_minutes(text: str) -> bool:
    """Whether the note writes minutes as "45m" (twice or more beside a colon, a full stop or a line's end) and
    never metres in words: then a line's "10m" is minutes too."""
    marks = re.findall(r"\b\d{1,3}m\b(?=[ \t]*(?:[:.,]|$))", text, re.M)
    return len(marks) >= 2 and re.search(r"\b(?:met(?:er|re)s?|km)\b", text, re.I) is None


#: a line that opens with its minutes and no heading after them ("8' joint mobs radiocarpal gr II")
_MINUTES_FIRST = re.compile(
    r"^[ \t]*(?:[-*•][ \t]*)?(?P<lead_min>(?P<min>\d{1,3})[ \t]*(?:minutes|minute|mins|min|['’′])[ \t:,-]*)"
    r"(?=[A-Za-z])",
    re.IGNORECASE | re.MULTILINE,
)


#: a line or sentence that opens with a time-of-day range ("3:15-3:25 climbing wall", "From 1015 to 1030 gait")
_CLOCK_FIRST = re.compile(
    rf"(?:(?<=\n)|^|(?<=[.;!?]\s))[ \t]*(?:[-*•][ \t]*)?(?:from[ \t]+)?(?P<clock>{CLOCK_RANGE})[ \t:,-]*(?=[A-Za-z])",
    re.IGNORECASE | re.MULTILINE,
)


def _openers(text: str) -> list[tuple[int, int, int]]:
    """(start, minutes, content start) of every line that opens with its minutes or a time range."""
    out = [
        (m.start("min"), int(m.group("min")), m.end("lead_min"))
        for m in _MINUTES_FIRST.finditer(text)
        if not _apostrophe_distance(text, m.end("min"), int(m.group("min")))
    ]
    for m in _CLOCK_FIRST.finditer(text):
        minutes = clock_minutes(m.group("clock"))
        if minutes is not None:
            out.append(
                (m.start("clock") if not text[m.start() : m.start("clock")].strip() else m.start(), minutes, m.end())
            )
    return sorted(out)


def _next_start(blocks_: list[dict[str, Any]], pos: int, default: int) -> int:
    """Where the next block after `pos` starts (or `default`)."""
    return min([b["span"][0] for b in blocks_ if b["span"][0] > pos] or [default])


#: how a dictated note moves to its next block ("Then 10 minutes of ...", "Finished with 8 minutes ...")
_SEQUENCE_WORD = re.compile(
    r"(?:(?:she|he|they|pt|patient|the patient)[ \t]+)?"
    r"(?:then|next|also|after that|afterwards|finished|followed|finally|lastly|ended|we|i)\b",
    re.IGNORECASE,
)


def _with_unheaded(
    text: str, found: list[dict[str, Any]], sections: list[tuple[int, int]], reading: dict[str, Any]
) -> list[dict[str, Any]]:
    """`found` plus a block for each unheaded line that states its own minutes ("UBE 8 min warm-up").

    Such a line opens a block when it comes before the first heading, or when the block it sits in already
    took its minutes from its heading (so the line's minutes are not that block's)."""
    from engine.assertions import spans as context_spans

    quiet = [
        (s["start"], s["end"])
        for s in context_spans(text, reading.get("context"))
        if s["category"] in ("negated", "hypothetical", "historical")
    ]
    out = list(found)
    rd = reader(reading)
    heading_starts = [b["span"][0] for b in found]
    for start, minutes, lead_end in _openers(text):  # "8' joint mobs ...", "3:15-3:25 climbing wall ..."
        if _inside(start, sections) or any(abs(h - start) <= 1 for h in heading_starts) or _inside(start, quiet):
            continue
        line = text[lead_end : (text.find("\n", start) + 1 or len(text) + 1) - 1]
        if rd.section.match(line) or re.match(r"(?:total|timed|tx time|treatment time)\b", line, re.IGNORECASE):
            continue  # "38 min timed total." states a total, not a block
        holder = next((b for b in out if b["span"][0] <= start < b["span"][1]), None)
        if holder is not None and start <= holder["content"][0]:
            continue
        end = holder["span"][1] if holder is not None else _next_start(out, start, len(text))
        if holder is not None:
            holder["span"][1] = holder["content"][1] = start
            if holder["minutes_from"] not in ("heading", "line") and holder["minutes"] is not None:
                body = _body_minutes(text, holder["content"][0], start, rd, sections)
                holder["minutes"], holder["range"] = body["minutes"], body["range"]
                holder["minutes_from"] = " + ".join(f["text"] for f in body["found"]) or None
        block = _unheaded(start, end, minutes, " ".join(text[start:lead_end].split()), None)
        block["content"] = [lead_end, end]
        block["minutes_from"] = "line"
        out.append(block)
        out.sort(key=lambda b: b["span"][0])
    for m in (_UNHEADED_M if _writes_m_for_minutes(text) else _UNHEADED).finditer(text):
        start = m.start("lead")
        if m.group("min") and _apostrophe_distance(text, m.end("min"), int(m.group("min"))):
            continue  # "during gait ..., 300' x 15 min": feet
        said_at = next(m.start(g) for g in ("min", "word", "pmin", "fmin", "hours") if m.group(g))
        if _inside(start, sections) or _inside(said_at, quiet):
            continue
        if any(start < h < m.start("min") for h in heading_starts) or rd.section.match(text, start):
            continue  # a heading or a total inside the line opens it ("Today: TE 18 min", "Total time (timed): 35")
        holder = next((b for b in out if b["span"][0] <= start < b["span"][1]), None)
        if holder is not None and abs(holder.get("inner", -99) - start) <= 3:  # a merged title's own heading
            continue
        if holder is None:
            if found and start > found[0]["span"][0]:
                continue
            line_end = text.find("\n", start)
            end = min(found[0]["span"][0] if found else len(text), line_end if line_end >= 0 else len(text))
        else:
            at_line_start = not text[text.rfind("\n", 0, start) + 1 : start].strip(" \t-*•")
            has_own = holder["minutes_from"] in ("heading", "line") or (
                holder["heading"] is None and holder["minutes"] is not None
            )
            # a sentence with its own minutes after one that already gave the block its minutes is a block of its
            # own ("Ther ex: putty, wrist curls, 14 min. Splint check, no adjustments needed, 3 min.")
            prior = (
                not has_own
                and holder["minutes"] is not None
                and text[max(0, start - 2) : start].strip() in (".", ";")
                and _body_minutes(text, holder["content"][0], start, rd, sections)["minutes"] is not None
            )
            # written like a heading ("Tx after eval 10 min:", "Scar massage 10 min - ..."): a block of its own
            opens = m.group("opens") is not None
            # a sentence that opens with a few words and its minutes is the next block of a dictated note
            # ("Then 10 minutes of standing balance work ...", "Finished with 8 minutes reviewing her HEP")
            told = text[max(0, start - 2) : start].strip() in (".", "!") and _SEQUENCE_WORD.match(m.group("lead"))
            if start <= holder["content"][0] or not (
                (at_line_start and (has_own or opens)) or (has_own and (opens or told)) or prior
            ):
                continue
            end = holder["span"][1]
            holder["span"][1] = holder["content"][1] = start
            if not has_own and holder["minutes"] is not None:  # its minutes were read from the text split off
                body = _body_minutes(text, holder["content"][0], start, rd, sections)
                holder["minutes"], holder["range"] = body["minutes"], body["range"]
                holder["minutes_from"] = " + ".join(f["text"] for f in body["found"]) or None
        count = (
            round(float(m.group("hours")) * 60)
            if m.group("hours")
            else int(m.group("min") or m.group("pmin") or m.group("fmin") or 0) or word_number(m.group("word"))
        )
        out.append(_unheaded(start, end, count, " ".join(m.group(0).split()), None))
    return sorted(out, key=lambda b: b["span"][0])


#: a sentence, or a clause that hands over to the next service (", then ...")
_SENTENCE = re.compile(
    r"[^\n]*?(?:[.!?](?=\s)|,?(?<!\s)(?=\s++then\s)|,(?=\s++(?:he|she|pt|patient|they)\s++also\s)|,(?=\s++total\s)|\n|$)",
    re.IGNORECASE,
)


def _by_sentences(
    text: str, rd: _Reader, sections: list[tuple[int, int]], stop_at: int | None = None, at_least: int = 2
) -> list[dict[str, Any]]:
    """Text without headings (the whole note, or the part before the first heading: `stop_at`) whose
    sentences or lines state minutes at least `at_least` times: one block per stretch that ends with a
    sentence stating minutes ("... cues scap depression - 14 min."). Fewer: []."""
    region = text if stop_at is None else text[:stop_at]
    cuts: list[tuple[int, int, dict[str, Any]]] = []
    for m in _SENTENCE.finditer(region):
        if m.end() == m.start() or _inside(m.start(), sections):
            continue
        body = _body_minutes(text, m.start(), m.end(), rd, sections)
        if body["minutes"] is not None or body["range"]:
            cuts.append((m.start(), m.end(), body))
    if len(cuts) < at_least:
        return []
    out, start = [], 0
    for i, (_s, end, body) in enumerate(cuts):
        stop = len(region) if i == len(cuts) - 1 else end
        stop = min([stop, *(a for a, _ in sections if a >= end)]) if i == len(cuts) - 1 else stop
        found = " + ".join(f["text"] for f in body["found"]) or None
        out.append(_unheaded(start, stop, body["minutes"], found, body["range"]))
        start = end
    return out


def _merge_evaluation_titles(found: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """An evaluation heading without minutes right before another evaluation block is that block's title
    ("PT re-eval, R shoulder.\nRe-eval 20 min: ..."): one block, not two."""
    out: list[dict[str, Any]] = []
    for block in found:
        prev = out[-1] if out else None
        if (
            prev is not None
            and prev["decides"] == block["decides"] == "evaluation"
            and prev["minutes"] is None
            and not prev["range"]
        ):
            out[-1] = {
                **block,
                "span": [prev["span"][0], block["span"][1]],
                "content": [prev["content"][0], block["content"][1]],
                "heading": prev["heading"],
                "inner": block["span"][0],
            }
            continue
        out.append(block)
    return out


#: what an evaluation's findings read like after a domain's name ("Cognition: A&Ox2", "Balance: Berg 41/56")
_FINDING = re.compile(
    r"[ \t]*[:–-]?[ \t]*(?:A\s?&\s?O|AOx|WFL|WNL|intact|impaired|grossly|within|limited|decreased|"
    r"\d{1,3}\s?/\s?\d{1,3}|(?:Berg|TUG|MMT|MoCA|SLUMS|FIM|ROM)\b)",
    re.IGNORECASE,
)


def _merge_evaluation_findings(found: list[dict[str, Any]], text: str) -> list[dict[str, Any]]:
    """A heading with no minutes inside an evaluation, followed by a finding ("Cognition: A&Ox2, impaired safety
    awareness"), names a domain the evaluation assessed: it belongs to the evaluation, not a block of its own."""
    out: list[dict[str, Any]] = []
    for block in found:
        prev = out[-1] if out else None
        if (
            prev is not None
            and prev["decides"] == "evaluation"
            and block["decides"] != "evaluation"
            and block["minutes"] is None
            and not block["range"]
            and _FINDING.match(text, block["content"][0])
        ):
            out[-1] = {
                **prev,
                "span": [prev["span"][0], block["span"][1]],
                "content": [prev["content"][0], block["content"][1]],
            }
            continue
        out.append(block)
    return out


def _claim_opening(block: dict[str, Any], text: str, rd: _Reader) -> dict[str, Any]:
    """An unheaded block that opens with a service's name of two words or more ("Gait training with a walker",
    "Functional training for reaching") carries that name as the writer's claim; the words are the claim,
    not evidence, so the content starts after them. "Amb 150 ft" is content: one word names nothing."""
    start, end = block["content"]
    opening = rd.opening.match(text, start, end)
    if opening is None or len(re.split(r"[\s.\-]+", opening.group("heading").strip())) < 2:
        return block
    info = rd.heading_ids.get(_key(opening.group("heading")))
    if info is None:
        return block
    return {
        **block,
        "content": [opening.end(), end],
        "heading": " ".join(opening.group("heading").split()),
        **_heading_fields(info),
        "opening": True,
    }


def _heading_fields(info: dict[str, Any]) -> dict[str, Any]:
    """What a block takes from its heading's entry in data/note_reading.yaml."""
    return {
        "heading_id": info["id"],
        "claims": info.get("claims"),
        "decides": info.get("decides", "content"),
        "codes_by_rule": info.get("codes_by_rule", {}),
        "attended": info.get("attended"),
        "grouped": info.get("grouped"),
    }


def services_named(text: str, reading: dict[str, Any]) -> set[str]:
    """The ids of every heading of data/note_reading.yaml whose name occurs in `text`."""
    rd = reader(reading)
    return {rd.heading_ids[_key(m.group("heading"))]["id"] for m in rd.anywhere.finditer(text)}


def _named_service(block: dict[str, Any], text: str, rd: _Reader, reading: dict[str, Any]) -> dict[str, Any]:
    """An unheaded block whose first sentence, or the sentence that states its minutes, names a service its name
    decides (a modality: "Unattended IFC to lumbar 15 min", "We finished with ten minutes of ice") carries that
    service's heading; a name the note negates or plans ("no ice today") does not count."""
    if rd.service is None:
        return block
    start, end = block["span"]
    stop = _SENTENCE_START.search(text, start + 1, end)
    sentences = [text[start : stop.start() if stop and stop.start() > start else end]]
    said = rd.body_minutes.search(text, start, end)  # and the sentence that states the block's minutes
    if said is not None:
        begin = max((m.end() for m in _SENTENCE_START.finditer(text, start, said.start())), default=start)
        close = _SENTENCE_START.search(text, said.end(), end)
        sentences.append(text[begin : close.start() if close else end])
    for sentence in sentences:
        found = _service_in(sentence, rd, reading)
        if found is not None:
            info, named = found
            return {
                **block,
                "heading": named,
                **_heading_fields(info),
                "named": True,
            }
    return block


def _service_in(sentence: str, rd: _Reader, reading: dict[str, Any]) -> tuple[dict[str, Any], str] | None:
    """The first service a sentence names that its name decides, and the name, unless negated or planned."""
    from engine.assertions import spans as context_spans

    quiet = [(s["start"], s["end"]) for s in context_spans(sentence, reading.get("context"))]
    for m in rd.service.finditer(sentence):
        if _inside(m.start(), quiet):
            continue
        info = rd.heading_ids.get(_key(m.group("heading")))
        if info is not None:
            return info, " ".join(m.group("heading").split())
    return None


#: dictation's spoken punctuation left in the text ("... for form period new line manual therapy ten minutes")
_SPOKEN_BREAK = re.compile(r"\b(?P<stop>(?:period|full stop)[ \t]+)?new[ \t]+(?:line|paragraph)\b", re.IGNORECASE)


def spoken_breaks(text: str) -> str:
    """`text` with dictated line breaks ("period new line", "new paragraph") turned into a full stop and a line
    break of the same length, a dictated "comma" into a comma, half or a quarter of an hour written out ("1/2 hr",
    "half hour") and minutes written as a sum ("7+8'") into minutes padded to the same length, so every offset into
    the note still holds."""

    def written(m: re.Match[str]) -> str:
        stop = "." if m.group("stop") else ""
        return stop + " " * (len(m.group(0)) - len(stop) - 1) + "\n"

    text = _SPOKEN_COMMA.sub(lambda m: "," + " " * (len(m.group(0)) - 1), _SPOKEN_BREAK.sub(written, text))
    return _SUMMED_MINUTES.sub(_summed, _FRACTION_HOURS.sub(_as_minutes, text))


#: minutes written as a sum ("TE 7+8' (split around MT)", "10 + 5 min")
_SUMMED_MINUTES = re.compile(r"(?<![\w+.])(?P<a>\d{1,2})[ \t]*\+[ \t]*(?P<b>\d{1,2})(?=[ \t]*(?:['’′]|min))", re.I)


def _summed(m: re.Match[str]) -> str:
    total = str(int(m.group("a")) + int(m.group("b")))
    return total + " " * (len(m.group(0)) - len(total))


#: a comma dictated as a word ("... weight shift to the right comma then balance work ...")
_SPOKEN_COMMA = re.compile(r"(?<=\w)[ \t]+comma\b(?=[ \t]+\w)", re.IGNORECASE)


#: half or a quarter of an hour written out ("ADL (half hour):", "1/2 hr", "half an hour", "quarter hour")
_FRACTION_HOURS = re.compile(
    r"(?<![\w/])(?P<part>half|1/2|½|quarter|1/4|¼)(?:[ \t]+an)?[ \t-]*(?:hours?|hrs?|h)\b",
    re.IGNORECASE,
)


def _as_minutes(m: re.Match[str]) -> str:
    """The same stretch of text as minutes, padded to its length (offsets into the note still hold)."""
    part = m.group("part").lower()
    minutes = "30 min" if part in ("half", "1/2", "½") else "15 min"
    written = m.group(0)
    return minutes + " " * (len(written) - len(minutes)) if len(written) >= len(minutes) else written


#: a paragraph break: a blank line
_PARAGRAPH_BREAK = re.compile(r"\n[ \t]*\n\s*")


def _paragraphs(text: str) -> list[tuple[int, int]]:
    """(start, end) of each paragraph of the note (text between blank lines), without its outer whitespace."""
    out, pos = [], 0
    for m in [*_PARAGRAPH_BREAK.finditer(text), None]:
        end = len(text) if m is None else m.start()
        chunk = text[pos:end]
        if chunk.strip():
            lead = len(chunk) - len(chunk.lstrip())
            out.append((pos + lead, pos + len(chunk.rstrip())))
        pos = len(text) if m is None else m.end()
    return out


def _ends_with_minutes(paragraph: str, rd: _Reader) -> bool:
    """Whether the paragraph's last sentence is only its minutes ("... fewer steps to recover. 15 min.")."""
    return bool(_CLOSING_MINUTES.search(paragraph)) and not rd.section.search(paragraph[-40:])


#: a paragraph's closing sentence that states only minutes ("15 min.", "twenty minutes.", "x 12 min")
_CLOSING_MINUTES = re.compile(
    rf"(?:^|[.;!?)][ \t]+|\n[ \t]*)(?:x[ \t]*)?(?:\d{{1,3}}|{NUMBER_WORDS})[ \t]*-?[ \t]*"
    r"(?:minutes|minute|mins|min|['’′])[ \t]*\.?[ \t]*$",
    re.IGNORECASE,
)


def _shifted(block: dict[str, Any], by: int) -> dict[str, Any]:
    out = {**block, "span": [block["span"][0] + by, block["span"][1] + by]}
    out["content"] = [block["content"][0] + by, block["content"][1] + by]
    if "inner" in block:
        out["inner"] = block["inner"] + by
    return out


def _split_paragraphs(text: str, paragraphs: list[tuple[int, int]], reading: dict[str, Any]) -> dict[str, Any]:
    """A narrative note whose paragraphs each close with their minutes (home-health style: "Gait training
    outdoors with SPC ... SBA. 12 min."): each paragraph is read on its own, so one paragraph's minutes never
    run into the next. A paragraph that names no service and states no minutes (the opening vitals, a closing
    remark) is no block."""
    blocks_: list[dict[str, Any]] = []
    sections: list[dict[str, Any]] = []
    for start, end in paragraphs:
        part = split(text[start:end], reading, by_paragraph=False, by_rows=False)
        sections += [{**s, "start": s["start"] + start, "end": s["end"] + start} for s in part["sections"]]
        for block in part["blocks"]:
            if block["heading"] is None and block["minutes"] is None and not block["range"]:
                continue
            blocks_.append(_shifted(block, start))
    if len(blocks_) > MAX_BLOCKS:
        raise ValueError(f"the note has {len(blocks_)} blocks; at most {MAX_BLOCKS} (fix: one visit per note)")
    timed = [s["minutes"] for s in sections if s["id"] == "total_timed"]
    treatment = [s["minutes"] for s in sections if s["id"] == "total_treatment"]
    return {
        "blocks": blocks_ or split(text, reading, by_paragraph=False, by_rows=False)["blocks"],
        "sections": sections,
        "stated_total_timed": timed[0] if timed else None,
        "stated_total_treatment": treatment[0] if treatment else None,
    }


#: a flowsheet row: a service's name, its minutes, the details ("| Ther ex | 15' | rows 3x10 |", "Gait | 0:15 | SPC")
#: (the name is taken whole up to its pipe, possessively: a long line without one costs one pass, not a square;
#: `_rows` checks that it holds a letter)
_ROW = re.compile(r"^[ \t]*\|?[ \t]*(?P<name>[^|\n]*+)\|[ \t]*(?P<cell>[^|\n]*?)[ \t]*\|(?P<rest>.*)$", re.M)
#: a minutes cell: "15", "15'", "15 min", "15m", "0:15", "1:05"; or left empty ("", "--", "-", "n/a")
_MINUTES_CELL = re.compile(r"(?:(?P<h>\d):(?P<mm>[0-5]\d)|(?P<min>\d{1,3})[ \t]*(?:minutes|mins?|m|['’′])?)", re.I)
_EMPTY_CELL = re.compile(r"(?:-{1,3}|–|n/?a|none|)", re.I)
#: a header cell over the minutes column
_MINUTES_HEADER = re.compile(r"(?:min|mins|minutes|time|duration|tx time)", re.I)


def _cell_minutes(cell: str) -> tuple[bool, int | None]:
    """(whether the cell is a minutes cell, its minutes)."""
    if _EMPTY_CELL.fullmatch(cell.strip()):
        return True, None
    m = _MINUTES_CELL.fullmatch(cell.strip())
    if m is None:
        return False, None
    return True, int(m.group("h")) * 60 + int(m.group("mm")) if m.group("h") else int(m.group("min"))


def _rows(text: str, rd: _Reader) -> list[tuple[re.Match[str], int | None]] | None:
    """The note's flowsheet rows with their minutes when the note is a flowsheet: two rows or more, every row with
    a minutes cell in its second column (a header row over it is skipped). A units or code column: None (the
    heading reader handles those)."""
    rows = []
    for m in _ROW.finditer(text):
        name, cell = m.group("name").strip(), m.group("cell").strip()
        if not re.search(r"[A-Za-z]", name):
            continue  # no service named: not a row ("| 15 | 20 |")
        if not rows and _MINUTES_HEADER.fullmatch(cell) and not any(ch.isdigit() for ch in m.group(0)):
            continue  # the header row
        if rd.section.match(m.group(0).lstrip(" \t|")) or re.match(r"(?:tot(?:al)?\b\.?|TTT\b|timed\b)", name, re.I):
            continue  # a total's row ("Total timed | 35 min |") is read as a total
        ok, minutes = _cell_minutes(cell)
        if not ok or re.fullmatch(r"\d{5}|G\d{4}|(?:CPT|code|units?)\b.*", name, re.I):
            return None
        rows.append((m, minutes))
    return rows if len(rows) >= 2 else None


def _row_block(m: re.Match[str], minutes: int | None, rd: _Reader) -> dict[str, Any]:
    """A flowsheet row as a block: the service's name cell is the heading (its known phrase is the claim); the rest
    of the name and the details are the content."""
    return _named_block(m.group("name"), m.start("name"), (m.start(), m.end()), minutes, m.group("cell").strip(), rd)


def _named_block(
    name: str, name_start: int, span: tuple[int, int], minutes: int | None, written: str, rd: _Reader
) -> dict[str, Any]:
    """A block whose service is named by a field of its own (a flowsheet row's name cell, a template's
    "Intervention:" line): that name is the heading, its known phrase the claim; the rest is the content."""
    named = list(rd.anywhere.finditer(name))
    # a name cell that calls the row a group names the service ("Balance class (group)"): the group is the claim
    grouped = [f for f in named if rd.heading_ids[_key(f.group("heading"))]["id"] == "group"]
    found = (grouped or named or [None])[0]
    start, end = span
    if found is None:
        block = _unheaded(name_start, end, minutes, written if minutes is not None else None, None)
        block["heading"] = " ".join(name.split()) or None
        block["span"][0] = start
        return block
    return {
        "span": [start, end],
        "content": [name_start + found.end(), end],
        "heading": " ".join(name.split()),
        **_heading_fields(rd.heading_ids[_key(found.group("heading"))]),
        "minutes": minutes,
        "minutes_from": "heading" if minutes is not None else None,
        "range": None,
    }


def _split_rows(
    text: str, rows: list[tuple[re.Match[str], int | None]], reading: dict[str, Any], by_paragraph: bool
) -> dict[str, Any]:
    """A flowsheet note: each row is a block; the lines around the rows (the day's header, a total, a narrative
    block with its own heading) are read as any note, with the rows left out."""
    rd = reader(reading)
    made = []
    for m, minutes in rows:
        block = _row_block(m, minutes, rd)
        if (
            minutes is None and block["decides"] != "evaluation"
        ):  # an empty minutes cell: the minutes written in the details, if any ("4 residents, 30 min")
            body = _body_minutes(text, m.start("rest"), m.end(), rd, [])
            block["minutes"], block["range"] = body["minutes"], body["range"]
            block["minutes_from"] = " + ".join(f["text"] for f in body["found"]) or None
        made.append(block)
    return _around(text, made, reading, by_paragraph)


def _around(text: str, made: list[dict[str, Any]], reading: dict[str, Any], by_paragraph: bool) -> dict[str, Any]:
    """The blocks `made` from a note's rows or entries, with the lines around them (the day's header, a total, a
    narrative block with its own heading) read as any note, the rows and entries left out."""
    masked = list(text)
    for block in made:
        start, end = block["span"]
        masked[start:end] = " " * (end - start)
    rest = split("".join(masked), reading, by_paragraph=by_paragraph, by_rows=False)
    starts = [block["span"][0] for block in made]
    kept = []
    for block in rest["blocks"]:
        if block["heading"] is None and block["minutes"] is None and not block["range"]:
            continue
        stop = min([s for s in starts if s > block["span"][0]] or [block["span"][1]])
        if block["heading"] is None and stop < block["span"][1]:
            # an unheaded stretch cut at the first row or entry keeps only the minutes written before it
            body = _body_minutes(text, block["content"][0], stop, reader(reading), [])
            if body["minutes"] is None and not body["range"]:
                continue
            block["minutes"], block["range"] = body["minutes"], body["range"]
        block["span"][1] = min(block["span"][1], stop)
        block["content"][1] = min(block["content"][1], stop)
        kept.append(block)
    blocks_ = sorted(kept + made, key=lambda b: b["span"][0])
    return {**rest, "blocks": blocks_}


#: a template's entry: a label line naming the service, then field lines ("Intervention: Neuro re-ed L UE" /
#: "Time: 0940-1000" / "Assist: Mod A" / "Details: ..."); a blank line, a total or the next entry ends it
_ENTRY = re.compile(
    r"^[ \t]*(?:interventions?|treatment|service|procedure)[ \t]*:[ \t]*(?P<name>[^\n]*[A-Za-z][^\n]*?)[ \t]*(?:\n|$)"
    r"(?P<rest>(?:[ \t]*(?!(?:interventions?|treatment|service|procedure|total)\b)[A-Za-z][A-Za-z /()#.-]{0,24}"
    r"[ \t]*:[^\n]*(?:\n|$))*)",
    re.IGNORECASE | re.MULTILINE,
)


def _entries(text: str, rd: _Reader) -> list[dict[str, Any]] | None:
    """The note's template entries as blocks, when the note is such a template: two entries or more, each with
    a time field. The name line is the heading; minutes come from the time field."""
    made = []
    for m in _ENTRY.finditer(text):
        field = _TIME_FIELD.search(text, m.start("rest"), m.end("rest"))
        if field is None:
            return None
        cell = field.group("cell").strip()
        ok, minutes = _time_cell(cell)
        if not ok:
            return None
        end = m.end() - (1 if text[m.end() - 1 : m.end()] == "\n" else 0)
        made.append(_named_block(m.group("name"), m.start("name"), (m.start(), end), minutes, cell, rd))
    return made if len(made) >= 2 else None


def split(text: str, reading: dict[str, Any], by_paragraph: bool = True, by_rows: bool = True) -> dict[str, Any]:
    """The note's blocks and stated totals.

    Returns {"blocks": [{"span", "content", "heading", "heading_id", "claims", "decides", "codes_by_rule",
    "minutes", "minutes_from", "range"}], "sections": [{"id", "start", "end", "minutes"}],
    "stated_total_timed": int | None, "stated_total_treatment": int | None}.
    A note of paragraphs of which two or more close with their minutes is read a paragraph at a time.
    """
    rd = reader(reading)
    if by_rows and (rows := _rows(text, rd)) is not None:
        return _split_rows(text, rows, reading, by_paragraph)
    if by_rows and (entries := _entries(text, rd)) is not None:
        return _around(text, entries, reading, by_paragraph)
    if by_paragraph:
        paragraphs = _paragraphs(text)
        closing = sum(_ends_with_minutes(text[a:b], rd) for a, b in paragraphs)
        # or one paragraph closes with its minutes and another opens with a heading and states none
        headed = sum(
            1
            for a, b in paragraphs
            if not _ends_with_minutes(text[a:b], rd)
            and (h := rd.heading.match(text, a)) is not None
            and _valid_heading(h, text, rd)
            and _body_minutes(text, a, b, rd, [])["minutes"] is None
            and not any(h.group(g) for g in MINUTE_GROUPS)
        )
        if closing >= 2 or (closing == 1 and headed >= 1):
            return _split_paragraphs(text, paragraphs, reading)
    every_heading = _headings(text, rd)
    sections = _clip_sections(_sections(text, rd), every_heading)
    section_spans = [(s["start"], s["end"]) for s in sections]
    # minutes in what the note does not assert happened ("PLOF: ... 6 hr shifts", "last visit 20 min") are not a block's
    from engine.assertions import spans as context_spans

    unsaid = section_spans + [
        (c["start"], c["end"])
        for c in context_spans(text, reading.get("context"))
        if c["category"] in ("hypothetical", "historical")
    ]
    heads = [m for m in every_heading if not _inside(m.start("heading"), section_spans)]
    if len(heads) > MAX_BLOCKS:
        raise ValueError(f"the note has {len(heads)} blocks; at most {MAX_BLOCKS} (fix: one visit per note)")
    blocks: list[dict[str, Any]] = []
    # a block starts at its minutes when they come first ("12-min Ther ex:"), else at its heading
    starts = [
        m.start("pre")
        if m.group("pre")
        else m.start("preclock")
        if m.group("preclock")
        else m.start("mod")
        if m.group("mod")
        else m.start("heading")
        for m in heads
    ]
    for i, m in enumerate(heads):
        if m.group("mid") is not None:  # the words before it in its sentence belong to it ("UE ther ex 10 min")
            opened = max(_SENTENCE_START.finditer(text, 0, m.start("heading")), key=lambda s: s.end(), default=None)
            begin = opened.end() if opened else 0
            if i == 0 or heads[i - 1].end() <= begin:
                words = text[begin : m.start("heading")]
                starts[i] = begin + len(words) - len(words.lstrip())
    for i, m in enumerate(heads):
        end = starts[i + 1] if i + 1 < len(heads) else len(text)
        later = [s["start"] for s in sections if m.end() <= s["start"] < end]
        if later:
            end = min(later)
        info = rd.heading_ids[_key(m.group("heading"))]
        # words between the heading and its minutes describe the work ("Manual traction 8 min"): they are content
        stated = any(m.group(g) for g in (*_BESIDE_GROUPS, "hmin", "st", "clock", "units", "blank"))
        content_start = m.end() if stated or m.group("end").strip() else m.end("heading")
        if m.group("qual"):  # the words before the minutes describe the work: content, not heading
            content_start = m.start("qual")
        block = {
            "span": [starts[i], end],
            "content": [content_start, end],
            "heading": " ".join(
                re.sub(r"\.{2,}", " ", text[m.start("mod") if m.group("mod") else m.start("heading") : m.end()]).split()
            ).rstrip(":–-,.;| "),
            **_heading_fields(info),
            "minutes": None,
            "minutes_from": None,
            "range": None,
        }
        if m.group("range"):
            block["range"] = " ".join(m.group("range").split()) + " min"
        elif m.group("pre"):  # minutes before the heading are the block's ("10 min gait training: 150' ...")
            block["minutes"], block["minutes_from"] = _count(m.group("pre")), "heading"
        elif m.group("hmin"):
            block["minutes"], block["minutes_from"] = round(float(m.group("hmin")) * 60), "heading"
        elif m.group("st"):
            block["minutes"] = clock_minutes(f"{m.group('st')}-{m.group('et')}")
            block["minutes_from"] = "heading"
        elif m.group("clock") or m.group("preclock"):
            block["minutes"] = clock_minutes(m.group("clock") or m.group("preclock"))
            block["minutes_from"] = "heading"  # a time range beside the heading is the block's own
        elif any(m.group(g) for g in (*_BESIDE_GROUPS, "bare")):
            block["minutes"], block["minutes_from"] = (
                int(next(m.group(g) for g in (*_BESIDE_GROUPS, "bare") if m.group(g))),
                "heading",
            )
            if m.group("cmin") and _column_name(text, m.start("cmin")) in _UNIT_COLUMNS:
                block["minutes"], block["minutes_from"] = _minutes_cell(text, m.start("cmin")), None
                block["units_written"] = int(m.group("cmin"))
                if block["minutes"] is not None:
                    block["minutes_from"] = "heading"
        elif m.group("blank"):
            block["blank"] = True
        elif m.group("units"):
            block["units_written"] = int(m.group("units"))
        elif (line_minutes := _line_minutes_of(m, text)) is not None:
            block["minutes"], block["minutes_from"] = line_minutes, "line"
        elif (field := _TIME_FIELD.search(text, m.end(), end)) and (timed := _time_cell(field.group("cell")))[1]:
            # a template's time field on a line of its own under the heading ("Intervention: Neuro re-ed\n
            # Time: 0940-1000"): the block's own minutes
            block["minutes"], block["minutes_from"] = timed[1], "line"
        else:
            body = _body_minutes(text, content_start, end, rd, unsaid)
            block["minutes"], block["range"] = body["minutes"], body["range"]
            if body["found"]:
                block["minutes_from"] = " + ".join(f["text"] for f in body["found"])
        blocks.append(block)
    blocks = _merge_evaluation_findings(_merge_evaluation_titles(blocks), text)
    if blocks:
        first = blocks[0]["span"][0]
        blocks = _with_unheaded(text, blocks, section_spans, reading)
        if blocks[0]["span"][0] >= first:  # no line of its own before the first heading: cut its sentences
            blocks = _by_sentences(text, rd, unsaid, stop_at=first, at_least=1) + blocks
    elif _openers(text) or any(m.group("opens") for m in _UNHEADED.finditer(text)):
        # no heading, but lines that open with their minutes ("12' AROM ...", "0900-0915 ...", "Obstacle course (10):")
        blocks = _with_unheaded(text, [], section_spans, reading)
        if blocks and blocks[0]["span"][0] > 0:
            blocks = _by_sentences(text, rd, unsaid, stop_at=blocks[0]["span"][0], at_least=1) + blocks
    else:
        blocks = _by_sentences(text, rd, unsaid)
    if len(blocks) > MAX_BLOCKS:
        raise ValueError(f"the note has {len(blocks)} blocks; at most {MAX_BLOCKS} (fix: one visit per note)")
    if not blocks:
        body = _body_minutes(text, 0, len(text), rd, section_spans)
        blocks.append(
            _unheaded(
                0, len(text), body["minutes"], " + ".join(f["text"] for f in body["found"]) or None, body["range"]
            )
        )
    blocks = [_claim_opening(b, text, rd) if b["heading"] is None else b for b in blocks]
    blocks = [_named_service(b, text, rd, reading) if b["heading"] is None else b for b in blocks]
    timed = [s["minutes"] for s in sections if s["id"] == "total_timed"]
    treatment = [s["minutes"] for s in sections if s["id"] == "total_treatment"]
    return {
        "blocks": blocks,
        "sections": sections,
        "stated_total_timed": timed[0] if timed else None,
        "stated_total_treatment": treatment[0] if treatment else None,
    }
