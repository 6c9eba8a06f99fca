"""Deal the note bank into a development half and a held-out half, before any pattern is tuned.

Single-block notes (notes.yaml -> split.yaml): within each expected code the notes are ordered by sha256(id) and
dealt alternately, first to dev. Assignments already in split.yaml are kept as they are; only notes not yet dealt
are dealt, by the same rule among themselves.

Visit notes (visits.yaml -> visit_split.yaml): every visit whose id starts with `v4-` or `v6-` is held out, every
other visit (v-, v2-, v3-, v5-, v7-, v8-, v9-, v10-) is dev; v11- is held out too. The first held-out half (v-) was
inspected while the visit reader was built on 2026-12-03, so it moved to dev; v2- notes were written afterwards by
a separate author without seeing the engine and were the held-out half until their figure was reported
(2026-12-03); then v2- moved to dev and the v4- visits, written blind to the reader by another author and never
read while tuning, became the held-out half. v3- visits (2026-12-03) are more dev data by a separate author who
never saw the engine. v5- (dev) and v6- (held out) were written on 2026-12-04 by two more authors, each blind to
the reader and to every other note; v7- (dev, 2026-12-04) by one more blind author, given the same six-clinician
style brief as the v6- author; v8- (dev, 2026-12-04) by another, as EMR exports. v9-, v10- (dev) and v11- (held
out) were written on 2026-12-04 by three more blind authors; v11- was dealt to held-out here before its notes
existed. v12- (held out) was dealt here the same day before its author was asked for it: it is measured once,
after the session's tuning. Its first author's notes were lost with that session's uncommitted work; a new
blind author wrote v12- later the same day, with v13- (dev) by one more. (Until 2026-12-03 the v- visits were
ordered by sha256(id) and dealt alternately, first to dev; `deal_alternately` still serves the single-block
notes and the published examples.)

Run from the repository root: python tests/note_bank/deal.py  (add --check to compare without writing).
"""

from __future__ import annotations

import argparse
import hashlib
import sys
from collections import defaultdict
from pathlib import Path

import yaml

BANK = Path(__file__).resolve().parent

SPLIT_HEADER = (
    "# The development / held-out split, made once before any pattern was tuned: within each expected code the\n"
    "# notes are ordered by sha256(id) and dealt alternately, first to dev. Tune only on dev; report both.\n"
    "# Notes added later (ids t2- on 2026-12-03, t3- and t4- on 2026-12-04) were dealt by tests/note_bank/deal.py by\n"
    "# the same rule, each round among its own notes, leaving every earlier assignment unchanged.\n"
)
VISIT_HEADER = (
    "# The development / held-out split of visits.yaml, made by tests/note_bank/deal.py. The first held-out half\n"
    "# (v-) was inspected while the visit reader was built on 2026-12-03, so it moved to dev; v2- notes were\n"
    "# written afterwards by a separate author without seeing the engine and are the held-out half.\n"
    "# v3- visits were written on 2026-12-03 as more dev data, after the reader existed, by a separate author\n"
    "# without seeing the engine.\n"
    "# The v2- held-out figure was reported on 2026-12-03 (74.2% of visits with every block right); v2- then moved\n"
    "# to dev, and v4- visits, written on 2026-12-03 by another author blind to the reader (never read while\n"
    "# tuning), are the held-out half.\n"
    "# v6- visits, written on 2026-12-04 by another author blind to the reader and to every other note, are held\n"
    "# out too; v5-, v7- and v8- visits, written the same day by three more blind authors as more dev data, are dev.\n"
    "# v9-, v10- (dev) and v11- (held out) visits were written later on 2026-12-04 by three more blind authors;\n"
    "# v11- was dealt to held-out before its notes were written; so was v12-, measured once after the tuning.\n"
    "# Every v-, v2-, v3-, v5-, v7-, v8-, v9-, v10- and v13- visit is dev, every v4-, v6-, v11- and v12- visit is\n"
    "# held out.\n"
    "# Tune only on dev.\n"
)

#: ids of visits written blind to the reader and never read while tuning: all held out
HELDOUT_VISIT_PREFIXES = ("v4-", "v6-", "v11-", "v12-")


def _key(note_id: str) -> str:
    return hashlib.sha256(note_id.encode("utf-8")).hexdigest()


def deal_alternately(ids: list[str]) -> tuple[list[str], list[str]]:
    """Order ids by sha256 and deal them alternately, first to dev."""
    ordered = sorted(ids, key=_key)
    return ordered[0::2], ordered[1::2]


def deal_notes(notes: list[dict], existing: dict[str, list[str]]) -> dict[str, list[str]]:
    """The split of single-block notes: existing assignments kept, new notes dealt per expected code."""
    dealt = set(existing.get("dev", [])) | set(existing.get("heldout", []))
    dev, held = list(existing.get("dev", [])), list(existing.get("heldout", []))
    by_code: dict[str, list[str]] = defaultdict(list)
    for note in notes:
        if note["id"] not in dealt:
            by_code[note["expected"]].append(note["id"])
    for ids in by_code.values():
        d, h = deal_alternately(ids)
        dev += d
        held += h
    return {"dev": sorted(dev), "heldout": sorted(held)}


#: later rounds of single-block notes, each dealt among its own notes by the same rule: t2- (2026-12-03),
#: t3- (2026-12-04, the prosthetic-training notes), t4- (2026-12-04, the caregiver-training note); earlier
#: assignments never change
LATER_ROUNDS = ("t2-", "t3-", "t4-")


def deal_in_rounds(notes: list[dict], base: dict[str, list[str]]) -> dict[str, list[str]]:
    """The first deal (`base`), then each later round dealt among its own notes, in order."""
    split = base
    for i in range(len(LATER_ROUNDS)):
        upto = LATER_ROUNDS[: i + 1]
        split = deal_notes(
            [n for n in notes if not n["id"].startswith(LATER_ROUNDS) or n["id"].startswith(upto)], split
        )
    return split


def deal_visits(visits: list[dict]) -> dict[str, list[str]]:
    """The split of visit notes: v4-, v6- and v11- visits held out, all others dev."""
    ids = [v["id"] for v in visits]
    held = [i for i in ids if i.startswith(HELDOUT_VISIT_PREFIXES)]
    dev = [i for i in ids if not i.startswith(HELDOUT_VISIT_PREFIXES)]
    return {"dev": sorted(dev), "heldout": sorted(held)}


PUBLISHED = BANK.parent / "published_examples" / "guides"
PUBLISHED_HEADER = (
    "# The development / held-out split of the published short documentation examples\n"
    "# (tests/published_examples/guides/), made by tests/note_bank/deal.py on 2026-12-04 when they were collected,\n"
    "# before any of their texts was read by the engine's authors: within each code the source gives, ordered by\n"
    "# sha256(id) and dealt alternately, first to dev. Tune only on dev; report both.\n"
)


def published_examples() -> list[dict]:
    """Every published example of tests/published_examples/guides, with its file's source and url."""
    out = []
    for path in sorted(PUBLISHED.glob("*.yaml")):
        doc = yaml.safe_load(path.read_text(encoding="utf-8"))
        out += [{**e, "source": doc["source"], "url": doc["url"]} for e in doc["examples"]]
    return out


def deal_published(examples: list[dict]) -> dict[str, list[str]]:
    """The split of the published examples: per code the source gives, dealt alternately by sha256(id)."""
    by_code: dict[str, list[str]] = defaultdict(list)
    for e in examples:
        by_code[str(e["code"])].append(e["id"])
    dev: list[str] = []
    held: list[str] = []
    for ids in by_code.values():
        d, h = deal_alternately(ids)
        dev += d
        held += h
    return {"dev": sorted(dev), "heldout": sorted(held)}


def _load(name: str):
    return yaml.safe_load((BANK / name).read_text(encoding="utf-8"))


def render(header: str, split: dict[str, list[str]]) -> str:
    return header + yaml.safe_dump(split, sort_keys=False, default_flow_style=False)


def _original_split(text: str) -> dict[str, list[str]]:
    """The assignments made before the t2- notes: the reproducible base of split.yaml."""
    split = yaml.safe_load(text)
    return {half: [i for i in ids if not i.startswith(LATER_ROUNDS)] for half, ids in split.items()}


def expected_files() -> dict[str, str]:
    """What split.yaml and visit_split.yaml should hold."""
    base = _original_split((BANK / "split.yaml").read_text(encoding="utf-8"))
    return {
        "split.yaml": render(SPLIT_HEADER, deal_in_rounds(_load("notes.yaml"), base)),
        "visit_split.yaml": render(VISIT_HEADER, deal_visits(_load("visits.yaml"))),
        "published_split.yaml": render(PUBLISHED_HEADER, deal_published(published_examples())),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="only report whether the files match the deal")
    args = parser.parse_args()
    bad = 0
    for name, text in expected_files().items():
        path = BANK / name
        if args.check:
            if not path.exists() or path.read_text(encoding="utf-8") != text:
                print(f"{name} differs from the deal", file=sys.stderr)
                bad = 1
        else:
            path.write_text(text, encoding="utf-8")
    return bad


if __name__ == "__main__":
    sys.exit(main())
