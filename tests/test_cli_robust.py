"""Issue 26: the command lines never give a traceback.

Broken project data (an empty or missing code, tree, vocabulary or sources file) gives one line with the
file:line and exit 2, from `python -m engine units|suggest|visit` and `python -m build_tools check` (exit 1
there: it lists problems). A closed output pipe ends quietly (status 141, as a shell reports SIGPIPE); an
output that cannot be written (/dev/full) gives one line and exit 2; so does a closed stdin. `visit --jsonl`
bounds each line (MAX_LINE_BYTES) and answers a bad line on its own output line.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from engine.__main__ import MAX_LINE_BYTES

ROOT = Path(__file__).resolve().parents[1]
NOTE = "Ther ex: squats 3x10, cues for knee alignment, 20 min\n"
#: every command line entry point, with the stdin it reads
COMMANDS = [
    (["-m", "engine", "units", "97110=20"], ""),
    (["-m", "engine", "units", "--json", "97110=20"], ""),
    (["-m", "engine", "suggest"], NOTE),
    (["-m", "engine", "suggest", "--json"], NOTE),
    (["-m", "engine", "visit"], NOTE),
    (["-m", "engine", "visit", "--json"], NOTE),
    (["-m", "engine", "visit", "--jsonl"], json.dumps(NOTE) + "\n"),
]


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the project's code and data, so that a test can break one file of it."""
    base = tmp_path_factory.mktemp("project") / "p"
    for name in ("engine", "build_tools", "schemas", "data"):
        shutil.copytree(ROOT / name, base / name, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy2(ROOT / "decision_tree.yaml", base / "decision_tree.yaml")
    return base


def _run(args: list[str], stdin: str = "", cwd: Path = ROOT, **kw) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "TCG_TODAY": "2099-12-31"}
    return subprocess.run(
        [sys.executable, *args], cwd=cwd, input=stdin, capture_output=True, text=True, env=env, check=False, **kw
    )


def _no_traceback(run: subprocess.CompletedProcess[str]) -> None:
    assert "Traceback" not in run.stderr and "Exception ignored" not in run.stderr, run.stderr


@pytest.mark.parametrize("broken", ["data/codes/97110.yaml", "decision_tree.yaml", "data/vocab.yaml"])
@pytest.mark.parametrize("how", ["empty", "missing"])
def test_broken_data_gives_one_located_line(project: Path, broken: str, how: str) -> None:
    path = project / broken
    kept = path.read_bytes()
    word = "file is empty" if how == "empty" else "file is missing"
    expected = f"{broken}:1:1: {word}"
    if broken.startswith("data/codes/") and how == "missing":  # no file, no record: the first use is the problem
        expected = "data/activities/"
    if how == "empty":
        path.write_bytes(b"")
    else:
        path.unlink()
    try:
        for args, stdin in (COMMANDS[0], COMMANDS[3], COMMANDS[6]):  # one of each command: they share the check
            run = _run(args, stdin, cwd=project)
            _no_traceback(run)
            assert run.returncode == 2, (args, run.stderr)
            assert run.stdout == ""
            lines = run.stderr.splitlines()
            assert len(lines) == 1, run.stderr
            assert lines[0].startswith(f"error: the project data does not pass the check: {expected}")
            assert lines[0].endswith("(run python -m build_tools check)")
        check = _run(["-m", "build_tools", "check"], cwd=project)
        _no_traceback(check)
        assert check.returncode == 1 and expected in check.stderr
    finally:
        path.write_bytes(kept)


def test_a_missing_sources_file_and_a_broken_pattern(project: Path) -> None:
    """Sources: the engine used to fail on None.get; a tree pattern that does not compile: re.error."""
    sources = project / "data" / "sources.yaml"
    kept = sources.read_bytes()
    sources.unlink()
    try:
        run = _run(["-m", "engine", "units", "97110=20"], cwd=project)
        _no_traceback(run)
        assert run.returncode == 2 and "data/sources.yaml:1:1: file is missing" in run.stderr
    finally:
        sources.write_bytes(kept)
    tree = project / "decision_tree.yaml"
    kept = tree.read_bytes()
    text = kept.decode("utf-8")
    start = text.index("patterns:")
    line_end = text.index("\n", text.index("- ", start))
    first = text[text.index("- ", start) : line_end]
    tree.write_text(text.replace(first, "- '(unclosed'", 1), encoding="utf-8")
    try:
        run = _run(["-m", "engine", "suggest"], NOTE, cwd=project)
        _no_traceback(run)
        assert run.returncode == 2 and run.stderr.startswith("error: the project data does not pass the check: ")
        assert "decision_tree.yaml:" in run.stderr and len(run.stderr.splitlines()) == 1
    finally:
        tree.write_bytes(kept)


def _closed_pipe(args: list[str], stdin: str) -> subprocess.CompletedProcess[bytes]:
    """The command with a stdout pipe whose reading end is closed before it starts (`| true`, `| head -c1`)."""
    read, write = os.pipe()
    os.close(read)
    try:
        return subprocess.run(
            [sys.executable, *args], cwd=ROOT, input=stdin.encode(), stdout=write, stderr=subprocess.PIPE, check=False
        )
    finally:
        os.close(write)


@pytest.mark.parametrize(("args", "stdin"), [*COMMANDS, (["-m", "build_tools", "check"], "")])
def test_a_closed_output_pipe_ends_quietly(args: list[str], stdin: str) -> None:
    run = _closed_pipe(args, stdin)
    assert run.stderr == b"" and run.returncode == 141


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="no /dev/full on this system")
@pytest.mark.parametrize(("args", "stdin"), [*COMMANDS, (["-m", "build_tools", "check"], "")])
def test_an_unwritable_output_gives_one_line_and_exit_2(args: list[str], stdin: str) -> None:
    with open("/dev/full", "w") as full:
        env = {**os.environ, "TCG_TODAY": "2099-12-31"}
        run = subprocess.run(
            [sys.executable, *args], cwd=ROOT, input=stdin, stdout=full, stderr=subprocess.PIPE, text=True, env=env
        )
    assert run.returncode == 2
    assert run.stderr == "error: the output could not be written: No space left on device\n"


@pytest.mark.parametrize("command", ["suggest", "visit"])
def test_a_closed_stdin_gives_one_line(command: str) -> None:
    run = subprocess.run(
        ["sh", "-c", f'exec "{sys.executable}" -m engine {command} <&-'], cwd=ROOT, capture_output=True, text=True
    )
    assert run.returncode == 2
    assert run.stderr == f"error: no input: stdin is closed (fix: python -m engine {command} < note.txt)\n"


def test_jsonl_lines_are_bounded_and_each_bad_line_answered_in_place() -> None:
    lines = [
        json.dumps({"id": "a", "text": NOTE}),
        "[" * 100 + "]" * 100,
        json.dumps("x" * MAX_LINE_BYTES),  # over the line bound: refused by length, the next line still read
        "[" * 50_000 + "]" * 50_000,  # within the bound, too deep for the JSON reader
        "1" * 5_000,  # more digits than Python reads as an int
        json.dumps({"id": ["a list"], "text": NOTE}),
        json.dumps({"id": "r", "rule": "r" * 10_000, "text": NOTE}),
        json.dumps({"id": "n", "text": NOTE}),
    ]
    stdin = ("\n".join(lines) + "\n").encode() + b"\xff\n"  # the last line is not UTF-8
    run = subprocess.run(
        [sys.executable, "-m", "engine", "visit", "--jsonl"], cwd=ROOT, input=stdin, capture_output=True
    )
    assert b"Traceback" not in run.stderr
    assert run.returncode == 2
    out = [json.loads(line) for line in run.stdout.splitlines()]
    assert [o["id"] for o in out] == ["a", 2, 3, 4, 5, 6, "r", "n", 9]
    assert "blocks" in out[0] and "blocks" in out[7]
    errors = {o["id"]: o["error"] for o in out if "error" in o}
    assert errors[3] == f"line 3: it is longer than {MAX_LINE_BYTES} bytes (fix: one note a line)"
    assert errors[4].startswith("line 4: it is not a JSON note") and errors[5].startswith("line 5: it is not a JSON")
    assert errors[6].startswith("line 6: the id must be a whole number or a text")
    assert len(errors["r"]) < 200 and "(10000 characters)" in errors["r"]
    assert errors[9] == "line 9: it is not UTF-8 text (fix: write the file as UTF-8)"
    assert all(len(e) < 300 for e in errors.values())


def test_a_long_rule_is_clipped_in_the_message() -> None:
    for command in (["units", "97110=20"], ["visit"]):
        run = _run(["-m", "engine", command[0], "--rule", "x" * 100_000, *command[1:]], NOTE)
        _no_traceback(run)
        assert run.returncode == 2 and len(run.stderr) < 300 and "(100000 characters)" in run.stderr


def test_a_future_review_date_does_not_stop_the_engine(project: Path) -> None:
    """The engine checks the data but not review dates against the clock (that is the build's rule)."""
    path = project / "data" / "codes" / "97110.yaml"
    kept = path.read_text(encoding="utf-8")
    reviewed = next(line for line in kept.splitlines() if line.startswith("reviewed:"))
    path.write_text(kept.replace(reviewed, "reviewed: '2999-01-01'"), encoding="utf-8")
    try:
        run = _run(["-m", "engine", "units", "97110=20"], cwd=project)
        assert run.returncode == 0, run.stderr
        assert _run(["-m", "build_tools", "check"], cwd=project).returncode == 1
    finally:
        path.write_text(kept, encoding="utf-8")
