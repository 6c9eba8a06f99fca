"""Shared Markdown pieces of the generated pages: claims with inline citations, a page's Sources section.

A claim is either plain text or {text, sources}; its sources become superscript
numbers linking to the numbered Sources section at the foot of the same page,
where each entry links to the bibliography page and to the document itself.
"""

from __future__ import annotations

from typing import Any

from build_tools.escape import html_text, md, md_label, safe_url
from build_tools.load import Project


def source_index(project: Project) -> dict[str, dict[str, Any]]:
    """Bibliography entries by id."""
    return {s["id"]: s for s in project.sources.data["sources"]}


class Citations:
    """Collects the citations of one page in order of first use and numbers them."""

    def __init__(self, project: Project, sources_page: str) -> None:
        self.sources = source_index(project)
        self.sources_page = sources_page
        #: from the page to the docs root, for site links written in data text
        self.base = sources_page.removesuffix("sources.md")
        self.entries: list[tuple[str, str, str]] = []

    def number(self, citation: dict[str, Any]) -> int:
        key = (citation["source"], citation.get("section", ""), citation.get("detail", ""))
        if key not in self.entries:
            self.entries.append(key)
        return self.entries.index(key) + 1

    def marks(self, citations: list[dict[str, Any]] | None) -> str:
        """' <sup>[1](#cite-1), [2](#cite-2)</sup>' for a list of citations ('' for none)."""
        if not citations:
            return ""
        numbers = sorted({self.number(c) for c in citations})
        links = ", ".join(f'<a href="#cite-{n}">{n}</a>' for n in numbers)
        return f'<sup class="tcg-cite">{links}</sup>'

    def claim(self, claim: str | dict[str, Any]) -> str:
        """A claim's text, followed by its citation marks when it has sources."""
        if isinstance(claim, str):
            return md(claim, self.base)
        return f"{md(claim['text'], self.base)}{self.marks(claim.get('sources'))}"

    def claims(self, claims: list[str | dict[str, Any]]) -> list[str]:
        return [f"- {self.claim(c)}" for c in claims] + [""]

    def section(self, title: str = "Sources") -> list[str]:
        """The numbered list of every citation used on the page."""
        if not self.entries:
            return []
        lines = [f"## {title} {{#sources}}", ""]
        for n, (sid, section, detail) in enumerate(self.entries, 1):
            entry = self.sources.get(sid, {"title": sid, "publisher": ""})
            where = f" {md(section, self.base)}." if section else ""
            said = f" {md(detail, self.base)}" if detail else ""
            link = safe_url(entry.get("url", ""))
            url = f" [Read it]({link})." if link else ""
            title_link = f"[{md_label(entry['title'])}]({self.sources_page}#{sid})"
            lines.append(f'{n}. <span id="cite-{n}"></span>{title_link}, {md(entry["publisher"])}.{where}{said}{url}')
        return [*lines, ""]


def reviewed_line(date: str) -> str:
    return f'<p class="tcg-reviewed">Reviewed {html_text(date)}.</p>'


def vocab_labels(project: Project) -> dict[str, dict[str, str]]:
    """Vocabulary name -> term id -> label."""
    return {name: {t["id"]: t["label"] for t in terms} for name, terms in project.vocab.data.items()}
