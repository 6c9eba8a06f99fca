"""Benchmark: how well the engine reads notes, on the dev and the held-out halves of the note bank.

Single blocks (tests/note_bank/notes.yaml, split.yaml): the tree walked from each note through ConText
(engine.suggest with data/note_reading.yaml): acceptable-when-committed %, commit rate %, and the median
number of answers on the walks that reached a common code.
Visits (tests/note_bank/visits.yaml, visit_split.yaml): the whole visit read by engine.visit: % of visits
whose every block has an acceptable code and the right minutes, % billed exactly (the units per code equal
what the answer key's blocks bill by the unit engine) under Medicare (cms) and a per-code payer (ama), and
% whose warnings (total_mismatch, block_without_minutes) match the key.
`--misses` lists the dev notes and visits that were wrong or did not commit (never the held-out ones:
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
from tests.note_bank import answer_key  # noqa: E402

COMMON = ("97110", "97112", "97530", "97535", "97140", "97116")
BANK = ROOT / "tests" / "note_bank"


def load_bank() -> dict[str, list[dict[str, Any]]]:
    """The bank's notes by half: {"dev": [...], "heldout": [...]}."""
    notes = {n["id"]: n for n in yaml.safe_load((BANK / "notes.yaml").read_text(encoding="utf-8"))}
    split = yaml.safe_load((BANK / "split.yaml").read_text(encoding="utf-8"))
    return {half: [notes[i] for i in ids] for half, ids in split.items()}


def score(
    notes: list[dict[str, Any]], tree: dict[str, Any], vocab: dict[str, Any], reading: dict[str, Any] | None = None
) -> dict[str, Any]:
    """Figures for one half, and each note's result."""
    nodes = nodes_by_id(tree)
    rows, committed, acceptable, lengths = [], 0, 0, []
    for note in notes:
        got = suggest.walk(tree, note["text"], vocab, reading)
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
    tree, vocab, reading = project.tree.data, project.vocab.data, project.reading.data
    print("Single blocks")
    for half, notes in load_bank().items():
        s = score(notes, tree, vocab, reading)
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
    from build_tools.export import engine_data

    data = engine_data(project)
    print("Visits")
    for half, visits in load_visits().items():
        v = score_visits(visits, data)
        print(visit_line(f"{half:8}", v))
        sets = sorted({visit_set(x["id"]) for x in visits})
        if len(sets) > 1:
            for name in sets:
                print(visit_line(f"   {name:5}", score_visits([x for x in visits if visit_set(x["id"]) == name], data)))
        if args.misses and half == "dev":
            for row in v["rows"]:
                if not row["ok"]:
                    print(f"   {row['id']:34} want {row['want']}  got {row['got']}")
    print("Published short examples (billing guides, MACs, payers)")
    for half, examples in load_published().items():
        e = score_published(examples, data)
        print(
            f"{half:8} examples {e['examples']:3}  committed {e['commit_pct']:5.1f}% ({e['committed']})  "
            f"code right when committed {e['code_pct']:5.1f}% ({e['code_right']}/{e['code_asked']})  "
            f"documentation verdict agrees {e['verdict_pct']:5.1f}%"
        )
        if args.misses and half == "dev":
            for row in e["rows"]:
                if not row["ok"]:
                    print(f"   {row['id']:34} want {row['want']}  got {row['got']}")
    return 0


def load_published() -> dict[str, list[dict[str, Any]]]:
    """The published short examples (tests/published_examples/guides) by half."""
    from tests.note_bank import deal

    examples = {e["id"]: e for e in deal.published_examples()}
    split = yaml.safe_load((BANK / "published_split.yaml").read_text(encoding="utf-8"))
    return {half: [examples[i] for i in ids] for half, ids in split.items()}


def score_published(examples: list[dict[str, Any]], data: dict[str, Any]) -> dict[str, Any]:
    """Figures for one half of the published examples.

    Committed: the reader names a code for the text (whatever its documentation verdict) or says it is not
    billable. Code right: of the committed examples the source ties to a code, the reader names that code.
    Verdict agrees: a source's good example reads as supported; a source's insufficient example reads as
    partly supported, not shown or not billable."""
    from engine import visit

    committed = code_asked = code_right = verdict = 0
    rows = []
    for ex in examples:
        result = visit.read(ex["text"], data, "cms")
        coded = result["blocks"]
        codes = [b["code"] for b in coded if b["code"]]
        not_billable = any(b["result"] == "not_billable" for b in coded) or any(
            w["kind"] == "nothing_named" for w in result["warnings"]
        )
        verdicts = [(b["documentation"] or {}).get("verdict") for b in coded if b["code"]]
        is_committed = bool(codes) or not_billable
        committed += is_committed
        good = ex["verdict"] == "supported"
        right_code = str(ex["code"]) in codes
        if good and is_committed:
            code_asked += 1
            code_right += right_code
        agrees = (right_code and "supported" in verdicts) if good else (not_billable or "supported" not in verdicts)
        verdict += agrees
        ok = is_committed and agrees and (right_code or not good)
        got = [
            (b["code"] or ("none" if b["result"] == "not_billable" else b["open_question"]), v)
            for b, v in zip([b for b in coded], [(b["documentation"] or {}).get("verdict") for b in coded], strict=True)
        ]
        rows.append({"id": ex["id"], "ok": ok, "want": (str(ex["code"]), ex["verdict"]), "got": got})
    n = len(examples) or 1
    return {
        "examples": len(examples),
        "committed": committed,
        "commit_pct": 100 * committed / n,
        "code_asked": code_asked,
        "code_right": code_right,
        "code_pct": 100 * code_right / code_asked if code_asked else 0.0,
        "verdict_pct": 100 * verdict / n,
        "rows": rows,
    }


def visit_line(label: str, v: dict[str, Any]) -> str:
    """One printed line of visit figures."""
    return (
        f"{label} visits {v['visits']:3}  every block right {v['blocks_pct']:5.1f}%  "
        f"billed exactly cms {v['cms_pct']:5.1f}% ama {v['ama_pct']:5.1f}%  "
        f"warnings right {v['warnings_pct']:5.1f}%"
        + (f"  ({v['uncountable']} not countable by the unit engine)" if v["uncountable"] else "")
    )


def visit_set(visit_id: str) -> str:
    """The set a visit belongs to, by its id's prefix (each set has its own author): "v4-" etc."""
    return visit_id.split("-", 1)[0] + "-"


def load_visits() -> dict[str, list[dict[str, Any]]]:
    """The bank's visits by half."""
    visits = {v["id"]: v for v in yaml.safe_load((BANK / "visits.yaml").read_text(encoding="utf-8"))}
    split = yaml.safe_load((BANK / "visit_split.yaml").read_text(encoding="utf-8"))
    return {half: [visits[i] for i in ids] for half, ids in split.items()}


def score_visits(visits: list[dict[str, Any]], data: dict[str, Any]) -> dict[str, Any]:
    """Visit figures for one half, and each visit's row."""
    from engine import visit

    counts = {"blocks": 0, "cms": 0, "ama": 0, "warnings": 0}
    countable = {"cms": len(visits), "ama": len(visits)}
    rows = []
    for key in visits:
        try:
            results = {rule: visit.read(key["text"], data, rule) for rule in ("cms", "ama")}
        except visit.VisitInputError as refused:  # the reader refused a note the key reads: wrong on every count
            rows.append({"id": key["id"], "ok": False, "want": [], "got": [("refused", str(refused))]})
            continue
        got = answer_key.read_blocks(results["cms"]["blocks"])
        want = [(b["code"], b["minutes"]) for b in key["blocks"]]
        ok = answer_key.blocks_right(key, got)
        counts["blocks"] += ok
        for rule in ("cms", "ama"):
            billed = {c: n for c, n in results[rule]["units"].items() if n}
            expected = answer_key.expected_units(key, data, rule)
            if expected is None:  # the key's claim has a code the unit engine does not count
                countable[rule] -= 1
            else:
                counts[rule] += billed == expected
        kinds = {w["kind"] for w in results["cms"]["warnings"]} & {"total_mismatch", "block_without_minutes"}
        counts["warnings"] += kinds == set(key["expected_warnings"])
        rows.append({"id": key["id"], "ok": ok, "want": want, "got": got})
    n = len(visits) or 1
    return {
        "visits": len(visits),
        **{f"{k}_pct": 100 * v / (countable.get(k) or n) for k, v in counts.items()},
        "uncountable": len(visits) - countable["cms"],
        "rows": rows,
    }


if __name__ == "__main__":
    sys.exit(main())
