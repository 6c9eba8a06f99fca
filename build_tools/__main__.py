"""Command line: `python -m build_tools check` validates all data and reports every problem."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from build_tools import ROOT, cli, clock
from build_tools.check import check_project
from build_tools.clock import ClockError
from build_tools.freshness import render_warnings, stale_facts
from build_tools.report import render


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m build_tools")
    sub = parser.add_subparsers(dest="command", required=True)
    check = sub.add_parser("check", help="validate decision_tree.yaml and data/")
    check.add_argument("--root", type=Path, default=ROOT, help="project folder (default: this checkout)")
    args = parser.parse_args(argv)
    root = args.root.resolve()
    try:
        project, problems = check_project(root)
        stale = stale_facts(project, clock.today())
    except ClockError as exc:
        print(f"python -m build_tools check: {exc}", file=sys.stderr)
        return 2
    if stale:  # a figure whose year has ended is due for a re-check, never a failure (stdout: stderr is problems)
        print(render_warnings(stale, root))
    if problems:
        print(render(problems, root), file=sys.stderr)
        return 1
    warned = f", {len(stale)} warning{'s' if len(stale) != 1 else ''} (figures to re-check)" if stale else ""
    print(f"data OK: 0 problems found{warned}")
    return 0


if __name__ == "__main__":
    sys.exit(cli.run(main))
