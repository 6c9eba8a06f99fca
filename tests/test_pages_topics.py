"""Guide topic pages, the modifier reference, the re-check page, and payer caveats written once and shown per code."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from build_tools.load import Project, load_project
from build_tools.pages.codes import guidance_page
from build_tools.pages.topics import dated_facts, modifiers_page, recheck_page, topic_pages


@pytest.fixture(scope="module")
def project() -> Project:
    return load_project()


def test_every_topic_has_a_page_with_dated_cited_points(project: Project) -> None:
    pages = topic_pages(project, dt.date(2027, 6, 1))
    for slug, doc in project.records["topics"].items():
        text = pages[f"guide/{slug}.md"][0]
        points = [p for s in doc.data["sections"] for p in s["points"]]
        assert text.count("(as of ") == len(points)
        mods = [m for d in project.payers.values() for m in d.data.get("modifiers", [])]
        shown = [m for m in mods if m["code"] in doc.data.get("modifiers", [])]
        assert len(shown) == len(set(doc.data.get("modifiers", []))), "every listed modifier is in the payer data"
        flags = sum(bool(p.get("unverified")) for p in points) + sum(bool(m.get("unverified")) for m in shown)
        assert text.count("**Unverified:**") == flags
        assert "## Sources" in text and 'class="tcg-cite"' in text


def test_topics_link_back_from_the_codes_they_name(project: Project) -> None:
    for slug, doc in project.records["topics"].items():
        for code in doc.data["codes"]:
            rec = project.codes[code].data
            if rec.get("guidance_page"):
                assert f"](../guide/{slug}.md)" in guidance_page(project, rec), (slug, code)


def test_modifier_reference_is_generated_from_the_payer_data(project: Project) -> None:
    text = modifiers_page(project)
    listed = [m["code"] for doc in project.payers.values() for m in doc.data.get("modifiers", [])]
    assert {"GP", "GO", "GN", "KX", "CQ", "CO", "59", "XU", "GA", "GX", "GY", "GZ"} <= set(listed)
    rows = re.findall(r"^\| \*\*([A-Z0-9]{2})\*\* \|", text, re.M)
    assert rows == listed


def test_recheck_lists_every_dated_fact_oldest_first_and_never_fails_on_a_date(project: Project) -> None:
    facts = list(dated_facts(project))
    text = recheck_page(project, dt.date(2027, 6, 1))
    dates = re.findall(r"^\| (\d{4}-\d{2}-\d{2}) \| (-?\d+) \|", text, re.M)
    assert len(dates) == len(facts) > 20
    assert [d for d, _ in dates] == sorted(d for d, _ in dates)
    first = dt.date.fromisoformat(dates[0][0])
    assert int(dates[0][1]) == (dt.date(2027, 6, 1) - first).days
    earlier = recheck_page(project, dt.date(2000, 1, 1))  # "today" before every date: still a page
    assert "Ages are counted to 2000-01-01" in earlier
    assert "Age (days)" in recheck_page(project, None)


def test_kx_amounts_live_in_the_payer_data_only_and_show_on_every_therapy_code_page(project: Project) -> None:
    root = project.root
    holders = [p.relative_to(root).as_posix() for p in (root / "data").rglob("*.yaml") if "$2,330" in p.read_text()]
    assert holders == ["data/payers/cms.yaml"]
    for code, doc in project.codes.items():
        if doc.data.get("guidance_page"):
            page = guidance_page(project, doc.data)
            assert page.count("$2,330 in 2024") == 1, code
            assert "$3,000" in page and "**Unverified:** For 2025 the KX threshold" in page


def test_timed_caveats_only_on_timed_codes(project: Project) -> None:
    assert "15-minute table; each code first keeps" in guidance_page(project, project.codes["97110"].data)
    assert "15-minute table; each code first keeps" not in guidance_page(project, project.codes["97161"].data)


def test_ncci_eval_pairs_and_modifier_59_wording(project: Project) -> None:
    page = guidance_page(project, project.codes["97530"].data)
    assert "59, or XU where the payer requires it" in page and "column-two code, 97530" in page
    assert "97165-97168" in page and "October 2020" in page
    assert "Example 9" not in page
    assert "97165-97168" in guidance_page(project, project.codes["97166"].data)


def test_97537_medicare_status_is_marked_unverified(project: Project) -> None:
    page = guidance_page(project, project.codes["97537"].data)
    assert "**Unverified:** Medicare status is unsettled" in page and "RVU25A" in page
    assert "Medicare is reported to bundle it" not in page


def test_guide_pages_are_in_the_navigation_and_the_search(built_site, project: Project) -> None:
    import json

    index = json.loads((built_site / "search" / "search_index.json").read_text(encoding="utf-8"))
    located = {d["location"] for d in index["docs"]}
    nav = (project.root / "mkdocs.yml").read_text(encoding="utf-8")
    for slug in [*project.records["topics"], "modifiers", "re-check"]:
        assert f"guide/{slug}/" in located, slug
        assert f"guide/{slug}.md" in nav, slug


def test_payer_code_status_is_shown_from_the_payer_data(project: Project) -> None:
    from build_tools.pages.codes import code_table

    table = {line.split("</span>")[0]: line for line in code_table(project).splitlines() if "<span id=" in line}
    assert "status B" in table['| <span id="c97010">'] and "billed in place of 97014" in table['| <span id="cG0283">']
    assert not [p.name for p in (project.root / "data" / "codes").glob("*.yaml") if "status B" in p.read_text()]
