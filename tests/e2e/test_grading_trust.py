"""Browser, both sizes (issue 24, personas-3 "Grading and the instructor's trust"): a retry never rewrites the
grade, the quiz builder never leaves a stale link or file, code-right-units-wrong feedback, quiz mode hands out
no case ids and no key, and the LMS files give per-answer feedback."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from engine import practice, units
from tests.e2e.conftest import code_cases

pytestmark = pytest.mark.e2e
TIMEOUT = 90_000


def _open(user_device, url: str) -> Page:
    page = user_device.new_page()
    page.goto(url)
    return page


def _case_shown(page: Page, number: int, total: int) -> None:
    expect(page.locator("[data-role=title]")).to_have_text(f"Case {number} of {total}", timeout=TIMEOUT)


def _answer(page: Page, press, code: str) -> None:
    page.select_option("[data-role=choices]", code)
    press(page.get_by_role("button", name="Check my answer"))
    expect(page.locator("[data-role=feedback] [data-verdict]")).to_be_visible(timeout=TIMEOUT)


def _csv_rows(page: Page, press) -> list[dict[str, str]]:
    with page.expect_download(timeout=TIMEOUT) as info:
        press(page.get_by_role("button", name="Download my results (CSV)"))
    return list(csv.DictReader(io.StringIO(Path(info.value.path()).read_text(encoding="utf-8"))))


def test_a_retry_keeps_the_first_attempt_in_the_results(user_device, press, base_url: str, data: dict) -> None:
    picked = [c["id"] for c in code_cases(data)[:3]]
    quiz = practice.format_quiz(2027, picked)
    order = practice.parse_quiz(quiz, data["cases"])["ids"]
    cases = [data["cases"][cid] for cid in order]
    page = _open(user_device, f"{base_url}practice/#quiz={quiz}")
    page.evaluate("localStorage.clear()")
    page.reload()

    _case_shown(page, 1, 3)
    _answer(page, press, cases[0]["answer"]["code"])
    press(page.get_by_role("button", name="Next case"))
    _case_shown(page, 2, 3)
    _answer(page, press, cases[1]["tempting"]["code"])
    press(page.get_by_role("button", name="Next case"))
    _case_shown(page, 3, 3)
    _answer(page, press, cases[2]["tempting"]["code"])
    press(page.get_by_role("button", name="Finish"))

    page.locator("[data-role=missed-box] summary").click()
    press(page.get_by_role("button", name="Retry missed only"))
    _case_shown(page, 1, 2)
    _answer(page, press, cases[1]["answer"]["code"])
    press(page.get_by_role("button", name="Next case"))
    _case_shown(page, 2, 2)
    _answer(page, press, cases[2]["answer"]["code"])
    expect(page.locator("[data-role=score]")).to_contain_text("first try 1 right, 5 attempts")

    rows = _csv_rows(page, press)
    assert [r["first_result"] for r in rows] == ["right", "wrong", "wrong"]
    assert [r["attempts"] for r in rows] == ["1", "2", "2"]
    assert [r["final_result"] for r in rows] == ["right", "right", "right"]
    assert {(r["first_score"], r["final_score"]) for r in rows} == {("1", "3")}
    assert rows[1]["first_answer"] == cases[1]["tempting"]["code"]


def test_changing_the_selection_takes_the_old_quiz_away(user_device, press, base_url: str, data: dict) -> None:
    ids = [c["id"] for c in code_cases(data)[:3]]
    page = _open(user_device, base_url + "instructor/")
    page.fill("[name=seed]", "2027")
    for cid in ids[:2]:
        page.check(f"input[name=case][value='{cid}']")
    press(page.get_by_role("button", name="Make the quiz link"))
    status = page.locator("[data-widget=quiz-builder] [data-role=status]")
    expect(status).to_contain_text("Quiz ready: 2 cases", timeout=TIMEOUT)
    expect(page.locator("[data-role=quiz-link]")).to_be_visible()

    # a third case ticked: the 2-case link, its "Quiz ready" line and its downloads go
    page.check(f"input[name=case][value='{ids[2]}']")
    expect(status).to_contain_text("changed", timeout=TIMEOUT)
    expect(status).not_to_contain_text("Quiz ready")
    expect(page.locator("[data-role=links]")).to_be_hidden()
    expect(page.get_by_role("button", name="Download for Moodle (Moodle XML)")).to_be_hidden()

    press(page.get_by_role("button", name="Make the quiz link"))
    expect(status).to_contain_text("Quiz ready: 3 cases", timeout=TIMEOUT)
    three = practice.format_quiz(2027, ids)
    expect(page.locator("[data-role=quiz-link]")).to_have_attribute("href", f"{base_url}practice/#quiz={three}")
    with page.expect_download(timeout=TIMEOUT) as info:
        press(page.get_by_role("button", name="Download for Moodle (Moodle XML)"))
    assert Path(info.value.path()).read_text(encoding="utf-8").count('type="multichoice"') == 3

    # the seed changed: the same again
    page.fill("[name=seed]", "2028")
    expect(status).to_contain_text("changed", timeout=TIMEOUT)
    expect(page.locator("[data-role=links]")).to_be_hidden()
    # and put back as it was: still gone until made again (no old link comes back by itself)
    page.fill("[name=seed]", "2027")
    expect(page.locator("[data-role=links]")).to_be_hidden()


def test_quiz_mode_carries_no_case_ids_and_the_key_needs_its_own_link(
    user_device, press, base_url: str, data: dict
) -> None:
    picked = [c["id"] for c in code_cases(data)[:3]]
    quiz = practice.format_quiz(31, picked)
    order = practice.parse_quiz(quiz, data["cases"])["ids"]
    page = _open(user_device, f"{base_url}practice/#quiz={quiz}")
    _case_shown(page, 1, 3)
    expect(page.locator("[data-role=practice-only]")).to_contain_text("practice, not a graded test")
    expect(page.locator("[data-role=practice-only]")).to_contain_text("learning management system")
    _answer(page, press, data["cases"][order[0]]["tempting"]["code"])
    html = page.content()
    for cid in picked:
        assert cid not in html, cid
        assert cid not in page.url
        assert data["cases"][cid]["title"] not in page.locator("[data-widget=practice]").inner_text()

    # the key, reached by editing the quiz link's path: refused, nothing shown
    key = _open(user_device, f"{base_url}instructor/answer-key/#quiz={quiz}")
    status = key.locator("[data-widget=answer-key] [data-role=status]")
    expect(status).to_contain_text("student's quiz link", timeout=TIMEOUT)
    expect(key.locator(".tcg-key-case:visible")).to_have_count(0)
    sheet = _open(user_device, f"{base_url}instructor/worksheet/#quiz={quiz}")
    expect(sheet.locator("[data-widget=worksheet] [data-role=status]")).to_contain_text(
        "student's quiz link", timeout=TIMEOUT
    )
    expect(sheet.locator("[data-role=key] > li:visible")).to_have_count(0)

    # the builder's own key link opens the key in the quiz's order, and says plainly what a browser quiz is
    builder = _open(user_device, base_url + "instructor/")
    expect(builder.locator("[data-role=practice-only]")).to_contain_text("Browser quizzes are practice")
    builder.fill("[name=seed]", "31")
    for cid in picked:
        builder.check(f"input[name=case][value='{cid}']")
    press(builder.get_by_role("button", name="Make the quiz link"))
    link = builder.locator("[data-role=key-link]")
    expect(link).to_have_attribute(
        "href", f"{base_url}instructor/answer-key/#key={practice.key_code(quiz, data['cases'])}", timeout=TIMEOUT
    )
    assert quiz not in (link.get_attribute("href") or "")
    press(link)
    cases = builder.locator(".tcg-key-case:visible")
    expect(cases).to_have_count(3, timeout=TIMEOUT)
    assert [cases.nth(i).get_attribute("data-case") for i in range(3)] == order


def test_code_right_units_wrong_shows_both_units_and_the_step(user_device, press, base_url: str, data: dict) -> None:
    case = data["cases"]["executive-function-training-forty-minutes"]  # 40 min: 97129 x1 + 97130 x2 (Medicare)
    task = case["answer"]["units"]
    right = units.compute(list(task["minutes"].items()), data["rules"][task["rule"]], data["codes"])
    page = _open(user_device, f"{base_url}practice/#quiz={practice.format_quiz(7, [case['id']])}")
    _case_shown(page, 1, 1)
    page.select_option("[data-role=choices]", "97129")
    page.fill("[data-role=unit-rows] input[data-code='97129']", "1")
    page.fill("[data-role=unit-rows] input[data-code='97130']", "1")
    press(page.get_by_role("button", name="Check my answer"))
    verdict = page.locator("[data-role=feedback] [data-verdict]")
    expect(verdict).to_have_attribute("data-verdict", "wrong", timeout=TIMEOUT)
    expect(verdict).to_have_attribute("data-code-right", "true")
    expect(verdict).to_contain_text("Code right, units not.")
    expect(verdict).not_to_contain_text("Not quite")
    table = page.locator("[data-role=units-compare]")
    expect(table.locator("tr[data-code='97129'] td")).to_have_text(["1", str(right["units"]["97129"])])
    expect(table.locator("tr[data-code='97130'] td")).to_have_text(["1", str(right["units"]["97130"])])
    step = right["steps"].index(next(s for s in right["steps"] if s.startswith("By the 15-minute table"))) + 1
    expect(page.locator("[data-role=parts-at]")).to_contain_text(f"step {step}")
    expect(page.locator("[data-role=parts-at]")).to_contain_text("add up to 2")
    expect(page.locator("[data-role=feedback] li[data-part]")).to_have_text(right["steps"][step - 1])
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= page.viewport_size["width"], f"feedback is {width} px wide"


def test_downloaded_lms_files_give_each_answer_its_own_feedback(user_device, press, base_url: str, data: dict) -> None:
    import re
    import zipfile
    from xml.etree import ElementTree as ET

    case = data["cases"]["putty-grip-strengthening-billed-as-ther-act"]  # answer 97110, billed as 97530
    tip = "name it and what it simulated"  # the case's advice for billing 97530
    page = _open(user_device, base_url + "instructor/")
    page.fill("[name=seed]", "5")
    page.check(f"input[name=case][value='{case['id']}']")
    press(page.get_by_role("button", name="Make the quiz link"))
    expect(page.locator("[data-widget=quiz-builder] [data-role=status]")).to_contain_text("Quiz ready", timeout=TIMEOUT)
    with page.expect_download(timeout=TIMEOUT) as info:
        press(page.get_by_role("button", name="Download for Moodle (Moodle XML)"))
    question = ET.parse(info.value.path()).getroot().find("question[@type='multichoice']")
    feedback = {a.findtext("text").split(" ")[0]: a.findtext("feedback/text") for a in question.findall("answer")}
    assert feedback["97110"].startswith("Right: 97110") and tip not in feedback["97110"]
    assert tip in feedback["97530"] and "To bill 97530" in feedback["97530"]
    assert tip not in question.findtext("generalfeedback/text")
    stray = re.compile(r"\.\s*[.;]|'\.\.")
    assert not any(stray.search(t) for t in [*feedback.values(), question.findtext("generalfeedback/text")])

    with page.expect_download(timeout=TIMEOUT) as info:
        press(page.get_by_role("button", name="Download for Canvas, Blackboard, D2L (QTI 1.2 zip)"))
    package = zipfile.ZipFile(info.value.path())
    name = next(n for n in package.namelist() if n != "imsmanifest.xml")
    texts = {
        f.get("ident"): "".join(f.itertext()).strip()
        for f in ET.fromstring(package.read(name)).iter()
        if f.tag.endswith("itemfeedback")
    }
    assert texts["97110_fb"] == feedback["97110"] and texts["97530_fb"] == feedback["97530"]


def test_a_multi_block_case_asks_each_block_code_and_units(user_device, press, base_url: str, data: dict) -> None:
    case = data["cases"]["balance-and-exercise-minutes-split"]  # NMR 24 min (97112 x2), ther ex 23 min (97110 x1)
    page = _open(user_device, f"{base_url}practice/#quiz={practice.format_quiz(9, [case['id']])}")
    _case_shown(page, 1, 1)
    expect(page.locator("[data-role=single-code]")).to_be_hidden()
    rows = page.locator("[data-role=block-rows] [data-block]")
    expect(rows).to_have_count(2)
    expect(rows.nth(0)).to_contain_text("Block 1 (24 min)")
    expect(page.locator("[data-role=blocks-legend]")).to_contain_text("2 blocks")
    assert "97112" not in page.locator("[data-role=blocks]").inner_text().replace("97112 ", "")  # no codes named

    # everything lumped under exercise: block 2 is right, block 1 is not
    for block, (code, n) in enumerate([("97110", "2"), ("97110", "1")], 1):
        page.select_option(f"[name=block-code-{block}]", code)
        page.fill(f"[name=block-units-{block}]", n)
    press(page.get_by_role("button", name="Check my answer"))
    verdict = page.locator("[data-role=feedback] [data-verdict]")
    expect(verdict).to_have_attribute("data-verdict", "wrong", timeout=TIMEOUT)
    expect(verdict).to_contain_text("1 of 2 blocks coded right")
    lines = page.locator("[data-role=block-verdicts] li")
    expect(lines.nth(0)).to_have_attribute("data-code-right", "false")
    expect(lines.nth(1)).to_have_attribute("data-code-right", "true")

    # the whole claim: right
    page.reload()
    _case_shown(page, 1, 1)
    for block, (code, n) in enumerate([("97112", "2"), ("97110", "1")], 1):
        page.select_option(f"[name=block-code-{block}]", code)
        page.fill(f"[name=block-units-{block}]", n)
    press(page.get_by_role("button", name="Check my answer"))
    expect(verdict).to_have_attribute("data-verdict", "right", timeout=TIMEOUT)
    expect(verdict).to_contain_text("every block")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= page.viewport_size["width"], f"blocks are {width} px wide"


def test_the_downloaded_quiz_offers_choices_a_student_could_confuse(
    user_device, press, base_url: str, data: dict
) -> None:
    """personas-3 F2-7: a strength note offered evaluation codes and 97129/97130, so the item was two-choice. In
    the downloaded files every wrong choice of a treatment note is a treatment code from the answer's, the
    tempting code's or the billed code's neighbours (or the answer's family), never an evaluation or an add-on."""
    from xml.etree import ElementTree as ET

    picked = ["squats-for-quad-strength-after-tka", "executive-function-training-forty-minutes"]
    page = _open(user_device, base_url + "instructor/")
    page.fill("[name=seed]", "12")
    for cid in picked:
        page.check(f"input[name=case][value='{cid}']")
    press(page.get_by_role("button", name="Make the quiz link"))
    expect(page.locator("[data-widget=quiz-builder] [data-role=status]")).to_contain_text("Quiz ready", timeout=TIMEOUT)
    with page.expect_download(timeout=TIMEOUT) as info:
        press(page.get_by_role("button", name="Download for Moodle (Moodle XML)"))
    questions = ET.parse(info.value.path()).getroot().findall("question[@type='multichoice']")
    order = practice.parse_quiz(practice.format_quiz(12, picked), data["cases"])["ids"]
    assert len(questions) == len(order)

    def neighbours(code: str) -> set[str]:
        return {n["code"] for n in data["guide"]["codes"].get(code, {}).get("neighbours", [])}

    treatment = {f["id"] for f in data["vocab"]["code_families"] if f["treatment"]}
    for question, cid in zip(questions, order, strict=True):
        case = data["cases"][cid]
        right, tempting = case["answer"]["code"], case["tempting"]["code"]
        choices = {a.findtext("text").split(" ")[0] for a in question.findall("answer")}
        family = {c for c, r in data["codes"].items() if r["family"] == case["family"] and r.get("guidance_page")}
        allowed = {right, tempting} | neighbours(right) | neighbours(tempting) | family
        assert right in choices and tempting in choices and len(choices) == 4
        assert choices <= allowed, (cid, choices - allowed)
        for code in choices - {right}:
            assert data["codes"][code]["family"] in treatment and not data["codes"][code].get("primary_code")
    strength = next(q for q, cid in zip(questions, order, strict=True) if cid == picked[0])
    shown = {a.findtext("text").split(" ")[0] for a in strength.findall("answer")}
    assert not shown & {"97129", "97130", "97161", "97162", "97163"}
