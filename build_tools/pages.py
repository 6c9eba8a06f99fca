"""Data -> Markdown for the generated pages (never committed; added to the build as virtual files)."""

from __future__ import annotations

from typing import Any

from build_tools.load import Project


def _outcome_block(node: dict[str, Any]) -> list[str]:
    lines = [node["why"], ""]
    if node.get("note_must_show"):
        lines += ["**The note must show**", ""]
        lines += [f"- {_claim_text(c)}" for c in node["note_must_show"]] + [""]
    if node.get("mistakes"):
        lines += ["**Common mistakes**", ""]
        lines += [f"- {_claim_text(c)}" for c in node["mistakes"]] + [""]
    return lines


def _claim_text(claim: str | dict[str, Any]) -> str:
    return claim if isinstance(claim, str) else claim["text"]


def tree_page(project: Project) -> str:
    """The static 'which code?' tree: one section per node, every answer a link to its next node."""
    tree = project.tree.data
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
            lines += [f"- [{a['label']}](#{a['next']})" for a in node["answers"]] + [""]
        else:
            title = f"{node['code']}: {node['title']}" if node.get("code") else node["title"]
            lines += [f"## {title} {{#{nid} .tcg-outcome}}", "", *_outcome_block(node)]
            lines += [f"[Start again](#{tree['root']})", ""]
    lines += ["</div>", "", f"*Reviewed {tree['reviewed']}.*", ""]
    return "\n".join(lines)


def generated_pages(project: Project) -> dict[str, tuple[str, str]]:
    """Every generated page: docs-relative path -> (Markdown, repo path of the data it renders)."""
    return {"tree.md": (tree_page(project), "decision_tree.yaml")}
