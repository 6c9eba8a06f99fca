"""Browser: the "which code?" widget over the static tree, on one 360 px page, against the CPython engine.

One page (one cold Pyodide start per full load) serves the module, in order: the take-over without a jump,
five outcomes by mouse and one by keyboard, back/restart/change, every case in data/cases/ through the
URL hash, a shared link, an invalid link, a static anchor. A second context with JavaScript off walks the
static links. Expected walks and cards come from engine.tree run in-process on the data the build exported.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import yaml
from playwright.sync_api import Page, expect

from build_tools.export import engine_data
from build_tools.load import load_project
from engine import tree
from tests.conftest import NO_SHARED_WORKER

pytestmark = pytest.mark.e2e
TIMEOUT = 120_000
WIDTH = 360
ROOT = Path(__file__).resolve().parents[2]
CASES = [yaml.safe_load(p.read_text(encoding="utf-8")) for p in sorted((ROOT / "data" / "cases").glob("*.yaml"))]
WALK = "[data-widget=tree] [data-role=walk]"


@pytest.fixture(scope="module")
def data() -> dict[str, Any]:
    return engine_data(load_project())


@pytest.fixture(scope="module")
def walker(browser, served_site: tuple[str, list[str]], local_only):
    """One 360 px page on the tree, recording every request; closed after the module."""
    base_url = served_site[0]
    context = browser.new_context(viewport={"width": WIDTH, "height": 740})
    page = context.new_page()
    page.seen_urls = local_only(context, base_url)
    page.base = base_url
    page.errors = []
    page.on("pageerror", lambda e: page.errors.append(str(e)))
    page.on("console", lambda m: page.errors.append(m.text) if m.type == "error" else None)
    yield page
    context.close()


def steps_to(data: dict[str, Any], node: str) -> list[tuple[str, str]]:
    steps = tree.path_to(data["tree"], node)
    assert steps is not None, node
    return steps


def wait_node(page: Page, node: str) -> None:
    expect(page.locator(WALK)).to_have_attribute("data-node", node, timeout=TIMEOUT)


def answer(page: Page, answer_id: str) -> None:
    page.locator(f"{WALK} [data-role=question] button[data-answer='{answer_id}']").click()


def focused_heading(page: Page) -> bool:
    return page.evaluate("document.activeElement && document.activeElement.id === 'tcg-walk-heading'")


def no_overflow(page: Page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= WIDTH


def five_outcomes(data: dict[str, Any]) -> list[str]:
    """One outcome of each result kind, then the code outcomes with the longest walks, five in all."""
    outcomes = [n for n in data["tree"]["nodes"] if n["type"] == "outcome"]
    chosen: list[str] = []
    for kind in ("not_billable", "documentation", "code"):
        chosen += [n["id"] for n in outcomes if n["result"] == kind][:1]
    by_depth = sorted(outcomes, key=lambda n: (-len(steps_to(data, n["id"])), n["id"]))
    chosen += [n["id"] for n in by_depth if n["id"] not in chosen]
    return chosen[:5]


READ_CARD = """
(card) => ({
  code: card.dataset.code,
  title: card.querySelector('h2').textContent,
  note: card.querySelectorAll('[data-role=note-items] > li').length,
  denials: card.querySelectorAll('[data-role=denial-items] > li').length,
  asOf: [...card.querySelectorAll('[data-role=caveats] time')].map((t) => t.getAttribute('datetime')),
  activities: [...card.querySelectorAll('[data-activity]')].map((li) => li.dataset.activity),
  page: (card.querySelector('[data-role=code-page]') || {}).href || null,
  compare: [...card.querySelectorAll('[data-role=compare] [data-code]')].map((d) => d.dataset.code),
  sources: card.querySelectorAll('[data-role=sources] li').length,
  disclaimer: (card.querySelector('[data-role=disclaimer]') || {}).textContent || null,
})
"""


def check_card(page: Page, data: dict[str, Any], node: str) -> None:
    walk = tree.format_walk(steps_to(data, node))
    want = tree.resolve(data["tree"], {"walk": walk}, data["guide"])["outcome"]
    got = page.locator(f"{WALK} [data-role=outcome]").evaluate(READ_CARD)
    assert got["code"] == (want["code"] or "")
    assert want["title"] in got["title"]
    assert got["note"] == len(want["note_must_show"])
    assert got["denials"] == len(want["mistakes"]) + len(want["denials"])
    assert got["asOf"] == [c["as_of"] for c in want["payer_caveats"]]
    assert got["activities"] == [a["slug"] for a in want["activities"]]
    assert got["page"] == (page.base + want["page"] if want["page"] else None)
    assert got["compare"] == [r["code"] for r in want["compare"]["rows"]]
    assert got["sources"] == len(want["sources"])
    assert got["disclaimer"] == want["disclaimer"]


def test_widget_takes_over_the_static_tree_without_a_jump(walker: Page, data: dict[str, Any]) -> None:
    page = walker
    root = data["tree"]["root"]
    page.goto(page.base + "tree/")
    expect(page.locator(f"h2#{root}")).to_be_visible()  # the static tree works before Python
    before = page.evaluate(f"document.getElementById('{root}').getBoundingClientRect().top")
    wait_node(page, root)
    expect(page.locator("[data-widget=tree][data-active]")).to_be_visible()
    expect(page.locator("[data-widget=tree] [data-role=static]")).to_be_hidden()
    after = page.evaluate("document.getElementById('tcg-walk-heading').getBoundingClientRect().top")
    assert abs(after - before) < 2, (before, after)
    assert page.evaluate("location.hash") == ""
    no_overflow(page)


def restart(page: Page, data: dict[str, Any]) -> None:
    button = page.locator(f"{WALK} [data-role=restart]")
    if button.is_enabled():
        button.click()
    wait_node(page, data["tree"]["root"])


def tab_to(page: Page, predicate: str, shift: bool = False, limit: int = 40) -> None:
    """Press Tab (or Shift+Tab) until `predicate` (a JS expression on `el`) holds for the focused element."""
    check = f"(() => {{ const el = document.activeElement; return Boolean(el && ({predicate})); }})()"
    for _ in range(limit):
        if page.evaluate(check):
            return
        page.keyboard.press("Shift+Tab" if shift else "Tab")
    assert page.evaluate(check), f"keyboard focus never reached: {predicate}"


def test_five_outcomes_by_mouse(walker: Page, data: dict[str, Any]) -> None:
    page = walker
    for node in five_outcomes(data):
        restart(page, data)
        for question, answer_id in steps_to(data, node):
            wait_node(page, question)
            answer(page, answer_id)
        wait_node(page, node)
        assert focused_heading(page)
        assert page.evaluate("location.hash") == "#walk=" + tree.format_walk(steps_to(data, node))
        expect(page.locator(f"{WALK} [data-role=outcome]")).to_have_attribute("data-outcome", node)
        heading = page.locator("#tcg-walk-heading").text_content()
        expect(page.locator("[data-widget=tree] [data-role=live]")).to_contain_text(heading)
        check_card(page, data, node)
        page.locator(f"{WALK} [data-role=compare] summary").click()
        expect(page.locator(f"{WALK} [data-role=compare] [data-code]").first).to_be_visible()
        no_overflow(page)


def test_keyboard_only_walk_with_why_and_compare(walker: Page, data: dict[str, Any]) -> None:
    page = walker
    node = five_outcomes(data)[-1]
    path = steps_to(data, node)
    page.evaluate("(h) => { location.hash = h; }", "#walk=" + tree.format_walk(path))
    wait_node(page, node)
    page.locator(f"{WALK} [data-role=restart]").focus()
    page.keyboard.press("Enter")
    wait_node(page, data["tree"]["root"])
    assert focused_heading(page)
    for number, (question, answer_id) in enumerate(path, start=1):
        target = f"el.dataset.answer === '{answer_id}' && el.closest('[data-role=question]')"
        tab_to(page, target)
        if number == 1:  # "Why this question?" opens from the keyboard, then back to the answer
            tab_to(page, "el.closest('[data-role=why]')")
            page.keyboard.press("Enter")
            expect(page.locator(f"{WALK} [data-role=why] p").first).to_be_visible()
            tab_to(page, target, shift=True)
        page.keyboard.press("Enter")
        wait_node(page, tree.end_node(data["tree"], path[:number]))
        assert focused_heading(page), f"focus did not move to the new heading after {question}"
    tab_to(page, "el.closest('[data-role=compare]')")
    page.keyboard.press("Enter")
    expect(page.locator(f"{WALK} [data-role=compare] [data-code]").first).to_be_visible()


def test_back_restart_and_change_an_earlier_answer(walker: Page, data: dict[str, Any]) -> None:
    page = walker
    t, root = data["tree"], data["tree"]["root"]
    deep = max(five_outcomes(data), key=lambda n: len(steps_to(data, n)))
    path = steps_to(data, deep)
    restart(page, data)
    for question, answer_id in path[:3]:
        wait_node(page, question)
        answer(page, answer_id)
    wait_node(page, tree.end_node(t, path[:3]))
    page.locator(f"{WALK} [data-role=back]").click()
    wait_node(page, path[2][0])
    assert page.evaluate("location.hash") == "#walk=" + tree.format_walk(path[:2])
    assert focused_heading(page)
    # change the first answer in place, from the path so far
    first = page.locator(f"{WALK} [data-role=path] li").first
    first.locator("[data-role=change]").click()
    other = next(a for a in tree.nodes_by_id(t)[root]["answers"] if a["id"] != path[0][1])
    first.locator(f"button[data-answer='{other['id']}']").click()
    wait_node(page, other["next"])
    assert page.locator(f"{WALK} [data-role=path] li").count() == 1
    assert page.evaluate("location.hash") == "#walk=" + tree.format_walk([(root, other["id"])])
    assert focused_heading(page)
    page.locator(f"{WALK} [data-role=restart]").click()
    wait_node(page, root)
    assert page.evaluate("location.hash") == ""
    expect(page.locator(f"{WALK} [data-role=path]")).to_have_count(0)


def test_every_case_walks_to_its_code(walker: Page, data: dict[str, Any]) -> None:
    """Each case's answers, clicked in the widget from the first question, end on the case's code."""
    page = walker
    assert CASES
    for case in CASES:
        restart(page, data)
        for step in case["tree_path"]:
            wait_node(page, step["question"])
            answer(page, step["answer"])
        walk = tree.format_walk([(s["question"], s["answer"]) for s in case["tree_path"]])
        expect(page.locator(WALK), case["id"]).to_have_attribute("data-walk", walk, timeout=TIMEOUT)
        # an outcome that bills several codes (97129 + 97130) lists them all in data-codes
        codes = re.compile(r"(^|\s)" + re.escape(case["answer"]["code"]) + r"(\s|$)")
        expect(page.locator(f"{WALK} [data-role=outcome]"), case["id"]).to_have_attribute(
            "data-codes", codes, timeout=TIMEOUT
        )
        assert page.evaluate("location.hash") == "#walk=" + walk


def test_shared_link_lands_on_its_outcome(walker: Page, data: dict[str, Any]) -> None:
    page = walker
    node = five_outcomes(data)[2]
    walk = tree.format_walk(steps_to(data, node))
    page.goto(page.base)
    page.goto(page.base + "tree/#walk=" + walk)
    wait_node(page, node)
    assert focused_heading(page)
    expect(page.locator(f"{WALK} [data-role=error]")).to_be_hidden()
    check_card(page, data, node)


def test_invalid_link_says_so_and_starts_over(walker: Page, data: dict[str, Any]) -> None:
    page = walker
    root = data["tree"]["root"]
    bad = tree.format_walk([(root, "a_not_an_answer")])
    page.goto(page.base)
    page.goto(page.base + "tree/#walk=" + bad)
    wait_node(page, root)
    alert = page.locator(f"{WALK} [data-role=error]")
    expect(alert).to_be_visible()
    expect(alert).to_contain_text("step 1")
    assert page.evaluate("location.hash") == ""
    # a malformed walk typed into the address bar of the open page: the page stays (Material's instant
    # navigation used to fetch and swap it again, so a slow reply's error was lost in the new copy)
    page.evaluate("window.tcgSamePage = true")
    pages_before = sum(u.endswith("/tree/") for u in page.seen_urls)
    page.evaluate("location.hash = '#walk=not-a-walk'")
    expect(alert).to_contain_text("question_id:answer_id", timeout=TIMEOUT)
    wait_node(page, root)
    page.wait_for_timeout(500)  # a swap would come after the reply: give it the time it took before
    assert sum(u.endswith("/tree/") for u in page.seen_urls) == pages_before, "the page was fetched again"
    expect(alert).to_contain_text("question_id:answer_id")
    assert page.evaluate("window.tcgSamePage") is True


def test_static_anchor_becomes_its_walk(walker: Page, data: dict[str, Any]) -> None:
    page = walker
    question = next(
        n["id"] for n in data["tree"]["nodes"] if n["type"] == "question" and len(steps_to(data, n["id"])) > 3
    )
    page.goto(page.base)
    page.goto(page.base + f"tree/#{question}")
    wait_node(page, question)
    expect(page.locator(WALK)).to_have_attribute("data-walk", tree.format_walk(steps_to(data, question)))
    top = page.evaluate("document.getElementById('tcg-walk-heading').getBoundingClientRect().top")
    assert 0 <= top < 740, "the question the static anchor pointed at is not on screen"
    foreign = [u for u in page.seen_urls if not u.startswith(page.base)]
    assert foreign == [], f"requests left the test server: {foreign}"
    assert page.errors == [], page.errors


def test_instant_navigation_away_and_back_mounts_again(walker: Page, data: dict[str, Any]) -> None:
    page = walker
    page.set_viewport_size({"width": 1280, "height": 800})  # the navigation sidebar, not the phone drawer
    page.evaluate("window.__sameDocument = true")
    page.locator("a.md-nav__link[href$='calculator/']").first.click()
    expect(page.locator("[data-widget=tree]")).to_have_count(0, timeout=TIMEOUT)
    page.locator("a.md-nav__link[href$='tree/']").first.click()
    wait_node(page, data["tree"]["root"])  # Python is ready already: the widget takes over at once
    assert page.evaluate("window.__sameDocument") is True, "instant navigation was not used"
    assert page.evaluate("window.TCG.workerCount()") == 1
    answer(page, tree.nodes_by_id(data["tree"])[data["tree"]["root"]]["answers"][0]["id"])
    wait_node(page, tree.nodes_by_id(data["tree"])[data["tree"]["root"]]["answers"][0]["next"])
    page.set_viewport_size({"width": WIDTH, "height": 740})


def test_without_javascript_the_static_links_reach_outcomes(
    browser, base_url: str, data: dict[str, Any], local_only
) -> None:
    context = browser.new_context(java_script_enabled=False, viewport={"width": WIDTH, "height": 740})
    local_only(context, base_url)
    page = context.new_page()
    nodes = tree.nodes_by_id(data["tree"])
    try:
        for case in CASES[:3]:
            page.goto(base_url + "tree/")
            for step in case["tree_path"]:
                label = next(a for a in nodes[step["question"]]["answers"] if a["id"] == step["answer"])
                links = page.locator(f"xpath=//h2[@id='{step['question']}']/following-sibling::ul[1]")
                links.get_by_role("link", name=label["label"], exact=True).click()
                assert page.url.endswith("#" + label["next"])
            heading = page.locator(f"h2#{page.url.rsplit('#', 1)[1]}")
            expect(heading).to_contain_text(case["answer"]["code"])
            assert page.locator("[data-widget=tree][data-active]").count() == 0
    finally:
        context.close()


def test_shared_link_when_python_cannot_start_keeps_the_static_tree(
    browser, base_url: str, data: dict[str, Any]
) -> None:
    context = browser.new_context(viewport={"width": WIDTH, "height": 740})
    context.add_init_script(NO_SHARED_WORKER)  # so that the route below also blocks the engine's requests
    context.route(
        "**/*",
        lambda r: (
            r.abort() if "/pyodide/" in r.request.url or not r.request.url.startswith(base_url) else r.continue_()
        ),
    )
    page = context.new_page()
    root = data["tree"]["root"]
    try:
        node = five_outcomes(data)[0]
        page.goto(base_url + "tree/#walk=" + tree.format_walk(steps_to(data, node)))
        status = page.locator("[data-widget=tree] [data-role=status]")
        expect(status).to_contain_text("could not start", timeout=TIMEOUT)
        expect(page.locator(f"h2#{root}")).to_be_visible()
        assert page.locator("[data-widget=tree][data-active]").count() == 0
    finally:
        context.close()
