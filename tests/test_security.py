"""build_tools.security: one policy, written as the page's CSP meta tag and as the `_headers` file; they agree."""

from __future__ import annotations

import re
from pathlib import Path

from build_tools import security

CSP = re.compile(r'<meta http-equiv="Content-Security-Policy" content="([^"]+)"')


def directives(policy: str) -> dict[str, str]:
    return {d.split()[0]: " ".join(d.split()[1:]) for d in policy.split(";") if d.strip()}


def headers(text: str) -> dict[str, str]:
    """The `_headers` file's rules for `/*` as {name: value}."""
    lines = text.splitlines()
    assert lines[0] == "/*", "one rule for every path"
    return {k.strip(): v.strip() for k, v in (line.split(":", 1) for line in lines[1:] if line.strip())}


def test_the_header_is_the_meta_policy_plus_frame_ancestors() -> None:
    cdn = "https://cdn.jsdelivr.net/pyodide/v0.29.0/full/"
    meta, header = directives(security.meta_csp(cdn)), directives(security.header_csp(cdn))
    assert header == {**meta, "frame-ancestors": "'none'"}
    assert cdn in meta["script-src"] and cdn in meta["connect-src"]
    assert "'unsafe-inline'" not in meta["script-src"] and "'unsafe-eval'" not in meta["script-src"].split()
    local = directives(security.meta_csp(""))
    assert local["script-src"] == "'self' 'wasm-unsafe-eval'" and local["connect-src"] == "'self'"
    # the engine's worker, Material's search worker and the service worker (sw.js): this origin only
    assert local["worker-src"] == "'self'" == meta["worker-src"]


def test_the_headers_file_carries_the_protections_a_meta_tag_cannot() -> None:
    got = headers(security.headers_file(""))
    assert got["X-Content-Type-Options"] == "nosniff" and got["Referrer-Policy"] == "no-referrer"
    assert got["X-Frame-Options"] == "DENY"
    denied = dict(p.strip().split("=") for p in got["Permissions-Policy"].split(","))
    assert set(denied) == set(security.UNUSED_FEATURES) and set(denied.values()) == {"()"}
    assert {"camera", "microphone", "geolocation"} <= set(denied)


def test_the_built_site_ships_headers_that_agree_with_every_pages_meta_policy(built_site: Path) -> None:
    got = headers((built_site / "_headers").read_text(encoding="utf-8"))
    header = directives(got["Content-Security-Policy"])
    pages = sorted(built_site.rglob("*.html"))
    assert pages
    for page in pages:
        meta = CSP.search(page.read_text(encoding="utf-8"))
        assert meta, page
        assert {**directives(meta.group(1)), "frame-ancestors": "'none'"} == header, page
