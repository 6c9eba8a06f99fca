"""Data -> what the documentation coach page needs before Python starts: its code picker and examples.

The "try an example" notes are the activity catalog's sample notes (checked against
the activity's likely code) and the case vignettes (checked against the code that
was billed, or else the answer). Tests read the same list, so the page and the
verdict tests cannot drift apart.
"""

from __future__ import annotations

from typing import Any

from build_tools.load import Project


def documented_codes(project: Project) -> dict[str, dict[str, Any]]:
    """Codes that carry a documentation checklist, by code."""
    return {doc.data["code"]: doc.data for doc in project.codes.values() if doc.data.get("documentation")}


def coach_examples(project: Project) -> list[dict[str, Any]]:
    """Every example note whose code has a checklist: id, label, text, code, and for cases the answer."""
    codes = documented_codes(project)
    examples = []
    for slug, doc in sorted(project.records["activities"].items()):
        act = doc.data
        if act["likely_code"] in codes:
            examples.append(
                {
                    "id": f"activity/{slug}",
                    "kind": "activity",
                    "label": f"Activity sample note: {act['name']} ({act['likely_code']})",
                    "text": act["sample_note"]["text"].strip(),
                    "code": act["likely_code"],
                    "answer": act["likely_code"],
                }
            )
    for slug, doc in sorted(project.records["cases"].items()):
        case = doc.data
        code = case.get("billed_as") or case["answer"]["code"]
        if code in codes:
            billed = f"billed as {code}" if case.get("billed_as") else code
            examples.append(
                {
                    "id": f"case/{slug}",
                    "kind": "case",
                    "label": f"Case: {case['title']} ({billed})",
                    "text": case["session"].strip(),
                    "code": code,
                    "answer": case["answer"]["code"],
                }
            )
    return examples


def coach_page_data(project: Project) -> dict[str, Any]:
    """The code picker (codes with a checklist) and the example notes, for assets/data/coach.json."""
    codes = documented_codes(project)
    return {
        "codes": [{"code": c, "name": codes[c]["name"]} for c in sorted(codes)],
        "examples": coach_examples(project),
    }
