"""The outcome card of the "which code?" walk, and its neighbour comparison.

Input is an outcome node of decision_tree data plus the compact code guide the
build exports (`build_tools.export.guide_data`):
`{"codes": {code: {name, summary, page, neighbours, note_must_show, denials, payer_caveats}},
"activities": {slug: {name, likely_code, reasoning, page, code_changes}}, "sources": {id: {title, url}},
"disclaimer": str}`. Any part may be missing while content is being written; the card then
shows what the tree itself says.
"""

from __future__ import annotations

from typing import Any


def resolve_citations(citations: list[dict[str, Any]] | None, guide: dict[str, Any]) -> list[dict[str, Any]]:
    """Citations -> {id, title, url, section, detail} with the bibliography's title and address."""
    sources = guide.get("sources", {})
    out = []
    for cite in citations or []:
        entry = sources.get(cite["source"], {})
        out.append(
            {
                "id": cite["source"],
                "title": entry.get("title", cite["source"]),
                "url": entry.get("url"),
                "section": cite.get("section"),
                "detail": cite.get("detail"),
            }
        )
    return out


def claims(items: list[Any] | None, guide: dict[str, Any]) -> list[dict[str, Any]]:
    """Claims (plain text or {text, sources}) -> [{text, sources: resolved}]."""
    out = []
    for item in items or []:
        if isinstance(item, str):
            out.append({"text": item, "sources": []})
        else:
            out.append({"text": item["text"], "sources": resolve_citations(item.get("sources"), guide)})
    return out


def activities_for(code: str | None, slugs: list[str], guide: dict[str, Any]) -> list[dict[str, Any]]:
    """Activities named by the outcome plus every activity whose likely code is `code`, by name."""
    catalog = guide.get("activities", {})
    chosen = {s for s in slugs if s in catalog}
    if code:
        chosen |= {slug for slug, act in catalog.items() if act.get("likely_code") == code}
    rows = [
        {
            "slug": slug,
            "name": catalog[slug]["name"],
            "likely_code": catalog[slug].get("likely_code"),
            "page": catalog[slug].get("page"),
        }
        for slug in chosen
    ]
    return sorted(rows, key=lambda r: r["name"].lower())


def _difference(code: str | None, other: str, guide: dict[str, Any]) -> dict[str, Any] | None:
    """How to tell `code` from `other`, from either code's guidance; None when neither says."""
    codes = guide.get("codes", {})
    for owner, target in ((code, other), (other, code)):
        for row in codes.get(owner or "", {}).get("neighbours", []):
            if row["code"] == target:
                return {
                    "text": row["difference"],
                    "from": owner,
                    "sources": resolve_citations(row.get("sources"), guide),
                }
    return None


def _example_activity(code: str | None, others: list[str], guide: dict[str, Any]) -> tuple[str, dict] | None:
    """The activity usually coded `code` whose 'what would change the code' covers the most neighbours."""
    candidates = []
    for slug, act in guide.get("activities", {}).items():
        if code and act.get("likely_code") == code:
            covered = len({c["code"] for c in act.get("code_changes", [])} & set(others))
            if covered:
                candidates.append((-covered, act["name"].lower(), slug))
    if not candidates:
        return None
    slug = min(candidates)[2]
    return slug, guide["activities"][slug]


def compare_neighbours(code: str | None, neighbours: list[str], guide: dict[str, Any]) -> dict[str, Any]:
    """The outcome's code beside its neighbours: what each is for, how to tell it apart, and the same activity.

    Neighbours are the outcome's own list followed by those the code's guidance names.
    """
    codes = guide.get("codes", {})
    others: list[str] = []
    for other in [*neighbours, *(row["code"] for row in codes.get(code or "", {}).get("neighbours", []))]:
        if other != code and other not in others:
            others.append(other)
    example = _example_activity(code, others, guide)
    changes: dict[str | None, str | None] = (
        {c["code"]: c["when"] for c in example[1].get("code_changes", [])} if example else {}
    )
    rows = []
    for row_code in ([code] if code else []) + others:
        info = codes.get(row_code, {})
        is_outcome = row_code == code
        changes[code] = example[1].get("reasoning") if example else None
        same = changes.get(row_code)
        rows.append(
            {
                "code": row_code,
                "is_outcome": is_outcome,
                "name": info.get("name"),
                "summary": info.get("summary"),
                "page": info.get("page"),
                "difference": None if is_outcome else _difference(code, row_code, guide),
                "same_activity": same,
            }
        )
    activity = {"slug": example[0], "name": example[1]["name"], "page": example[1].get("page")} if example else None
    return {"code": code, "activity": activity, "rows": rows}


#: what an outcome card calls each kind of result
RESULT_LABELS = {
    "code": "Code",
    "not_billable": "Not billable",
    "documentation": "Documentation check",
    "split": "Two services",
}


def card(node: dict[str, Any], guide: dict[str, Any]) -> dict[str, Any]:
    """Everything the outcome card shows for outcome `node`."""
    code = node.get("code")
    info = guide.get("codes", {}).get(code or "", {})
    caveats = [
        {
            "text": c["text"],
            "payer": c.get("payer"),
            "as_of": c["as_of"],
            "sources": resolve_citations(c.get("sources"), guide),
        }
        for c in info.get("payer_caveats", [])
    ]
    return {
        "id": node["id"],
        "result": node["result"],
        "result_label": RESULT_LABELS.get(node["result"], node["result"]),
        "documentation": node.get("documentation", "supported") if code else None,
        "code": code,
        "codes": node.get("codes") or ([code] if code else []),
        "title": node["title"],
        "why": node["why"],
        "code_name": info.get("name"),
        "summary": info.get("summary"),
        "page": info.get("page"),
        "note_must_show": claims(node.get("note_must_show"), guide),
        "mistakes": claims(node.get("mistakes"), guide),
        "denials": claims(info.get("denials"), guide),
        "payer_caveats": caveats,
        "activities": activities_for(code, node.get("activities", []), guide),
        "compare": compare_neighbours(code, node.get("neighbours", []), guide),
        "sources": resolve_citations(node.get("sources"), guide),
        "disclaimer": guide.get("disclaimer"),
    }
