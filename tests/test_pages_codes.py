"""Code pages: payer caveats narrowed by code family (audit 3, m10) and figures whose year has ended (freshness)."""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from build_tools.freshness import stale_facts
from build_tools.load import Project, load_project
from build_tools.pages.codes import code_pages, guidance_page, payer_caveats_for
from build_tools.pages.topics import topic_pages

#: a fixed day for the freshness tests (no test reads the clock): 2026 has not ended, 2023 has
DAY_2026 = dt.date(
    2026, 12, 31
)  # the last day of 2026: later than any review date in the data, and a 2026 figure is current
DAY_2028 = dt.date(2028, 1, 2)
STALE = "this figure is for {}; check the current one"


@pytest.fixture(scope="module")
def project(project_root: Path) -> Project:
    return load_project(project_root)


def _ids(project: Project, code: str) -> set[str]:
    return {cav["id"] for _who, cav in payer_caveats_for(project, project.codes[code].data)}


@pytest.mark.parametrize("code", ["97161", "97162", "97163", "97164", "97165", "97166", "97167", "97168"])
def test_no_assistant_caveat_on_evaluation_codes(project: Project, code: str) -> None:
    """Assistants may not evaluate, so the CQ/CO caveat is not shown on an evaluation page; KX still is."""
    ids = _ids(project, code)
    assert "assistant-modifiers" not in ids and "assistant-modifiers-2022-cases" not in ids
    assert "kx-threshold" in ids
    page = guidance_page(project, project.codes[code].data)
    assert "PTA or OTA furnishes" not in " ".join(page.split())


def test_assistant_caveat_stays_on_treatment_codes(project: Project) -> None:
    for code in ("97110", "97530", "97116"):
        assert "assistant-modifiers" in _ids(project, code)


@pytest.mark.parametrize("code", ["97169", "97170", "97171", "97172"])
def test_athletic_training_evaluations_are_not_therapy_codes(project: Project, code: str) -> None:
    """97169-97172 are athletic trainers' codes: disciplines AT, and no PT/OT caveat (KX, CQ/CO, MPPR) holds."""
    rec = project.codes[code].data
    assert rec["disciplines"] == ["AT"]
    assert _ids(project, code) == set()
    # the same holds if the code is ever given a page of its own
    assert payer_caveats_for(project, {**rec, "guidance_page": True}) == []


def test_mppr_only_on_always_therapy_codes(project: Project) -> None:
    always = set(project.payers["cms"].data["always_therapy"]["codes"])
    for code in project.codes:
        shown = "mppr" in _ids(project, code)
        assert shown == (code in always), code
    assert "97129" not in always and "97130" not in always  # their designation is not confirmed in the data
    page = guidance_page(project, project.codes["97110"].data)
    assert "Shown because 97110 is on the always-therapy list: **Unverified:**" in page
    assert "multiple procedure payment reduction" not in guidance_page(project, project.codes["97129"].data)


def test_97116_lists_ot_with_go(project: Project) -> None:
    """m11: OTs bill 97116 within scope, with GO."""
    rec = project.codes["97116"].data
    assert rec["disciplines"] == ["PT", "OT"]
    page = guidance_page(project, rec)
    assert "**Usually billed by:** PT, OT" in page
    assert "GO" in " ".join(page.split())


def test_a_figure_whose_year_has_ended_is_flagged_on_its_page(project: Project) -> None:
    """The 2023 evaluation RVUs are flagged once 2023 is over; the 2026 KX amounts only after 2026."""

    def code_page(day: dt.date | None, code: str) -> str:
        return code_pages(project, day)[f"codes/{code}.md"][0]

    def guide(day: dt.date, slug: str) -> str:
        return topic_pages(project, day)[f"guide/{slug}.md"][0]

    assert STALE.format(2023) in code_page(DAY_2026, "97163")
    assert STALE.format(2026) not in code_page(DAY_2026, "97110")
    assert STALE.format(2026) in code_page(DAY_2028, "97110")  # kx-threshold-recent, shown on every therapy page
    assert STALE.format(2023) not in code_page(dt.date(2023, 12, 31), "97163")
    assert "check the current one" not in code_page(None, "97163")  # no day, no flag
    assert STALE.format(2027) in guide(DAY_2028, "telehealth")
    assert STALE.format(2027) in guide(DAY_2028, "re-check")
    assert STALE.format(2027) not in guide(DAY_2026, "telehealth")


def test_stale_facts_name_the_file_and_the_fact(project: Project, project_root: Path) -> None:
    found = {(f.path.relative_to(project_root).as_posix(), f.fact, f.year) for f in stale_facts(project, DAY_2028)}
    assert ("data/payers/cms.yaml", "code_caveats 'kx-threshold-recent'", 2026) in found
    assert ("data/codes/97163.yaml", "97163 payer caveat 2", 2023) in found
    assert not any(year >= 2028 for _p, _f, year in found)
    assert all(f.year < 2026 for f in stale_facts(project, DAY_2026))
    assert ("data/codes/97537.yaml", "97537 payment note", 2025) in found  # the one 97537 account (M6)


def test_the_payment_note_is_flagged_wherever_it_is_printed(project: Project) -> None:
    from build_tools.pages.training import answer_key_page
    from build_tools.pages.tree import tree_page

    for page in (code_pages(project, DAY_2026)["codes/97537.md"][0], tree_page(project, DAY_2026)):
        assert STALE.format(2025) in page
    key = answer_key_page(project, DAY_2026)
    case = key[key.index("{#bus-route-training-for-return-to-community}") :].split("</section>", 1)[0]
    assert STALE.format(2025) in case
    assert STALE.format(2025) not in tree_page(project, dt.date(2025, 6, 1))


def _copy_project(project_root: Path, root: Path) -> None:
    shutil.copytree(project_root / "data", root / "data")
    shutil.copy2(project_root / "decision_tree.yaml", root / "decision_tree.yaml")


def test_check_lists_a_warning_and_still_passes(project_root: Path, tmp_path: Path) -> None:
    """The command line names the file, line and fact as a WARNING, and exits 0: an old figure is not a failure."""
    import os

    root = tmp_path / "project"
    _copy_project(project_root, root)
    cmd = [sys.executable, "-m", "build_tools", "check", "--root", str(root)]
    late = subprocess.run(cmd, capture_output=True, text=True, env={**os.environ, "TCG_TODAY": DAY_2028.isoformat()})
    assert late.returncode == 0, late.stderr
    warning = next(line for line in late.stdout.splitlines() if "kx-threshold-recent" in line)
    assert warning.startswith("WARNING: data/payers/cms.yaml:")
    assert warning.endswith(f"code_caveats 'kx-threshold-recent': {STALE.format(2026)}")
    assert "warnings (figures to re-check)" in late.stdout
    early = subprocess.run(cmd, capture_output=True, text=True, env={**os.environ, "TCG_TODAY": DAY_2026.isoformat()})
    assert early.returncode == 0 and "kx-threshold-recent" not in early.stdout
