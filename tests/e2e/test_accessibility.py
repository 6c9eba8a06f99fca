"""Browser: axe-core (pinned in package.json) finds no serious or critical violation on the site's main pages.

axe is injected from node_modules (no network). Pages are listed by path; a page kind that the data
does not produce yet is skipped by name, so adding it is adding a path. The tree is checked twice:
the static page before Python, and the widget at a question and at an outcome (panels open).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml
from playwright.sync_api import Page, expect

from build_tools.export import engine_data
from build_tools.load import load_project
from engine import tree
from tests.conftest import inject_axe

pytestmark = pytest.mark.e2e
ROOT = Path(__file__).resolve().parents[2]
TIMEOUT = 120_000
BLOCKING = {"serious", "critical"}
WALK = "[data-widget=tree] [data-role=walk]"


def _first_guidance_code() -> str | None:
    for path in sorted((ROOT / "data" / "codes").glob("*.yaml")):
        if yaml.safe_load(path.read_text(encoding="utf-8")).get("guidance_page"):
            return path.stem
    return None


def _first_activity() -> str | None:
    return next((p.stem for p in sorted((ROOT / "data" / "activities").glob("*.yaml"))), None)


#: (name, site path or None when the data has nothing to show yet)
PAGES = [
    ("home", ""),
    ("code page", f"codes/{c}/" if (c := _first_guidance_code()) else None),
    ("activity page", f"activities/{a}/" if (a := _first_activity()) else None),
    ("catalog", "activities/"),
    ("calculator", "calculator/"),
    ("tree, static", "tree/"),
    ("unit rules", "units/"),
    ("sources", "sources/"),
    ("coach", "coach/"),
    ("practice", "practice/"),
    ("drills", "drills/"),
    ("quiz builder", "instructor/"),
    ("worksheet", "instructor/worksheet/"),
]


@pytest.fixture(scope="module")
def a11y_page(browser, served_site: tuple[str, list[str]], local_only):
    base_url = served_site[0]
    context = browser.new_context(viewport={"width": 360, "height": 740})
    local_only(context, base_url)
    page = context.new_page()
    page.base = base_url
    yield page
    context.close()


def blocking_violations(page: Page, within: str | None = None) -> list[str]:
    """Run axe on the current document (or only inside the `within` selector, e.g. the page's content);
    serious and critical violations as readable lines."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        inject_axe(page)
    context = "document" if within is None else f"{{include: [{within!r}]}}"
    # colours are measured as the reader sees them at rest: a button's colour transition (125 ms after a
    # click or hover) caught halfway reads as a contrast failure that no reader ever sees
    # (an endless animation, such as a loading spinner, is left running)
    page.evaluate(
        "Promise.all(document.getAnimations()"
        ".filter((a) => a.effect && a.effect.getComputedTiming().endTime !== Infinity)"
        ".map((a) => a.finished.catch(() => null)))"
    )
    result: dict[str, Any] = page.evaluate(f"axe.run({context}, {{resultTypes: ['violations']}})")
    return [
        f"{v['impact']}: {v['id']} ({v['help']}) at {[n['target'] for n in v['nodes']][:5]}"
        for v in result["violations"]
        if v["impact"] in BLOCKING
    ]


@pytest.mark.parametrize(("name", "path"), PAGES, ids=[p[0] for p in PAGES])
def test_page_has_no_serious_violations(a11y_page: Page, name: str, path: str | None) -> None:
    if path is None:
        pytest.skip(f"no {name} in the data yet")
    response = a11y_page.goto(a11y_page.base + path)
    assert response is not None and response.ok, f"{name}: {path} answered {response and response.status}"
    found = blocking_violations(a11y_page)
    assert not found, "\n".join(found)


def test_tree_widget_has_no_serious_violations(a11y_page: Page) -> None:
    data = engine_data(load_project())
    page = a11y_page
    page.goto(page.base + "tree/")
    expect(page.locator(WALK)).to_have_attribute("data-node", data["tree"]["root"], timeout=TIMEOUT)
    page.locator(f"{WALK} [data-role=why] summary").click()
    found = blocking_violations(page)
    assert not found, "widget at the first question:\n" + "\n".join(found)
    outcome = next(n for n in data["tree"]["nodes"] if n["type"] == "outcome" and n.get("code"))
    walk = tree.format_walk(tree.path_to(data["tree"], outcome["id"]))
    page.evaluate("(h) => { location.hash = h; }", "#walk=" + walk)
    expect(page.locator(WALK)).to_have_attribute("data-node", outcome["id"], timeout=TIMEOUT)
    page.locator(f"{WALK} [data-role=compare] summary").click()
    page.locator(f"{WALK} [data-role=path] summary").click()
    page.locator(f"{WALK} [data-role=change]").first.click()
    found = blocking_violations(page)
    assert not found, "widget at an outcome, panels open:\n" + "\n".join(found)


def test_practice_case_with_feedback_has_no_serious_violations(a11y_page: Page) -> None:
    page = a11y_page
    page.goto(page.base + "practice/")
    case = page.locator("[data-role=case]")
    expect(case).to_be_visible(timeout=TIMEOUT)
    page.select_option("[data-role=choices]", index=1)
    page.locator("[data-role=unit-rows] input").evaluate_all("(els) => els.forEach((e) => { e.value = '1'; })")
    page.get_by_role("button", name="Check my answer").click()
    expect(page.locator("[data-role=feedback] [data-verdict]")).to_be_visible(timeout=TIMEOUT)
    found = blocking_violations(page)
    assert not found, "practice case with feedback:\n" + "\n".join(found)
