"""Early fetches for a page's own scripts: a `<link rel="preload" as="script">` for every parser-blocking
`<script src>` of the page, put right after its Content-Security-Policy `<meta>`.

Why: Chromium's preload scanner does not look ahead past a CSP `<meta>` tag, and every page carries one
(build_tools/security.py), so without these links each blocking script is only requested once the parser reaches
it, after the one before it ran: eleven requests one after another, about 250 ms before the widgets' own scripts
start on a page served from the service worker (measured, docs/about-performance.md "Second tab"). The links are
seen by the parser itself, before the first blocking script, so every script is fetched at once and each still
runs in its place and order. Preloads obey the page's CSP like the scripts they fetch.

Scripts that already load without blocking (async, defer, modules) and inline or data scripts are left alone;
a page without a CSP meta tag is returned unchanged (its browser's preload scanner does the same work).
"""

from __future__ import annotations

from html.parser import HTMLParser

from build_tools.escape import html_text

CSP_META = '<meta http-equiv="Content-Security-Policy"'


class _BlockingScripts(HTMLParser):
    """The `src` of every parser-blocking external script, in page order."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.sources: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag != "script":
            return
        found = dict(attrs)
        src = found.get("src")
        kind = (found.get("type") or "text/javascript").lower()
        if not src or "async" in found or "defer" in found or kind not in ("text/javascript", "application/javascript"):
            return
        if src not in self.sources:
            self.sources.append(src)


def blocking_scripts(page: str) -> list[str]:
    """The page's parser-blocking external scripts, in the order they run."""
    parser = _BlockingScripts()
    parser.feed(page)
    parser.close()
    return parser.sources


def add_preloads(page: str) -> str:
    """`page` with a preload link for each of its blocking scripts right after its CSP meta tag."""
    at = page.find(CSP_META)
    if at < 0:
        return page
    end = page.index(">", at) + 1
    sources = blocking_scripts(page)
    links = "".join(f'<link rel="preload" as="script" href="{html_text(src)}">' for src in sources)
    return page[:end] + links + page[end:]
