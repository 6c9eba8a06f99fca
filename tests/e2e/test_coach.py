"""Browser: the documentation coach checks a weak 97530 note in Pyodide, offline, and the note never leaves the page."""

from __future__ import annotations

from urllib.parse import quote, quote_plus

import pytest
import yaml
from playwright.sync_api import Page, Request, expect

from tests.conftest import inject_axe

pytestmark = pytest.mark.e2e
TIMEOUT = 90_000
#: a weak note: sets and reps of isolated exercises under a "ther act" heading; the token makes leaks easy to find
TOKEN = "Zebrafinch"
NOTE = f"Ther act: bridges 3x10, clamshells 3x15, squats 2x10. Pt {TOKEN} tolerated tx well."


def _documentation(project_root, code: str) -> dict:
    data = yaml.safe_load((project_root / "data" / "codes" / f"{code}.yaml").read_text(encoding="utf-8"))
    return data["documentation"]


def _check(page, base_url: str, note: str, code: str):
    """Open the coach, check `note` against `code` ("" = no code: walk the tree); (widget, result) once done."""
    page.goto(base_url + "coach/")
    widget = page.locator("[data-widget=coach][data-mounted]")
    expect(widget).to_be_visible(timeout=TIMEOUT)
    expect(widget.locator("[data-role=code] option[value='97530']")).to_have_count(1, timeout=TIMEOUT)
    widget.locator("[data-role=note]").fill(note)
    widget.locator("[data-role=code]").select_option(code)
    widget.get_by_role("button", name="Check the note").click()
    result = widget.locator("[data-role=result]")
    expect(result).to_have_attribute("data-state", "done", timeout=TIMEOUT)
    return widget, result


def test_weak_97530_note_shows_missing_elements_and_fixes_offline_and_private(
    page: Page, offline_context, served_site, base_url: str, project_root
) -> None:
    sent: list[tuple[str, str]] = []

    def record(req: Request) -> None:
        sent.append((req.url, req.post_data or ""))

    page.context.on("request", record)
    widget, result = _check(page, base_url, NOTE, "97530")
    expect(result).not_to_have_attribute("data-verdict", "supported")

    doc = _documentation(project_root, "97530")
    for element in doc["elements"]:
        item = result.locator(f"[data-element={element['id']}]")
        expect(item).to_have_count(1)
    task = result.locator("[data-element=functional_task]")
    expect(task).to_have_attribute("data-found", "false")
    fix = next(e["fix"] for e in doc["elements"] if e["id"] == "functional_task")
    expect(task.locator("[data-role=fix]")).to_contain_text(" ".join(fix.split())[:40])
    expect(result.locator("[data-flag=sets_reps_only]")).to_be_visible()
    expect(result.locator("[data-role=note-view] mark", has_text="3x10").first).to_be_visible()

    # an example from the catalog fills the form and passes against its code
    widget.locator("[data-role=example]").select_option(index=1)
    chosen = widget.locator("[data-role=code]").input_value()
    assert chosen, "the example did not set the code"
    widget.get_by_role("button", name="Check the note").click()
    expect(result).to_have_attribute("data-code", chosen, timeout=TIMEOUT)
    expect(result).to_have_attribute("data-state", "done", timeout=TIMEOUT)

    # the page with a result on it has no serious accessibility problem (axe-core from node_modules)
    page.mouse.move(0, 0)  # hover and focus colours of Material's buttons belong to the theme, not to this page
    page.evaluate("document.activeElement && document.activeElement.blur()")
    inject_axe(page, base_url)
    violations = page.evaluate("axe.run(document, {resultTypes: ['violations']}).then(r => r.violations)")
    serious = [
        (v["id"], [n["target"] for n in v["nodes"]][:3]) for v in violations if v["impact"] in ("serious", "critical")
    ]
    assert serious == [], serious

    # the note went nowhere: not in any request (browser side or server side), not in any storage
    needles = {TOKEN, quote(TOKEN), quote_plus(NOTE), quote(NOTE), "clamshells"}
    leaks = [(u, b) for u, b in sent if any(n in u or n in b for n in needles)]
    assert leaks == [], leaks
    assert not [p for p in served_site[1] if any(n in p for n in needles)]
    stored = page.evaluate(
        "() => JSON.stringify([Object.entries(localStorage), Object.entries(sessionStorage), document.cookie])"
    )
    assert TOKEN not in stored and "clamshells" not in stored
    assert all(TOKEN not in c["value"] for c in page.context.cookies())
    foreign = [u for u in offline_context.seen_urls if not u.startswith(base_url)]
    assert foreign == [], f"requests left the test server: {foreign}"
    assert any("pyodide" in u for u, _ in sent), "the engine did not load local Pyodide"


#: a note that settles the first questions and leaves "what was this block for?" open (two blocks: gait, balance)
OPEN_NOTE = "Amb 150 ft with RW, CGA, then standing balance on foam with LOB x2. 20 min."


def test_with_no_code_the_tree_walk_shows_evidence_and_asks_the_open_question(
    page: Page, offline_context, served_site, base_url: str
) -> None:
    import json

    from build_tools.export import engine_data
    from build_tools.load import load_project
    from engine import suggest, tree

    data = engine_data(load_project())
    want = suggest.walk(data["tree"], OPEN_NOTE, data["vocab"])
    assert want["open_question"], "the sample note no longer stops at a question: pick another"

    _widget, result = _check(page, base_url, OPEN_NOTE, "")
    expect(result).to_have_attribute("data-verdict", "open_question")
    steps = result.locator("[data-role=walk-steps] li")
    expect(steps).to_have_count(len(want["path"]))
    for i, step in enumerate(want["path"]):
        expect(steps.nth(i)).to_have_attribute("data-answer", step["answer"])
        expect(steps.nth(i)).to_contain_text(step["evidence"])
    asked = result.locator("[data-role=open-question]")
    expect(asked).to_have_attribute("data-question", want["open_question"])

    # answering there continues the same walk: the engine's tree state for the walk plus that answer
    first = want["question"]["answers"][0]["id"]
    asked.locator(f"button[data-answer={first}]").click()
    walk = (want["walk"] + "," if want["walk"] else "") + f"{want['open_question']}:{first}"
    nxt = tree.resolve(data["tree"], {"walk": walk}, data["guide"])
    expect(result.locator("[data-role=walk-box]")).to_have_attribute("data-walk", walk, timeout=TIMEOUT)
    expect(steps).to_have_count(len(want["path"]) + 1)
    if nxt["question"]:
        expect(asked).to_have_attribute("data-question", nxt["question"]["id"])
    else:
        expect(result.locator(f"[data-outcome={nxt['outcome']['id']}]")).to_be_visible()
    link = result.locator("[data-role=tree-link]")
    assert json.dumps(walk)[1:-1] in (link.get_attribute("href") or "")


def _path_to(nodes: dict, start: str, goal: str) -> list[tuple[str, str]] | None:
    """The (question, answer) steps from node `start` to node `goal`, breadth first; None when unreachable."""
    queue: list[tuple[str, list[tuple[str, str]]]] = [(start, [])]
    seen = {start}
    while queue:
        here, steps = queue.pop(0)
        if here == goal:
            return steps
        node = nodes[here]
        for a in node.get("answers", []) if node["type"] == "question" else []:
            if a["next"] not in seen:
                seen.add(a["next"])
                queue.append((a["next"], [*steps, (here, a["id"])]))
    return None


def test_every_outcome_kind_reads_as_plain_text_in_the_coach(
    page: Page, offline_context, served_site, base_url: str
) -> None:
    """Reaching an outcome says "The tree ends at: <title>." (was ",[object HTMLElement],." from an array)."""
    from build_tools.export import engine_data
    from build_tools.load import load_project
    from engine import suggest

    data = engine_data(load_project())
    nodes = suggest.nodes_by_id(data["tree"])
    start = suggest.walk(data["tree"], OPEN_NOTE, data["vocab"])["open_question"]
    kinds: dict[str, tuple[str, list[tuple[str, str]]]] = {}
    for node_id, node in nodes.items():
        if node["type"] == "outcome" and node.get("result") not in kinds:
            path = _path_to(nodes, start, node_id)
            if path:
                kinds[node["result"]] = (node_id, path)
    assert len(kinds) == len({n.get("result") for n in nodes.values() if n["type"] == "outcome"})
    for kind, (node_id, path) in kinds.items():
        _widget, result = _check(page, base_url, OPEN_NOTE, "")
        for question, answer in path:
            asked = result.locator("[data-role=open-question]")
            expect(asked).to_have_attribute("data-question", question, timeout=TIMEOUT)
            asked.locator(f"button[data-answer={answer}]").click()
        end = result.locator("[data-role=walk-end]")
        expect(end.locator(f"[data-outcome={node_id}]")).to_be_visible(timeout=TIMEOUT)
        text = end.inner_text()
        assert "[object" not in text and ",The tree" not in text, (kind, text)
        assert text.startswith(f"The tree ends at: {nodes[node_id]['title']}. "), (kind, text)
