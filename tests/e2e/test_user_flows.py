"""Browser: the three users' flows end to end, on a desktop (1280x900) and a touch phone (360x740).

A student works an instructor's quiz (titles hidden, feedback in view, results as CSV, leaving is
explicit); an instructor builds a quiz, copies its link, opens its own key and worksheet and downloads
the LMS files; a clinician walks two blocks, adds each to today's session and gets the day's units in
the calculator. Expected answers come from the engine in CPython, never typed here.
"""

from __future__ import annotations

import csv
import io
import json
import zipfile
from xml.etree import ElementTree as ET

import pytest
from playwright.sync_api import Page, expect

from engine import drills, lms_export, practice, tree, units
from tests.e2e.conftest import code_cases

pytestmark = pytest.mark.e2e
TIMEOUT = 90_000


def _fits(page: Page, where: str) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    view = page.viewport_size["width"]
    assert width <= view, f"{where}: page is {width} px wide at {view} px"


def _in_view(page: Page, selector: str) -> None:
    box = page.evaluate(
        f"(() => {{ const r = document.querySelector({json.dumps(selector)}).getBoundingClientRect();"
        " return [r.top, r.bottom, innerHeight]; })()"
    )
    assert box[0] < box[2] and box[1] > 0, f"{selector} is off screen: {box}"


def _fully_in_view(page: Page, locator) -> None:
    box = locator.bounding_box()
    view = page.viewport_size
    assert box and box["y"] >= 0 and box["y"] + box["height"] <= view["height"], f"off screen: {box} in {view}"


def _contents(page: Page, data: dict) -> list[list[str]]:
    """The case entries of each "On this page" list (sidebar, drawer), in order."""
    lists = page.evaluate(
        "[...document.querySelectorAll('.md-nav--secondary .md-nav__list')].map((l) =>"
        " [...l.querySelectorAll(':scope > li > a.md-nav__link')].map((a) => new URL(a.href).hash.slice(1)))"
    )
    return [[h for h in targets if h in data["cases"]] for targets in lists]


def test_student_works_a_quiz(user_device, press, base_url: str, data: dict) -> None:
    picked = [c["id"] for c in code_cases(data)[:3]]
    quiz = practice.format_quiz(515, picked)
    order = practice.parse_quiz(quiz, data["cases"])["ids"]
    assert not any(cid in quiz for cid in picked)
    page = user_device.new_page()
    page.goto(f"{base_url}practice/#quiz={quiz}")
    expect(page.locator(f"[data-role=case][data-case='{practice.token(order[0])}']")).to_be_visible(timeout=TIMEOUT)

    # quiz mode: marked, titles hidden, no filters, "Next case" not shown before an answer
    expect(page.locator("[data-role=quiz-banner]")).to_be_visible()
    expect(page.locator("[data-role=quiz-code]")).to_have_text(quiz)
    expect(page.locator("[data-role=filters]")).to_be_hidden()
    for cid in order:
        assert data["cases"][cid]["title"] not in page.locator("[data-role=case]").inner_text()
    expect(page.locator("[data-role=title]")).to_have_text(f"Case 1 of {len(order)}")
    expect(page.get_by_role("button", name="Next case")).to_be_hidden()
    _fits(page, "quiz, first case")

    for i, cid in enumerate(order):
        case = data["cases"][cid]
        expect(page.locator(f"[data-role=case][data-case='{practice.token(cid)}']")).to_be_visible(timeout=TIMEOUT)
        answer = case["answer"]["code"] if i != 1 else case["tempting"]["code"]
        page.select_option("[data-role=choices]", answer)
        press(page.get_by_role("button", name="Check my answer"))
        verdict = page.locator("[data-role=feedback] [data-verdict]")
        expect(verdict).to_have_attribute("data-verdict", "right" if i != 1 else "wrong", timeout=TIMEOUT)
        expect(page.locator("[data-role=feedback]")).to_contain_text(case["why"][:40])
        _in_view(page, "[data-role=feedback]")
        _fits(page, f"quiz, feedback {i + 1}")
        press(page.get_by_role("button", name="Next case" if i + 1 < len(order) else "Finish"))
    expect(page.locator("[data-role=status]")).to_contain_text("Quiz finished")
    expect(page.locator("[data-role=score]")).to_contain_text(f"Score 2 of 3 answered ({len(order)} in this set)")

    # results for the gradebook: one row per quiz case, as the engine scores them
    page.fill("[data-role=student]", "Ana Ruiz")
    with page.expect_download() as got:
        press(page.get_by_role("button", name="Download my results (CSV)"))
    with open(got.value.path(), encoding="utf-8") as handle:
        rows = list(csv.DictReader(io.StringIO(handle.read())))
    assert [r["case"] for r in rows] == [practice.token(cid) for cid in order]
    assert [r["final_result"] for r in rows] == ["right", "wrong", "right"]
    assert {(r["student"], r["quiz"], r["final_score"], r["total"]) for r in rows} == {("Ana Ruiz", quiz, "2", "3")}

    # leaving the quiz takes a second, explicit choice
    press(page.get_by_role("button", name="Leave the quiz…"))
    expect(page.locator("[data-role=quiz-banner]")).to_be_visible()
    press(page.get_by_role("button", name="Stay in the quiz"))
    expect(page.locator("[data-role=leave-confirm]")).to_be_hidden()
    assert "#quiz=" in page.url
    press(page.get_by_role("button", name="Leave the quiz…"))
    press(page.get_by_role("button", name="Yes, leave the quiz"))
    expect(page.locator("[data-role=quiz-banner]")).to_be_hidden(timeout=TIMEOUT)
    expect(page.locator("[data-role=filters]")).to_be_visible()
    expect(page.locator("[data-role=status]")).to_contain_text("You left the quiz")
    assert "#set=" in page.url

    # erasing progress asks first, and is not beside "Retry missed only"
    page.locator("details.tcg-progress-box summary").click()
    press(page.get_by_role("button", name="Erase my progress…"))
    press(page.get_by_role("button", name="Keep my progress"))
    assert json.loads(page.evaluate("localStorage.getItem('tcg-practice-progress')"))["answers"]
    press(page.get_by_role("button", name="Erase my progress…"))
    press(page.get_by_role("button", name="Yes, erase my progress"))
    expect(page.locator("[data-role=status]")).to_contain_text("erased", timeout=TIMEOUT)
    assert page.evaluate("localStorage.getItem('tcg-practice-progress')") is None
    assert page.evaluate(
        "document.querySelector('[data-role=retry]').closest('details')"
        " !== document.querySelector('[data-role=reset]').closest('details')"
    )
    assert [u for u in user_device.seen_urls if not u.startswith(base_url)] == []


def test_student_works_a_quiz_with_feedback_at_the_end(user_device, press, base_url: str, data: dict) -> None:
    """personas-3 (instructor): a "feedback at the end" quiz gives no verdict until the last case, then all."""
    picked = [c["id"] for c in code_cases(data)[6:9]]
    quiz = practice.format_quiz(616, picked, "end")
    order = practice.parse_quiz(quiz, data["cases"])["ids"]
    page = user_device.new_page()
    page.goto(f"{base_url}practice/#quiz={quiz}")
    expect(page.locator("[data-role=title]")).to_have_text(f"Case 1 of {len(order)}", timeout=TIMEOUT)
    expect(page.locator("[data-role=end-note]")).to_be_visible()
    wrong_at = 1
    for i, cid in enumerate(order):
        case = data["cases"][cid]
        expect(page.locator("[data-role=title]")).to_have_text(f"Case {i + 1} of {len(order)}", timeout=TIMEOUT)
        page.select_option("[data-role=choices]", case["tempting"]["code"] if i == wrong_at else case["answer"]["code"])
        press(page.get_by_role("button", name="Check my answer"))
        expect(page.locator("[data-role=feedback] [data-role=saved]")).to_be_visible(timeout=TIMEOUT)
        assert page.locator("[data-role=feedback] [data-verdict]").count() == 0
        assert case["why"][:40] not in page.locator("[data-widget=practice]").inner_text()
        if i + 1 < len(order):
            expect(page.locator("[data-role=score]")).to_have_text(
                f"{i + 1} of {len(order)} answered. Your score and the feedback come when you have answered every case."
            )
            assert page.locator("[data-role=missed] li").count() == 0
        press(page.get_by_role("button", name="Next case" if i + 1 < len(order) else "Finish"))

    # the end: every case's feedback, in the quiz's order, and the score
    review = page.locator("[data-role=review] .tcg-review-case")
    expect(review).to_have_count(len(order), timeout=TIMEOUT)
    for i, cid in enumerate(order):
        expect(review.nth(i).locator("h3")).to_have_text(f"Case {i + 1}")
        expect(review.nth(i).locator("[data-verdict]")).to_have_attribute(
            "data-verdict", "wrong" if i == wrong_at else "right"
        )
        expect(review.nth(i)).to_contain_text(data["cases"][cid]["why"][:40])
    _in_view(page, "[data-role=review]")
    expect(page.locator("[data-role=score]")).to_contain_text(f"Score 2 of 3 answered ({len(order)} in this set)")
    _fits(page, "quiz review")

    # progress per code, in words (the quiz's cases by number), and the missed case as text to copy
    page.locator("[data-role=progress-box] summary").click()
    wrong = data["cases"][order[wrong_at]]
    by_code: dict[str, list[int]] = {}
    for i, cid in enumerate(order):
        by_code.setdefault(data["cases"][cid]["answer"]["code"], []).append(i)
    for code, at in by_code.items():
        row = page.locator(f"[data-role=by-code] li[data-code='{code}']")
        right = sum(i != wrong_at for i in at)
        words = f"{code} {data['codes'][code]['name']}: {right} of {len(at)} case{'s' if len(at) > 1 else ''} right"
        expect(row).to_contain_text(words)
        if wrong_at in at:
            expect(row).to_contain_text(f"Still wrong: case {wrong_at + 1}.")
    page.locator("[data-role=missed-box] summary").click()
    text = page.locator("[data-role=missed-text]")
    expect(text).to_have_text(
        f"1. Case {wrong_at + 1} — your answer: {wrong['tempting']['code']}; right answer: {wrong['answer']['code']}"
    )
    press(page.get_by_role("button", name="Copy the list"))
    expect(page.locator("[data-role=missed-copied]")).to_have_text("Copied.")
    assert page.evaluate("navigator.clipboard.readText()") == text.inner_text()
    _fits(page, "quiz progress and missed text")


def test_instructor_builds_a_quiz_key_worksheet_and_lms_files(user_device, press, base_url: str, data: dict) -> None:
    picked = [c["id"] for c in code_cases(data)[2:6]]
    quiz = practice.format_quiz(808, picked)
    order = practice.parse_quiz(quiz, data["cases"])["ids"]
    page = user_device.new_page()
    # the builder is in the navigation; the answer key is not linked before a quiz exists
    page.goto(base_url + "instructor/")
    assert (
        page.locator("a[href*='answer-key']").count() == 0
        or not page.locator("a[href*='answer-key']").first.is_visible()
    )
    page.fill("[name=seed]", "808")

    # filters by code, topic and difficulty; an "N selected" count; the Make button in reach (sticky bar)
    make = page.get_by_role("button", name="Make the quiz link")
    rows = page.locator("[data-role=cases] > li")
    code = data["cases"][picked[0]]["answer"]["code"]

    def claim_codes(case: dict) -> set[str]:
        return {case["answer"]["code"], *case["answer"].get("blocks", [])}

    page.select_option("[data-filter=code]", code)
    expect(page.locator("[data-role=cases] > li:visible")).to_have_count(
        sum(code in claim_codes(c) for c in data["cases"].values()), timeout=TIMEOUT
    )
    assert page.locator(f"input[name=case][value='{picked[0]}']").is_visible()
    page.select_option("[data-filter=code]", "")
    expect(page.locator("[data-role=cases] > li:visible")).to_have_count(rows.count())
    for cid in picked:
        page.check(f"input[name=case][value='{cid}']")
    count = page.locator("[data-role=count]")
    expect(count).to_have_text(f"{len(picked)} cases selected")
    level = data["cases"][picked[0]]["difficulty"]
    page.select_option("[data-filter=difficulty]", level)
    hidden = sum(data["cases"][cid]["difficulty"] != level for cid in picked)
    expect(page.locator("[data-role=cases] > li:visible")).to_have_count(
        sum(c["difficulty"] == level for c in data["cases"].values())
    )
    if hidden:
        expect(count).to_have_text(f"{len(picked)} cases selected ({hidden} not shown by the filters)")
    page.select_option("[data-filter=difficulty]", "")
    page.select_option("[data-filter=family]", data["cases"][picked[0]]["family"])
    expect(page.locator(f"input[name=case][value='{picked[0]}']")).to_be_visible()
    page.select_option("[data-filter=family]", "")
    for at in (0, rows.count() // 2):
        rows.nth(at).scroll_into_view_if_needed()
        _fully_in_view(page, make)
        _fully_in_view(page, count)
    _fits(page, "quiz builder with filters")
    press(make)
    link = page.locator("[data-role=quiz-link]")
    expect(link).to_have_attribute("href", f"{base_url}practice/#quiz={quiz}", timeout=TIMEOUT)
    _fits(page, "quiz builder with links")
    press(page.get_by_role("button", name="Copy the quiz link"))
    expect(page.locator("[data-role=copied]")).to_have_text("Copied.")
    assert page.evaluate("navigator.clipboard.readText()") == f"{base_url}practice/#quiz={quiz}"

    # LMS files, read back
    with page.expect_download() as got:
        press(page.get_by_role("button", name="Download for Canvas, Blackboard, D2L (QTI 1.2 zip)"))
    package = zipfile.ZipFile(got.value.path())
    assert "imsmanifest.xml" in package.namelist()
    assert package.read(f"quiz_{quiz}.xml") == lms_export.qti_assessment(quiz, data, f"Therapy coding quiz {quiz}")
    with page.expect_download() as got:
        press(page.get_by_role("button", name="Download for Moodle (Moodle XML)"))
    moodle = ET.parse(got.value.path()).getroot()
    assert len(moodle.findall("question[@type='multichoice']")) == len(order)

    # the key for this quiz: exactly its cases, in its order, numbered as the students see them
    press(page.get_by_role("link", name="answer key for this quiz"))
    key = page.locator(".tcg-key-case:visible")
    expect(key).to_have_count(len(order), timeout=TIMEOUT)
    assert [key.nth(i).get_attribute("data-case") for i in range(len(order))] == order
    expect(key.first.locator("h2")).to_contain_text(f"Case 1: {data['cases'][order[0]]['title']}")
    expect(page.locator("[data-widget=answer-key] [data-role=status]")).to_contain_text(quiz)
    expect(page.get_by_role("button", name="Print this key")).to_be_visible()
    # the page's contents list the quiz's cases only, in the quiz's order, numbered
    contents = _contents(page, data)
    assert contents and all(entries == order for entries in contents), contents
    first_entry = page.locator(f".md-nav--secondary a.md-nav__link[href$='#{order[0]}']").first
    expect(first_entry).to_contain_text(f"Case 1: {data['cases'][order[0]]['title']}")
    _fits(page, "answer key")
    page.emulate_media(media="print")
    assert page.locator(".tcg-key-case:visible").count() == len(order)
    page.emulate_media(media="screen")

    # the worksheet: the same cases, no titles, a key with the reasons
    page.goto(f"{base_url}instructor/worksheet/#key={practice.key_code(quiz, data['cases'])}")
    questions = page.locator("[data-role=questions] > li")
    expect(page.locator("[data-widget=worksheet] [data-role=status]")).to_contain_text(quiz, timeout=TIMEOUT)
    assert [questions.nth(i).get_attribute("data-case") for i in range(questions.count())] == order
    sheet = page.locator("[data-role=questions]").inner_text()
    assert not any(data["cases"][cid]["title"] in sheet for cid in order)
    keys = page.locator("[data-role=key] > li")
    for i, cid in enumerate(order):
        expect(keys.nth(i)).to_contain_text(data["cases"][cid]["why"][:40])
    _fits(page, "worksheet")
    # the questions and the key print apart: the browser's Print prints the questions only; each button
    # prints its own part
    page.evaluate("() => { window.tcgPrinted = 0; window.print = () => { window.tcgPrinted += 1; }; }")
    parts = {"questions": page.locator(".tcg-sheet-questions"), "key": page.locator(".tcg-sheet-key")}
    page.emulate_media(media="print")
    expect(parts["questions"]).to_be_visible()
    expect(parts["key"]).to_be_hidden()
    page.emulate_media(media="screen")
    for button, shown, left_out in (
        ("Print the questions (for students)", "questions", "key"),
        ("Print the key (for you)", "key", "questions"),
    ):
        press(page.get_by_role("button", name=button))
        page.emulate_media(media="print")
        expect(parts[shown]).to_be_visible()
        expect(parts[left_out]).to_be_hidden()
        page.emulate_media(media="screen")
    assert page.evaluate("window.tcgPrinted") == 2


def test_drills_draw_at_once_and_keep_level_and_score(user_device, press, base_url: str, data: dict) -> None:
    page = user_device.new_page()
    page.goto(base_url + "drills/")
    rows = page.locator("[data-role=rows] tr")
    expect(rows.first).to_be_visible(timeout=TIMEOUT)  # no tap needed
    page.select_option("[data-role=setup] [name=level]", "2")
    seed = 4711
    page.fill("[data-role=setup] [name=seed]", str(seed))
    press(page.get_by_role("button", name="New drill"))
    expect(page.locator("#tcg-drill-title")).to_contain_text(f"Drill 2-{seed}", timeout=TIMEOUT)

    drill = drills.generate(seed, 2, data["rules"], data["codes"])
    right = units.compute(
        [(e["code"], e["minutes"]) for e in drill["entries"]], data["rules"][drill["rule"]], data["codes"]
    )
    for code, n in right["units"].items():
        page.fill(f"[data-role=rows] input[data-code='{code}']", str(n))
    press(page.get_by_role("button", name="Check my units"))
    expect(page.locator("[data-role=feedback] [data-verdict]")).to_have_attribute(
        "data-verdict", "right", timeout=TIMEOUT
    )
    _in_view(page, "[data-role=feedback]")
    expect(page.locator("[data-role=score]")).to_contain_text("1 of 1")
    _fits(page, "drill with feedback")

    # level 3 draws the everyday supervised modalities too: 97010 under Medicare is bundled (0 units)
    seed3 = next(
        s
        for s in range(1000)
        if (d := drills.generate(s, 3, data["rules"], data["codes"]))["rule"] == "cms"
        and any(e["code"] == "97010" for e in d["entries"])
    )
    drill3 = drills.generate(seed3, 3, data["rules"], data["codes"])
    right3 = units.compute([(e["code"], e["minutes"]) for e in drill3["entries"]], data["rules"]["cms"], data["codes"])[
        "units"
    ]
    page.select_option("[data-role=setup] [name=level]", "3")
    page.fill("[data-role=setup] [name=seed]", str(seed3))
    press(page.get_by_role("button", name="New drill"))
    expect(page.locator("#tcg-drill-title")).to_contain_text(f"Drill 3-{seed3}", timeout=TIMEOUT)
    # personas-3: the rule is said above the rows, and a change of rule from the last drill is flagged
    rule_line = page.locator("[data-role=rule]")
    expect(rule_line).to_contain_text(data["rules"]["cms"]["label"])
    changed = "yes" if drill["rule"] != "cms" else "no"
    expect(rule_line).to_have_attribute("data-changed", changed)
    expect(page.locator("[data-role=rows] tr[data-code='97010']")).to_contain_text("Hot or cold packs")
    for code, n in {**right3, "97010": 1}.items():
        page.fill(f"[data-role=rows] input[data-code='{code}']", str(n))
    press(page.get_by_role("button", name="Check my units"))
    fb = page.locator("[data-role=feedback]")
    expect(fb.locator("[data-verdict]")).to_have_attribute("data-verdict", "wrong", timeout=TIMEOUT)
    expect(fb).to_contain_text("Check 97010.")
    expect(fb).to_contain_text("97010 is bundled and not paid separately, so it bills 0 units")
    page.fill("[data-role=rows] input[data-code='97010']", "0")
    press(page.get_by_role("button", name="Check my units"))
    expect(fb.locator("[data-verdict]")).to_have_attribute("data-verdict", "right", timeout=TIMEOUT)
    expect(page.locator("[data-role=score]")).to_contain_text("1 of 2")  # a drill counts at its first check
    page.select_option("[data-role=setup] [name=level]", "2")
    page.reload()
    expect(page.locator("[data-role=setup] [name=level]")).to_have_value("2")
    expect(page.locator("[data-role=score]")).to_contain_text("1 of 2")
    # a tampered store is ignored, not trusted
    page.evaluate("localStorage.setItem('tcg-drill-state', JSON.stringify({level: '<b>', right: 9, tried: 1}))")
    page.reload()
    expect(page.locator("[data-role=setup] [name=level]")).to_have_value("1")
    expect(page.locator("[data-role=score]")).to_have_text("")


def _walk_to(data: dict, code: str) -> str:
    outcome = next(
        n for n in data["tree"]["nodes"] if n["type"] == "outcome" and n.get("code") == code and n["result"] == "code"
    )
    return tree.format_walk(tree.path_to(data["tree"], outcome["id"]))


def test_clinician_walks_two_blocks_and_gets_the_days_units(user_device, press, base_url: str, data: dict) -> None:
    blocks = [("97110", 23), ("97530", 15)]
    page = user_device.new_page()
    for i, (code, minutes) in enumerate(blocks):
        page.goto(f"{base_url}tree/#walk={_walk_to(data, code)}")
        panel = page.locator("[data-role=session]")
        expect(panel).to_be_visible(timeout=TIMEOUT)
        page.fill("[name=session-minutes]", str(minutes))
        press(page.get_by_role("button", name=f"Add {code} to today's session"))
        expect(page.locator("[data-role=session-status]")).to_contain_text(f"{code} ({minutes} min)")
        _fits(page, f"tree outcome with session, block {i + 1}")
        if i == 0:
            press(page.get_by_role("link", name="Walk the next block"))
            expect(page.locator("[data-widget=tree] [data-role=walk]")).to_have_attribute(
                "data-node", data["tree"]["root"], timeout=TIMEOUT
            )
    press(page.get_by_role("link", name="Count today's units in the calculator"))
    result = page.locator("[data-role=result]")
    expect(result).to_have_attribute("data-state", "done", timeout=TIMEOUT)
    expected = units.compute([(c, m) for c, m in blocks], data["rules"]["cms"], data["codes"])
    expect(page.locator("[data-role=card]")).to_contain_text(f"{expected['total_units']}")
    codes = page.locator("[data-role=rows] [name=code]")
    assert [codes.nth(i).input_value() for i in range(codes.count())] == [c for c, _ in blocks]
    _fits(page, "calculator filled from the session")
    # personas-3: the Minutes field sat about 20 px lower than the Code field beside it; now they line up
    for i in range(codes.count()):
        row = page.locator("[data-role=rows] [data-role=row]").nth(i)
        code_box = row.locator("[name=code]").bounding_box()
        minutes_box = row.locator("[name=minutes]").bounding_box()
        assert abs(code_box["y"] - minutes_box["y"]) < 1 and abs(code_box["height"] - minutes_box["height"]) < 1, (
            i,
            code_box,
            minutes_box,
        )
        assert minutes_box["x"] >= code_box["x"] + code_box["width"], (i, code_box, minutes_box)  # side by side
        labels = [
            row.locator(f"label[for='{row.locator(n).get_attribute('id')}']") for n in ("[name=code]", "[name=minutes]")
        ]
        tops = [label.bounding_box()["y"] for label in labels]
        assert abs(tops[0] - tops[1]) < 1, (i, tops)
    press(page.get_by_role("button", name="Copy as text"))
    expect(page.locator("[data-role=copied]")).to_have_text("Copied as plain text.")
    text = page.evaluate("navigator.clipboard.readText()")
    assert "Total units" in text and "<" not in text
    for code, n in expected["units"].items():
        assert code in text and str(n) in text


def test_instructor_names_the_quiz_and_the_name_reaches_every_copy(
    user_device, press, base_url: str, data: dict
) -> None:
    """personas-3 F2-8: the quiz could not be named (the LMS title was "Therapy coding quiz 2027-2cd2b…"). The
    builder's title travels in the quiz and key codes to the quiz page, the key, the worksheet and both LMS
    files, as plain text (markup typed into it stays text)."""
    title = "Week 3 / balance <i>or</i> strength?"
    picked = [c["id"] for c in code_cases(data)[:2]]
    page = user_device.new_page()
    page.goto(base_url + "instructor/")
    page.fill("[name=title]", title)
    page.fill("[name=seed]", "44")
    for cid in picked:
        page.check(f"input[name=case][value='{cid}']")
    press(page.get_by_role("button", name="Make the quiz link"))
    status = page.locator("[data-widget=quiz-builder] [data-role=status]")
    expect(status).to_contain_text(f"Quiz ready: “{title}”", timeout=TIMEOUT)
    quiz = practice.format_quiz(44, picked, title=title)
    assert page.locator("[data-role=quiz-link]").get_attribute("href").endswith("#quiz=" + quiz)
    # a changed title is a changed quiz: the old link goes
    page.fill("[name=title]", title + " 2")
    expect(page.locator("[data-role=links]")).to_be_hidden()
    page.fill("[name=title]", title)
    press(page.get_by_role("button", name="Make the quiz link"))
    expect(status).to_contain_text("Quiz ready", timeout=TIMEOUT)

    with page.expect_download(timeout=TIMEOUT) as info:
        press(page.get_by_role("button", name="Download for Moodle (Moodle XML)"))
    moodle = ET.parse(info.value.path()).getroot()
    assert moodle.findtext("question[@type='category']/category/text") == "$course$/top/" + title.replace("/", "//")
    with page.expect_download(timeout=TIMEOUT) as info:
        press(page.get_by_role("button", name="Download for Canvas, Blackboard, D2L (QTI 1.2 zip)"))
    package = zipfile.ZipFile(info.value.path())
    name = next(n for n in package.namelist() if n != "imsmanifest.xml")
    assessment = ET.fromstring(package.read(name)).find("{" + lms_export.QTI_NS + "}assessment")
    assert assessment.get("title") == title

    key_href = page.locator("[data-role=key-link]").get_attribute("href")
    sheet_href = page.locator("[data-role=sheet-link]").get_attribute("href")
    student = user_device.new_page()
    student.goto(page.locator("[data-role=quiz-link]").get_attribute("href"))
    expect(student.locator("[data-role=case] [data-role=title]")).to_be_visible(timeout=TIMEOUT)
    expect(student.locator("[data-role=quiz-name]")).to_have_text(f"Quiz: {title}")
    assert student.locator("[data-role=quiz-banner] i").count() == 0  # the markup stayed text
    for href, label in ((key_href, "Answer key"), (sheet_href, "Worksheet")):
        student.goto(href)
        line = student.locator("[data-role=quiz-title]")
        expect(line).to_have_text(f"{label}: {title}", timeout=TIMEOUT)
        expect(line).to_be_visible()
        assert line.locator("i").count() == 0 and title in student.title()
    _fits(student, "worksheet with a title")

    # a quiz code made before titles existed still opens, named as before
    student.goto(f"{base_url}practice/#quiz={practice.format_quiz(44, picked)}")
    expect(student.locator("[data-role=case] [data-role=title]")).to_be_visible(timeout=TIMEOUT)
    expect(student.locator("[data-role=quiz-name]")).to_have_text("Quiz mode")


def _box(page: Page, selector: str) -> dict:
    box = page.locator(selector).bounding_box()
    assert box, f"{selector} is not shown"
    return box


def test_a_quiz_opens_at_its_banner_with_the_first_case_below(user_device, press, base_url: str, data: dict) -> None:
    """personas-3 F2-10: quiz mode scrolled past its banner (name field and download unseen) and the CSV button
    looked disabled after a tap. The quiz opens with the practice-only notice, the name field and the download
    in view under the header, the first case starts on the same screen and has the focus; a tapped or clicked
    button keeps its own look."""
    picked = [c["id"] for c in code_cases(data)[:3]]
    quiz = practice.format_quiz(61, picked, title="Week 4: which code?")
    page = user_device.new_page()
    page.goto(f"{base_url}practice/#quiz={quiz}")
    title = page.locator("[data-widget=practice] [data-role=case] [data-role=title]")
    expect(title).to_be_visible(timeout=TIMEOUT)
    expect(page.locator("[data-widget=practice] [data-role=case]")).to_be_focused()
    page.wait_for_timeout(300)  # nothing scrolls later
    height = page.viewport_size["height"]
    header = page.locator(".md-header").bounding_box()["height"]
    for part in ("quiz-banner", "practice-only", "student", "csv"):
        box = _box(page, f"[data-widget=practice] [data-role={part}]")
        assert box["y"] >= header - 1 and box["y"] + box["height"] <= height, f"{part} is not in view: {box}"
    case = _box(page, "[data-widget=practice] [data-role=case] [data-role=title]")
    assert case["y"] >= header and case["y"] + case["height"] <= height, f"the first case is below the screen: {case}"
    _fits(page, "quiz banner")

    csv_button = page.locator("[data-widget=practice] [data-role=csv]")
    look = (  # the look once the button's transitions have run
        "(b) => { b.getAnimations().forEach((a) => a.finish()); const s = getComputedStyle(b);"
        " return [s.backgroundColor, s.color, s.borderColor, s.opacity]; }"
    )
    before = csv_button.evaluate(look)
    with page.expect_download(timeout=TIMEOUT):
        press(csv_button)
    expect(page.locator("[data-widget=practice] [data-role=status]")).to_contain_text("Saved")
    if not user_device.touch:
        page.mouse.move(1, height - 1)  # the mouse leaves: only the focus is left
    assert csv_button.evaluate(look) == before, "after a tap the CSV button looks pressed or disabled"
    page.keyboard.press("Shift+Tab")
    page.keyboard.press("Tab")  # the keyboard's focus still shows
    expect(csv_button).to_be_focused()
    assert csv_button.evaluate(look) != before
