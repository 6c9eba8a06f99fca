"""LMS files: the QTI 1.2 package and Moodle XML are read back and checked against the formats' rules."""

from __future__ import annotations

import base64
import io
import json
import zipfile
from typing import Any
from xml.etree import ElementTree as ET

import pytest

from build_tools.export import engine_data
from build_tools.load import load_project
from engine import api, lms_export, practice

Q = "{" + lms_export.QTI_NS + "}"
CP = "{" + lms_export.CP_NS + "}"


@pytest.fixture(scope="module")
def data() -> dict[str, Any]:
    return engine_data(load_project())


def round_trip_quiz(data: dict) -> str:
    """The quiz the LMS tests export (round trips here, format checks in test_lms_formats.py)."""
    return practice.format_quiz(31, sorted(data["cases"])[::4])


@pytest.fixture(scope="module")
def quiz(data: dict) -> str:
    return round_trip_quiz(data)


def _expected(order: list[str], data: dict) -> list[tuple[str, str]]:
    """(case id, right code) per question: one per case, or one per block of a multi-block case."""
    out = []
    for cid in order:
        blocks = practice.blocks_of(data["cases"][cid], data["codes"])
        out += [(cid, b["code"]) for b in blocks] if blocks else [(cid, data["cases"][cid]["answer"]["code"])]
    return out


def test_the_round_trip_quiz_holds_a_multi_block_case(data: dict, quiz: str) -> None:
    order = practice.parse_quiz(quiz, data["cases"])["ids"]
    assert len(_expected(order, data)) > len(order)


def _text(el: ET.Element | None) -> str:
    return "".join(el.itertext()) if el is not None else ""


def test_qti_package_round_trip(data: dict, quiz: str) -> None:
    order = practice.parse_quiz(quiz, data["cases"])["ids"]
    package = zipfile.ZipFile(io.BytesIO(lms_export.qti_package(quiz, data)))
    assert package.testzip() is None
    manifest = ET.fromstring(package.read("imsmanifest.xml"))
    assert manifest.tag == CP + "manifest"
    resources = manifest.findall(f"{CP}resources/{CP}resource")
    assert [r.get("type") for r in resources] == [lms_export.QTI_RESOURCE_TYPE]
    hrefs = [f.get("href") for f in resources[0].findall(CP + "file")]
    assert hrefs and all(h in package.namelist() for h in hrefs)
    assert set(package.namelist()) == {"imsmanifest.xml", *hrefs}

    root = ET.fromstring(package.read(hrefs[0]))
    assert root.tag == Q + "questestinterop"
    items = root.findall(f"{Q}assessment/{Q}section/{Q}item")
    expected = _expected(order, data)
    assert len(items) == len(expected)
    idents = [i.get("ident") for i in items]
    assert len(set(idents)) == len(idents)
    for item, (cid, code) in zip(items, expected, strict=True):
        case = data["cases"][cid]
        question = _text(item.find(f"{Q}presentation/{Q}material/{Q}mattext"))
        assert case["session"].strip()[:60] in question
        assert case["title"] not in question
        labels = {lab.get("ident") for lab in item.iter(Q + "response_label")}
        assert len(labels) == lms_export.CHOICES and code in labels
        assert case["tempting"]["code"] in labels
        scored = [
            c
            for c in item.iter(Q + "respcondition")
            if any(s.get("varname") == "SCORE" and s.text == "100" for s in c.iter(Q + "setvar"))
        ]
        assert len(scored) == 1
        assert [v.text for v in scored[0].iter(Q + "varequal")] == [code]
        feedback = {f.get("ident"): _text(f) for f in item.findall(Q + "itemfeedback")}
        assert case["why"].strip() in feedback["general_fb"]
        refs = {d.get("linkrefid") for d in item.iter(Q + "displayfeedback")}
        assert refs <= set(feedback)


def test_moodle_xml_round_trip(data: dict, quiz: str) -> None:
    order = practice.parse_quiz(quiz, data["cases"])["ids"]
    root = ET.fromstring(lms_export.moodle_xml(quiz, data))
    assert root.tag == "quiz"
    questions = root.findall("question")
    assert questions[0].get("type") == "category" and questions[0].findtext("category/text")
    multi = questions[1:]
    expected = _expected(order, data)
    assert len(multi) == len(expected) and {q.get("type") for q in multi} == {"multichoice"}
    for question, (cid, code) in zip(multi, expected, strict=True):
        case = data["cases"][cid]
        for path in ("name/text", "questiontext/text", "generalfeedback/text", "defaultgrade", "single"):
            assert question.findtext(path), path
        assert question.find("questiontext").get("format") == "plain_text"
        assert question.findtext("single") == "true"
        assert case["session"].strip()[:60] in question.findtext("questiontext/text")
        answers = question.findall("answer")
        assert len(answers) == lms_export.CHOICES
        right = [a for a in answers if a.get("fraction") == "100"]
        assert len(right) == 1 and {a.get("fraction") for a in answers} == {"100", "0"}
        assert right[0].findtext("text").startswith(f"{code} ")
        assert all(a.findtext("feedback/text") for a in answers)
        assert case["why"].strip()[:60] in question.findtext("generalfeedback/text")


def test_text_with_markup_is_escaped(data: dict) -> None:
    cid = sorted(data["cases"])[0]
    tricky = {**data, "cases": {**data["cases"], cid: {**data["cases"][cid], "session": "a < b & <script>x</script>"}}}
    code = practice.format_quiz(1, [cid])
    raw = lms_export.moodle_xml(code, tricky)
    assert b"<script" not in raw and b"a &lt; b &amp; &lt;script&gt;x&lt;/script&gt;" in raw
    question = ET.fromstring(raw).find("question[@type='multichoice']/questiontext")
    # plain text: Moodle shows it as typed (no HTML to escape twice)
    assert question.get("format") == "plain_text"
    assert question.findtext("text") == "a < b & <script>x</script> Which code does this note support?"
    package = zipfile.ZipFile(io.BytesIO(lms_export.qti_package(code, tricky)))
    name = next(n for n in package.namelist() if n != "imsmanifest.xml")
    assert "a < b & <script>" in _text(ET.fromstring(package.read(name)).find(f".//{Q}mattext"))


def test_api_returns_files_the_browser_can_save(data: dict, quiz: str) -> None:
    api.load(json.dumps(data))
    qti = json.loads(api.call("quiz_export", json.dumps({"quiz": quiz, "format": "qti"})))["result"]
    assert qti["filename"].endswith(".zip") and qti["mime"] == "application/zip"
    assert base64.b64decode(qti["base64"]) == lms_export.qti_package(quiz, data)
    moodle = json.loads(api.call("quiz_export", json.dumps({"quiz": quiz, "format": "moodle"})))["result"]
    assert moodle["text"].encode() == lms_export.moodle_xml(quiz, data)
    bad = json.loads(api.call("quiz_export", json.dumps({"quiz": quiz, "format": "pdf"})))
    assert "qti" in bad["error"]["message"]


def _every_item(data: dict) -> list[tuple[dict, dict]]:
    quiz = practice.format_quiz(1, sorted(data["cases"]))
    return [(data["cases"][item["case"]], item) for item in lms_export.items(quiz, data)]


def test_feedback_is_written_per_answer_and_per_code(data: dict) -> None:
    """personas-3 #10: the feedback for a 97110 answer said 'add the functional task' (97530 advice)."""
    for case, item in _every_item(data):
        codes = [c["code"] for c in item["choices"]]
        assert sorted(item["choice_feedback"]) == sorted(codes)
        advice = case["answer"].get("add_to_note") or []
        intended = case.get("billed_as") or case["tempting"]["code"]
        for tip in advice:  # the note-writing advice is only under the code it is for
            assert lms_export.sentence(tip) not in item["feedback"], case["id"]
            assert [c for c in codes if lms_export.sentence(tip) in item["choice_feedback"][c]] == [intended]
        for code, text in item["choice_feedback"].items():
            if code == item["correct"]:
                assert text.startswith(f"Right: {code} ")
            else:
                assert text.startswith(f"Not {code} "), (case["id"], code)
            assert case["why"][:60] not in text  # the general feedback is not said twice
    case = data["cases"]["putty-grip-strengthening-billed-as-ther-act"]
    item = next(i for c, i in _every_item(data) if c["id"] == case["id"])
    tip = "name it and what it simulated"  # 97530 advice from the case's add_to_note
    assert tip not in item["feedback"] and tip not in item["choice_feedback"]["97110"]
    assert tip in item["choice_feedback"]["97530"]
    assert "To bill 97530" in item["choice_feedback"]["97530"]


def test_feedback_has_no_stray_punctuation(data: dict) -> None:
    import re

    stray = re.compile(r"\.\s*[.;]|'\.\.|;\s*\.|\s[.,;]")
    for case, item in _every_item(data):
        for text in [item["feedback"], *item["choice_feedback"].values()]:
            assert not stray.search(text), (case["id"], stray.search(text).group(), text)
    assert lms_export.sentence("ends 'quoted'.") == "ends 'quoted'."
    assert lms_export.sentence("no mark ") == "no mark."
    assert lms_export.sentences(["a.", "b;", "c"]) == "a. b. c."


def test_qti_and_moodle_carry_the_feedback_of_each_answer(data: dict, quiz: str) -> None:
    items = {i["ident"]: i for i in lms_export.items(quiz, data)}
    package = zipfile.ZipFile(io.BytesIO(lms_export.qti_package(quiz, data)))
    root = ET.fromstring(package.read(f"quiz_{quiz}.xml"))
    for node in root.iter(Q + "item"):
        item = items[node.get("ident")]
        feedback = {f.get("ident"): _text(f).strip() for f in node.findall(Q + "itemfeedback")}
        conditions = node.findall(f"{Q}resprocessing/{Q}respcondition")
        shown = {}
        for cond in conditions:
            equal = cond.find(f"{Q}conditionvar/{Q}varequal")
            for ref in cond.iter(Q + "displayfeedback"):
                if equal is not None:
                    shown[equal.text] = feedback[ref.get("linkrefid")]
        assert shown == item["choice_feedback"]
        # the scoring condition stops processing, so every per-answer condition comes before it
        scoring = next(i for i, c in enumerate(conditions) if c.get("continue") == "No")
        assert scoring == len(conditions) - 1
    for question in ET.fromstring(lms_export.moodle_xml(quiz, data)).findall("question[@type='multichoice']"):
        item = items[question.findtext("idnumber")]
        got = {a.findtext("text").split(" ")[0]: a.findtext("feedback/text") for a in question.findall("answer")}
        assert got == item["choice_feedback"]


def test_a_multi_block_case_is_one_question_per_block(data: dict) -> None:
    """personas-3 #6: 'Three codes ten minutes each' accepted only 97530 although the note documents 97110 and
    97112 too. Each block is its own single-answer question (one point each), in the note's order."""
    case = data["cases"]["three-codes-ten-minutes-each"]
    quiz = practice.format_quiz(3, [case["id"]])
    got = lms_export.items(quiz, data)
    assert [(i["block"], i["correct"]) for i in got] == [(1, "97110"), (2, "97112"), (3, "97530")]
    assert len({i["ident"] for i in got}) == 3 and all("Block" in i["question"] for i in got)
    first = got[0]["choice_feedback"]
    assert first["97110"].startswith("Right: 97110") and "lumping" not in first["97110"].lower()
    assert (
        first["97112"]
        == "Not 97112 (Neuromuscular re-education) for this block. 97112 is the code of block 2 (10 min)."
    )
    root = ET.fromstring(lms_export.moodle_xml(quiz, data))
    assert [q.findtext("name/text").split(" (")[0] for q in root.findall("question[@type='multichoice']")] == [
        "Case 1, block 1",
        "Case 1, block 2",
        "Case 1, block 3",
    ]
    package = zipfile.ZipFile(io.BytesIO(lms_export.qti_package(quiz, data)))
    qti = ET.fromstring(package.read(f"quiz_{quiz}.xml"))
    assert [i.get("title") for i in qti.iter(Q + "item")] == ["Case 1, block 1", "Case 1, block 2", "Case 1, block 3"]


def test_the_exported_choices_are_plausible(data: dict) -> None:
    """personas-3 F2-7: evaluation codes and 97129/97130 stood as choices on strength notes, so most items were
    two-choice. Each item's wrong choices are treatment codes a student could take for the answer (never an
    evaluation code or an add-on on its own on a treatment note), the same in both files."""
    treatment = {f["id"] for f in data["vocab"]["code_families"] if f["treatment"]}
    for case, item in _every_item(data):
        codes = [c["code"] for c in item["choices"]]
        assert len(codes) == lms_export.CHOICES and item["correct"] in codes and case["tempting"]["code"] in codes
        if data["codes"][case["answer"]["code"]]["family"] in treatment:
            wrong = [data["codes"][c] for c in codes if c != item["correct"]]
            assert all(w["family"] in treatment and not w.get("primary_code") for w in wrong), (case["id"], codes)
    case = data["cases"]["squats-for-quad-strength-after-tka"]
    quiz = practice.format_quiz(4, [case["id"]])
    question = ET.fromstring(lms_export.moodle_xml(quiz, data)).find("question[@type='multichoice']")
    moodle = sorted(a.findtext("text").split(" ")[0] for a in question.findall("answer"))
    qti = ET.fromstring(zipfile.ZipFile(io.BytesIO(lms_export.qti_package(quiz, data))).read(f"quiz_{quiz}.xml"))
    labels = sorted(r.get("ident") for r in qti.iter(Q + "response_label"))
    assert moodle == labels == sorted(practice.plausible_codes(case, data, ["97110", "97530"]))


def test_the_quiz_title_names_the_lms_quiz(data: dict) -> None:
    """personas-3 F2-8: the LMS title was made from the quiz code. The instructor's title names the QTI
    assessment and the Moodle category, escaped for XML; a slash stays in the name (Moodle's '//')."""
    ids = sorted(data["cases"])[:2]
    title = 'Week 3 / NMR <script>alert("x")</script> & co'
    quiz = practice.format_quiz(6, ids, title=title)
    package = zipfile.ZipFile(io.BytesIO(lms_export.qti_package(quiz, data)))
    name = next(n for n in package.namelist() if n != "imsmanifest.xml")
    assert name == f"quiz_{practice.format_quiz(6, ids)}.xml"  # file names and idents carry no title
    assessment = ET.fromstring(package.read(name)).find(Q + "assessment")
    assert assessment.get("title") == title and "<script>" not in package.read(name).decode()
    root = ET.fromstring(lms_export.moodle_xml(quiz, data))
    assert root.findtext("question[@type='category']/category/text") == f"$course$/top/{title.replace('/', '//')}"
    untitled = practice.format_quiz(6, ids)
    root = ET.fromstring(lms_export.moodle_xml(untitled, data))
    assert root.findtext("question[@type='category']/category/text") == f"$course$/top/Therapy coding quiz {untitled}"
