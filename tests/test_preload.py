"""build_tools/preload.py: a preload link for each parser-blocking script, right after the CSP meta tag."""

from __future__ import annotations

from build_tools.preload import add_preloads, blocking_scripts

CSP = '<meta http-equiv="Content-Security-Policy" content="script-src \'self\'">'
PAGE = (
    f'<html><head><meta charset="utf-8">{CSP}<link rel="stylesheet" href="a.css">'
    '<script src="base.js"></script><script src="mod.js" type="module"></script>'
    '<script id="__config" type="application/json">{"x": 1}</script></head>'
    '<body><script src="late.js" defer></script><script src="side.js" async></script>'
    '<script src="bundle.js?v=1&amp;b=2"></script><script src="base.js"></script><script>inline()</script>'
    "</body></html>"
)


def test_only_parser_blocking_external_scripts_in_page_order_once_each() -> None:
    assert blocking_scripts(PAGE) == ["base.js", "bundle.js?v=1&b=2"]


def test_links_go_right_after_the_csp_meta_before_any_script() -> None:
    out = add_preloads(PAGE)
    links = (
        '<link rel="preload" as="script" href="base.js"><link rel="preload" as="script" href="bundle.js?v=1&amp;b=2">'
    )
    assert out == PAGE.replace(CSP, CSP + links)
    assert out.index(links) < out.index("<script")


def test_a_page_without_a_csp_meta_is_left_alone() -> None:
    page = PAGE.replace(CSP, "")
    assert add_preloads(page) == page


def test_a_src_cannot_break_out_of_the_link() -> None:
    page = f'<head>{CSP}</head><script src="x.js&quot;&gt;&lt;script&gt;"></script>'
    out = add_preloads(page)
    assert '<link rel="preload" as="script" href="x.js&quot;&gt;&lt;script&gt;">' in out
    assert out.count("<script") == 1
