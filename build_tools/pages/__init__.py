"""Data -> Markdown for the generated pages (never committed; added to the build as virtual files).

One module per kind of page: `tree` (the static decision tree), `codes`,
`catalog` (activities), `sources`, `format` (the data-format reference),
`training`, `units` and `topics` (guide topics, the modifier reference, what to
re-check); `common` holds the citation and label helpers they share.
"""

from __future__ import annotations

from build_tools import clock
from build_tools.load import Project
from build_tools.page_paths import generated_paths
from build_tools.pages.catalog import catalog_pages
from build_tools.pages.codes import code_pages
from build_tools.pages.format import format_pages
from build_tools.pages.sources import source_pages
from build_tools.pages.topics import topic_pages
from build_tools.pages.training import training_pages
from build_tools.pages.tree import tree_page


def generated_pages(project: Project) -> dict[str, tuple[str, str]]:
    """Every generated page: docs-relative path -> (Markdown, repo path of the data it renders)."""
    try:
        today = clock.today()
    except clock.ClockError:
        today = None  # the re-check page lists dates without ages, no figure is flagged; a date never fails a build
    pages = {"tree.md": (tree_page(project, today), "decision_tree.yaml")}
    pages |= code_pages(project, today)
    pages |= catalog_pages(project)
    pages |= source_pages(project)
    pages |= format_pages()
    pages |= training_pages(project, today)
    pages |= topic_pages(project, today)
    if set(pages) != generated_paths(project):
        differ = sorted(set(pages) ^ generated_paths(project))
        raise RuntimeError(f"build_tools/page_paths.py does not list the pages the generators make: {differ}")
    return pages
