"""The one escaping policy (build_tools/escape.py): what the checks refuse, and what the pages render.

The rendering tests bypass the checks on purpose: hostile text is put straight into the loaded
data, every generator runs, and the Markdown is converted with the site's extensions. No script,
event handler, javascript: link or foreign image may come out of any generated page.
"""

from __future__ import annotations

import datetime as dt
import html as html_module
from html.parser import HTMLParser

import markdown
import pytest

from build_tools import ROOT, escape
from build_tools.load import load_project
from build_tools.pages import generated_pages

EXTENSIONS = ["attr_list", "md_in_html", "admonition", "tables", "pymdownx.details", "toc"]
HOSTILE = [
    "<img src=x onerror=\"alert('x')\">",
    "[x](javascript:alert(1))",
    "[x]( javascript:alert(1))",
    "[x](<javascript:alert(1)>)",
    "![p](https://x.example/p.png)",
    'tail {: onclick="alert(1)" }',
    "line\n\n[r]: javascript:alert(1)\n\n[go][r]",
    "<script>alert(1)</script>",
    "<!-- x --><svg onload=alert(1)>",
    "[x](//evil.example/)",
    "[x](data:text/html,<b>1</b>)",
    "[x](&#106;avascript:alert(1))",
    "[x](java\tscript:alert(1))",
]
LIVE_TAGS = {"script", "img", "svg", "iframe", "object", "embed", "style", "link", "meta", "base"}


class LiveMarkup(HTMLParser):
    """Collects what a browser would act on: live tags, event handlers, links off http(s) and the site."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in LIVE_TAGS:
            self.found.append(f"<{tag}>")
        for name, value in attrs:
            if name.startswith("on"):
                self.found.append(f"{tag} {name}=")
            if name in ("href", "src") and value is not None:
                target = value.strip().lower()
                if target.startswith("//") or (":" in target.split("/")[0] and not target.startswith("http")):
                    self.found.append(f"{tag} {name}={value}")


def live(html: str) -> list[str]:
    parser = LiveMarkup()
    parser.feed(html)
    return parser.found


def render(text: str) -> str:
    return markdown.markdown(text, extensions=EXTENSIONS)


@pytest.mark.parametrize("text", HOSTILE)
def test_md_leaves_no_markup_a_browser_would_run(text: str) -> None:
    for base in ("", "../"):
        html = render(
            f"- {escape.md(text, base)}\n\n## {escape.md(text)} {{#x}}\n\n| a |\n|---|\n| {escape.md_cell(text)} |"
        )
        assert live(html) == [], html


@pytest.mark.parametrize("text", HOSTILE)
def test_the_check_refuses_each_hostile_text(text: str) -> None:
    assert escape.text_problems(text), text


def test_plain_text_and_safe_links_pass_and_render_unchanged() -> None:
    text = "Use 97110 when < 8 minutes remain; see [CMS](https://www.cms.gov/x) and [scope](guide/scope.md#a)."
    assert escape.text_problems(text) == []
    html = render(escape.md(text, "../"))
    assert 'href="https://www.cms.gov/x"' in html and 'href="../guide/scope.md#a"' in html and "&lt; 8" in html
    assert escape.md("X{EPSU} modifiers") == "X{EPSU} modifiers"
    # a link written for a page one folder down ('../guide/...') means the same docs page from anywhere
    assert escape.md("[r](../guide/x.md#a)", "../") == "[r](../guide/x.md#a)"
    assert escape.md("[r](../guide/x.md#a)", "") == "[r](guide/x.md#a)"
    assert escape.internal_target("../../guide/x.md#a") == "guide/x.md"


def test_urls_that_break_out_are_refused_and_encoded() -> None:
    url = "https://x.example/)<img src=x onerror=alert(1)>"
    assert "breaks links" in escape.url_problem(url)
    assert escape.safe_url(url) == "https://x.example/%29%3Cimg%20src=x%20onerror=alert%281%29%3E"
    assert escape.safe_url("javascript:alert(1)") is None
    assert escape.url_problem("https://www.cms.gov/a.pdf?x=1#p") is None


def test_clip_cuts_long_values() -> None:
    assert escape.clip("9" * 5000) == "9" * 40 + "... (5000 characters)"


def test_every_generated_page_is_safe_with_hostile_data() -> None:
    """Every text field of every record set to hostile text: no generated page carries live markup."""
    project = load_project()
    payload = " ".join(HOSTILE[:4] + HOSTILE[5:6])
    skip = {"id", "code", "slug", "source", "next", "root", "type", "result", "rule", "url", "likely_code", "family"}
    skip |= {"unit_basis", "algorithm", "kind", "dimension", "assist_level", "setting", "difficulty", "answer"}
    skip |= {"question", "reviewed", "accessed", "as_of", "published", "addon_code", "primary_code", "billed_as"}

    def poison(data: object) -> None:
        items = data.items() if isinstance(data, dict) else enumerate(data) if isinstance(data, list) else []
        for key, value in list(items):
            if isinstance(value, str) and key not in skip and not isinstance(key, int):
                data[key] = payload + value  # type: ignore[index]
            elif isinstance(value, (dict, list)) and key not in ("patterns", "unless", "minutes", "populations"):
                poison(value)

    for doc in project.documents():
        if doc.path.name not in ("vocab.yaml",):
            poison(doc.data)
    for source in project.sources.data["sources"]:
        source["url"] = "https://x.example/)<img src=x onerror=alert(1)>"
    pages = generated_pages(project)
    assert len(pages) > 20
    for path, (text, _source) in pages.items():
        assert live(render(text)) == [], path


def _table_rows(html: str) -> list[list[str]]:
    """The text of each body row's cells, from rendered HTML."""

    class Rows(HTMLParser):
        def __init__(self) -> None:
            super().__init__()
            self.rows: list[list[str]] = []
            self.cell: list[str] | None = None

        def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
            if tag == "tr":
                self.rows.append([])
            elif tag in ("td", "th"):
                self.cell = []

        def handle_endtag(self, tag: str) -> None:
            if tag in ("td", "th") and self.cell is not None:
                self.rows[-1].append("".join(self.cell).strip())
                self.cell = None

        def handle_data(self, data: str) -> None:
            if self.cell is not None:
                self.cell.append(data)

    parser = Rows()
    parser.feed(html)
    return parser.rows


def test_a_pipe_in_a_code_name_or_topic_title_keeps_the_tables_whole() -> None:
    """Issue 26: `name: "Therapeutic | exercise"` split the /codes/ row; a topic title with '|' the modifier rows."""
    project = load_project()
    code = next(c for c, doc in sorted(project.codes.items()) if doc.data.get("guidance_page"))
    project.codes[code].data["name"] = "Therapeutic | exercise"
    for doc in project.records["topics"].values():
        doc.data["title"] = "Pay | or not " + doc.data["title"]
    pages = generated_pages(project)
    rows = _table_rows(render(pages["codes/index.md"][0]))
    header = rows[0]
    row = next(r for r in rows if r and r[0] == code)
    assert len(row) == len(header) and row[1].startswith("Therapeutic | exercise")
    modifier_rows = _table_rows(render(pages["guide/modifiers.md"][0]))
    assert all(len(r) == len(modifier_rows[0]) for r in modifier_rows)
    assert any("Pay | or not" in cell for r in modifier_rows for cell in r)


def test_pipes_are_escaped_once() -> None:
    assert escape.md_label("a | b") == "a \\| b"
    assert escape.pipes(escape.md_cell("a | b")) == escape.md_cell("a | b") == "a \\| b"


@pytest.mark.parametrize(
    ("text", "block"),
    [
        ("# Big heading", "<h1"),
        ("#no space still a heading", "<h1"),
        ("###### six", "<h6"),
        ('!!! danger "x"', "admonition"),
        ('??? note "x"', "<details"),
        ("> quoted", "<blockquote"),
        ("- item", "<ul"),
        ("* item", "<ul"),
        ("+ item", "<ul"),
        ("1. item", "<ol"),
        ("***", "<hr"),
        ("- - -", "<hr"),
    ],
)
def test_a_text_never_opens_a_block(text: str, block: str) -> None:
    """Issue 26: a one-line text field starting with `# ` became an <h1>, `!!! danger` an admonition."""
    assert block in render(text)  # what the text alone would do in a paragraph of its own
    for page in ("{}\n", "Intro.\n\n{}\n\nMore.\n", "- {}\n", "**Why:** {}\n"):
        html = render(page.format(escape.md(text)))
        assert html.count(block) == render(page.format("plain")).count(block), html
        assert html_module.unescape(text.strip()) in html_module.unescape(html.replace("\\", "")), html


def test_texts_that_only_look_like_block_starts_are_unchanged() -> None:
    for text in ("97161.", "97110 is timed", "-5 minutes", "?? maybe", "!! loud", "x # y", "C# code", "2x10 reps"):
        assert escape.md(text) == text
    assert render(escape.md("1. item")) == "<p>1. item</p>"
    assert render(escape.md("# Big")) == "<p># Big</p>"
    assert html_module.unescape(render(escape.md("??? note"))) == "<p>??? note</p>"


@pytest.mark.parametrize(
    ("url", "words"),
    [
        ("http://", "has no valid host name"),
        ("https://", "has no valid host name"),
        ("https://x.example:99999/", "has a port that does not exist"),
        ("https://x.example:0/a", "has a port that does not exist"),
        ("https://-/", "has no valid host name"),
        ("https://.../", "has no valid host name"),
        ("https://-x.example/", "has no valid host name"),
        ("https://x.123/", "top-level name of letters"),
        ("https://localhost/", "has no valid host name"),
        ("https://me@www.cms.gov/", "has no valid host name"),
        ("https://www.cms.gov/a\u202eb.pdf", "holds U+202E"),
        ("https://www.cms.gov/a\u200bb.pdf", "holds U+200B"),
    ],
)
def test_urls_without_a_real_host_port_or_with_invisible_characters_are_refused(url: str, words: str) -> None:
    """Issue 26: `url: "http://"` passed the check and the link silently disappeared; so did bad hosts and ports."""
    reason = escape.url_problem(url)
    assert reason is not None and words in reason
    assert "\u202e" not in reason and "\u200b" not in reason  # the message shows them as U+XXXX


def test_real_urls_still_pass() -> None:
    for url in ("https://www.cms.gov/a.pdf?x=1#p", "http://x.example:8080/", "https://192.0.2.1/x", "https://a-b.org"):
        assert escape.url_problem(url) is None, url


def test_the_check_locates_a_url_without_a_host(tmp_path) -> None:
    import shutil

    from build_tools.check import check_project

    shutil.copytree(ROOT / "data", tmp_path / "data")
    shutil.copy2(ROOT / "decision_tree.yaml", tmp_path / "decision_tree.yaml")
    path = tmp_path / "data" / "sources.yaml"
    lines = path.read_text(encoding="utf-8").split("\n")
    number = next(i for i, line in enumerate(lines) if line.strip().startswith("url:"))
    lines[number] = lines[number].split("url:")[0] + 'url: "http://"'
    path.write_text("\n".join(lines), encoding="utf-8")
    _project, problems = check_project(tmp_path, today=dt.date(2099, 12, 31))
    found = [p for p in problems if "no valid host name" in p.message]
    assert [(p.path.name, p.line) for p in found] == [("sources.yaml", number + 1)]


@pytest.mark.parametrize(
    "text",
    ["Lead " + "*_" * 40, "x " + "<" * 10, "y " + "{" * 8, "a" * (escape.MAX_TEXT + 1), "[" * 41 + " and more"],
)
def test_text_the_build_could_not_render_in_bounded_time_is_refused(text: str) -> None:
    assert escape.text_problems(text), text[:40]
