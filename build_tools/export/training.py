"""Case vignettes for the practice pages: the engine's view of data/cases, each tagged with its code family."""

from __future__ import annotations

from typing import Any

from build_tools.load import Project


def cases_data(project: Project) -> dict[str, dict[str, Any]]:
    """Every case by id, as the engine's practice module reads it; family comes from the answer's code."""
    families = {doc.data["code"]: doc.data["family"] for doc in project.codes.values()}
    out = {}
    for doc in project.records["cases"].values():
        case = dict(doc.data)
        case["family"] = families.get(case["answer"]["code"], "other")
        out[case["id"]] = case
    return out


def answer_choices(project: Project) -> list[dict[str, str]]:
    """The codes a student picks from: every code with a guidance page, plus every code a case answers."""
    answered = {doc.data["answer"]["code"] for doc in project.records["cases"].values()}
    return [
        {"code": doc.data["code"], "name": doc.data["name"]}
        for doc in sorted(project.codes.values(), key=lambda d: d.data["code"])
        if doc.data.get("guidance_page") or doc.data["code"] in answered
    ]
