"""Fuzz tests (Hypothesis): the strict YAML reader and the engine's entry points never raise and stay quick.

Every input either gives a result or a message; none gives a traceback. Each example must finish
within a second (Hypothesis' deadline), the issue's bound for any single input; examples are
derandomized so the suite sees the same inputs every run.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from build_tools.export import engine_data
from build_tools.load import load_project
from build_tools.yaml_strict import parse
from engine import api

FUZZ = settings(
    max_examples=80,
    deadline=dt.timedelta(seconds=1),
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
#: characters that make YAML interesting: structure, quotes, escapes, controls, separators, non-BMP
YAML_ALPHABET = st.sampled_from(
    [*list(":-[]{}#&*!|>'\"%@`,? \n\t\\0123456789abcxyz"), "\x00", "\x85", "\x92", "\u2028", "\ufeff", "\ufffe", "😀"]
)
DATA = engine_data(load_project())


@pytest.fixture(scope="module", autouse=True)
def _loaded() -> None:
    api.load(json.dumps(DATA))


def _reply(fn: str, args: Any) -> dict[str, Any]:
    reply = json.loads(api.call(fn, json.dumps(args)))
    assert set(reply) in ({"result"}, {"error"}), reply
    if "error" in reply:
        assert isinstance(reply["error"]["message"], str) and len(reply["error"]["message"]) < 1000
    return reply


@FUZZ
@given(st.binary(max_size=400))
def test_yaml_reader_survives_any_bytes(raw: bytes) -> None:
    parsed = parse(Path("fuzz.yaml"), raw)
    assert parsed.data is not None or parsed.problems


@FUZZ
@given(st.text(YAML_ALPHABET, max_size=300))
def test_yaml_reader_survives_yaml_like_text(text: str) -> None:
    parsed = parse(Path("fuzz.yaml"), text.encode("utf-8", "surrogatepass"))
    for problem in parsed.problems:
        assert problem.line >= 1 and problem.column >= 1 and problem.message


@FUZZ
@given(st.integers(1, 700), st.sampled_from(["[", "{a: ", "- "]))
def test_yaml_reader_refuses_deep_nesting_with_a_place(depth: int, opener: str) -> None:
    closer = {"[": "]", "{a: ": "}", "- ": ""}[opener]
    if opener == "- ":
        text = "".join("  " * i + "- \n" for i in range(depth))
    else:
        text = "a: " + opener * depth + "1" + closer * depth + "\n"
    parsed = parse(Path("fuzz.yaml"), text.encode())
    assert parsed.data is not None or parsed.problems


CODES = sorted(DATA["codes"])
MINUTES = st.one_of(
    st.integers(-10, 10**25),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=30),
    st.sampled_from(["2_3", "2e1", "0x1f", "9" * 5000, " 23 ", "", "-4", "7.5", None, True]),
)
ROW = st.fixed_dictionaries(
    {"code": st.one_of(st.sampled_from(CODES), st.text(max_size=12), st.just("9" * 100_000)), "minutes": MINUTES}
)


@FUZZ
@given(st.lists(ROW, max_size=25), st.sampled_from([*DATA["rules"], "nope"]))
def test_units_entry_point(rows: list[dict[str, Any]], rule: str) -> None:
    reply = _reply("units", {"rule": rule, "entries": rows})
    if "result" in reply:
        assert len(reply["result"]["alternatives"]) <= 5


@FUZZ
@given(st.integers(2, 40), st.integers(1, 14))
def test_units_ties_stay_small(n: int, minutes: int) -> None:
    """Many tied timed codes: a few allocations listed, the rest counted, quickly."""
    timed = [c for c in CODES if DATA["codes"][c].get("unit_basis") == "timed_15"]
    rows = [{"code": c, "minutes": str(minutes)} for c in timed[:n]]
    reply = _reply("units", {"rule": "cms", "entries": rows})
    if "result" in reply:
        result = reply["result"]
        assert len(result["alternatives"]) <= 5 and result["more_alternatives"] >= 0


@FUZZ
@given(st.text(max_size=3000), st.one_of(st.none(), st.sampled_from(CODES), st.text(max_size=8)))
def test_coach_entry_point(text: str, code: str | None) -> None:
    _reply("coach", {"text": text, "code": code})


@FUZZ
@given(st.sampled_from(["a", "1", "x ", "(", "aaaa-", "3x10 "]), st.integers(1, 8_000))
def test_coach_on_long_repetitive_notes(piece: str, length: int) -> None:
    """The shape that makes a backtracking pattern blow up: long runs of one piece.

    Up to 8,000 characters, so a busy CI machine stays inside the deadline (a 20,000-character note,
    the coach's limit, takes about 0.2-0.6 s on the 2-core box: linear, but too close to a second).
    """
    _reply("coach", {"text": (piece * length)[:8_000], "code": None})


@FUZZ
@given(
    st.one_of(
        st.fixed_dictionaries({"walk": st.text(max_size=200)}),
        st.fixed_dictionaries({"node": st.text(max_size=50)}),
        st.fixed_dictionaries({"steps": st.lists(st.lists(st.text(max_size=10), max_size=3), max_size=30)}),
    )
)
def test_walk_entry_point(args: dict[str, Any]) -> None:
    _reply("walk", args)


@FUZZ
@given(
    st.one_of(st.text(max_size=200), st.sampled_from(["%ZZ", "1:" + "a," * 5000, "999999999999:x"])),
    st.one_of(st.none(), st.dictionaries(st.text(max_size=5), st.one_of(st.integers(), st.text(), st.booleans()))),
)
def test_practice_entry_point(quiz: str, progress: Any) -> None:
    _reply("practice_set", {"quiz": quiz, "progress": progress})


@FUZZ
@given(st.one_of(st.integers(), st.text(max_size=20)), st.one_of(st.integers(), st.text(max_size=20)))
def test_drill_entry_points(seed: Any, level: Any) -> None:
    reply = _reply("drill", {"seed": seed, "level": level})
    if "result" in reply:
        _reply("grade_drill", {"drill": {"seed": seed, "level": level}, "answer": {"97110": "2_3"}})


DISCIPLINES = st.one_of(
    st.none(),
    st.sampled_from(["PT", "OT", "SLP", "PT+OT", "OT+PT", "PT+OT+SLP", "pt + ot", "PT+PT", "+", "", "XX"]),
    st.text(max_size=12),
    st.just("PT+" * 20_000),
    st.integers(),
    st.lists(st.text(max_size=3), max_size=3),
)
ROW_WITH_DISCIPLINE = st.fixed_dictionaries(
    {"code": st.one_of(st.sampled_from(CODES), st.text(max_size=12)), "minutes": MINUTES, "discipline": DISCIPLINES}
)


@FUZZ
@given(
    st.lists(ROW_WITH_DISCIPLINE, max_size=25),
    st.one_of(st.sampled_from([*DATA["rules"], "nope", "x" * 5_000]), st.integers(), st.lists(st.text(), max_size=2)),
)
def test_units_entry_point_with_disciplines(rows: list[dict[str, Any]], rule: Any) -> None:
    """Co-treatment entries (97530=30@PT+OT) and every odd discipline: a result or a short message."""
    reply = _reply("units", {"rule": rule, "entries": rows})
    if "result" in reply:
        assert len(reply["result"]["alternatives"]) <= 5
        assert all(line["discipline"] is None or "+" not in line["discipline"] for line in reply["result"]["lines"])


#: what visit notes are made of: headings, minutes, totals, codes, disciplines, and the odd characters
NOTE_PIECES = st.sampled_from(
    [
        "Ther ex:",
        "Neuro re-ed",
        "Gait training",
        "Manual therapy",
        "OT eval",
        "PT re-eval, moderate complexity",
        "Ultrasound",
        "Total timed: 38 min",
        "Total treatment time 45 min",
        " 15 min",
        " 8-12 min",
        " x10",
        " 3x10 squats",
        " with min A",
        " verbal cues for posture",
        " pt tolerated well",
        " 97110",
        " 97530 co-treat PT/OT",
        " Goals: walk 300 ft",
        "\n",
        "\n\n",
        "\t",
        "|",
        "#",
        "- ",
        "😀",
        "\u2028",
        "\x00",
        "\x0b",
    ]
)
NOTES = st.one_of(
    st.lists(NOTE_PIECES, max_size=60).map("".join),
    st.text(max_size=2_000),
    st.sampled_from(["", "   ", "a" * 20_001, "\ufffe", "Ther ex 20 min\n" * 1_300]),
    st.integers(),
    st.none(),
    st.lists(st.text(max_size=5), max_size=3),
)
ANSWERS = st.one_of(
    st.none(),
    st.dictionaries(
        st.one_of(st.sampled_from(["1", "2", "3"]), st.text(max_size=3)),
        st.one_of(st.lists(st.lists(st.text(max_size=12), max_size=3), max_size=4), st.text(max_size=5), st.integers()),
        max_size=3,
    ),
    st.text(max_size=5),
    st.lists(st.integers(), max_size=3),
)
RULES = st.one_of(
    st.none(),
    st.lists(st.sampled_from([*DATA["rules"], "nope", ""]), max_size=5),
    st.lists(st.one_of(st.integers(), st.none(), st.text(max_size=4)), max_size=3),
    st.text(max_size=10),
    st.integers(),
)


@FUZZ
@given(NOTES, RULES, st.one_of(st.none(), st.sampled_from([*DATA["rules"], "zz"]), st.integers()), ANSWERS)
def test_visit_entry_point(text: Any, rules: Any, rule: Any, answers: Any) -> None:
    """A whole visit note, its rules and answers: a result or a short message, never an exception."""
    args = {"text": text, "rules": rules, "answers": answers}
    if rule is not None:
        args["rule"] = rule
    reply = _reply("visit", args)
    if "result" in reply:
        for result in reply["result"]["visits"].values():
            assert result["total_units"] >= 0 and isinstance(result["blocks"], list)


LONG = "z" * 100_000


@pytest.mark.parametrize(
    ("fn", "args"),
    [
        ("coach", {"text": "Ther ex 10 min", "code": LONG}),
        ("drill", {"seed": 1, "level": LONG}),
        ("walk", {"steps": [[LONG, "a"]]}),
        ("walk", {"node": LONG}),
        ("units", {"rule": "cms", "entries": [{"code": "97110", "minutes": [LONG]}]}),
        ("units", {"rule": LONG, "entries": [{"code": "97110", "minutes": "10"}]}),
        ("visit", {"text": "Ther ex 10 min", "rules": [LONG]}),
        ("practice_grade", {"case": LONG}),
        ("practice_set", {"quiz": "1:" + ",".join(f"x{i}" for i in range(3_000))}),
        ("practice_set", {"quiz": "1-" + "a" * 2_000_000}),
        (LONG, {}),
    ],
)
def test_long_values_are_clipped_in_messages(fn: str, args: dict[str, Any]) -> None:
    """Issue 26: `#quiz=1:x0,x1,...` gave a 0.79 MB message; no reply quotes a long value back in full."""
    reply = json.loads(api.call(fn, json.dumps(args)))
    error = reply["result"]["error"] if fn == "walk" else reply["error"]  # a walk's error is part of its state
    assert len(error["message"]) < 300, error["message"][:300]


#: notes for the batch test: small ones (each line is one visit; the per-note time is the visit test's concern)
SMALL_NOTES = st.one_of(
    st.lists(NOTE_PIECES, max_size=30).map("".join),
    st.text(max_size=300),
    st.sampled_from(["", "a" * 20_001]),
    st.integers(),
    st.none(),
)
JSONL_LINES = st.lists(
    st.one_of(
        st.binary(max_size=200),
        SMALL_NOTES.map(lambda note: json.dumps(note).encode()),
        st.fixed_dictionaries(
            {
                "id": st.one_of(st.integers(), st.text(max_size=300), st.none(), st.lists(st.integers())),
                "text": SMALL_NOTES,
            }
        ).map(lambda item: json.dumps(item).encode()),
        st.sampled_from([b"[" * 5_000, b"1" * 5_000, b'{"text": 5, "rule": ["cms"]}', b"\xff\xfe", b"  "]),
    ),
    max_size=6,
)


@FUZZ
@given(JSONL_LINES)
def test_visit_jsonl_batch_entry_point(lines: list[bytes]) -> None:
    """`python -m engine visit --jsonl`: any bytes in, one JSON object per non-blank line out, with an id."""
    import contextlib
    import io

    from engine.__main__ import _visit_lines

    stdin = io.BytesIO(b"\n".join(line.replace(b"\n", b" ") for line in lines) + b"\n")
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        status = _visit_lines(stdin, DATA, "cms")
    replies = [json.loads(line) for line in out.getvalue().splitlines()]
    assert len(replies) == sum(1 for line in lines if line.replace(b"\n", b" ").strip())
    for reply in replies:
        assert "id" in reply and ("blocks" in reply) != ("error" in reply)
        assert "error" not in reply or len(reply["error"]) < 300
    assert status == (2 if any("error" in r for r in replies) else 0)


WRONG = [None, 1, -1, 1.5, True, "x", "", [], [1], {}, {"a": 1}, [[1, 2]], "[]"]
KEYS = ["text", "code", "rules", "rule", "answers", "policy", "entries", "walk", "steps", "node", "seed", "level"]
KEYS += ["drill", "answer", "quiz", "ids", "families", "difficulties", "progress", "case", "units", "format"]


@pytest.mark.parametrize("fn", sorted(api.HANDLERS))
def test_every_handler_answers_wrong_shaped_arguments_with_data(fn: str) -> None:
    for key in KEYS:
        for value in WRONG:
            reply = json.loads(api.call(fn, json.dumps({key: value})))
            assert set(reply) in ({"result"}, {"error"}), (fn, key, value)
    assert "error" in json.loads(api.call(fn, "[1, 2]"))
