"""Generated pages, checked for their content: Markdown from the real data, and the HTML of a real build."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

from build_tools.checks.schema import schemas
from build_tools.load import Project, load_project
from build_tools.pages import generated_pages
from build_tools.pages.format import data_format_page


@pytest.fixture(scope="module")
def project(project_root: Path) -> Project:
    return load_project(project_root)


@pytest.fixture(scope="module")
def pages(project: Project) -> dict[str, tuple[str, str]]:
    return generated_pages(project)


@pytest.fixture(scope="module")
def site(built_site: Path) -> Path:
    return built_site


class Links(HTMLParser):
    """Collects ids, hrefs and elements' attributes of one HTML page."""

    def __init__(self) -> None:
        super().__init__()
        self.ids: set[str] = set()
        self.hrefs: list[str] = []
        self.items: list[dict[str, str | None]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if found.get("id"):
            self.ids.add(str(found["id"]))
        if tag == "a" and found.get("href"):
            self.hrefs.append(str(found["href"]))
        if tag == "li" and "tcg-catalog-item" in (found.get("class") or ""):
            self.items.append(found)


def parsed(path: Path) -> Links:
    links = Links()
    links.feed(path.read_text(encoding="utf-8"))
    return links


def test_guidance_code_pages_show_their_sources_and_review_date(project: Project, pages: dict) -> None:
    titles = {s["id"]: s["title"] for s in project.sources.data["sources"]}
    guidance = [d.data for d in project.codes.values() if d.data["guidance_page"]]
    assert guidance, "no guidance code in data/codes"
    for rec in guidance:
        text, source = pages[f"codes/{rec['code']}.md"]
        assert source == f"data/codes/{rec['code']}.yaml"
        cited = {m for m in re.findall(r"'source': '([^']+)'", str(rec))} | {c["source"] for c in rec["sources"]}
        for sid in cited:
            assert f"[{titles[sid]}](../sources.md#{sid})" in text, (rec["code"], sid)
        assert f"Reviewed {rec['reviewed']}." in text
        for caveat in rec["guidance"]["payer_caveats"]:
            assert f"as of {caveat['as_of']}" in text.lower()
        for neighbour in rec["guidance"]["neighbours"]:
            assert f"[{neighbour['code']}: " in text


def test_every_code_is_a_row_of_the_code_table_with_its_unit_basis(project: Project, pages: dict) -> None:
    table, source = pages["codes/index.md"]
    assert source == "data/codes/"
    rows = [line for line in table.splitlines() if line.startswith('| <span id="c')]
    assert len(rows) == len(project.codes)
    for code, doc in project.codes.items():
        cell = f"[{code}]({code}.md)" if doc.data.get("guidance_page") else code  # the code links to its page
        row = next(r for r in rows if r.startswith(f'| <span id="c{code}"></span>{cell} |'))
        assert doc.data["reviewed"] in row
        for term in doc.data.get("search_terms", []):
            assert term in row, (code, term)
    assert "[Medicare Claims Processing Manual" in table


def test_catalog_lists_every_activity_file(project_root: Path, pages: dict, site: Path) -> None:
    files = sorted(p.stem for p in (project_root / "data" / "activities").glob("*.yaml"))
    project = load_project(project_root)
    for slug in files:
        text, source = pages[f"activities/{slug}.md"]
        assert source == f"data/activities/{slug}.yaml"
        assert "## Sources {#sources}" in text
        assert f"Reviewed {project.activities[slug].data['reviewed']}." in text
    items = parsed(site / "activities" / "index.html").items
    assert len(items) == len(files)
    for item in items:
        assert all(item[f"data-{facet}"] for facet in ("code", "deficit", "diagnosis", "setting", "population"))
    by_code: dict[str, set[str]] = {}
    for doc in project.activities.values():
        by_code.setdefault(doc.data["likely_code"], set()).add(doc.data["slug"])
    counted: dict[str, int] = {}
    for item in items:
        counted[item["data-code"]] = counted.get(item["data-code"], 0) + 1
    assert counted == {code: len(slugs) for code, slugs in by_code.items()}


def test_citation_marks_link_to_the_page_sources(site: Path) -> None:
    page = parsed(site / "codes" / "97530" / "index.html")
    marks = [h for h in page.hrefs if h.startswith("#cite-")]
    assert marks
    assert {m[1:] for m in marks} <= page.ids


def test_sources_page_has_an_anchor_per_source(project: Project, site: Path) -> None:
    ids = parsed(site / "sources" / "index.html").ids
    assert {s["id"] for s in project.sources.data["sources"]} <= ids


def test_static_tree_every_answer_is_a_link_to_a_node(project: Project, site: Path) -> None:
    html = (site / "tree" / "index.html").read_text(encoding="utf-8")
    assert '<div class="tcg-tree" data-widget="tree">' in html
    page = parsed(site / "tree" / "index.html")
    nodes = project.tree.data["nodes"]
    assert {n["id"] for n in nodes} <= page.ids
    local = {h[1:] for h in page.hrefs if h.startswith("#")}
    assert {a["next"] for n in nodes for a in n.get("answers", [])} <= local
    assert local <= page.ids


def test_static_tree_marks_contested_answers_and_lists_every_billed_code(project: Project, site: Path) -> None:
    text = " ".join(re.sub(r"<[^>]+>", " ", (site / "tree" / "index.html").read_text(encoding="utf-8")).split())
    nodes = project.tree.data["nodes"]
    contested = [a["contested"] for n in nodes for a in n.get("answers", []) if a.get("contested")]
    assert contested, "no answer of the tree is marked contested"
    for note in contested:
        assert "contested: " + " ".join(note.split())[:60] in text.replace("&#39;", "'")
    for node in (n for n in nodes if n.get("codes")):
        assert re.search(r"Codes: " + r": [^+]+\+ ".join(node["codes"]), text), node["id"]


def test_edit_links_point_at_the_yaml(site: Path) -> None:
    def edit_link(page: str) -> str:
        html = (site / page / "index.html").read_text(encoding="utf-8")
        return re.search(r'href="([^"]+)"[^>]*title="Edit this page"', html).group(1)

    assert edit_link("codes/97530").endswith("/edit/main/data/codes/97530.yaml")
    assert edit_link("activities/card-shuffling").endswith("/edit/main/data/activities/card-shuffling.yaml")
    assert edit_link("tree").endswith("/edit/main/decision_tree.yaml")
    assert edit_link("sources").endswith("/edit/main/data/sources.yaml")
    assert edit_link("codes").endswith("/tree/main/data/codes/")


def test_data_format_page_lists_every_top_level_field() -> None:
    page = data_format_page()
    for name, schema in schemas().items():
        assert schema["title"].replace("<", "&lt;").replace(">", "&gt;") in page, name
        for field, prop in schema.get("properties", {}).items():
            assert f"| `{field}` |" in page, (name, field)
            assert prop["description"].replace("|", "\\|") in page


def test_catalog_script_only_filters(project_root: Path) -> None:
    script = (project_root / "docs" / "assets" / "js" / "catalog.js").read_text(encoding="utf-8")
    assert not re.search(r"\b9\d{4}\b", script), "no code numbers in the filter"
    assert "fetch(" not in script and "Worker" not in script
