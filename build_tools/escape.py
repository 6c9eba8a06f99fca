"""The one escaping policy: how data text may look, and how it is made safe wherever it enters a page.

Policy (the checks enforce it with located messages, `text_problems` / `url_problem`; the
page generators apply it with `md`, `md_cell`, `html_text` and `safe_url`, so a page
stays safe even if a check is bypassed):

- Text fields are Markdown without raw HTML: no `<tag`, `</tag`, `<!--` or `<?`; no
  attribute lists (`{...}`), no images; line breaks are read as spaces.
- Links in text (`[label](target)` and `[id]: target` definitions) go only to http(s) URLs
  or inside the site: a path written from the docs root (`guide/students.md#anchor`; a
  leading `../` is ignored), which `md` rewrites for the page it lands on. No `javascript:`, `data:`, `//host` etc.
- URL fields (`url:`) are absolute http(s) URLs without spaces, quotes, brackets or
  parentheses; `safe_url` percent-encodes any such character that slips through.
- Plain text that enters raw HTML (attributes, table cells written as HTML, widget lists)
  goes through `html_text`; Markdown text through `md`.
"""

from __future__ import annotations

import html
import re
import unicodedata
from urllib.parse import quote, urlsplit

#: raw HTML in Markdown: a tag, a closing tag, a comment/declaration or a processing instruction
RAW_HTML = re.compile(r"<[A-Za-z/!?]")
#: a Python-Markdown attribute list such as {: onclick=...} or {#id .class}: braces not glued to a word
ATTR_LIST = re.compile(r"(?<![A-Za-z0-9])\{[^{}\n]*\}")
ATTR_OPEN = re.compile(r"(?<![A-Za-z0-9])\{")
IMAGE = re.compile(r"!\[")
#: [label](target "title") and <target> forms; the target is group 1
INLINE_LINK = re.compile(r"\]\(\s*<?([^)>]*)")
#: a reference definition: [id]: target
REF_DEF = re.compile(r"^\s{0,3}\[[^\]]+\]:\s*<?(\S*?)>?(?:\s|$)", re.M)
SAFE_SCHEME = re.compile(r"^https?://[^/\s]", re.I)
SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")
#: characters a URL field may not hold (they break out of Markdown links and HTML attributes)
URL_BAD = re.compile(r"[\s<>\"'()`{}|\\^\[\]\x00-\x1f\x7f]")
#: one part of a host name: letters, digits and hyphens, no hyphen at either end, at most 63 characters
HOST_LABEL = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?")
URL_SHAPE = re.compile(r"^https?://[A-Za-z0-9.-]+(?::[0-9]{1,5})?(?:[/?#].*)?$")
#: a text without any of these has no raw HTML, attribute list, image or link (see the patterns above)
MARKUP_CHARS = frozenset("<{[]")
#: a text without any of these is left as it is by `md`
MD_CHARS = frozenset("\r\n<{[]")
#: the longest piece of a bad value quoted back in a message
SHOWN = 40
#: what opens a block when a text lands at the start of a line: a heading (`#`, with or without a space), a
#: quote, an admonition (`!!!`) or details block (`???`), a list item, a rule (`***`); group 2 is escaped
BLOCK_START = re.compile(
    r"^([ \t]{0,3})(#|>|!!!|\?\?\?|[-+*](?=[ \t])|\d{1,9}[.)](?=[ \t])|[-*_](?=(?:[ \t]*[-*_]){2,}[ \t]*$))"
)
#: a '|' not already escaped (it would end a table cell)
PIPE = re.compile(r"(?<!\\)\|")


def clip(value: object, limit: int = SHOWN) -> str:
    """`value` as text, cut to `limit` characters with a note of how much was cut (for messages)."""
    text = str(value)
    if len(text) <= limit:
        return text
    return f"{text[:limit]}... ({len(text)} characters)"


def link_target_problem(target: str) -> str | None:
    """Why a link target in text is refused, or None when it is http(s) or a path inside the site.

    Read as a browser reads an href: character references decoded, spaces and controls dropped.
    """
    target = re.sub(r"[\x00-\x20]", "", html.unescape(target))
    if SAFE_SCHEME.match(target):
        return None
    if target.startswith("//") or "\\" in target:
        return f"link to '{clip(target)}' leaves the site without http(s)"
    if scheme := SCHEME.match(target):
        return f"a '{clip(scheme.group().lower())}' link: only http(s) links and links inside the site are allowed"
    return None


def from_docs_root(target: str) -> str:
    """A site link as written in data, from the docs root: a leading './' or '../' is dropped (data files have
    no place inside docs/, so '../guide/x.md' written for a page one folder down means guide/x.md)."""
    return re.sub(r"^(?:\.\.?/)+", "", target.lstrip())


def internal_target(target: str) -> str | None:
    """The docs-root page path a site link names ('guide/x.md' of 'guide/x.md#a'), None for http(s) or anchors."""
    target = from_docs_root((target.split() or [""])[0])
    if SAFE_SCHEME.match(target) or SCHEME.match(target) or target.startswith(("#", "//")):
        return None
    path = target.split("#", 1)[0].split("?", 1)[0]
    return path or None


def link_targets(text: str) -> list[tuple[int, str]]:
    """(offset, target) of every link target written in `text`."""
    if "]" not in text:  # both link forms need one
        return []
    found = [(m.start(1), m.group(1)) for m in INLINE_LINK.finditer(text)]
    found += [(m.start(1), m.group(1)) for m in REF_DEF.finditer(text)]
    return sorted(found)


#: most brackets of one kind a text field may hold: Markdown's link parser slows down with many unclosed
#: brackets (10,000 of them took a build from 2 s to 14.5 s), and no sentence of the site needs more
MAX_BRACKETS = 40
BRACKET_RUN = re.compile(r"[\[\]]{4,}")
#: longest text field (the longest the data holds is about 1,300 characters): Markdown's inline parser is
#: quadratic on some inputs, so a bound on the text bounds the build
MAX_TEXT = 4000
#: runs of Markdown's inline markup characters (`*_*_*_`, `<<<<`, `{{{{`) slow its parser down just as badly
MARKUP_RUN = re.compile(r"[*_&<>{}`~]{6,}")


def size_problems(text: str) -> list[tuple[int, str, str]]:
    """(offset, message, fix) for a text field too long or with a run of markup characters (bounded rendering)."""
    found = []
    if len(text) > MAX_TEXT:
        found.append((MAX_TEXT, f"the text is {len(text)} characters; at most {MAX_TEXT}", "split it or shorten it"))
    for m in MARKUP_RUN.finditer(text):
        found.append((m.start(), f"a run of {len(m.group())} markup characters", "write at most 5 in a row"))
        break
    return found


def _bracket_problems(text: str) -> list[tuple[int, str, str]]:
    found = []
    for m in BRACKET_RUN.finditer(text):
        found.append((m.start(), f"{len(m.group())} brackets in a row", "write at most 3 brackets in a row"))
        break
    for bracket in "[]":
        if text.count(bracket) > MAX_BRACKETS:
            offset = [i for i, c in enumerate(text) if c == bracket][MAX_BRACKETS]
            msg = f"{text.count(bracket)} '{bracket}' in one text; at most {MAX_BRACKETS}"
            found.append((offset, msg, "split the text or drop the brackets"))
    return found


def text_problems(text: str) -> list[tuple[int, str, str]]:
    """(offset, message, fix) of everything in a text field that the policy refuses."""
    sized = size_problems(text)
    if not MARKUP_CHARS.intersection(text):  # each other refused form needs one of these characters
        return sized
    found: list[tuple[int, str, str]] = sized + _bracket_problems(text)
    for m in RAW_HTML.finditer(text):
        snippet = clip(text[m.start() : m.start() + 20], 20)
        found.append((m.start(), f"raw HTML is not allowed in text: '{snippet}'", "write plain text or Markdown"))
    for m in ATTR_LIST.finditer(text):
        found.append((m.start(), f"attribute list '{clip(m.group())}' is not allowed in text", "remove the braces"))
    for m in IMAGE.finditer(text):
        found.append((m.start(), "images are not allowed in text", "link to the image instead: [label](https://...)"))
    for offset, target in link_targets(text):
        reason = link_target_problem(target)
        if reason:
            found.append((offset, reason, "link to an https:// page or a page of the site (guide/x.md)"))
    return sorted(found)


def _host_problem(host: str) -> str | None:
    """Why a URL's host is not a public host name (labels of letters, digits and inner hyphens, a dot, a
    top-level name of letters) or a dotted IPv4 address, or None."""
    labels = host.split(".")
    if len(labels) == 4 and all(x.isdigit() and len(x) <= 3 and int(x) <= 255 for x in labels):
        return None
    if len(host) > 253 or len(labels) < 2:
        return "has no valid host name (a public site's name has a dot, e.g. www.cms.gov)"
    for label in labels:
        if not HOST_LABEL.fullmatch(label):
            return f"has no valid host name: '{clip(label or '(empty)', 20)}' is not a part of one"
    if not labels[-1].isalpha():
        return "has no valid host name: it must end in a top-level name of letters (.gov, .org)"
    return None


def _invisible(char: str) -> bool:
    """A format character (U+200B zero-width space, U+202E right-to-left override): unseen, yet it changes a URL."""
    return unicodedata.category(char) == "Cf"


def _visible(text: str) -> str:
    """`text` with unprintable and invisible characters written as U+XXXX (for a message)."""
    return "".join(f"U+{ord(c):04X}" if not c.isprintable() or _invisible(c) else c for c in text)


def url_problem(url: str) -> str | None:
    """Why a URL field is refused, or None: characters that break links, invisible characters, a host that is
    not a public host name (a user name before '@' included), a port that does not exist."""
    if not isinstance(url, str):
        return None
    if not re.match(r"^https?://", url, re.I):
        return None  # the schema's pattern reports it, with the fix
    found = URL_BAD.search(url)
    char = found.group() if found else next((c for c in url if not c.isprintable() or _invisible(c)), None)
    if char:
        shown = repr(char) if char.isprintable() and char != " " and not _invisible(char) else f"U+{ord(char):04X}"
        return (
            f"url '{clip(_visible(url))}' holds {shown}, which breaks links (percent-encode it, e.g. "
            f"{quote(char, safe='')})"
        )
    if not URL_SHAPE.match(url):
        return f"url '{clip(url)}' has no valid host name"
    parts = urlsplit(url)
    try:
        port = parts.port
    except ValueError:
        port = -1
    if port is not None and not 0 < port <= 65535:
        return f"url '{clip(url)}' has a port that does not exist (ports run from 1 to 65535)"
    reason = _host_problem(parts.hostname or "")
    return f"url '{clip(url)}' {reason}" if reason else None


def safe_url(url: str) -> str | None:
    """An http(s) URL with every character that could end a link or an attribute percent-encoded; None otherwise."""
    if not isinstance(url, str) or not SAFE_SCHEME.match(url.strip()):
        return None
    return quote(url.strip(), safe="/:?#&=%+,;@!$*~.-_")


def html_text(text: object) -> str:
    """Plain text for raw HTML (element content or a quoted attribute)."""
    return html.escape(str(text), quote=True)


def _link(match: re.Match[str], base: str) -> str:
    target = match.group(1)
    if link_target_problem(target):
        return "]\\(" + match.group(0)[2:]  # no longer a link: shown as written
    if internal_target(target):
        start = match.start(1) - match.start(0)
        return match.group(0)[:start] + base + from_docs_root(target)
    return match.group(0)


def _inline_start(match: re.Match[str]) -> str:
    lead, opener = match.groups()
    if opener == "???":  # '?' has no backslash escape in Markdown: a character reference instead
        return lead + "&#63;??"
    return lead + opener[:-1] + "\\" + opener[-1] if opener[0].isdigit() else lead + "\\" + opener


def pipes(text: str) -> str:
    """`text` with every '|' not already escaped escaped (for a table cell; escaping twice changes nothing)."""
    return PIPE.sub(r"\\|", text) if "|" in text else text


def md(text: object, base: str = "") -> str:
    """Data text for a Markdown page: one line, no raw HTML, no attribute lists or images, safe links, and
    nothing at its start that would open a block (`# x` a heading, `!!! danger` an admonition, `> x` a quote).

    `base` leads from the page being generated to the docs root ("" at the root, "../" one folder down);
    site links written from the docs root are rewritten with it.
    """
    out = str(text)
    out = BLOCK_START.sub(_inline_start, out, count=1) if BLOCK_START.match(out) else out
    if not MD_CHARS.intersection(out):  # nothing below would change it
        return out
    out = re.sub(r"\s*[\r\n]\s*", " ", out)
    out = INLINE_LINK.sub(lambda m: _link(m, base), out)
    out = out.replace("<", "&lt;")
    out = ATTR_OPEN.sub(r"\\{", out)
    out = out.replace("![", "!\\[")
    return re.sub(r"^(\s{0,3})\[([^\]]+)\]:", r"\1\\[\2]:", out)


def md_cell(text: object, base: str = "") -> str:
    """`md` for a Markdown table cell (a '|' would end the cell)."""
    return pipes(md(text, base))


def md_label(text: object) -> str:
    """`md` for the label of a link the generator writes (brackets inside would end it, and a '|' the table
    cell a label may sit in)."""
    return pipes(md(text).replace("[", "\\[").replace("]", "\\]"))


def md_link(label: object, url: str) -> str:
    """A Markdown link to an http(s) URL, or the label alone when the URL is not one."""
    safe = safe_url(url)
    return f"[{md_label(label)}]({safe})" if safe else md(label)
