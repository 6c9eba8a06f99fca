"""Browser: practice cases (feedback, progress across reloads, quiz links), unit drills, the quiz builder."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from engine import drills, practice, units
from tests.e2e.conftest import code_cases

pytestmark = pytest.mark.e2e
TIMEOUT = 90_000


def _wait_for_case(page: Page, case_id: str) -> None:
    # the page names a case only by its opaque token
    expect(page.locator(f"[data-role=case][data-case='{practice.token(case_id)}']")).to_be_visible(timeout=TIMEOUT)


def test_practice_feedback_progress_and_quiz_link(page: Page, offline_context, base_url: str, data: dict) -> None:
    picked = [c["id"] for c in code_cases(data)[:3]]
    quiz = practice.format_quiz(4242, picked)
    order = practice.parse_quiz(quiz, data["cases"])["ids"]
    page.goto(f"{base_url}practice/#quiz={quiz}")
    page.evaluate("localStorage.clear()")

    first = data["cases"][order[0]]
    _wait_for_case(page, first["id"])
    page.select_option("[data-role=choices]", first["answer"]["code"])
    page.get_by_role("button", name="Check my answer").click()
    verdict = page.locator("[data-role=feedback] [data-verdict]")
    expect(verdict).to_have_attribute("data-verdict", "right", timeout=TIMEOUT)
    expect(page.locator("[data-role=feedback]")).to_contain_text(first["why"][:40])

    page.get_by_role("button", name="Next case").click()
    second = data["cases"][order[1]]
    _wait_for_case(page, second["id"])
    page.select_option("[data-role=choices]", second["tempting"]["code"])
    page.get_by_role("button", name="Check my answer").click()
    expect(verdict).to_have_attribute("data-verdict", "wrong", timeout=TIMEOUT)
    expect(page.locator("[data-role=feedback]")).to_contain_text(second["tempting"]["why_not"][:40])
    expect(page.locator("[data-role=score]")).to_contain_text("Score 1 of 2 answered")
    expect(page.locator("[data-role=missed]")).to_contain_text("Case 2")

    # progress lives in localStorage and survives a reload of the same quiz
    page.reload()
    _wait_for_case(page, order[0])
    expect(page.locator("[data-role=score]")).to_contain_text("Score 1 of 2 answered", timeout=TIMEOUT)

    # the same link gives another student (fresh context, no progress) the same order
    other = page.context.browser.new_page()
    try:
        other.goto(f"{base_url}practice/#quiz={quiz}")
        _wait_for_case(other, order[0])
        expect(other.locator("[data-role=title]")).to_contain_text(f"Case 1 of {len(order)}")
        expect(other.locator("[data-role=score]")).to_contain_text("Score 0 of 0 answered")
    finally:
        other.close()

    # a broken link says so and starts a set anyway
    page.goto(f"{base_url}practice/#quiz=nonsense")
    expect(page.locator("[data-role=status]")).to_contain_text("not valid", timeout=TIMEOUT)
    foreign = [u for u in offline_context.seen_urls if not u.startswith(base_url)]
    assert foreign == []


def test_unit_case_grades_units_with_the_engine(page: Page, offline_context, base_url: str, data: dict) -> None:
    # a one-block units case (a multi-block case asks a code and units per block: test_grading_trust.py)
    unit_cases = (c for c in data["cases"].values() if c["answer"].get("units") and not c["answer"].get("blocks"))
    case = sorted(unit_cases, key=lambda c: c["id"])[0]
    task = case["answer"]["units"]
    expected = units.compute(list(task["minutes"].items()), data["rules"][task["rule"]], data["codes"])["units"]
    page.goto(f"{base_url}practice/#quiz={practice.format_quiz(1, [case['id']])}")
    _wait_for_case(page, case["id"])
    page.select_option("[data-role=choices]", case["answer"]["code"])
    for code, n in expected.items():
        page.fill(f"[data-role=unit-rows] input[data-code='{code}']", str(n))
    page.get_by_role("button", name="Check my answer").click()
    expect(page.locator("[data-units-verdict]")).to_have_attribute("data-units-verdict", "right", timeout=TIMEOUT)


def test_drill_graded_in_page_agrees_with_engine(page: Page, offline_context, base_url: str, data: dict) -> None:
    seed, level = 31337, 3
    drill = drills.generate(seed, level, data["rules"], data["codes"])
    entries = [(e["code"], e["minutes"]) for e in drill["entries"]]
    right = units.compute(entries, data["rules"][drill["rule"]], data["codes"])["units"]
    page.goto(base_url + "drills/")
    page.fill("[data-role=setup] [name=seed]", str(seed))
    page.select_option("[data-role=setup] [name=level]", str(level))
    page.get_by_role("button", name="New drill").click()
    expect(page.locator("#tcg-drill-title")).to_contain_text(f"Drill {level}-{seed}", timeout=TIMEOUT)
    rows = page.locator("[data-role=rows] tr")
    expect(rows).to_have_count(len(entries), timeout=TIMEOUT)
    assert [rows.nth(i).get_attribute("data-code") for i in range(len(entries))] == [c for c, _ in entries]

    first = entries[0][0]
    for code, n in {**right, first: right[first] + 3}.items():
        page.fill(f"[data-role=rows] input[data-code='{code}']", str(n))
    page.get_by_role("button", name="Check my units").click()
    verdict = page.locator("[data-role=feedback] [data-verdict]")
    expect(verdict).to_have_attribute("data-verdict", "wrong", timeout=TIMEOUT)
    page.fill(f"[data-role=rows] input[data-code='{first}']", str(right[first]))
    page.get_by_role("button", name="Check my units").click()
    expect(verdict).to_have_attribute("data-verdict", "right", timeout=TIMEOUT)


def test_quiz_builder_makes_the_engine_link(page: Page, offline_context, base_url: str, data: dict) -> None:
    ids = [c["id"] for c in code_cases(data)[:2]]
    page.goto(base_url + "instructor/")
    page.fill("[name=seed]", "99")
    for cid in ids:
        page.check(f"input[name=case][value='{cid}']")
    page.get_by_role("button", name="Make the quiz link").click()
    link = page.locator("[data-role=quiz-link]")
    expect(link).to_have_attribute(
        "href", f"{base_url}practice/#quiz={practice.format_quiz(99, sorted(ids))}", timeout=TIMEOUT
    )
    # "feedback at the end" is carried in the quiz link (changing it takes the old link away)
    page.check("[name=feedback_end]")
    expect(page.locator("[data-role=links]")).to_be_hidden()
    page.get_by_role("button", name="Make the quiz link").click()
    end = practice.format_quiz(99, sorted(ids), "end")
    expect(link).to_have_attribute("href", f"{base_url}practice/#quiz={end}", timeout=TIMEOUT)
    expect(page.locator("[data-widget=quiz-builder] [data-role=status]")).to_contain_text("feedback at the end")
