"""The coach page's markup and its build data: nothing in the form can carry the note into a URL, and the picker
and the examples cover what the data offers."""

from __future__ import annotations

from html.parser import HTMLParser
from pathlib import Path

from build_tools.export.coach import coach_page_data
from build_tools.load import load_project


class _Form(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))


def _widget_tags(project_root: Path, widget: str = "coach") -> list[tuple[str, dict[str, str | None]]]:
    text = (project_root / "docs" / "coach.md").read_text(encoding="utf-8")
    start = text.index(f'data-widget="{widget}"')
    parser = _Form()
    parser.feed(text[text.rindex("<div", 0, start) :])
    return parser.tags


def test_form_fields_have_no_name_so_a_submit_without_javascript_sends_nothing(project_root: Path) -> None:
    tags = _widget_tags(project_root)
    fields = [(t, a) for t, a in tags if t in ("textarea", "select", "input")]
    assert {a.get("data-role") for _, a in fields} >= {"note", "code", "example"}
    assert all("name" not in a for _, a in fields), "a named field would put the note in the URL on a plain submit"
    forms = [a for t, a in tags if t == "form"]
    assert forms and all("action" not in a and a.get("method", "get") != "post" for a in forms)
    note = next(a for t, a in fields if a.get("data-role") == "note")
    assert note.get("autocomplete") == "off" and note.get("spellcheck") == "false"


def test_the_visit_form_has_no_named_field_either(project_root: Path) -> None:
    tags = _widget_tags(project_root, "visit")
    fields = [a for t, a in tags if t in ("textarea", "select", "input")]
    assert {a.get("data-role") for a in fields} >= {"note", "copy-text"}
    assert all("name" not in a for a in fields), "a named field would put the note in the URL on a plain submit"
    note = next(a for a in fields if a.get("data-role") == "note")
    assert note.get("autocomplete") == "off" and note.get("spellcheck") == "false"


def test_picker_and_examples_cover_the_data() -> None:
    project = load_project()
    page = coach_page_data(project)
    documented = {d.data["code"] for d in project.codes.values() if d.data.get("documentation")}
    assert {c["code"] for c in page["codes"]} == documented
    ids = {ex["id"] for ex in page["examples"]}
    for slug, doc in project.records["activities"].items():
        assert (f"activity/{slug}" in ids) == (doc.data["likely_code"] in documented), slug
    for slug, doc in project.records["cases"].items():
        code = doc.data.get("billed_as") or doc.data["answer"]["code"]
        assert (f"case/{slug}" in ids) == (code in documented), slug
    assert all(ex["text"] and ex["code"] in documented for ex in page["examples"])
