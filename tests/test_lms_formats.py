"""The LMS files against the formats' own definitions (issue 24: a quiz with a multi-block case imports as a
file that passes the format's checks).

- imsmanifest.xml: validated with `xmlschema` against IMS Content Packaging 1.1.4 (`imscp_v1p1.xsd`).
- The QTI assessment: validated against the IMS QTI ASI 1.2.1 DTD (`ims_qtiasiv1p2p1.dtd`), the final
  release's structure definition. The DTD predates XML namespaces, so the document is checked with its
  element names taken out of the QTI namespace (the names and nesting are what the DTD defines).
- Moodle XML has no official schema: the rules Moodle's XML question import relies on are asserted.
Sources and licences of the vendored files: tests/fixtures/xsd/README.md.
"""

from __future__ import annotations

import io
import zipfile
from pathlib import Path
from typing import Any
from xml.etree import ElementTree as ET

import pytest
import xmlschema
from lxml import etree

from build_tools.export import engine_data
from build_tools.load import load_project
from engine import lms_export, practice
from tests.test_lms_export import round_trip_quiz

XSD = Path(__file__).parent / "fixtures" / "xsd"
# the format names qformat_xml::trans_format() knows (question/format/xml/format.php); any other name is
# imported as html with a debugging notice
MOODLE_TEXT_FORMATS = {"html", "moodle_auto_format", "plain_text", "wiki_like", "markdown"}


@pytest.fixture(scope="module")
def data() -> dict[str, Any]:
    return engine_data(load_project())


@pytest.fixture(scope="module")
def quiz(data: dict) -> str:
    """The quiz the round-trip tests build; it holds a multi-block case (asserted below)."""
    return round_trip_quiz(data)


@pytest.fixture(scope="module")
def package(data: dict, quiz: str) -> zipfile.ZipFile:
    return zipfile.ZipFile(io.BytesIO(lms_export.qti_package(quiz, data)))


def test_the_quiz_holds_a_multi_block_case(data: dict, quiz: str) -> None:
    order = practice.parse_quiz(quiz, data["cases"])["ids"]
    assert any(practice.blocks_of(data["cases"][cid], data["codes"]) for cid in order)
    assert any(i["block"] for i in lms_export.items(quiz, data))


def test_manifest_is_valid_ims_content_packaging(package: zipfile.ZipFile) -> None:
    schema = xmlschema.XMLSchema(str(XSD / "imscp_v1p1.xsd"))
    manifest = package.read("imsmanifest.xml").decode()
    errors = [f"{e.path}: {e.reason}" for e in schema.iter_errors(manifest)]
    assert errors == []


def test_the_cp_schema_rejects_a_broken_manifest(package: zipfile.ZipFile) -> None:
    """The check can fail: a resource without its required type attribute is refused."""
    schema = xmlschema.XMLSchema(str(XSD / "imscp_v1p1.xsd"))
    broken = package.read("imsmanifest.xml").decode().replace(f'type="{lms_export.QTI_RESOURCE_TYPE}"', "")
    assert not schema.is_valid(broken)


def _without_namespace(raw: bytes) -> Any:
    doc = etree.fromstring(raw)
    for el in doc.iter():
        el.tag = etree.QName(el).localname
    etree.cleanup_namespaces(doc)
    return doc


def _dtd_errors(raw: bytes) -> list[str]:
    dtd = etree.DTD(str(XSD / "ims_qtiasiv1p2p1.dtd"))
    ok = dtd.validate(_without_namespace(raw))
    return [] if ok else [str(e) for e in dtd.error_log.filter_from_errors()]


def test_assessment_is_valid_qti_1_2_1(package: zipfile.ZipFile, quiz: str) -> None:
    raw = package.read(f"quiz_{quiz}.xml")
    assert etree.fromstring(raw).nsmap[None] == lms_export.QTI_NS
    assert _dtd_errors(raw) == []


def test_the_qti_dtd_rejects_a_broken_item(package: zipfile.ZipFile, quiz: str) -> None:
    """The check can fail: itemfeedback before resprocessing breaks the item's content model."""
    doc = _without_namespace(package.read(f"quiz_{quiz}.xml"))
    item = doc.find(".//item")
    feedback = item.find("itemfeedback")
    item.remove(feedback)
    item.insert(0, feedback)
    assert _dtd_errors(etree.tostring(doc))


def test_moodle_xml_follows_moodles_import_rules(data: dict, quiz: str) -> None:
    """What Moodle's XML question import (question/format/xml/format.php: import_headers, import_answer,
    import_multichoice) reads for a single-answer multichoice question: a <quiz> root; a
    category; per question a name, a question text with a known text format, a single flag, at least two
    answers whose fractions are percentages, one of them 100 and the rest 0 (single answer: the best answer
    scores full marks), each answer with its own text and feedback."""
    root = ET.fromstring(lms_export.moodle_xml(quiz, data))
    assert root.tag == "quiz"
    questions = root.findall("question")
    assert questions[0].get("type") == "category" and questions[0].findtext("category/text").startswith("$course$/")
    multi = [q for q in questions if q.get("type") != "category"]
    assert len(multi) == len(lms_export.items(quiz, data))
    assert {q.get("type") for q in multi} == {"multichoice"}
    idnumbers = [q.findtext("idnumber") for q in multi]
    assert len(set(idnumbers)) == len(idnumbers)
    blocks = [q for q in multi if "block" in q.findtext("name/text")]
    assert blocks, "the quiz's multi-block case is in the file"
    for q in multi:
        assert q.findtext("name/text").strip()
        for tag in ("questiontext", "generalfeedback"):
            assert q.find(tag).get("format") in MOODLE_TEXT_FORMATS, tag
            assert q.findtext(f"{tag}/text").strip(), tag
        assert q.findtext("single") == "true"
        assert q.findtext("shuffleanswers") in {"true", "false", "1", "0"}
        assert q.findtext("answernumbering") in {"abc", "ABCD", "123", "iii", "IIII", "none"}
        assert float(q.findtext("defaultgrade")) > 0
        assert 0 <= float(q.findtext("penalty")) <= 1
        answers = q.findall("answer")
        assert len(answers) >= 2
        fractions = [float(a.get("fraction")) for a in answers]
        assert all(0 <= f <= 100 for f in fractions)
        assert max(fractions) == 100 and fractions.count(100) == 1 and sum(fractions) == 100
        texts = [a.findtext("text") for a in answers]
        assert all(t.strip() for t in texts) and len(set(texts)) == len(texts)
        for a in answers:
            assert a.get("format") in MOODLE_TEXT_FORMATS
            assert a.find("feedback").get("format") in MOODLE_TEXT_FORMATS
            assert a.findtext("feedback/text").strip()
