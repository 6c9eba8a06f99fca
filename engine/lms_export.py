"""A practice quiz as files an LMS imports: an IMS QTI 1.2 package (zip) and Moodle XML.

Targets (see docs/instructor-lms.md): QTI 1.2 as Canvas writes and reads it
(also Blackboard Learn and D2L Brightspace importers of QTI 1.2 packages), and
Moodle XML as Moodle 3.x/4.x question import reads it. Each case becomes one
single-answer multiple-choice question: the session note as the question, four
codes as choices (the answer, the tempting wrong code, the billed code when it
differs, then the codes a student could confuse with the answer, from the codes'
neighbours in the data: engine.practice.plausible_codes), the reasoning for the right code as
general feedback, and feedback per answer written for that answer's code. Unit questions stay on the site.
Standard library only (runs in Pyodide); files are deterministic for a quiz code.
"""

from __future__ import annotations

import io
import zipfile
from typing import Any
from xml.etree import ElementTree as ET

from engine import practice

QTI_NS = "http://www.imsglobal.org/xsd/ims_qtiasiv1p2"
CP_NS = "http://www.imsglobal.org/xsd/imscp_v1p1"
QTI_RESOURCE_TYPE = "imsqti_xmlv1p2"
CHOICES = practice.CHOICES
ZIP_TIME = (2020, 1, 1, 0, 0, 0)


def intended_code(case: dict[str, Any]) -> str:
    """The code the note's `add_to_note` advice is for: the code billed (or meant), not the answer's code."""
    return str(case.get("billed_as") or case["tempting"]["code"])


def _choices(case: dict[str, Any], data: dict[str, Any]) -> list[dict[str, str]]:
    """Four choices, sorted by code: the answer, the tempting code, the code billed when it is another one,
    then codes a student could take for the answer (practice.plausible_codes: the codes' neighbours, never an
    evaluation code or an add-on alone on a treatment note)."""
    first = [case["answer"]["code"], case["tempting"]["code"], intended_code(case)]
    return _named(practice.plausible_codes(case, data, first), data)


def _named(picked: list[str], data: dict[str, Any]) -> list[dict[str, str]]:
    return [{"code": code, "name": data["codes"].get(code, {}).get("name", "")} for code in sorted(picked)]


def sentence(text: str) -> str:
    """One sentence with its own end mark, spaces tidied: no '..' or '.;' when sentences are joined."""
    text = " ".join(str(text).split()).rstrip(" ;,")
    core = text.rstrip("'\"’”)")
    return text if core.endswith((".", "!", "?")) else text + "."


def sentences(parts: list[str]) -> str:
    return " ".join(sentence(p) for p in parts if str(p).strip())


def _shows(code: str, codes: dict[str, dict[str, Any]]) -> str:
    """What a note that supports `code` shows, from the code's documentation elements (empty when none)."""
    labels = [e["label"] for e in (codes.get(code, {}).get("documentation") or {}).get("elements", [])]
    labels = [label[:1].lower() + label[1:] for label in labels if label.lower() != "minutes"]
    return ", ".join(labels)


def choice_feedback(case: dict[str, Any], choices: list[dict[str, str]], codes: dict[str, Any]) -> dict[str, str]:
    """Feedback per answer, each written for its own code: the right code's, the tempting code's reason it is
    wrong, the note-writing advice only under the code that advice is for, and for the other codes what a
    note for that code would show."""
    names = {c["code"]: c["name"] for c in choices}
    right, tempting, intended = case["answer"]["code"], case["tempting"]["code"], intended_code(case)
    advice = case["answer"].get("add_to_note") or []
    out = {}
    for choice in choices:
        code = choice["code"]
        label = f"{code} ({names[code]})" if names.get(code) else code
        if code == right:
            text = [f"Right: {label} is the code this note supports"]
        elif code == tempting:
            text = [f"Not {label}", case["tempting"]["why_not"]]
        else:
            shows = _shows(code, codes)
            text = [
                f"Not {label}",
                f"A note that supports {code} shows: {shows}" if shows else "",
                f"This note supports {right}",
            ]
        if code == intended and code != right and advice:
            text += [f"To bill {code}, the note would need more", *advice]
        out[code] = sentences(text)
    return out


def _block_choices(case: dict[str, Any], block: dict[str, Any], blocks: list[dict[str, Any]], data: dict) -> list:
    """Four choices for one block: its code, the note's other blocks' codes, the tempting code, then codes a
    student could take for the block's code (practice.plausible_codes)."""
    first = list(dict.fromkeys([block["code"], *(b["code"] for b in blocks), case["tempting"]["code"]]))
    return _named(practice.plausible_codes(case, data, first, salt=str(block["block"])), data)


def _block_feedback(
    case: dict[str, Any], block: dict[str, Any], blocks: list[dict[str, Any]], choices: list, codes: dict
) -> dict[str, str]:
    """Feedback per answer for one block: another block's code is named as that block's, not as wrong advice."""
    names = {c["code"]: c["name"] for c in choices}
    out = {}
    for choice in choices:
        code = choice["code"]
        label = f"{code} ({names[code]})" if names.get(code) else code
        other = next((b for b in blocks if b["code"] == code and b is not block), None)
        if code == block["code"]:
            text = [f"Right: {label} is the code of this {block['minutes']}-minute block"]
        elif other:
            text = [
                f"Not {label} for this block",
                f"{code} is the code of block {other['block']} ({other['minutes']} min)",
            ]
        elif code == case["tempting"]["code"]:
            text = [f"Not {label}", case["tempting"]["why_not"]]
        else:
            shows = _shows(code, codes)
            text = [f"Not {label}", f"A note that supports {code} shows: {shows}" if shows else ""]
            text.append(f"This block supports {block['code']}")
        out[code] = sentences(text)
    return out


def _block_items(number: int, cid: str, case: dict[str, Any], blocks: list, data: dict[str, Any]) -> list[dict]:
    """A multi-block case as one single-answer question per block (the form every importer reads; a
    multi-part question is not portable between Canvas' QTI and Moodle XML)."""
    billed = f" The session was billed as {case['billed_as']}." if case.get("billed_as") else ""
    out = []
    for block in blocks:
        choices = _block_choices(case, block, blocks, data)
        per_answer = _block_feedback(case, block, blocks, choices, data["codes"])
        tempting = case["tempting"]["code"] if case["tempting"]["code"] in per_answer else choices[0]["code"]
        out.append(
            {
                "ident": f"case{number:03d}_{practice.token(cid)}_b{block['block']}",
                "number": number,
                "block": block["block"],
                "title": f"Case {number}, block {block['block']}",
                "case": cid,
                "question": (
                    f"{case['session'].strip()}{billed} This note documents {len(blocks)} blocks. Block "
                    f"{block['block']} ({block['minutes']} min): which code does this block support?"
                ),
                "choices": choices,
                "correct": block["code"],
                "feedback": sentences(
                    [f"Block {block['block']} ({block['minutes']} min) supports {block['code']}", case["why"]]
                ),
                "choice_feedback": per_answer,
                "tempting": tempting,
                "tempting_feedback": per_answer[tempting],
            }
        )
    return out


def items(quiz: str, data: dict[str, Any]) -> list[dict[str, Any]]:
    """The quiz's questions in the quiz's order: text, choices, the right code, the general feedback (the
    reasoning for the right code only) and feedback per answer (`choice_feedback`, one text per code)."""
    chosen = practice.parse_quiz(quiz, data["cases"])
    out = []
    for number, cid in enumerate(chosen["ids"], 1):
        case = data["cases"][cid]
        blocks = practice.blocks_of(case, data["codes"])
        if blocks:
            out += _block_items(number, cid, case, blocks, data)
            continue
        billed = f" The session was billed as {case['billed_as']}." if case.get("billed_as") else ""
        choices = _choices(case, data)
        per_answer = choice_feedback(case, choices, data["codes"])
        out.append(
            {
                "ident": f"case{number:03d}_{practice.token(cid)}",
                "number": number,
                "block": None,
                "title": f"Case {number}",
                "case": cid,
                "question": f"{case['session'].strip()}{billed} Which code does this note support?",
                "choices": choices,
                "correct": case["answer"]["code"],
                "feedback": sentences([f"The note supports {case['answer']['code']}", case["why"]]),
                "choice_feedback": per_answer,
                "tempting": case["tempting"]["code"],
                "tempting_feedback": per_answer[case["tempting"]["code"]],
            }
        )
    return out


def _label(choice: dict[str, str]) -> str:
    return f"{choice['code']} {choice['name']}".strip()


def _qti_field(parent: ET.Element, label: str, entry: str) -> None:
    field = ET.SubElement(parent, "qtimetadatafield")
    ET.SubElement(field, "fieldlabel").text = label
    ET.SubElement(field, "fieldentry").text = entry


def _mattext(parent: ET.Element, text: str) -> None:
    material = ET.SubElement(parent, "material")
    ET.SubElement(material, "mattext", texttype="text/plain").text = text


def quiz_title(quiz: str, data: dict[str, Any]) -> str:
    """The quiz's name in the LMS: the title the instructor gave it, else "Therapy coding quiz CODE"."""
    return practice.parse_quiz(quiz, data["cases"])["title"] or f"Therapy coding quiz {_stem(quiz)}"


def _stem(quiz: str) -> str:
    """The quiz code without its title part: what identifiers and file names carry (a title can be long)."""
    return quiz.split(".")[0]


def qti_assessment(quiz: str, data: dict[str, Any], title: str) -> bytes:
    """The QTI 1.2 assessment document (questestinterop) for a quiz."""
    root = ET.Element("questestinterop", xmlns=QTI_NS)
    assessment = ET.SubElement(root, "assessment", ident=f"tcg_quiz_{_stem(quiz)}", title=title)
    meta = ET.SubElement(assessment, "qtimetadata")
    _qti_field(meta, "cc_maxattempts", "1")
    section = ET.SubElement(assessment, "section", ident="root_section")
    for item in items(quiz, data):
        node = ET.SubElement(section, "item", ident=item["ident"], title=item["title"])
        item_meta = ET.SubElement(ET.SubElement(node, "itemmetadata"), "qtimetadata")
        _qti_field(item_meta, "question_type", "multiple_choice_question")
        _qti_field(item_meta, "points_possible", "1.0")
        presentation = ET.SubElement(node, "presentation")
        _mattext(presentation, item["question"])
        response = ET.SubElement(presentation, "response_lid", ident="response1", rcardinality="Single")
        render = ET.SubElement(response, "render_choice")
        for choice in item["choices"]:
            _mattext(ET.SubElement(render, "response_label", ident=choice["code"]), _label(choice))
        processing = ET.SubElement(node, "resprocessing")
        outcomes = ET.SubElement(processing, "outcomes")
        ET.SubElement(outcomes, "decvar", maxvalue="100", minvalue="0", varname="SCORE", vartype="Decimal")
        general = ET.SubElement(processing, "respcondition", attrib={"continue": "Yes"})
        ET.SubElement(ET.SubElement(general, "conditionvar"), "other")
        ET.SubElement(general, "displayfeedback", feedbacktype="Response", linkrefid="general_fb")
        # feedback per answer before the scoring condition (which stops processing), as Canvas writes it
        for choice in item["choices"]:
            per = ET.SubElement(processing, "respcondition", attrib={"continue": "Yes"})
            equal = ET.SubElement(ET.SubElement(per, "conditionvar"), "varequal", respident="response1")
            equal.text = choice["code"]
            ET.SubElement(per, "displayfeedback", feedbacktype="Response", linkrefid=f"{choice['code']}_fb")
        right = ET.SubElement(processing, "respcondition", attrib={"continue": "No"})
        ET.SubElement(ET.SubElement(right, "conditionvar"), "varequal", respident="response1").text = item["correct"]
        ET.SubElement(right, "setvar", action="Set", varname="SCORE").text = "100"
        per_answer = [(f"{code}_fb", text) for code, text in item["choice_feedback"].items()]
        for ident, text in [("general_fb", item["feedback"]), *per_answer]:
            feedback = ET.SubElement(node, "itemfeedback", ident=ident)
            _mattext(ET.SubElement(feedback, "flow_mat"), text)
    ET.indent(root)
    return b'<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="utf-8")


def qti_manifest(quiz: str, assessment_file: str) -> bytes:
    """imsmanifest.xml: one resource of type imsqti_xmlv1p2 pointing at the assessment file."""
    root = ET.Element("manifest", identifier=f"tcg_manifest_{_stem(quiz)}", xmlns=CP_NS)
    meta = ET.SubElement(root, "metadata")
    ET.SubElement(meta, "schema").text = "IMS Content"
    ET.SubElement(meta, "schemaversion").text = "1.1.3"
    ET.SubElement(root, "organizations")
    resources = ET.SubElement(root, "resources")
    resource = ET.SubElement(
        resources, "resource", identifier=f"tcg_quiz_{_stem(quiz)}", type=QTI_RESOURCE_TYPE, href=assessment_file
    )
    ET.SubElement(resource, "file", href=assessment_file)
    ET.indent(root)
    return b'<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="utf-8")


def qti_package(quiz: str, data: dict[str, Any]) -> bytes:
    """The QTI 1.2 zip: imsmanifest.xml and the assessment, with fixed names and times."""
    assessment_file = f"quiz_{_stem(quiz)}.xml"
    files = {
        "imsmanifest.xml": qti_manifest(quiz, assessment_file),
        assessment_file: qti_assessment(quiz, data, quiz_title(quiz, data)),
    }
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, content in files.items():
            info = zipfile.ZipInfo(name, date_time=ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            zf.writestr(info, content)
    return buf.getvalue()


def _moodle_text(parent: ET.Element, tag: str, text: str, fmt: str | None = "plain_text") -> ET.Element:
    """<tag format=...><text>text</text></tag>. Case text is sent as Moodle's plain_text format, so Moodle shows
    it as typed and nothing here writes HTML; ElementTree escapes it for XML."""
    node = ET.SubElement(parent, tag, **({"format": fmt} if fmt else {}))
    ET.SubElement(node, "text").text = text
    return node


def moodle_xml(quiz: str, data: dict[str, Any]) -> bytes:
    """Moodle XML: a category named after the quiz, then one multichoice question (single answer) per case.
    Moodle reads '/' in a category path as a subcategory, so a '/' of the title is written '//' (Moodle's
    escape for a slash in a category name)."""
    root = ET.Element("quiz")
    category = ET.SubElement(root, "question", type="category")
    name = quiz_title(quiz, data).replace("/", "//")
    _moodle_text(category, "category", f"$course$/top/{name}", None)
    for item in items(quiz, data):
        question = ET.SubElement(root, "question", type="multichoice")
        _moodle_text(question, "name", f"{item['title']} ({item['ident']})", None)
        _moodle_text(question, "questiontext", item["question"])
        _moodle_text(question, "generalfeedback", item["feedback"])
        for tag, value in (("defaultgrade", "1"), ("penalty", "0"), ("hidden", "0"), ("idnumber", item["ident"])):
            ET.SubElement(question, tag).text = value
        for tag, value in (("single", "true"), ("shuffleanswers", "true"), ("answernumbering", "abc")):
            ET.SubElement(question, tag).text = value
        for choice in item["choices"]:
            right = choice["code"] == item["correct"]
            answer = _moodle_text(question, "answer", _label(choice))
            answer.set("fraction", "100" if right else "0")
            _moodle_text(answer, "feedback", item["choice_feedback"][choice["code"]])
    ET.indent(root)
    return b'<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="utf-8")
