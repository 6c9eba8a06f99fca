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


@pytest.fixture(scope="module")
def quiz(data: dict) -> str:
    return practice.format_quiz(31, sorted(data["cases"])[::4])


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
    assert len(items) == len(order)
    idents = [i.get("ident") for i in items]
    assert len(set(idents)) == len(idents)
    for item, cid in zip(items, order, strict=True):
        case = data["cases"][cid]
        question = _text(item.find(f"{Q}presentation/{Q}material/{Q}mattext"))
        assert case["session"].strip()[:60] in question
        assert case["title"] not in question
        labels = {lab.get("ident") for lab in item.iter(Q + "response_label")}
        assert len(labels) == lms_export.CHOICES and case["answer"]["code"] in labels
        assert case["tempting"]["code"] in labels
        scored = [
            c
            for c in item.iter(Q + "respcondition")
            if any(s.get("varname") == "SCORE" and s.text == "100" for s in c.iter(Q + "setvar"))
        ]
        assert len(scored) == 1
        assert [v.text for v in scored[0].iter(Q + "varequal")] == [case["answer"]["code"]]
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
    assert len(multi) == len(order) and {q.get("type") for q in multi} == {"multichoice"}
    for question, cid in zip(multi, order, strict=True):
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
        assert right[0].findtext("text").startswith(f"{case['answer']['code']} ")
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
