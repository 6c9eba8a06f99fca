"""Activity pages and the catalog index.

The catalog lists every activity with its facets in data-* attributes. With
JavaScript off every activity shows, grouped by likely code; with it on,
docs/assets/js/catalog.js only hides the items that do not match the chosen
facets (no rule lives there).
"""

from __future__ import annotations

from typing import Any

from build_tools.escape import html_text as escape
from build_tools.escape import md, md_label
from build_tools.load import Project
from build_tools.pages.codes import code_link
from build_tools.pages.common import Citations, reviewed_line, vocab_labels

SOURCES_PAGE = "../sources.md"
#: from an activity page to the docs root (site links in data text are written from there)
B = "../"
#: catalog filter: data attribute -> (label, activity field, vocabulary or None for codes)
FACETS = {
    "code": ("Likely code", "likely_code", None),
    "deficit": ("Deficit", "deficits", "deficits"),
    "diagnosis": ("Diagnosis", "diagnoses", "diagnoses"),
    "setting": ("Setting", "settings", "settings"),
    "population": ("Population", "populations", "populations"),
}


def _terms(labels: dict[str, str], ids: list[str]) -> str:
    return md(", ".join(labels.get(i, i) for i in ids))


def activity_page(project: Project, act: dict[str, Any]) -> str:
    """One activity: summary, likely code and what would change it, grading, precautions, a sample note."""
    cites, vocab = Citations(project, SOURCES_PAGE), vocab_labels(project)
    link = code_link(project, act["likely_code"], "../codes/")
    lines = [f"# {md(act['name'])}", "", f"{md(act['summary'], B)}{cites.marks(act['sources'])}", ""]
    lines += [f"**Likely code:** {link}. {md(act['code_reasoning'], B)}", "", "## What would change the code", ""]
    lines += [f"- {code_link(project, c['code'], '../codes/')}: {md(c['when'], B)}" for c in act["code_changes"]]
    lines += ["", "## Who and where", ""]
    lines += [
        f"- **Populations:** {_terms(vocab['populations'], act['populations'])}",
        f"- **Settings:** {_terms(vocab['settings'], act['settings'])}",
        f"- **Format:** {md(', '.join(act['formats']))}",
        f"- **Diagnoses:** {_terms(vocab['diagnoses'], act['diagnoses'])}",
        f"- **Deficits:** {_terms(vocab['deficits'], act['deficits'])}",
        f"- **Skills:** {_terms(vocab['skills'], act['skills'])}",
        "",
    ]
    if act["equipment"]:
        lines += ["## Equipment", "", *[f"- {md(e, B)}" for e in act["equipment"]], ""]
    for key, title in (("grade_up", "Grade up"), ("grade_down", "Grade down")):
        lines += [f"## {title}", ""]
        grading = vocab["grading"]
        lines += [f"- **{md(grading.get(g['dimension'], g['dimension']))}:** {md(g['how'], B)}" for g in act[key]]
        lines.append("")
    lines += ["## Precautions", "", *[f"- {md(p, B)}" for p in act["precautions"]], ""]
    note = act["sample_note"]
    assist = vocab["assist_levels"].get(note["assist_level"], note["assist_level"])
    lines += [
        f'??? example "Sample note ({int(note["minutes"])} min, {md(assist).replace(chr(34), "&quot;")})"',
        "",
        f"    {md(note['text'], B)}",
        "",
        f"    **Goal:** {md(note['goal'], B)}",
        "",
        *cites.section(),
        reviewed_line(act["reviewed"]),
        "",
    ]
    return "\n".join(lines)


def _filter_form(project: Project, acts: list[dict[str, Any]]) -> list[str]:
    vocab = vocab_labels(project)
    lines = ['<form class="tcg-catalog-filter" hidden>']
    for attr, (label, field, vocab_name) in FACETS.items():
        used = sorted({v for a in acts for v in ([a[field]] if isinstance(a[field], str) else a[field])})
        labels = vocab.get(vocab_name, {}) if vocab_name else {}
        options = "".join(f'<option value="{escape(v)}">{escape(labels.get(v, v))}</option>' for v in used)
        lines.append(f'<label>{label} <select name="{attr}"><option value="">any</option>{options}</select></label>')
    lines += [
        '<button type="reset" class="md-button tcg-catalog-clear">Clear the filters</button>',
        '<output class="tcg-catalog-count" aria-live="polite"></output>',
        '<p class="tcg-catalog-hint" hidden>No activity has all of these. Set one filter back to “any”, or clear '
        "the filters.</p>",
        "</form>",
    ]
    return lines


def _item(act: dict[str, Any]) -> str:
    attrs = []
    for attr, (_label, field, _vocab) in FACETS.items():
        values = [act[field]] if isinstance(act[field], str) else act[field]
        attrs.append(f'data-{attr}="{escape(" ".join(values))}"')
    return (
        f'<li class="tcg-catalog-item" {" ".join(attrs)} markdown="span">'
        f"[{md_label(act['name'])}]({act['slug']}.md): {md(act['likely_code'])}</li>"
    )


def catalog_page(project: Project) -> str:
    """The catalog index: a facet filter (plain JS) over every activity, and the list grouped by code."""
    acts = sorted((d.data for d in project.activities.values()), key=lambda a: a["name"])
    dates = sorted(a["reviewed"] for a in acts)
    lines = [
        "# Activity catalog",
        "",
        "Interventions you can run tomorrow, each with the code it usually supports, what would change that code,",
        "how to grade it and a sample note. Filter by code, deficit, diagnosis, setting or population.",
        "",
        '<div class="tcg-catalog" data-filter="catalog" markdown>',
        "",
        *_filter_form(project, acts),
        "",
        '<ul class="tcg-catalog-list" markdown>',
        *[_item(a) for a in acts],
        "</ul>",
        "",
        "</div>",
        "",
        "## By likely code",
        "",
    ]
    for code in sorted({a["likely_code"] for a in acts}):
        lines += [f"### {code_link(project, code, '../codes/')}", ""]
        lines += [f"- [{md_label(a['name'])}]({a['slug']}.md)" for a in acts if a["likely_code"] == code] + [""]
    if dates:
        span = f"{escape(dates[0])} and {escape(dates[-1])}"
        lines.append(f'<p class="tcg-reviewed">Activities reviewed between {span}.</p>')
    return "\n".join([*lines, ""])


def catalog_pages(project: Project) -> dict[str, tuple[str, str]]:
    """activities/index.md and activities/<slug>.md: path -> (Markdown, source path)."""
    pages = {"activities/index.md": (catalog_page(project), "data/activities/")}
    for slug, doc in sorted(project.activities.items()):
        pages[f"activities/{slug}.md"] = (activity_page(project, doc.data), f"data/activities/{slug}.yaml")
    return pages
