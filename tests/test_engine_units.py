"""Engine unit math in CPython on the real code registry: the table, the published worked examples,
service-based and refused codes, payer status, bad input and the steps."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from build_tools.export import engine_data
from build_tools.load import load_project
from engine import units
from engine.units import UnitInputError, compute, table_band, table_units

EXAMPLES_DIR = Path(__file__).parent / "worked_examples"


def worked_examples() -> list[tuple[str, str, dict[str, Any]]]:
    """(file:id, rule, example) for every published worked example."""
    out = []
    for path in sorted(EXAMPLES_DIR.glob("*.yaml")):
        doc = yaml.safe_load(path.read_text(encoding="utf-8"))
        assert doc["citation"]["source"] and doc["citation"]["section"], f"{path.name}: cite the source"
        out += [(f"{path.stem}:{ex['id']}", doc["rule"], ex) for ex in doc["examples"]]
    return out


@pytest.fixture(scope="module")
def data() -> dict[str, Any]:
    return engine_data(load_project())


def entries_of(example: dict[str, Any]) -> list[tuple[Any, ...]]:
    """(code, minutes), or (code, minutes, discipline) for an entry that names its discipline (PT, PT+OT)."""
    return [
        (e["code"], e.get("minutes"), e["discipline"]) if "discipline" in e else (e["code"], e.get("minutes"))
        for e in example["entries"]
    ]


def need(data: dict[str, Any], *codes: str) -> None:
    missing = [c for c in codes if c not in data["codes"]]
    if missing:
        pytest.skip(f"code registry has no {', '.join(missing)} yet")


@pytest.mark.parametrize(
    ("minutes", "expected"),
    [
        *[(0, 0), (7, 0), (8, 1), (22, 1), (23, 2), (37, 2), (38, 3), (52, 3), (53, 4), (67, 4), (68, 5), (82, 5)],
        *[(83, 6), (97, 6), (98, 7), (112, 7), (113, 8), (127, 8), (128, 9)],
    ],
)
def test_table_boundaries_match_pub_100_04_ch5_sec_20_2(minutes: int, expected: int) -> None:
    assert table_units(minutes) == expected


def test_table_band_is_the_inverse_of_the_table() -> None:
    for n in range(0, 40):
        low, high = table_band(n)
        assert {table_units(m) for m in range(low, high + 1)} == {n}
        assert table_units(high + 1) == n + 1


@pytest.mark.parametrize(("name", "rule", "example"), worked_examples(), ids=[w[0] for w in worked_examples()])
def test_published_worked_examples(data: dict[str, Any], name: str, rule: str, example: dict[str, Any]) -> None:
    need(data, *(e["code"] for e in example["entries"]))
    result = compute(entries_of(example), data["rules"][rule], data["codes"])
    published = example["published"] if example["status"] != "derived" else example["expected"]
    assert result["total_units"] == published["total_units"]
    if "timed_minutes" in published:
        assert result["timed_minutes"] == published["timed_minutes"]
    if "allowed" in published:
        got = [result["units"], *result["alternatives"]]
        assert sorted(map(sorted_items, got)) == sorted(map(sorted_items, published["allowed"]))
    if "lines" in published:
        keys = ("code", "discipline", "modifier", "units")
        assert [{k: line[k] for k in keys} for line in result["lines"]] == published["lines"]


def sorted_items(allocation: dict[str, int]) -> list[tuple[str, int]]:
    return sorted(allocation.items())


def test_medicare_is_not_a_proportional_split(data: dict[str, Any]) -> None:
    need(data, "97110", "97140")
    result = compute([("97110", 18), ("97140", 5)], data["rules"]["cms"], data["codes"])
    proportional = {c: round(result["timed_units"] * m / 23) for c, m in (("97110", 18), ("97140", 5))}
    assert proportional == {"97110": 2, "97140": 0}  # what a proportional split would give
    assert result["units"] == {"97110": 1, "97140": 1} != proportional
    assert result["alternatives"] == []


def service_code(data: dict[str, Any]) -> str:
    for code in ("97165", "97161", "97150", "G0283", "97010"):
        if data["codes"].get(code, {}).get("unit_basis") == "service":
            return code
    pytest.skip("no service-based code in the registry yet")


def test_service_code_bills_one_unit_and_its_minutes_never_count(data: dict[str, Any]) -> None:
    need(data, "97110", "97140")
    svc = service_code(data)
    bare = compute([("97110", 33), ("97140", 7), (svc, None)], data["rules"]["cms"], data["codes"])
    timed = compute([("97110", 33), ("97140", 7), (svc, 45)], data["rules"]["cms"], data["codes"])
    alone = compute([("97110", 33), ("97140", 7)], data["rules"]["cms"], data["codes"])
    for result in (bare, timed):
        assert result["units"] == {**alone["units"], svc: 1}
        assert result["timed_minutes"] == alone["timed_minutes"] == 40
        assert result["timed_units"] == alone["timed_units"]
        assert result["total_units"] == alone["total_units"] + 1
    assert (bare["treatment_minutes"], timed["treatment_minutes"]) == (40, 85)
    assert any(svc in s and "45 min given for it are left out of the timed minutes" in s for s in timed["steps"])
    assert any(svc in s and "No minutes were given" in s for s in bare["steps"])


def test_refused_unit_bases_are_refused_with_the_reason(data: dict[str, Any]) -> None:
    refused = {c: v["unit_basis"] for c, v in data["codes"].items() if v["unit_basis"] in units.REFUSED_BASES}
    if not refused:
        pytest.skip("no code with a refused unit basis in the registry yet")
    for code, basis in refused.items():
        for rule in data["rules"].values():
            with pytest.raises(UnitInputError) as err:
                compute([("97110", 20), (code, 30)], rule, data["codes"])
            assert code in str(err.value) and units.REFUSED_BASES[basis] in str(err.value)
            assert err.value.field == "entries.1.code"
    unknown_basis = {"97001": {"unit_basis": "per_visit_bundle"}}
    with pytest.raises(UnitInputError, match="unit basis 'per_visit_bundle'"):
        compute([("97001", 30)], data["rules"]["cms"], unknown_basis)


def test_refusals_never_advise_leaving_minutes_out(data: dict[str, Any]) -> None:
    refused = [c for c, v in data["codes"].items() if v["unit_basis"] in units.REFUSED_BASES]
    assert {"97039", "97139", "97799"} <= set(refused), "the unlisted codes are refused"
    for code in refused:
        with pytest.raises(UnitInputError) as err:
            compute([("97110", 10), (code, 10)], data["rules"]["cms"], data["codes"])
        text = str(err.value)
        assert "leave it out" not in text and "cannot be counted by this calculator" in text
        assert "can change the units of the other timed codes" in text
        assert (
            "fix: count the whole day by hand by the payer's rule" in text and "check the code with the payer" in text
        )
    for code in ("97039", "97139", "97799"):
        with pytest.raises(UnitInputError, match="an unlisted code is counted as the payer instructs"):
            compute([(code, 30)], data["rules"]["ama"], data["codes"])


def test_97129_takes_all_cognitive_minutes_and_97130_is_never_entered(data: dict[str, Any]) -> None:
    need(data, "97110", "97129", "97130")
    assert data["codes"]["97129"]["addon_code"] == "97130" and data["codes"]["97130"]["primary_code"] == "97129"
    for rule in data["rules"].values():
        for entries in ([("97130", 20)], [("97129", 15), ("97130", 10)], [("97130", 10), ("97129", 15)]):
            with pytest.raises(UnitInputError) as err:
                compute(entries, rule, data["codes"])
            index = [c for c, _ in entries].index("97130")
            assert err.value.field == f"entries.{index}.code"
            assert "enter all cognitive function intervention minutes on 97129" in str(err.value)
            assert "the engine puts the first unit on 97129 and each further unit on 97130" in str(err.value)
        for minutes in (0, 7, 8, 22, 23, 40, 90):
            result = compute([("97129", minutes)], rule, data["codes"])
            n = table_units(minutes)
            assert result["units"] == {"97129": min(1, n), "97130": max(0, n - 1)}
            assert result["timed_minutes"] == minutes and result["timed_units"] == result["total_units"] == n


def test_pooled_97129_is_in_the_days_total_and_the_steps_say_so(data: dict[str, Any]) -> None:
    need(data, "97110", "97129", "97130")
    pooled = compute([("97110", 10), ("97129", 10)], data["rules"]["cms"], data["codes"])
    per_code = compute([("97110", 10), ("97129", 10)], data["rules"]["ama"], data["codes"])
    separately = sum(
        compute([e], data["rules"]["cms"], data["codes"])["total_units"] for e in [("97110", 10), ("97129", 10)]
    )
    assert pooled["total_units"] == 1 < separately == per_code["total_units"] == 2
    assert all(a.keys() == {"97110", "97129", "97130"} for a in [pooled["units"], *pooled["alternatives"]])
    text = " ".join(pooled["steps"])
    assert "97129 and 97130 are one timed service" in text and "Pub. 100-04 ch. 5 sec. 20.2" in text
    assert "10 min of 97110 + 10 min of 97129 = 20 min" in text
    assert "split the same way" in text
    big = compute([("97110", 23), ("97129", 40)], data["rules"]["cms"], data["codes"])
    assert "1 unit of 97129 and 2 units of 97130" in " ".join(big["steps"])


def test_medicare_replacement_moves_the_unit_and_warns(data: dict[str, Any]) -> None:
    need(data, "97014", "97110", "G0283")
    cms = compute([("97014", None), ("97110", 23)], data["rules"]["cms"], data["codes"])
    ama = compute([("97014", None), ("97110", 23)], data["rules"]["ama"], data["codes"])
    assert cms["units"] == {"97014": 0, "G0283": 1, "97110": 2} and cms["total_units"] == 3
    assert ama["units"] == {"97014": 1, "97110": 2}
    assert len(cms["warnings"]) == 1 and "97014" in cms["warnings"][0] and "G0283" in cms["warnings"][0]
    assert ama["warnings"] == []
    assert any("97014 is not recognised, so its 1 unit(s) are billed as G0283" in s for s in cms["steps"])
    status = {s["code"]: s for s in data["rules"]["cms"]["code_status"]}
    assert (status["97014"]["status"], status["97014"]["use"]) == ("not_recognised", "G0283")
    assert status["97014"]["sources"]


def test_issue_15_day_bills_bundled_and_duplicate_codes_once(data: dict[str, Any]) -> None:
    """97010 is status B under Medicare and 97014/G0283 are one service: 2 units, not 4."""
    need(data, "97010", "97014", "G0283", "97110")
    entries = [("97010", None), ("97014", None), ("G0283", None), ("97110", 10)]
    cms = compute(entries, data["rules"]["cms"], data["codes"])
    assert cms["units"] == {"97010": 0, "97014": 0, "G0283": 1, "97110": 1}
    assert cms["total_units"] == sum(cms["units"].values()) == 2
    status_lines = [s for s in cms["steps"] if s.startswith("Payer status:")]
    assert len(status_lines) == 2
    assert "97010 is bundled" in status_lines[0] and "status B" in status_lines[0]
    assert "97014 is not recognised; G0283, entered too" in status_lines[1]
    assert "2 units (1 timed + 1 service-based)" in " ".join(cms["steps"])
    ama = compute(entries, data["rules"]["ama"], data["codes"])
    assert ama["units"] == {"97010": 1, "97014": 1, "G0283": 0, "97110": 1}
    assert any("97014 and G0283 are never billed together" in s for s in ama["steps"])


def test_accepts_follows_the_payer_status(data: dict[str, Any]) -> None:
    from engine.units import accepts

    need(data, "97010", "97014", "G0283", "97110")
    cms = data["rules"]["cms"]
    entries = [("97010", None), ("97014", None), ("97110", 23)]
    assert accepts(entries, cms, data["codes"], {"97010": 0, "97014": 0, "G0283": 1, "97110": 2})
    assert not accepts(entries, cms, data["codes"], {"97010": 1, "97014": 1, "97110": 2})


def test_payer_status_applies_to_every_alternative(data: dict[str, Any]) -> None:
    need(data, "97010", "97110", "97112")
    result = compute([("97010", None), ("97110", 20), ("97112", 20)], data["rules"]["cms"], data["codes"])
    assert result["alternatives"], "a tie gives alternatives"
    assert all(a["97010"] == 0 for a in [result["units"], *result["alternatives"]])
    assert result["total_units"] == 3


def test_bundled_timed_code_is_refused_with_a_fix(data: dict[str, Any]) -> None:
    need(data, "97110")
    rule = dict(data["rules"]["cms"])
    rule["code_status"] = [{"code": "97110", "status": "bundled", "why": "test", "sources": []}]
    with pytest.raises(UnitInputError) as err:
        compute([("97110", 20)], rule, data["codes"])
    assert "bundles it" in str(err.value) and "fix:" in str(err.value) and err.value.field == "entries.0.code"


@pytest.mark.parametrize(
    ("entries", "field", "words"),
    [
        ([("99999", 10)], "entries.0.code", "'99999' is not one the calculator knows"),
        ([("97110", 10), ("97110", 5)], "entries.1.code", "given twice"),
        ([("97110", -1)], "entries.0.minutes", "must be 0 or more"),
        ([("97110", 7.5)], "entries.0.minutes", "whole minutes: 7.5"),
        ([("97110", "7.5")], "entries.0.minutes", "whole minutes: 7.5"),
        ([("97110", "ten")], "entries.0.minutes", "must be a whole number: 'ten'"),
        ([("97110", True)], "entries.0.minutes", "must be a number"),
        ([("97110", None)], "entries.0.minutes", "it is a timed code"),
        ([("97110", 1441)], "entries.0.minutes", "one day (1440 minutes) or less: 1441"),
        ([("97110", 800), ("97112", 700)], None, "one day (1440 minutes) or less: 1500"),
        ([], None, "give at least one code"),
    ],
)
def test_bad_input_names_the_field_and_the_fix(data: dict[str, Any], entries: list, field: str, words: str) -> None:
    need(data, "97110", "97112")
    for rule in data["rules"].values():
        with pytest.raises(UnitInputError) as err:
            compute(entries, rule, data["codes"])
        assert words in str(err.value) and "fix:" in str(err.value)
        assert err.value.field == field


def test_whole_numbers_as_text_or_float_are_accepted_and_codes_normalised(data: dict[str, Any]) -> None:
    need(data, "97110", "97140")
    a = compute([(" 97110 ", "33"), ("97140", 7.0)], data["rules"]["cms"], data["codes"])
    b = compute([("97110", 33), ("97140", 7)], data["rules"]["cms"], data["codes"])
    assert a == b


def test_zero_units_and_no_timed_codes_are_explained(data: dict[str, Any]) -> None:
    need(data, "97110", "97140")
    one_short = compute([("97110", 7)], data["rules"]["cms"], data["codes"])
    assert one_short["units"] == {"97110": 0}
    assert any("under 8 minutes on its own is not billed" in s for s in one_short["steps"])
    two_short = compute([("97110", 7), ("97140", 5)], data["rules"]["cms"], data["codes"])
    assert two_short["units"] == {"97110": 1, "97140": 0}
    assert any("together they reach 8 minutes" in s for s in two_short["steps"])
    svc = service_code(data)
    only_service = compute([(svc, None)], data["rules"]["cms"], data["codes"])
    assert (only_service["timed_units"], only_service["total_units"]) == (0, 1)
    assert any("No timed codes were given" in s for s in only_service["steps"])


@pytest.mark.parametrize("rule", ["cms", "ama"])
def test_steps_say_what_counts_and_report_both_totals(data: dict[str, Any], rule: str) -> None:
    need(data, "97110", "97140")
    result = compute([("97110", 33), ("97140", 7)], data["rules"][rule], data["codes"])
    text = " ".join(result["steps"])
    for phrase in ("direct, skilled, one-on-one", "Rest breaks", "set-up without the patient", "documentation"):
        assert phrase in text
    assert "total timed minutes 40 min" in text and "total treatment time" in text
    assert data["rules"][rule]["label"] in result["steps"][0]


@pytest.mark.parametrize("typed", ["2_3", "2e1", "0x10", "+5", "１２", "2 3", "9" * 5000])
def test_minutes_are_digits_only_and_never_echoed_whole(data: dict[str, Any], typed: str) -> None:
    """Python would read '2_3' as 23 and '2e1' as 20: the engine accepts digits only, and cuts what it quotes."""
    need(data, "97110")
    with pytest.raises(UnitInputError) as err:
        compute([("97110", typed)], data["rules"]["cms"], data["codes"])
    assert err.value.field == "entries.0.minutes"
    assert "minutes for 97110 must be a whole number" in str(err.value) and len(str(err.value)) < 200


def test_a_huge_code_is_cut_in_the_message(data: dict[str, Any]) -> None:
    with pytest.raises(UnitInputError) as err:
        compute([("9" * 100_000, "5")], data["rules"]["cms"], data["codes"])
    assert str(err.value) == (
        "code '999999999999999999999999999999...' (100000 characters) is not one the calculator knows "
        "(fix: check the number against the code list)"
    )


@pytest.mark.parametrize("count", [2, 3, 4, 5, 6])
def test_short_services_step_states_the_units_actually_billed(data: dict[str, Any], count: int) -> None:
    """Several timed services of 7 min each: the step explaining them names the billed count, not always one."""
    timed = ["97110", "97112", "97530", "97140", "97535", "97116"][:count]
    need(data, *timed)
    result = compute([(code, 7) for code in timed], data["rules"]["cms"], data["codes"])
    assert result["timed_units"] == table_units(7 * count)
    step = next(s for s in result["steps"] if "took under 8 minutes, but together" in s)
    billed = result["timed_units"]
    assert f"so {billed} unit{'' if billed == 1 else 's'} {'is' if billed == 1 else 'are'} billed" in step
