"""Command line: `python -m engine units --rule cms [--json] CODE=MINUTES ...`.

The command line is the engine's only door to files: it loads the validated
project data through build_tools (never shipped to the browser).
"""

from __future__ import annotations

import argparse
import json
import sys

from engine import units


def _parse_entry(text: str) -> tuple[str, int | None]:
    code, sep, minutes = text.partition("=")
    if not sep:
        return code, None
    if not minutes.isdigit():
        raise units.UnitInputError(f"{code}: minutes must be a whole number, got {minutes!r}")
    return code, int(minutes)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m engine")
    sub = parser.add_subparsers(dest="command", required=True)
    p_units = sub.add_parser("units", help="turn minutes per code into units")
    p_units.add_argument("--rule", default="cms")
    p_units.add_argument("--json", action="store_true", help="print the result as JSON")
    p_units.add_argument("entries", nargs="*", metavar="CODE[=MINUTES]")
    args = parser.parse_args(argv)

    from build_tools.export import engine_data
    from build_tools.load import load_project

    data = engine_data(load_project())
    try:
        if args.rule not in data["rules"]:
            raise units.UnitInputError(f"unknown rule {args.rule!r}; choose {', '.join(sorted(data['rules']))}")
        result = units.compute([_parse_entry(e) for e in args.entries], data["rules"][args.rule], data["codes"])
    except units.UnitInputError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    if args.json:
        print(json.dumps(result))
    else:
        for code, n in result["units"].items():
            print(f"{code:>6}  {n} unit(s)")
        print(*result["steps"], sep="\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
