"""The note bank's shape: fields and types, codes that exist, unique ids, and a reproducible deal."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
BANK = ROOT / "tests" / "note_bank"
CODES = {p.stem for p in (ROOT / "data" / "codes").glob("*.yaml")}
VISITS = yaml.safe_load((BANK / "visits.yaml").read_text(encoding="utf-8"))
NOTES = yaml.safe_load((BANK / "notes.yaml").read_text(encoding="utf-8"))
WARNINGS = {"total_mismatch", "block_without_minutes"}


def _deal():
    spec = importlib.util.spec_from_file_location("note_bank_deal", BANK / "deal.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _code_ok(code: str) -> bool:
    return code == "none" or all(part in CODES for part in code.split("+"))


def test_visits_have_their_fields_with_valid_types() -> None:
    assert len(VISITS) >= 64
    assert sum(v["id"].startswith("v2-") for v in VISITS) >= 45
    assert sum(v["id"].startswith("v3-") for v in VISITS) >= 45
    assert sum(v["id"].startswith("v4-") for v in VISITS) >= 60
    assert sum(v["id"].startswith("v5-") for v in VISITS) >= 80
    assert sum(v["id"].startswith("v6-") for v in VISITS) >= 60
    assert sum(v["id"].startswith("v7-") for v in VISITS) >= 60
    assert sum(v["id"].startswith("v8-") for v in VISITS) >= 60
    for prefix in ("v9-", "v10-", "v11-", "v12-", "v13-"):
        assert sum(v["id"].startswith(prefix) for v in VISITS) >= 60, prefix
    for v in VISITS:
        assert set(v) == {"id", "text", "blocks", "stated_total", "expected_warnings", "contested", "why"}, v["id"]
        assert isinstance(v["id"], str) and v["id"].startswith(SETS), v["id"]
        assert isinstance(v["text"], str) and v["text"].strip(), v["id"]
        assert v["stated_total"] is None or (type(v["stated_total"]) is int and v["stated_total"] > 0), v["id"]
        assert isinstance(v["expected_warnings"], list) and set(v["expected_warnings"]) <= WARNINGS, v["id"]
        assert isinstance(v["contested"], bool) and isinstance(v["why"], str) and v["why"].strip(), v["id"]
        assert 1 <= len(v["blocks"]) <= 5, v["id"]  # an evaluation-only visit has one block
        for b in v["blocks"]:
            assert set(b) == {"heading", "minutes", "code", "acceptable"}, v["id"]
            assert b["heading"] is None or (isinstance(b["heading"], str) and b["heading"]), v["id"]
            # a zero is a template row left at 0 ("Gait | 0 |"): written, and no time
            assert b["minutes"] is None or (type(b["minutes"]) is int and b["minutes"] >= 0), v["id"]
            assert _code_ok(b["code"]) and all(_code_ok(c) for c in b["acceptable"]), (v["id"], b)
            assert b["code"] in b["acceptable"], (v["id"], b)
            if b["heading"] is not None:
                assert b["heading"] in v["text"], (v["id"], b["heading"])


#: supervised modalities, group, evaluations: untimed (minutes written for them are not timed minutes)
#: the visit sets, one per author
SETS = ("v-", "v2-", "v3-", "v4-", "v5-", "v6-", "v7-", "v8-", "v9-", "v10-", "v11-", "v12-", "v13-")

UNTIMED = {
    "97010",
    "97012",
    "97014",
    "97016",
    "97018",
    "97022",
    "97024",
    "97026",
    "97028",
    "G0283",
    "95992",
    "97150",
    "none",
} | {str(c) for c in range(97161, 97173)}


def test_a_stated_total_that_differs_from_the_billable_timed_minutes_is_warned_about() -> None:
    for v in VISITS:
        timed = sum(b["minutes"] or 0 for b in v["blocks"] if b["code"] not in UNTIMED)
        differs = v["stated_total"] is not None and v["stated_total"] != timed
        assert differs == ("total_mismatch" in v["expected_warnings"]), (v["id"], timed)


def test_a_block_without_minutes_is_warned_about() -> None:
    untimed = UNTIMED
    for v in VISITS:
        missing = any(b["minutes"] is None and b["code"] not in untimed for b in v["blocks"])
        assert missing == ("block_without_minutes" in v["expected_warnings"]), v["id"]


def test_notes_have_their_fields_with_valid_types() -> None:
    for n in NOTES:
        assert set(n) == {"id", "text", "expected", "acceptable", "contested"}, n["id"]
        assert isinstance(n["text"], str) and n["text"].strip(), n["id"]
        assert _code_ok(n["expected"]) and all(_code_ok(c) for c in n["acceptable"]), n["id"]
        assert n["expected"] in n["acceptable"] and isinstance(n["contested"], bool), n["id"]
    assert sum(n["id"].startswith("t2-") for n in NOTES) >= 48


def test_ids_are_unique_across_the_bank() -> None:
    ids = [x["id"] for x in VISITS + NOTES]
    assert len(ids) == len(set(ids))


def test_every_id_is_dealt_exactly_once() -> None:
    for name, items in (("split.yaml", NOTES), ("visit_split.yaml", VISITS)):
        split = yaml.safe_load((BANK / name).read_text(encoding="utf-8"))
        assert set(split) == {"dev", "heldout"}, name
        dealt = split["dev"] + split["heldout"]
        assert sorted(dealt) == sorted(x["id"] for x in items), name


def test_the_deal_is_reproducible() -> None:
    for name, text in _deal().expected_files().items():
        assert (BANK / name).read_text(encoding="utf-8") == text, f"{name}: rerun tests/note_bank/deal.py"


def test_the_deal_keeps_the_first_assignments_and_alternates() -> None:
    deal = _deal()
    assert deal.deal_alternately(["a", "b", "c"])[0] == sorted(["a", "b", "c"], key=deal._key)[0::2]
    old = {"dev": ["x"], "heldout": ["y"]}
    notes = [{"id": i, "expected": "97110"} for i in ("x", "y", "p", "q", "r")]
    got = deal.deal_notes(notes, old)
    assert "x" in got["dev"] and "y" in got["heldout"]
    new_dev, _ = deal.deal_alternately(["p", "q", "r"])
    assert set(got["dev"]) == {"x", *new_dev}


def test_the_visits_written_without_the_engine_are_the_held_out_half() -> None:
    split = yaml.safe_load((BANK / "visit_split.yaml").read_text(encoding="utf-8"))
    assert split["heldout"] and all(i.startswith(("v4-", "v6-", "v11-", "v12-")) for i in split["heldout"])
    assert split["dev"] and not any(i.startswith(("v4-", "v6-", "v11-", "v12-")) for i in split["dev"])
    got = _deal().deal_visits(
        [{"id": "v-a"}, {"id": "v2-b"}, {"id": "v-c"}, {"id": "v3-d"}, {"id": "v4-e"}, {"id": "v5-f"}, {"id": "v6-g"}]
    )
    assert got == {"dev": ["v-a", "v-c", "v2-b", "v3-d", "v5-f"], "heldout": ["v4-e", "v6-g"]}
    assert any(i.startswith("v3-") for i in split["dev"]) and any(i.startswith("v2-") for i in split["dev"])
