"""docs/assets/js/loader.js knows every widget the site has: each data-widget on a built page maps to a script
that registers that very name, and only the loader (no widget script) is listed for every page."""

from __future__ import annotations

import re
from pathlib import Path

import yaml

JS = Path(__file__).resolve().parents[1] / "docs" / "assets" / "js"


def _loader_map() -> dict[str, str]:
    source = (JS / "loader.js").read_text(encoding="utf-8")
    block = re.search(r"const WIDGETS = \{(.*?)\};", source, re.S).group(1)
    return {name: script for name, script in re.findall(r'"?([a-z-]+)"?: "([a-z]+\.js)"', block)}


def test_every_widget_on_the_site_has_its_script(built_site: Path) -> None:
    mapping = _loader_map()
    used = {
        name
        for page in built_site.rglob("*.html")
        for name in re.findall(r'data-widget="([a-z-]+)"', page.read_text(encoding="utf-8"))
    }
    assert used, "no widget found on the built site"
    assert used <= set(mapping), f"loader.js has no script for {sorted(used - set(mapping))}"
    for name, script in mapping.items():
        text = (JS / script).read_text(encoding="utf-8")
        assert re.search(rf'TCG\.register\("{re.escape(name)}"', text), f"{script} does not register {name!r}"


def test_pages_list_only_the_loader_of_the_widget_scripts(project_root: Path) -> None:
    config = yaml.load((project_root / "mkdocs.yml").read_text(encoding="utf-8"), Loader=yaml.BaseLoader)
    listed = {Path(entry if isinstance(entry, str) else entry["path"]).name for entry in config["extra_javascript"]}
    widget_scripts = set(_loader_map().values()) | {"widgets.js", "catalog.js", "session.js"}
    assert "loader.js" in listed
    assert listed & widget_scripts == set(), "widget code must load through loader.js, only where a widget is"
