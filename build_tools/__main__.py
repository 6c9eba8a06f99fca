"""Command line: `python -m build_tools check` validates all data and reports every problem."""

from __future__ import annotations

import argparse
import sys

from build_tools.check import check_project
from build_tools.report import render


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m build_tools")
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("check", help="validate decision_tree.yaml and data/")
    parser.parse_args(argv)
    _, problems = check_project()
    if problems:
        print(render(problems), file=sys.stderr)
        return 1
    print("data OK: 0 problems found")
    return 0


if __name__ == "__main__":
    sys.exit(main())
