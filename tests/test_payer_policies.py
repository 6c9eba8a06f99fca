"""Payer policies (data/policies): a payer that defines a code its own way changes the walk only for that payer.

The published documentation examples of a payer's own policy (tests/published_examples) walk to the code the
source gives, under that payer's policy.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from build_tools.export import engine_data
from build_tools.load import load_project
from engine import visit

DATA = engine_data(load_project())
EXAMPLES = [
    (doc["policy"], example)
    for path in sorted((Path(__file__).parent / "published_examples").glob("*.yaml"))
    for doc in [yaml.safe_load(path.read_text(encoding="utf-8"))]
    for example in doc["examples"]
]


def test_every_published_example_file_is_read() -> None:
    assert len(EXAMPLES) >= 5 and all(policy in DATA["policies"] for policy, _ in EXAMPLES)


@pytest.mark.parametrize(("policy", "example"), EXAMPLES, ids=[e["id"] for _, e in EXAMPLES])
def test_a_published_example_walks_to_its_sources_code_under_its_payer(policy: str, example: dict) -> None:
    result = visit.read(example["text"], DATA, "cms", policy_id=policy)
    (block,) = result["blocks"]
    assert block["code"] == example["code"], block["path"]
    assert block["documentation"]["verdict"] == "supported", block["documentation"]


def test_the_policy_changes_the_walk_only_for_its_payer() -> None:
    ladder = next(e for _, e in EXAMPLES if "ladder" in e["text"])
    default = visit.read(ladder["text"], DATA, "cms")["blocks"][0]
    wsi = visit.read(ladder["text"], DATA, "cms", policy_id="wsi")["blocks"][0]
    assert default["code"] == "97535" and wsi["code"] == "97530"
    step = next(s for s in wsi["path"] if s["question"] == "q_teaching")
    assert step["answer"] == "a_not_teaching" and "WSI" in step["policy"]


def test_an_unknown_policy_is_refused() -> None:
    with pytest.raises(visit.VisitInputError, match="unknown payer policy 'nope'"):
        visit.read("TE 10 min: SLR w/ VC", DATA, "cms", policy_id="nope")


def test_the_code_page_shows_the_payers_definition_and_denial_with_sources() -> None:
    from build_tools.pages import codes

    page = "\n".join(codes.code_pages(load_project())["codes/97530.md"])
    section = page[page.index("## Payers that define it their own way") :].split("\n## ")[0]
    assert "Workforce Safety & Insurance" in section and "97110" in section
    assert section.count('class="tcg-cite"') >= 2
    other = "\n".join(codes.code_pages(load_project())["codes/97110.md"])
    assert "## Payers that define it their own way" not in other
