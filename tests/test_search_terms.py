"""The clinicians' words from the data reach the built search index, on the page entry that answers them."""

from __future__ import annotations

import json
import re
from pathlib import Path

from build_tools.load import load_project
from build_tools.search_terms import FIELD, page_terms


def _tokens(text: str) -> set[str]:
    return {t.lower() for t in re.split(r"[\s\-]+", text) if t}


def test_heading_phrases_and_search_terms_go_to_the_answering_page() -> None:
    terms = page_terms(load_project())
    assert {"ther ex", "therex", "TE"} <= set(terms["codes/97110/"])
    assert {"NMR", "neuro re-ed", "neuroreed"} <= set(terms["codes/97112/"])
    assert {"theract", "TA"} <= set(terms["codes/97530/"])
    # codes without a guidance page (97010, 97014, 97032) are answered by the codes index
    assert {"e-stim", "estim", "NMES", "HP/CP"} <= set(terms["codes/"])
    assert "8 minute rule" in terms["units/"]
    # a code number never leads to another code's page
    assert "97130" not in terms["codes/97129/"]


def test_built_index_carries_the_terms_once_per_page(built_site: Path) -> None:
    index = json.loads((built_site / "search" / "search_index.json").read_text(encoding="utf-8"))
    assert index["config"]["fields"][FIELD]["boost"] > index["config"]["fields"]["title"]["boost"]
    holders = {e["location"]: _tokens(e[FIELD]) for e in index["docs"] if FIELD in e}
    assert "therex" in holders["codes/97110/"]
    assert {"nmr", "neuro", "re", "ed"} <= holders["codes/97112/"]
    assert {"hp/cp", "estim", "nmes"} <= holders["codes/"]
    assert {"8", "minute", "rule"} <= holders["units/"]
    # sections never hold the terms: the page itself is the answer
    assert all("#" not in loc for loc in holders)
    assert [loc for loc, toks in holders.items() if "therex" in toks] == ["codes/97110/"]


def test_codes_index_snippet_keeps_words_apart(built_site: Path) -> None:
    """The search result's snippet of the codes index does not run a name into its notes."""
    index = json.loads((built_site / "search" / "search_index.json").read_text(encoding="utf-8"))
    (entry,) = [e for e in index["docs"] if e["location"] == "codes/"]
    assert "unattendedAlso" not in entry["text"]
    assert "Electrical stimulation, unattended Also searched as: e-stim" in entry["text"]
