"""Benchmark: how often the tree walked from a note commits, and how often what it commits to is acceptable.

Reads tests/note_bank/notes.yaml and split.yaml and prints, for the dev and the held-out halves:
acceptable-when-committed %, commit rate %, and the median number of answers on the walks that reached
a common code. `--misses` lists the dev notes that were wrong or did not commit (never the held-out ones:
tuning looks only at dev). Run: `python benchmarks/suggest_accuracy.py [--misses]`.
"""

from __future__ import annotations

import argparse
import statistics
import sys
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from engine import suggest  # noqa: E402
from engine.tree import nodes_by_id  # noqa: E402

COMMON = ("97110", "97112", "97530", "97535", "97140", "97116")
BANK = ROOT / "tests" / "note_bank"


def load_bank() -> dict[str, list[dict[str, Any]]]:
    """The bank's notes by half: {"dev": [...], "heldout": [...]}."""
    notes = {n["id"]: n for n in yaml.safe_load((BANK / "notes.yaml").read_text(encoding="utf-8"))}
    split = yaml.safe_load((BANK / "split.yaml").read_text(encoding="utf-8"))
    return {half: [notes[i] for i in ids] for half, ids in split.items()}


def score(notes: list[dict[str, Any]], tree: dict[str, Any], vocab: dict[str, Any]) -> dict[str, Any]:
    """Figures for one half, and each note's result."""
    nodes = nodes_by_id(tree)
    rows, committed, acceptable, lengths = [], 0, 0, []
    for note in notes:
        got = suggest.walk(tree, note["text"], vocab)
        key = suggest.outcome_key(nodes[got["outcome"]]) if got["outcome"] else None
        ok = key is not None and key in note["acceptable"]
        committed += key is not None
        acceptable += ok
        if key is not None and note["expected"] in COMMON and ok:
            lengths.append(len(got["path"]))
        rows.append({"note": note, "got": got, "key": key, "ok": ok})
    n = len(notes)
    return {
        "notes": n,
        "committed": committed,
        "acceptable": acceptable,
        "acceptable_pct": 100 * acceptable / committed if committed else 0.0,
        "commit_pct": 100 * committed / n if n else 0.0,
        "median_common": statistics.median(lengths) if lengths else None,
        "rows": rows,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--misses", action="store_true", help="list dev notes that were wrong or open")
    args = parser.parse_args(argv)
    from build_tools.load import load_project

    project = load_project()
    tree, vocab = project.tree.data, project.vocab.data
    for half, notes in load_bank().items():
        s = score(notes, tree, vocab)
        print(
            f"{half:8} notes {s['notes']:3}  acceptable when committed {s['acceptable_pct']:5.1f}% "
            f"({s['acceptable']}/{s['committed']})  commit {s['commit_pct']:5.1f}% ({s['committed']}/{s['notes']})  "
            f"median answers (common codes) {s['median_common']}"
        )
        if args.misses and half == "dev":
            for row in s["rows"]:
                if not row["ok"]:
                    got = row["got"]
                    where = row["key"] or f"open {got['open_question']} {got['candidates']}"
                    print(f"   {row['note']['id']:34} want {row['note']['expected']:12} got {where}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
