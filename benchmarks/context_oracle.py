"""Benchmark (a script, not a test): engine.assertions against medspaCy's ConText, over the whole note bank.

medspaCy (https://github.com/medspacy/medspacy) implements ConText (Harkema et al., 2009) with its own
trigger rules. It is an oracle for the engine's standard-library ConText, not a dependency: install it in
a separate environment (`python -m venv /tmp/ms && /tmp/ms/bin/pip install medspacy pyyaml`) and run
`/tmp/ms/bin/python benchmarks/context_oracle.py [--all]`.

For every occurrence of a target term (the therapy words the tree's evidence relies on: cues, assist
levels, balance, gait, manual therapy, ...) in every note and visit of tests/note_bank, it compares the
engine (is the term blanked as negated, planned, historical or a goal?) with medspaCy (is the entity
negated, hypothetical, historical or family?). It prints the agreement rate and every disagreement with
its sentence (the first 40 unless --all). Goal statements are a category medspaCy does not have: a term
the engine marks only as a goal counts as agreeing when medspaCy leaves it asserted.
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from engine import assertions  # noqa: E402

TARGETS = [
    "cues",
    "cueing",
    "vc",
    "tactile cues",
    "min a",
    "mod a",
    "max a",
    "cga",
    "sba",
    "assist",
    "balance",
    "tandem",
    "foam",
    "perturbations",
    "gait",
    "gait training",
    "stairs",
    "walker",
    "cane",
    "manual therapy",
    "mobilization",
    "mobs",
    "stm",
    "traction",
    "e-stim",
    "hot pack",
    "ice",
    "ultrasound",
    "transfers",
    "dressing",
    "toileting",
    "lifting",
    "bridges",
    "slr",
    "strengthening",
    "stretching",
    "rom",
    "exercise",
    "sit to stand",
    "bed mobility",
    "car transfers",
    "tub transfers",
    "dizziness",
    "lob",
    "pain",
    "hep",
]


def notes() -> list[tuple[str, str]]:
    bank = ROOT / "tests" / "note_bank"
    out = [(n["id"], n["text"]) for n in yaml.safe_load((bank / "notes.yaml").read_text(encoding="utf-8"))]
    out += [(v["id"], v["text"]) for v in yaml.safe_load((bank / "visits.yaml").read_text(encoding="utf-8"))]
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--all", action="store_true", help="print every disagreement")
    args = parser.parse_args(argv)
    try:
        import medspacy
        from medspacy.ner import TargetRule
    except ImportError:
        print("medspaCy is not installed here; see the docstring for how to run this script.")
        return 2
    nlp = medspacy.load()
    matcher = nlp.get_pipe("medspacy_target_matcher")
    matcher.add([TargetRule(t, "TERM") for t in TARGETS])
    context = yaml.safe_load((ROOT / "data" / "note_reading.yaml").read_text(encoding="utf-8"))["context"]
    agree, disagreements = 0, []
    for note_id, text in notes():
        stretches = assertions.spans(text, context)
        doc = nlp(text)
        for ent in doc.ents:
            theirs = bool(ent._.is_negated or ent._.is_hypothetical or ent._.is_historical or ent._.is_family)
            cats = {s["category"] for s in stretches if s["start"] <= ent.start_char < s["end"]}
            ours = bool(cats - {"goal"})
            same = ours == theirs or (cats == {"goal"} and not theirs)
            agree += same
            if not same:
                sentence = re.sub(r"\s+", " ", ent.sent.text)[:140]
                disagreements.append((note_id, ent.text, sorted(cats) or ["asserted"], theirs, sentence))
    total = agree + len(disagreements)
    print(f"{total} target terms; engine and medspaCy agree on {agree} ({100 * agree / max(total, 1):.1f}%)")
    for note_id, term, cats, theirs, sentence in disagreements[: None if args.all else 40]:
        print(f"- {note_id}: '{term}' engine {'/'.join(cats)}, medspaCy {'not asserted' if theirs else 'asserted'}")
        print(f"    {sentence}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
