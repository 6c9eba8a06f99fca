"""Billing facts from the audit (issue 23): the pages say what the data and the sources say."""

from __future__ import annotations

from pathlib import Path

import pytest

from build_tools.load import Project, load_project
from build_tools.pages import generated_pages


@pytest.fixture(scope="module")
def project(project_root: Path) -> Project:
    return load_project(project_root)


@pytest.fixture(scope="module")
def pages(project: Project) -> dict[str, str]:
    return {path: text for path, (text, *_rest) in generated_pages(project).items()}


def _code_page(pages: dict[str, str], code: str) -> str:
    hits = [text for path, text in pages.items() if path.endswith(f"/{code}.md")]
    assert hits, f"no page for {code}"
    return hits[0]


def test_reevaluation_pairs_put_the_modifier_on_the_reevaluation(project: Project, pages: dict[str, str]) -> None:
    """C1: in 97164/97168 pairs with 97530, 97150, 97140 the re-evaluation is column two and carries 59."""
    cms = project.payers["cms"].data
    pairs = [p for cav in cms["code_caveats"] for p in cav.get("pairs", [])]
    for reeval in ("97164", "97168"):
        for treatment in ("97530", "97150", "97140"):
            assert {"column_one": treatment, "column_two": reeval} in pairs
    for pair in pairs:
        sentence = f"the modifier (59 or XU) goes on {pair['column_two']}, column two"
        for code in (pair["column_one"], pair["column_two"]):
            assert sentence in _code_page(pages, code)
    for cav in cms["code_caveats"]:
        assert "evaluation is expected to be the column-one" not in " ".join(cav["text"].split())


def _points(project: Project, slug: str) -> list[dict]:
    topic = project.records["topics"][slug].data
    return [point for section in topic["sections"] for point in section["points"]]


@pytest.mark.parametrize(
    ("slug", "needle"),
    [
        ("plan-of-care", "order or"),  # M2: the 2025 certification exception
        ("assistants", "supervise their"),  # M3: private-practice general supervision
    ],
)
def test_finalized_2025_rules_are_not_called_proposed(project: Project, slug: str, needle: str) -> None:
    """M2, M3: the CY 2025 final rule finalized both; the point is stated as final and verified."""
    hits = [p for p in _points(project, slug) if needle in " ".join(p["text"].split())]
    assert hits, f"no point about {needle!r} in {slug}"
    for point in hits:
        text = " ".join(point["text"].split())
        assert "proposed" not in text and "Final" in text and not point.get("unverified")
        assert any(c["source"] == "cms-pfs-2025-final" for c in point["sources"])


@pytest.mark.parametrize(
    ("slug", "needle", "source"),
    [
        ("plan-of-care", "within 30 days of the initial therapy treatment", "cms-pub100-02-ch15"),
        ("plan-of-care", "90 calendar days", "cms-pub100-02-ch15"),
        ("assistants", "aide", "noridian-therapy-students"),
    ],
)
def test_audit_confirmed_claims_are_verified(project: Project, slug: str, needle: str, source: str) -> None:
    """The audit confirmed these claims the site marked unverified: they are verified, with the source."""
    hits = [p for p in _points(project, slug) if needle in " ".join(p["text"].split())]
    assert hits
    for point in hits:
        assert not point.get("unverified")
        assert source in [c["source"] for c in point["sources"]]


def test_abn_status_modifiers_are_verified(project: Project) -> None:
    """The audit verified GX, GY and GZ against Palmetto GBA: no unverified flag, Palmetto cited."""
    mods = {m["code"]: m for m in project.payers["cms"].data["modifiers"]}
    for code in ("GX", "GY", "GZ"):
        assert not mods[code].get("unverified")
        assert "palmetto-abn-modifiers" in [c["source"] for c in mods[code]["sources"]]


def test_telehealth_claims_are_dated_and_current(project: Project) -> None:
    """M4: PT/OT telehealth through 2027-12-31 (CAA 2026); no 'provisional' list; every telehealth claim dated."""
    section = next(
        s for s in project.records["topics"]["telehealth"].data["sections"] if s["heading"] == "Telehealth visits"
    )
    texts = [" ".join(p["text"].split()) for p in section["points"]]
    assert any("2027-12-31" in t and "Consolidated Appropriations Act, 2026" in t for t in texts)
    for text in texts:
        assert text.startswith("As of ") and "provisional list" not in text and "only provisionally" not in text


def test_rtm_codes_as_of_2026(project: Project) -> None:
    """M5, m14: 98984/98985 (2-15 days), 98979 (10 min), 98978, 98975 once per episode."""
    texts = " ".join(" ".join(p["text"].split()) for p in _points(project, "telehealth"))
    for code in ("98975", "98976", "98977", "98978", "98979", "98984", "98985"):
        assert code in texts
    assert "2-15 days" in texts and "first 10 minutes" in texts and "once per episode" in texts
    assert "once per 30 days" not in texts and "2022 rules stood" not in texts


def test_97537_medicare_status_is_told_in_one_place(
    project: Project, project_root: Path, pages: dict[str, str]
) -> None:
    """M6: one hedged account (data/codes/97537.yaml payment_note), printed on the code page, tree and case."""
    note = project.codes["97537"].data["payment_note"]
    assert note["unverified"] is True
    flat = " ".join(note["text"].split())
    assert flat.startswith("Medicare status is unsettled.") and "status indicator" in flat
    assert "points to separate payment" not in flat  # RVUs alone do not show payment (audit 3, M6)
    # written once: no other data file states the account
    opening = "Medicare status is unsettled"
    files = [project_root / "decision_tree.yaml", *sorted((project_root / "data").rglob("*.yaml"))]
    holders = [f.relative_to(project_root).as_posix() for f in files if opening in " ".join(f.read_text().split())]
    assert holders == ["data/codes/97537.yaml"]
    outcome_data = next(n for n in project.tree.data["nodes"] if n["id"] == "o_97537")
    case_data = project.cases["bus-route-training-for-return-to-community"].data
    for text in (str(outcome_data), str(case_data)):
        flat_text = " ".join(text.split())
        assert "Medicare bundles" not in flat_text and "Medicare does not pay" not in flat_text
        assert "payment note for 97537" in flat_text
    # printed from there on the code page, the static tree's 97537 outcome and the case in the answer key
    tree = pages["tree.md"]
    outcome = tree[tree.index("{#o_97537 ") :].split("\n## ", 1)[0]
    key = pages["instructor/answer-key.md"]
    case = key[key.index("{#bus-route-training-for-return-to-community}") :].split("</section>", 1)[0]
    for page in (_code_page(pages, "97537"), outcome, case):
        assert "**Payment (Medicare Part B), as of " in page
        assert "**Unverified:** Medicare status is unsettled." in page


def test_snf_group_case_says_part_b_and_how_part_a_differs(project: Project) -> None:
    """m6: three residents on different tasks is group (97150) under Part B; Part A groups do the same or similar."""
    case = project.cases["fine-motor-group-in-skilled-nursing"].data
    said = " ".join(f"{case['session']} {case['why']}".split())
    assert "Part B" in case["session"] and "2-6" in said and "same or similar activities" in said
    assert {"medbridge-snf-group-pdpm", "noridian-therapy-students"} <= {c["source"] for c in case["sources"]}


def test_inpatient_rehab_unit_cases_say_the_math_is_teaching_only(project: Project) -> None:
    """m7: a case set in an inpatient rehab facility that asks for Medicare units says they are Part B teaching math."""
    asked = [
        doc.data
        for doc in project.cases.values()
        if doc.data.get("setting") == "inpatient_rehab" and doc.data["answer"].get("units", {}).get("rule") == "cms"
    ]
    assert asked, "no inpatient rehab case asks for units"
    for case in asked:
        why = " ".join(case["why"].split())
        assert "teaching only" in why and "Part B" in why and "per discharge" in why, case["id"]
        assert "ecfr-412-600-irf-pps" in {c["source"] for c in case["sources"]}


def test_97550_telehealth_and_direct_care_codes(project: Project) -> None:
    """m8: on the telehealth list from CY 2025; G0541-G0543 named as sometimes therapy."""
    note = " ".join(project.codes["97550"].data["status_note"]["text"].split())
    assert "did not put it on the Medicare telehealth list (later years not checked)" not in note
    assert "CY 2025 final rule added 97550-97552" in note
    for code in ("G0541", "G0542", "G0543"):
        assert code in note
    assert "sometimes therapy" in note


def test_pt_evaluation_values_checked_after_2017(project: Project) -> None:
    """m9: equal work RVUs (1.54 per tier, 0.96 re-evaluation) as of 2023, dated by year."""
    cavs = project.codes["97163"].data["guidance"]["payer_caveats"]
    rvu = next(c for c in cavs if "1.54" in c["text"])
    assert "0.96" in rvu["text"] and rvu["year"] == 2023
    assert "webpt-pt-eval-codes-2023" in {s["source"] for s in rvu["sources"]}


def test_97150_ncci_edits_marked_unconfirmed(project: Project) -> None:
    """m12: the older ADVANCE pairs are stated as unconfirmed, and the source is labelled older."""
    cavs = project.codes["97150"].data["guidance"]["payer_caveats"]
    edits = [c for c in cavs if "advance-cci-97150" in {s["source"] for s in c["sources"]}]
    assert len(edits) == 1 and edits[0]["unverified"] is True
    assert "unconfirmed" in edits[0]["text"] and "older" in edits[0]["text"]
    source = next(s for s in project.sources.data["sources"] if s["id"] == "advance-cci-97150")
    assert "older" in source["published"]


def test_the_tree_walk_card_shows_the_97537_payment_note(project: Project) -> None:
    """M6: the interactive walk's outcome card (site JSON) leads 97537's caveats with the same one account."""
    from build_tools.export import guide_data

    first = guide_data(project)["codes"]["97537"]["payer_caveats"][0]
    assert first["text"].startswith("Unverified: Medicare status is unsettled.")
    assert first["payer"] == "Medicare Part B" and first["sources"]
    others = guide_data(project)["codes"]["97535"].get("payer_caveats", [])
    assert not any("Medicare status is unsettled" in c["text"] for c in others)
