"""The activity catalog's data promises: sample notes name assist level, minutes and a goal; every taught
treatment code has at least two activities; no two activities share a sentence."""

from __future__ import annotations

import re
from collections import defaultdict
from typing import Any

import pytest

from build_tools.load import load_project

PROJECT = load_project()
ACTIVITIES = {slug: doc.data for slug, doc in PROJECT.records["activities"].items()}
CODES = {doc.data["code"]: doc.data for doc in PROJECT.codes.values()}
ASSIST = {term["id"]: term for term in PROJECT.vocab.data["assist_levels"]}
SENTENCE_END = re.compile(r"(?<=[.!?])\s+")


def _names(term: dict[str, Any]) -> list[str]:
    return [term["label"], *term.get("abbreviations", [])]


@pytest.mark.parametrize("slug", sorted(ACTIVITIES))
def test_sample_note_names_assist_level_minutes_and_goal(slug: str) -> None:
    note = ACTIVITIES[slug]["sample_note"]
    text = note["text"]
    names = [n for n in _names(ASSIST[note["assist_level"]]) if len(n) > 1]
    assert any(re.search(rf"(?<![A-Za-z]){re.escape(n)}(?![A-Za-z])", text, re.I) for n in names), (
        f"{slug}: the note does not name its assist level ({', '.join(names)})"
    )
    assert re.search(rf"\b{note['minutes']}\s*(min|minutes)\b", text, re.I), f"{slug}: minutes not in the note"
    assert re.search(r"\bgoals?\b", text, re.I), f"{slug}: the note does not link to a goal"


def test_every_taught_treatment_code_has_two_activities() -> None:
    by_code: dict[str, list[str]] = defaultdict(list)
    for slug, activity in ACTIVITIES.items():
        by_code[activity["likely_code"]].append(slug)
    taught = [
        code
        for code, rec in CODES.items()
        if rec["guidance_page"] and rec["family"] != "evaluation" and not rec.get("primary_code")
    ]
    assert len(taught) >= 14
    thin = {code: by_code.get(code, []) for code in taught if len(by_code.get(code, [])) < 2}
    assert not thin, f"codes with fewer than two activities: {thin}"


def _sentences(value: Any) -> list[str]:
    if isinstance(value, str):
        return [s.strip().lower() for s in SENTENCE_END.split(value) if len(s.split()) >= 6]
    if isinstance(value, dict):
        return [s for k, v in value.items() if k not in {"sources"} for s in _sentences(v)]
    if isinstance(value, list):
        return [s for v in value for s in _sentences(v)]
    return []


def test_no_two_activities_share_a_sentence() -> None:
    seen: dict[str, str] = {}
    shared = []
    for slug, activity in sorted(ACTIVITIES.items()):
        for sentence in set(_sentences(activity)):
            if sentence in seen and seen[sentence] != slug:
                shared.append((seen[sentence], slug, sentence))
            seen.setdefault(sentence, slug)
    assert not shared, shared[:5]
