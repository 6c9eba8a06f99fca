"""Data -> site JSON, and engine/*.py -> one zip archive for the browser worker.

The archive is source; build_tools.pyodide compiles it to .pyc and writes it under a content-hashed name."""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path
from typing import Any

from build_tools import ROOT
from build_tools.export.coach import coach_page_data
from build_tools.export.training import answer_choices, cases_data
from build_tools.load import Project

#: files of the engine package that never go to the browser
ENGINE_EXCLUDE = {"__main__.py"}
CODE_FIELDS = ("code", "name", "family", "unit_basis", "addon_code", "primary_code", "guidance_page", "documentation")
#: site-root-relative pages the outcome card links to (as build_tools.pages.codes and .catalog write them):
#: a guidance page for codes that have one, else the code's row in the code table
CODE_PAGE, CODE_ROW, ACTIVITY_PAGE = "codes/{}/", "codes/#c{}", "activities/{}/"
DISCLAIMER = (
    "Education only, not billing or legal advice. Check the payer's current policy and the CPT codebook for the"
    " date of service; CPT is a registered trademark of the American Medical Association."
)
GUIDANCE_FIELDS = ("summary", "neighbours", "note_must_show", "denials", "payer_caveats")


def engine_data(project: Project) -> dict[str, Any]:
    """What the engine needs at run time: codes (short form), unit rules, the tree."""
    codes = {doc.data["code"]: {k: doc.data[k] for k in CODE_FIELDS if k in doc.data} for doc in project.codes.values()}
    rules = {doc.data["id"]: doc.data for doc in project.payers.values()}
    return {
        "codes": codes,
        "rules": rules,
        "tree": project.tree.data,
        "guide": guide_data(project),
        "vocab": project.vocab.data,
        "reading": project.reading.data,
        "policies": {doc.data["id"]: doc.data for doc in project.records.get("policies", {}).values()},
        "cases": cases_data(project),
        "answer_choices": answer_choices(project),
    }


def guide_data(project: Project) -> dict[str, Any]:
    """What the tree's outcome card needs, compact: code guidance, activities by code, cited sources."""
    codes = {}
    for doc in project.codes.values():
        rec, guidance = doc.data, doc.data.get("guidance", {})
        entry = {"name": rec["name"], "summary": guidance.get("summary", rec["descriptor"])}
        entry.update({k: guidance[k] for k in GUIDANCE_FIELDS[1:] if k in guidance})
        note = rec.get("payment_note")
        if note:  # the code's one payment account leads its caveats on the tree's outcome card, as on the pages
            flag = "Unverified: " if note.get("unverified") else ""
            text = flag + " ".join(note["text"].split())
            first = {k: note[k] for k in ("payer", "as_of", "sources")} | {"text": text}
            entry["payer_caveats"] = [first, *entry.get("payer_caveats", [])]
        entry["page"] = (CODE_PAGE if rec.get("guidance_page") else CODE_ROW).format(rec["code"])
        codes[rec["code"]] = entry
    activities = {
        doc.data["slug"]: {
            "name": doc.data["name"],
            "likely_code": doc.data["likely_code"],
            "reasoning": doc.data["code_reasoning"],
            "code_changes": doc.data["code_changes"],
            "page": ACTIVITY_PAGE.format(doc.data["slug"]),
        }
        for doc in project.records["activities"].values()
    }
    cited = _cited({"tree": project.tree.data, "codes": codes})
    sources = {
        s["id"]: {k: s[k] for k in ("title", "url") if k in s}
        for s in project.sources.data.get("sources", [])
        if s["id"] in cited
    }
    return {"codes": codes, "activities": activities, "sources": sources, "disclaimer": DISCLAIMER}


def _cited(value: Any) -> set[str]:
    """Every bibliography id cited anywhere inside `value` (a citation is a dict with a 'source' key)."""
    if isinstance(value, dict):
        found = {value["source"]} if isinstance(value.get("source"), str) else set()
        return found.union(*(_cited(v) for v in value.values()))
    if isinstance(value, list):
        return set().union(*(_cited(v) for v in value))
    return set()


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
    if not (engine_dir / "api.py").is_file():
        raise FileNotFoundError(f"{engine_dir}: the engine package is missing (no api.py); the site needs it")
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
    """Write assets/data/engine.json, calculator.json and coach.json into a built site (the engine archive is
    written by build_tools.pyodide.write_runtime, under a content-hashed name)."""
    out = site_dir / "assets"
    (out / "data").mkdir(parents=True, exist_ok=True)
    (out / "data" / "engine.json").write_text(
        json.dumps(engine_data(project), sort_keys=True, separators=(",", ":")), encoding="utf-8"
    )
    (out / "data" / "calculator.json").write_text(
        json.dumps(calculator_data(project), separators=(",", ":")), encoding="utf-8"
    )
    (out / "data" / "coach.json").write_text(
        json.dumps(coach_page_data(project), separators=(",", ":")), encoding="utf-8"
    )
