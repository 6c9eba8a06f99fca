"""What both command lines share: how they end when the output cannot be written.

A closed output pipe (`python -m engine units 97110=20 | head -c1`) ends quietly with status 141, the
status a shell reports for a command stopped by SIGPIPE; an output that cannot be written (`> /dev/full`,
a full disk) gives a one-line message on stderr and status 2. Neither gives a traceback.
"""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Callable

#: the exit status of a command whose reader went away (128 + SIGPIPE), as `yes | head` reports it
EXIT_CLOSED_PIPE = 141


def _drop_stdout() -> None:
    """Point stdout at /dev/null, so that the interpreter's last flush at exit has nowhere to fail."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, AttributeError, ValueError):
        pass


def say(message: str) -> None:
    """One line on stderr, if stderr can take it."""
    with contextlib.suppress(OSError, AttributeError, ValueError):
        print(message, file=sys.stderr, flush=True)


def run(main: Callable[[list[str] | None], int], argv: list[str] | None = None) -> int:
    """`main(argv)` with its output flushed; a closed pipe or an unwritable output ends as described above."""
    try:
        status = main(argv)
        if sys.stdout is not None:
            sys.stdout.flush()
        return status
    except BrokenPipeError:
        _drop_stdout()
        return EXIT_CLOSED_PIPE
    except OSError as exc:
        _drop_stdout()
        where = f"{exc.filename}: " if exc.filename else "the output could not be written: "
        say(f"error: {where}{exc.strerror or exc}")
        return 2
