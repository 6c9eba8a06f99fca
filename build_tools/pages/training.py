"""Instructor pages: the quiz builder, the answer key and the printable worksheet.

Unit answers are computed by the engine at build time, never typed. The quiz
builder is in the navigation and the search; the key and the worksheet stay out
of both (front matter) and are linked only from a quiz the builder made. Opened
with `#key=KEYCODE` (engine.practice.key_code: not the students' quiz code, so a quiz link
with its path edited does not open the key), docs/assets/js/instructor.js keeps exactly that quiz's cases,
in the quiz's order; rule names come from the rule data, never its id.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from build_tools.escape import html_text as escape
from build_tools.escape import md
from build_tools.export.training import cases_data
from build_tools.load import Project
from build_tools.pages.codes import payment_line
from build_tools.pages.common import Citations
from engine import practice, tree, units

#: from an instructor page to the docs root (site links in data text are written from there)
B = "../"
HIDDEN = "---\nsearch:\n  exclude: true\n---\n\n"
BUILDER, KEY, WORKSHEET = "instructor/index.md", "instructor/answer-key.md", "instructor/worksheet.md"


def _rule_labels(project: Project) -> dict[str, str]:
    return {doc.data["id"]: doc.data["label"] for doc in project.payers.values()}


def _family_labels(project: Project) -> dict[str, str]:
    return {f["id"]: f["label"] for f in project.vocab.data.get("code_families", [])}


def _code_names(project: Project) -> dict[str, str]:
    return {doc.data["code"]: doc.data["name"] for doc in project.codes.values()}


def unit_answer(case: dict[str, Any], project: Project) -> dict[str, Any] | None:
    """The engine's result for a case that asks for units (None when it does not)."""
    task = case["answer"].get("units")
    if not task:
        return None
    rules = {doc.data["id"]: doc.data for doc in project.payers.values()}
    codes = {doc.data["code"]: doc.data for doc in project.codes.values()}
    return units.compute(list(task["minutes"].items()), rules[task["rule"]], codes)


def _blocks(case: dict[str, Any], project: Project) -> list[dict[str, Any]] | None:
    """The case's blocks (engine.practice.blocks_of), each with its units from the engine."""
    codes = {doc.data["code"]: doc.data for doc in project.codes.values()}
    blocks = practice.blocks_of(case, codes)
    result = unit_answer(case, project)
    if not blocks or result is None:
        return None
    return [{**b, "units": result["units"].get(b["code"], 0)} for b in blocks]


def _allocations(result: dict[str, Any]) -> str:
    options = [result["units"], *result["alternatives"]]
    text = " or ".join(", ".join(f"{c}: {n}" for c, n in option.items()) for option in options)
    more = result.get("more_alternatives", 0)
    return f"{text}, and {more} more" if more else text


def _walk_lines(case: dict[str, Any], project: Project) -> list[str]:
    nodes = tree.nodes_by_id(project.tree.data)
    lines = []
    for step in case["tree_path"]:
        node = nodes[step["question"]]
        label = next(a["label"] for a in node["answers"] if a["id"] == step["answer"])
        lines.append(f"{len(lines) + 1}. {md(node['text'])} **{md(label)}**")
    walk = tree.format_walk([(s["question"], s["answer"]) for s in case["tree_path"]])
    return [*lines, "", f"[Open this walk in the tree](../tree.md#walk={walk})"]


def _case_codes(case: dict[str, Any]) -> list[str]:
    """The codes of a case's claim: its answer code and, for a note with several blocks, each block's code."""
    return list(dict.fromkeys([case["answer"]["code"], *case["answer"].get("blocks", [])]))


def _options(values: list[tuple[str, str]], anyone: str) -> str:
    return f'<option value="">{escape(anyone)}</option>' + "".join(
        f'<option value="{escape(v)}">{escape(label)}</option>' for v, label in values
    )


def _builder_filters(cases: list[dict[str, Any]], families: dict[str, str], names: dict[str, str]) -> str:
    """The builder's filters, from what the cases hold: the codes they answer, their family, their difficulty."""
    codes = sorted({c for case in cases for c in _case_codes(case)})
    fams = sorted({case["family"] for case in cases}, key=lambda f: families.get(f, f))
    order = {"easy": 0, "medium": 1, "hard": 2}
    levels = sorted({case["difficulty"] for case in cases}, key=lambda d: (order.get(d, 9), d))
    code_options = _options([(c, f"{c} {names.get(c, '')}".strip()) for c in codes], "Any code")
    family_options = _options([(f, families.get(f, f)) for f in fams], "Any topic")
    level_options = _options([(d, d.capitalize()) for d in levels], "Any difficulty")
    return (
        '<fieldset class="tcg-builder-filters" data-role="filters"><legend>Show only</legend>'
        f'<label>Code <select data-filter="code">{code_options}</select></label> '
        f'<label>Topic <select data-filter="family">{family_options}</select></label> '
        f'<label>Difficulty <select data-filter="difficulty">{level_options}</select></label> '
        '<span data-role="shown" role="status"></span></fieldset>\n'
    )


def builder_page(project: Project) -> str:
    cases = sorted(cases_data(project).values(), key=lambda c: (c["family"], c["difficulty"], c["id"]))
    families = _family_labels(project)
    rows = "\n".join(
        f'<li data-code="{escape(" ".join(_case_codes(c)))}" data-family="{escape(c["family"])}"'
        f' data-difficulty="{escape(c["difficulty"])}">'
        f'<label><input type="checkbox" name="case" value="{escape(c["id"])}"> {escape(c["title"])}'
        f' <span class="tcg-meta">({escape(c["difficulty"])}; {escape(families.get(c["family"], c["family"]))}'
        f"{'; asks for units' if c['answer'].get('units') else ''})</span></label></li>"
        for c in cases
    )
    filters = _builder_filters(cases, families, _code_names(project))
    return (
        "# Quiz builder for instructors\n\n"
        "Tick the cases for your class (the list can be filtered by code, topic and difficulty), give the quiz a "
        "title if you like (students see it, and it names the quiz in your LMS), choose a seed and whether "
        "students get feedback after each answer or only at the end, and make the quiz. "
        "Everyone who opens the link gets the "
        "same cases in the same order, in quiz mode: case titles are hidden and the link carries an opaque quiz "
        "code, not the cases' names. Students work in the browser, keep their own progress on their own device "
        "and can download their results as a CSV file: for each case the first attempt, the number of attempts "
        "and the final result (a retry never rewrites the first attempt). Nothing is sent anywhere. Each quiz "
        "comes with its own answer key and printable worksheet, and can be downloaded for your learning "
        "management system ([which formats and versions](lms-export.md)).\n\n"
        '<p class="tcg-practice-only" data-role="practice-only"><strong>Browser quizzes are practice.</strong> '
        "The site is public and static: its pages and data files hold every answer, so a quiz link cannot be a "
        "secret test. The key and worksheet links carry their own code, so a student cannot open the key by "
        "editing the quiz link, but anyone who browses the site can find the answers. For graded work, "
        "download the quiz for your learning management system and give it there.</p>\n\n"
        '<div class="tcg-instructor" data-widget="quiz-builder">\n<form>\n'
        f'<p class="tcg-actions"><label>Quiz title (optional, shown to students and used as the LMS quiz name) '
        f'<input name="title" maxlength="{practice.MAX_TITLE}" size="32" autocomplete="off"></label></p>\n'
        '<p class="tcg-actions"><label>Seed <input name="seed" inputmode="numeric" value="1" size="8"></label></p>\n'
        '<p><label><input type="checkbox" name="feedback_end" value="end"> Feedback at the end: students see no '
        "right or wrong until they have answered every case, then the feedback on all of them</label></p>\n"
        f"{filters}"
        '<p class="tcg-actions"><button type="button" class="md-button" data-role="all">Select all shown</button> '
        '<button type="button" class="md-button" data-role="none">Clear</button></p>\n'
        f'<ul class="tcg-case-list" data-role="cases">\n{rows}\n</ul>\n'
        # the count and the Make button stay in reach while the list scrolls (training.css: sticky at the bottom)
        '<div class="tcg-builder-bar" data-role="bar">'
        '<span data-role="count" aria-live="polite">0 cases selected</span>'
        ' <button type="submit" class="md-button md-button--primary">Make the quiz link</button></div>\n'
        "</form>\n"
        '<p data-role="status" role="status" aria-live="polite"></p>\n'
        '<div data-role="links" hidden>\n'
        '<p>Quiz for students: <a class="tcg-link-out" data-role="quiz-link" href="#"></a></p>\n'
        '<p class="tcg-actions"><button type="button" class="md-button" data-role="copy">Copy the quiz link</button>'
        ' <span data-role="copied" role="status"></span></p>\n'
        '<p>For you: <a data-role="key-link" href="#">answer key for this quiz</a> · '
        '<a data-role="sheet-link" href="#">printable worksheet for this quiz</a></p>\n'
        '<p class="tcg-actions"><button type="button" class="md-button" data-role="qti">'
        "Download for Canvas, Blackboard, D2L (QTI 1.2 zip)</button>"
        ' <button type="button" class="md-button" data-role="moodle">Download for Moodle (Moodle XML)</button></p>\n'
        "</div>\n"
        "</div>\n"
    )


def _key_entry(
    case: dict[str, Any], project: Project, names: dict[str, str], cites: Citations, today: dt.date | None = None
) -> list[str]:
    code = case["answer"]["code"]
    lines = [
        f'<section class="tcg-key-case" data-case="{escape(case["id"])}" markdown="1">',
        "",
        f'## <span data-role="number"></span>{md(case["title"])} {{#{case["id"]}}}',
        "",
        f"*{md(case['difficulty'].capitalize())}.* {md(case['session'], B)}",
        "",
        f"**Answer: [{code}](../codes/{code}.md) {md(names.get(code, ''))}.** {md(case['why'], B)}",
        "",
    ]
    blocks = _blocks(case, project)
    if blocks:  # a note with several blocks: the claim's lines, block by block
        lines += ["**The claim, block by block:**", ""]
        lines += [
            f"- Block {b['block']} ({b['minutes']} min): [{b['code']}](../codes/{b['code']}.md) "
            f"{md(names.get(b['code'], ''))}, {b['units']} unit{'s' if b['units'] != 1 else ''}"
            for b in blocks
        ] + [""]
    payment = payment_line(project, code, cites, B, today)
    if payment:  # the answer code's one account of its payment status (data/codes/<code>.yaml payment_note)
        lines += [payment, ""]
    if case.get("billed_as"):
        lines += [f"Billed as {md(case['billed_as'])}; the note as written supports {code}.", ""]
    if case["answer"].get("add_to_note"):
        intended = md(str(case.get("billed_as") or case["tempting"]["code"]))
        lines += [
            f"What the note would need to bill {intended}:",
            "",
            *[f"- {md(t, B)}" for t in case["answer"]["add_to_note"]],
            "",
        ]
    tempting = case["tempting"]
    scope = " for every block" if blocks else ""
    lines += [f"**Tempting but wrong: {md(tempting['code'])}{scope}.** {md(tempting['why_not'], B)}", ""]
    result = unit_answer(case, project)
    if result:
        label = _rule_labels(project).get(result["rule"], result["rule"])
        lines += [f"**Units under the rule “{md(label)}”: {md(_allocations(result))}.**", ""]
        lines += [f"{i}. {md(step)}" for i, step in enumerate(result["steps"], 1)] + [""]
    lines += ["**The walk through the tree**", "", *_walk_lines(case, project), "", "</section>", ""]
    return lines


def answer_key_page(project: Project, today: dt.date | None = None) -> str:
    names, cites = _code_names(project), Citations(project, B + "sources.md")
    cases = sorted(cases_data(project).values(), key=lambda c: c["id"])
    lines = [
        HIDDEN + "# Instructor: answer key",
        "",
        "Each case with its answer, the reasoning, the tempting wrong code and the walk through the tree. Unit "
        "answers are computed by the site's engine when the site is built. Opened from a quiz the "
        "[quiz builder](index.md) made, this page holds exactly that quiz's cases in the quiz's order; "
        "otherwise it lists every case. It is left out of the navigation and the search.",
        "",
        '<div class="tcg-answer-key" data-widget="answer-key" markdown="1">',
        "",
        '<p class="tcg-quiz-title" data-role="quiz-title" hidden></p>',
        "",
        '<p class="tcg-actions"><button type="button" class="md-button" data-role="print">Print this key</button>'
        ' <span data-role="status" role="status" aria-live="polite"></span></p>',
        "",
    ]
    for case in cases:
        lines += _key_entry(case, project, names, cites, today)
    return "\n".join([*lines, "</div>", "", *cites.section()])


def worksheet_page(project: Project) -> str:
    names, rules = _code_names(project), _rule_labels(project)
    cases = sorted(cases_data(project).values(), key=lambda c: c["id"])
    questions, keys = [], []
    for case in cases:
        task = case["answer"].get("units")
        label = escape(rules.get(task["rule"], task["rule"])) if task else ""
        asks = f"<p>Units under the rule “{label}” for {escape(', '.join(task['minutes']))}: ____</p>" if task else ""
        blocks = _blocks(case, project)
        code_line = "<p>Code: ________</p>"
        if blocks:  # one line per block: its code and its units (the blocks are named by their minutes)
            code_line = f"<p>This note documents {len(blocks)} blocks. Under the rule “{label}”:</p>" + "".join(
                f"<p>Block {b['block']} ({b['minutes']} min): code ________ units ____</p>" for b in blocks
            )
            asks = ""
        billed = f"<p>Billed as {escape(case['billed_as'])}.</p>" if case.get("billed_as") else ""
        questions.append(
            f'<li data-case="{escape(case["id"])}"><p>{escape(case["session"])}</p>{billed}{code_line}{asks}</li>'
        )
        result = unit_answer(case, project)
        units_text = f"; units {escape(_allocations(result))}" if result else ""
        if blocks:
            units_text = "; block by block: " + "; ".join(
                f"block {b['block']} ({b['minutes']} min) {escape(b['code'])} x{b['units']}" for b in blocks
            )
        code, tempting = case["answer"]["code"], case["tempting"]
        keys.append(
            f'<li data-case="{escape(case["id"])}"><strong>{escape(code)} {escape(names.get(code, ""))}'
            f"{units_text}.</strong> {escape(case['why'])} <em>Not {escape(tempting['code'])}:</em> "
            f"{escape(tempting['why_not'])}</li>"
        )
    return (
        HIDDEN + "# Worksheet\n\n"
        '<div class="tcg-worksheet" data-widget="worksheet">\n'
        '<p class="tcg-quiz-title" data-role="quiz-title" hidden></p>\n'
        '<p class="tcg-screen-only">The questions and the key print apart: hand out the questions, keep the key. '
        "Printing from the browser's menu prints the questions only.</p>\n"
        '<p class="tcg-actions"><button type="button" class="md-button" data-role="print-questions">'
        "Print the questions (for students)</button>"
        ' <button type="button" class="md-button" data-role="print-key">Print the key (for you)</button>'
        ' <span data-role="status" role="status" aria-live="polite"></span></p>\n'
        '<section class="tcg-sheet-questions"><h2 id="questions">Questions</h2>\n'
        "<p>For each session, write the code the note supports and, where asked, the units.</p>\n"
        f'<ol data-role="questions">{"".join(questions)}</ol></section>\n'
        '<section class="tcg-sheet-key"><h2 id="key">Key, with the reasons</h2>\n'
        f'<ol data-role="key">{"".join(keys)}</ol></section>\n</div>\n'
    )


def training_pages(project: Project, today: dt.date | None = None) -> dict[str, tuple[str, str]]:
    """The instructor pages: path -> (Markdown, the data folder they render)."""
    return {
        BUILDER: (builder_page(project), "data/cases"),
        KEY: (answer_key_page(project, today), "data/cases"),
        WORKSHEET: (worksheet_page(project), "data/cases"),
    }
