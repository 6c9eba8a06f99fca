"""The static "which code?" page: decision_tree.yaml -> one section per node, answers as links (works with JS off)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from build_tools.escape import md, md_label
from build_tools.load import Project
from build_tools.pages.codes import code_link, payment_line
from build_tools.pages.common import Citations, reviewed_line


def _outcome_block(project: Project, node: dict[str, Any], cites: Citations, today: dt.date | None) -> list[str]:
    lines = [f"{md(node['why'])}{cites.marks(node.get('sources'))}", ""]
    payment = payment_line(project, node["code"], cites, "", today) if node.get("code") else ""
    if payment:  # the code's one account of its payment status (data/codes/<code>.yaml payment_note)
        lines += [payment, ""]
    lines += ["**The note must show**", "", *cites.claims(node["note_must_show"])]
    lines += ["**Common mistakes**", "", *cites.claims(node["mistakes"])]
    if node.get("neighbours"):
        lines += ["**Compare with:** " + ", ".join(code_link(project, c, "codes/") for c in node["neighbours"]), ""]
    if node.get("activities"):
        acts = project.activities
        links = [f"[{md_label(acts[s].data['name'])}](activities/{s}.md)" for s in node["activities"] if s in acts]
        lines += ["**Activities:** " + ", ".join(links), ""]
    return lines


def tree_page(project: Project, today: dt.date | None = None) -> str:
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
            lines += [f"## {md(node['text'])} {{#{nid}}}", "", md(node["help"]), ""]
            if node.get("why"):
                lines += [f"*Why this question?* {md(node['why'])}{cites.marks(node.get('sources'))}", ""]
            lines += [
                f"- [{md_label(a['label'])}](#{a['next']})"
                + (f" (contested: {md(a['contested'])})" if a.get("contested") else "")
                for a in node["answers"]
            ] + [""]
        else:
            lines += [f"## {md(node['title'])} {{#{nid} .tcg-outcome}}", ""]
            if node.get("code"):
                label = "Code" if node["result"] == "code" else "The note supports"
                billed = " + ".join(code_link(project, c, "codes/") for c in node.get("codes") or [node["code"]])
                lines += [f"**{label}{'s' if node.get('codes') else ''}:** {billed}", ""]
            lines += _outcome_block(project, node, cites, today)
            lines += [f"[Start again](#{tree['root']})", ""]
    lines += ["</div>", "", *cites.section(), reviewed_line(tree["reviewed"]), ""]
    return "\n".join(lines)
