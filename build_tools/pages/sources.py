"""The bibliography page: every source once, with its anchor, its details, and the pages that cite it."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from build_tools.escape import md, md_label, safe_url
from build_tools.load import Project

KIND_LABELS = {
    "manual": "Manual",
    "regulation": "Regulation",
    "lcd": "Local coverage determination or article",
    "article": "Article",
    "payer_policy": "Payer policy",
    "professional_association": "Professional association",
    "reference": "Reference",
    "seed": "Seed document",
}


def _citations(data: Any) -> Iterator[str]:
    if isinstance(data, dict):
        for key, value in data.items():
            if key == "sources" and isinstance(value, list):
                yield from (c["source"] for c in value if isinstance(c, dict) and "source" in c)
            else:
                yield from _citations(value)
    elif isinstance(data, list):
        for value in data:
            yield from _citations(value)


def citing_pages(project: Project) -> dict[str, list[tuple[str, str]]]:
    """Source id -> [(title, page link)] of the generated pages whose data cites it."""
    out: dict[str, list[tuple[str, str]]] = {}

    def add(data: Any, title: str, link: str) -> None:
        for sid in dict.fromkeys(_citations(data)):
            out.setdefault(sid, []).append((title, link))

    add(project.tree.data, "Which code? (decision tree)", "tree.md")
    for code, doc in sorted(project.codes.items()):
        link = f"codes/{code}.md" if doc.data.get("guidance_page") else f"codes/index.md#c{code}"
        add(doc.data, f"{code}: {doc.data['name']}", link)
    for slug, doc in sorted(project.activities.items()):
        add(doc.data, doc.data["name"], f"activities/{slug}.md")
    return out


def sources_page(project: Project) -> str:
    """Every bibliography entry: title, publisher, kind, dates, link, note and where the site cites it."""
    cited = citing_pages(project)
    lines = [
        "# Sources",
        "",
        "Every document the guide cites, once. Pages cite these entries by number; each number leads here.",
        "",
    ]
    for src in project.sources.data["sources"]:
        lines += [f"## {md(src['title'])} {{#{src['id']}}}", ""]
        kind = md(KIND_LABELS.get(src["kind"], src["kind"]))
        facts = [f"**Publisher:** {md(src['publisher'])}", f"**Kind:** {kind}"]
        if src.get("published"):
            facts.append(f"**Published:** {md(src['published'])}")
        facts.append(f"**Last read:** {md(src['accessed'])}")
        lines += [f"- {f}" for f in facts]
        if url := safe_url(src.get("url", "")):
            lines.append(f"- **Link:** [{md_label(url)}]({url})")
        if src.get("note"):
            lines.append(f"- **Note:** {md(src['note'])}")
        pages = cited.get(src["id"], [])
        if pages:
            lines.append("- **Cited on:** " + ", ".join(f"[{md_label(title)}]({link})" for title, link in pages))
        lines += [f"- **Id:** `{src['id']}`", ""]
    return "\n".join(lines)


def source_pages(project: Project) -> dict[str, tuple[str, str]]:
    return {"sources.md": (sources_page(project), "data/sources.yaml")}
