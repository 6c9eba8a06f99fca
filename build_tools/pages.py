"""Data -> Markdown for the generated pages (never committed; added to the build as virtual files).

This module renders the static decision tree and gathers every generated page;
codes, the activity catalog, sources and the data format have their own modules.
"""

from __future__ import annotations

from typing import Any

from build_tools.load import Project
from build_tools.pages_catalog import catalog_pages
from build_tools.pages_codes import code_link, code_pages
from build_tools.pages_common import Citations, reviewed_line
from build_tools.pages_format import format_pages
from build_tools.pages_sources import source_pages
from build_tools.pages_training import training_pages


def _outcome_block(project: Project, node: dict[str, Any], cites: Citations) -> list[str]:
    lines = [f"{node['why']}{cites.marks(node.get('sources'))}", ""]
    lines += ["**The note must show**", "", *cites.claims(node["note_must_show"])]
    lines += ["**Common mistakes**", "", *cites.claims(node["mistakes"])]
    if node.get("neighbours"):
        lines += ["**Compare with:** " + ", ".join(code_link(project, c, "codes/") for c in node["neighbours"]), ""]
    if node.get("activities"):
        acts = project.activities
        links = [f"[{acts[s].data['name']}](activities/{s}.md)" for s in node["activities"] if s in acts]
        lines += ["**Activities:** " + ", ".join(links), ""]
    return lines


def tree_page(project: Project) -> str:
    """The static 'which code?' tree: one section per node, every answer a link to its next node."""
    tree = project.tree.data
    cites = Citations(project, "sources.md")
    nodes = {n["id"]: n for n in tree["nodes"]}
    order = [tree["root"]] + [nid for nid in nodes if nid != tree["root"]]
    lines = [
        "# Which code? (step by step)",
        "",
        "Answer each question about the session; each answer is a link to the next step.",
        "",
        '<div class="tcg-tree" data-widget="tree" markdown>',
        "",
    ]
    for nid in order:
        node = nodes[nid]
        if node["type"] == "question":
            lines += [f"## {node['text']} {{#{nid}}}", "", node["help"], ""]
            if node.get("why"):
                lines += [f"*Why this question?* {node['why']}{cites.marks(node.get('sources'))}", ""]
            lines += [f"- [{a['label']}](#{a['next']})" for a in node["answers"]] + [""]
        else:
            lines += [f"## {node['title']} {{#{nid} .tcg-outcome}}", ""]
            if node.get("code"):
                label = "Code" if node["result"] == "code" else "The note supports"
                lines += [f"**{label}:** {code_link(project, node['code'], 'codes/')}", ""]
            lines += _outcome_block(project, node, cites)
            lines += [f"[Start again](#{tree['root']})", ""]
    lines += ["</div>", "", *cites.section(), reviewed_line(tree["reviewed"]), ""]
    return "\n".join(lines)


def generated_pages(project: Project) -> dict[str, tuple[str, str]]:
    """Every generated page: docs-relative path -> (Markdown, repo path of the data it renders)."""
    pages = {"tree.md": (tree_page(project), "decision_tree.yaml")}
    pages |= code_pages(project)
    pages |= catalog_pages(project)
    pages |= source_pages(project)
    pages |= format_pages()
    pages |= training_pages(project)
    return pages
