"""Data -> site JSON, and engine/*.py -> one zip archive for the browser worker."""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path
from typing import Any

from build_tools import ROOT
from build_tools.load import Project

#: files of the engine package that never go to the browser
ENGINE_EXCLUDE = {"__main__.py"}
CODE_FIELDS = ("code", "name", "family", "unit_basis", "addon_code", "primary_code")


def engine_data(project: Project) -> dict[str, Any]:
    """What the engine needs at run time: codes (short form), unit rules, the tree."""
    codes = {doc.data["code"]: {k: doc.data[k] for k in CODE_FIELDS if k in doc.data} for doc in project.codes.values()}
    rules = {doc.data["id"]: doc.data for doc in project.payers.values()}
    return {"codes": codes, "rules": rules, "tree": project.tree.data}


def calculator_data(project: Project) -> dict[str, Any]:
    """What the calculator page shows before Python is ready: the code picker, rule labels, their citations."""
    bibliography = {s["id"]: s for s in project.sources.data["sources"]}
    picker = [{k: doc.data[k] for k in ("code", "name", "unit_basis")} for doc in project.codes.values()]
    rules = []
    for doc in project.payers.values():
        cites = [
            {
                k: v
                for k, v in {**bibliography[c["source"]], **c}.items()
                if k in ("title", "publisher", "url", "section")
            }
            for c in doc.data.get("sources", [])
        ]
        rules.append(
            {"id": doc.data["id"], "label": doc.data["label"], "summary": doc.data["summary"], "sources": cites}
        )
    return {"codes": sorted(picker, key=lambda c: c["code"]), "rules": rules}


def engine_archive(engine_dir: Path = ROOT / "engine") -> bytes:
    """A deterministic zip of the engine package (stable names, order and times)."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for path in sorted(engine_dir.glob("*.py")):
            if path.name in ENGINE_EXCLUDE:
                continue
            info = zipfile.ZipInfo(f"engine/{path.name}", date_time=(2020, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            zf.writestr(info, path.read_bytes())
    return buf.getvalue()


def write_site_assets(project: Project, site_dir: Path) -> None:
    """Write assets/engine.zip, assets/data/engine.json and assets/data/calculator.json into a built site."""
    out = site_dir / "assets"
    (out / "data").mkdir(parents=True, exist_ok=True)
    (out / "engine.zip").write_bytes(engine_archive())
    (out / "data" / "engine.json").write_text(
        json.dumps(engine_data(project), sort_keys=True, separators=(",", ":")), encoding="utf-8"
    )
    (out / "data" / "calculator.json").write_text(
        json.dumps(calculator_data(project), separators=(",", ":")), encoding="utf-8"
    )
