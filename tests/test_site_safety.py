"""The built site under its Content-Security-Policy: no inline script or handler on any page, no 'unsafe-inline'."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

CSP = re.compile(r'<meta http-equiv="Content-Security-Policy" content="([^"]+)"')


class Scripts(HTMLParser):
    """Inline scripts (run ones: not JSON data blocks), event-handler attributes and javascript: links."""

    def __init__(self) -> None:
        super().__init__()
        self.inline: list[str] = []
        self.handlers: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if tag == "script" and "src" not in found and found.get("type") != "application/json":
            self._in_script = True
        for name, value in attrs:
            if name.startswith("on") or (
                name in ("href", "src") and (value or "").strip().lower().startswith("javascript:")
            ):
                self.handlers.append(f"<{tag} {name}={value}>")

    def handle_data(self, data: str) -> None:
        if self._in_script:
            self.inline.append(data[:80])

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self._in_script = False


def test_no_page_needs_unsafe_inline_scripts(built_site: Path) -> None:
    pages = sorted(built_site.rglob("*.html"))
    assert len(pages) > 30
    for page in pages:
        text = page.read_text(encoding="utf-8")
        if "Content-Security-Policy" not in text:
            assert page.name == "404.html" or 'http-equiv="refresh"' in text, page
            continue
        csp = CSP.search(text).group(1)
        directives = {d.split()[0]: d.split()[1:] for d in csp.split(";") if d.strip()}
        assert "'unsafe-inline'" not in directives["script-src"], page
        assert "'unsafe-eval'" not in directives["script-src"], page
        parser = Scripts()
        parser.feed(text)
        assert parser.inline == [], (page, parser.inline)
        assert parser.handlers == [], (page, parser.handlers)
    # Material's inline helpers now come from files of the site, before the bundle that uses them
    home = (built_site / "index.html").read_text(encoding="utf-8")
    assert home.index("assets/js/material/base.js") < home.index("assets/javascripts/bundle.")
    assert "__md_scope" in (built_site / "assets" / "js" / "material" / "base.js").read_text(encoding="utf-8")
