"""The paths of the generated pages, worked out from the data alone (no page is rendered).

The one list of generated pages: the link check (`checks/safety.py`) reads it to know which
pages a link may point to before any page exists, and `pages.generated_pages` refuses to
produce a page set that differs from it.
"""

from __future__ import annotations

from build_tools.load import Project

#: generated pages that exist whatever the data holds, from the docs root
FIXED = frozenset(
    {
        "tree.md",
        "sources.md",
        "data-format.md",
        "codes/index.md",
        "activities/index.md",
        "instructor/index.md",
        "instructor/answer-key.md",
        "instructor/worksheet.md",
        "guide/modifiers.md",
        "guide/re-check.md",
    }
)


def generated_paths(project: Project) -> set[str]:
    """Docs-relative path of every page the build generates from `project`'s data."""
    paths = set(FIXED)
    for doc in project.codes.values():
        if isinstance(doc.data, dict) and doc.data.get("guidance_page"):
            paths.add(f"codes/{doc.data.get('code')}.md")
    paths |= {f"activities/{slug}.md" for slug in project.activities}
    paths |= {f"guide/{slug}.md" for slug in project.records.get("topics", {})}
    return paths
