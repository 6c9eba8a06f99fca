"""Command line: `python -m build_tools check` validates all data and reports every problem."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from build_tools import ROOT
from build_tools.check import check_project
from build_tools.clock import ClockError
from build_tools.report import render


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m build_tools")
    sub = parser.add_subparsers(dest="command", required=True)
    check = sub.add_parser("check", help="validate decision_tree.yaml and data/")
    check.add_argument("--root", type=Path, default=ROOT, help="project folder (default: this checkout)")
    args = parser.parse_args(argv)
    root = args.root.resolve()
    try:
        _, problems = check_project(root)
    except ClockError as exc:
        print(f"python -m build_tools check: {exc}", file=sys.stderr)
        return 2
    if problems:
        print(render(problems, root), file=sys.stderr)
        return 1
    print("data OK: 0 problems found")
    return 0


if __name__ == "__main__":
    sys.exit(main())
