"""build_tools.service_worker: the worker's lists and version come from the files the build wrote."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from build_tools import pyodide, service_worker

CDN = "https://cdn.jsdelivr.net/pyodide/v314.0.7/full/"


def _site(tmp_path: Path) -> Path:
    """A small built site: pages, assets, runtime files and what is never precached."""
    files = {
        "index.html": "home",
        "404.html": "not found",
        "calculator/index.html": "calc",
        "guide/abn/index.html": "abn",
        "search/search_index.json": "{}",
        "sitemap.xml": "<urlset/>",
        "sitemap.xml.gz": "gz",
        "assets/js/loader.js": "loader",
        "assets/js/units.js": "units",
        "assets/javascripts/bundle.1234.min.js": "bundle",
        "assets/javascripts/bundle.1234.min.js.map": "map",
        "assets/javascripts/lunr/min/lunr.de.min.js": "de",
        "assets/data/engine.json": "{}",
        "assets/data/engine.json.gz": "gz",
        "assets/data/engine.json.br": "br",
        "assets/runtime/engine.aaaaaaaaaaaa.zip": "engine",
        "assets/runtime/engine.aaaaaaaaaaaa.zip.br": "br",
        "assets/runtime/python_stdlib.bbbbbbbbbbbb.zip": "stdlib",
        "assets/runtime/snapshot.cccccccccccc.bin": "snap",
        "_headers": "/*",
        "sw.js": "old",
        "sw-manifest.json": "old",
    }
    for name in pyodide.RUNTIME_FILES:
        files[pyodide.LOCAL_BASE + name] = name
        files[pyodide.LOCAL_BASE + name + ".gz"] = "gz"
    for path, text in files.items():
        (tmp_path / path).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / path).write_text(text, encoding="utf-8")
    return tmp_path


def test_the_precache_lists_every_page_by_its_address_and_every_asset(tmp_path: Path) -> None:
    urls = [url for url, _hash in service_worker.precache(_site(tmp_path))]
    assert set(urls) == {
        "./",
        "404.html",
        "calculator/",
        "guide/abn/",
        "search/search_index.json",
        "sitemap.xml",
        "assets/js/loader.js",
        "assets/js/units.js",
        "assets/javascripts/bundle.1234.min.js",
        "assets/data/engine.json",
    }
    assert len(urls) == len(set(urls))


def test_the_runtime_is_listed_by_content_hash_and_the_fallback_stdlib_is_not_prefetched(tmp_path: Path) -> None:
    site = _site(tmp_path)
    files = service_worker.runtime(site, pyodide.LOCAL_BASE, "")
    assert set(files) == {
        "assets/runtime/engine.aaaaaaaaaaaa.zip",
        "assets/runtime/python_stdlib.bbbbbbbbbbbb.zip",
        "assets/runtime/snapshot.cccccccccccc.bin",
        *(pyodide.LOCAL_BASE + name for name in pyodide.RUNTIME_FILES),
    }
    assert all(re.fullmatch(r"[0-9a-f]{12}", h) for h in files.values())
    assert files["assets/pyodide/pyodide.mjs"] != files["assets/pyodide/pyodide.asm.mjs"]
    pre = service_worker.prefetch(files, pyodide.LOCAL_BASE)
    assert set(pre) == set(files) - {"assets/pyodide/python_stdlib.zip"}
    # without a precompiled stdlib, Pyodide's own is what a boot fetches
    del files["assets/runtime/python_stdlib.bbbbbbbbbbbb.zip"]
    assert "assets/pyodide/python_stdlib.zip" in service_worker.prefetch(files, pyodide.LOCAL_BASE)


def test_with_the_cdn_pyodide_is_listed_by_its_pinned_url(tmp_path: Path) -> None:
    site = _site(tmp_path)
    files = service_worker.runtime(site, CDN, "314.0.7")
    pinned = {u: h for u, h in files.items() if u.startswith("https:")}
    assert pinned == {CDN + name: "314.0.7" for name in pyodide.RUNTIME_FILES}
    assert not any(u.startswith(pyodide.LOCAL_BASE) for u in files)  # a stray local copy is not what pages load


def test_the_version_changes_with_any_file_and_only_then(tmp_path: Path) -> None:
    site = _site(tmp_path)
    first = service_worker.manifest(site, pyodide.LOCAL_BASE, "")
    assert service_worker.manifest(site, pyodide.LOCAL_BASE, "") == first
    (site / "sw-manifest.json").write_text("anything", encoding="utf-8")  # never part of its own list
    (site / "assets/runtime/engine.aaaaaaaaaaaa.zip.br").write_text("other", encoding="utf-8")
    assert service_worker.manifest(site, pyodide.LOCAL_BASE, "")["version"] == first["version"]
    # a rebuild on another day: only the sitemap's dates differ
    (site / "sitemap.xml").write_text("<urlset><url><loc>x</loc><lastmod>2026-12-01</lastmod></url></urlset>")
    dated = service_worker.manifest(site, pyodide.LOCAL_BASE, "")
    (site / "sitemap.xml").write_text("<urlset><url><loc>x</loc><lastmod>2026-12-24</lastmod></url></urlset>")
    assert service_worker.manifest(site, pyodide.LOCAL_BASE, "") == dated
    (site / "sitemap.xml").write_text("<urlset><url><loc>y</loc><lastmod>2026-12-24</lastmod></url></urlset>")
    assert service_worker.manifest(site, pyodide.LOCAL_BASE, "")["version"] != dated["version"]
    for path in ("guide/abn/index.html", "assets/data/engine.json", "assets/pyodide/pyodide.asm.wasm"):
        (site / path).write_text("changed " + path, encoding="utf-8")
        again = service_worker.manifest(site, pyodide.LOCAL_BASE, "")
        assert again["version"] != first["version"], path
        first = again


def test_write_puts_the_version_into_the_worker_and_serve_gets_the_self_removing_one(tmp_path: Path) -> None:
    site = _site(tmp_path)
    found = service_worker.write(site, pyodide.LOCAL_BASE)
    assert json.loads((site / "sw-manifest.json").read_text(encoding="utf-8")) == found
    text = (site / "sw.js").read_text(encoding="utf-8")
    assert f'const VERSION = "{found["version"]}";' in text and 'const CDN = "";' in text
    assert "__TCG_SW" not in text
    cdn = service_worker.write(site, CDN)
    assert f'const CDN = "{CDN}";' in (site / "sw.js").read_text(encoding="utf-8")
    assert cdn["runtime"][CDN + "pyodide.mjs"] == pyodide.pinned_version()
    (site / "sw-manifest.json").unlink()
    assert service_worker.write(site, pyodide.LOCAL_BASE, serve=True) is None
    assert 'const VERSION = "";' in (site / "sw.js").read_text(encoding="utf-8")
    assert not (site / "sw-manifest.json").exists()
    with pytest.raises(ValueError, match="__TCG_SW_VERSION__"):
        service_worker.script("v", "", template="const VERSION = 1;")


def test_the_built_site_lists_what_it_ships(built_site: Path) -> None:
    found = json.loads((built_site / "sw-manifest.json").read_text(encoding="utf-8"))
    assert found == service_worker.manifest(built_site, pyodide.base_url("cdn"), pyodide.pinned_version())
    urls = {url for url, _hash in found["precache"]}
    pages = {service_worker.page_url(p.relative_to(built_site).as_posix()) for p in built_site.rglob("index.html")}
    assert pages and pages <= urls
    assert {"search/search_index.json", "assets/data/engine.json", "assets/js/offline.js", "404.html"} <= urls
    assert not [u for u in urls if "/runtime/" in u or "/pyodide/" in u or u.endswith((".gz", ".br", ".map"))]
    assert f'const VERSION = "{found["version"]}";' in (built_site / "sw.js").read_text(encoding="utf-8")
    # the CDN build (the session's built_site) caches Pyodide from the pinned URLs
    assert any(u.startswith("https://cdn.jsdelivr.net/pyodide/") for u in found["prefetch"])


def test_pages_built_by_mkdocs_serve_name_no_worker(project_root: Path, tmp_path: Path, monkeypatch) -> None:
    from mkdocs.config import load_config

    from build_tools import hooks

    monkeypatch.setattr(hooks, "_state", {})
    monkeypatch.setenv("PYODIDE_SOURCE", "cdn")
    monkeypatch.chdir(project_root)
    for command, named in (("serve", ""), ("build", "sw.js"), ("gh-deploy", "sw.js")):
        hooks.on_startup(command=command, dirty=False)
        config = hooks.on_config(load_config(str(project_root / "mkdocs.yml"), site_dir=str(tmp_path / command)))
        hooks.on_build_error(error=RuntimeError("not built"))  # drops the staging folder on_config made
        assert config.extra["tcg_sw"] == named, command
    template = (project_root / "overrides" / "main.html").read_text(encoding="utf-8")
    assert '<meta name="tcg-sw" content="{{ config.extra.tcg_sw }}">' in template
