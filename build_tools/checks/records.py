"""Cross-reference rules over the records in data/: files, ids, dates, citations and references.

They run after the schema pass and look only at documents that passed it
(`Context.ok`), so each rule may rely on the shapes the schemas promise. Ids that
rules resolve against are gathered leniently from every readable file, so one
broken record does not make every reference to it dangle.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

from build_tools.checks.base import Context, Rule, dangling
from build_tools.checks.schema import suggest
from build_tools.load import ID_FIELDS, RECORD_KINDS, Document, record_id
from build_tools.report import Problem

#: keys whose values are dates that must not lie in the future
DATE_KEYS = ("reviewed", "accessed", "as_of")
#: activity field -> vocabulary in data/vocab.yaml
ACTIVITY_VOCAB = {
    "populations": "populations",
    "settings": "settings",
    "skills": "skills",
    "deficits": "deficits",
    "diagnoses": "diagnoses",
}
FIXED_RULES = ("cms", "ama")


def files_all_loaded(ctx: Context) -> Iterator[Problem]:
    """The number of records loaded equals the number of files in each record folder."""
    for kind in RECORD_KINDS:
        folder = ctx.project.root / "data" / kind
        on_disk = sorted(p for p in folder.iterdir() if not p.name.startswith(".")) if folder.is_dir() else []
        loaded = {d.path for d in ctx.project.records[kind].values()}
        for path in on_disk:
            if path not in loaded:
                fix = f"rename it to {path.stem}.yaml" if path.is_file() else "move it out of the folder"
                yield Problem(path, 1, 1, f"not loaded: data/{kind}/ holds one .yaml file per record", fix)


def ids_match_filenames(ctx: Context) -> Iterator[Problem]:
    """A record's id equals its file name (so links and references can be built from either)."""
    for kind, id_field in ID_FIELDS.items():
        for stem, doc in ctx.project.records[kind].items():
            value = record_id(kind, doc)
            if ctx.valid(doc) and value != stem:
                fix = f"rename the file to {value}.yaml, or write {id_field}: '{stem}'"
                yield doc.problem((id_field,), f"{id_field} '{value}' differs from the file name {stem}.yaml", fix)


def unique_list_ids(ctx: Context) -> Iterator[Problem]:
    """Ids are unique in the bibliography and in each vocabulary."""
    lists = [(ctx.project.sources, "sources")]
    if isinstance(ctx.project.vocab.data, dict):
        lists += [(ctx.project.vocab, name) for name in ctx.project.vocab.data]
    for doc, key in lists:
        if not ctx.valid(doc):
            continue
        first: dict[str, int] = {}
        for i, item in enumerate(doc.data[key]):
            if item["id"] in first:
                line = doc.at(key, first[item["id"]], "id")[0]
                yield doc.problem((key, i, "id"), f"duplicate id '{item['id']}' (first at line {line})", "rename one")
            first.setdefault(item["id"], i)


def dates_not_future(ctx: Context) -> Iterator[Problem]:
    """Review, access and as-of dates are real (the schema's format check) and not after today."""
    for doc in ctx.project.documents():
        if not ctx.valid(doc):
            continue
        for where, value in ctx.strings(doc):
            if where and where[-1] in DATE_KEYS:
                try:
                    day = dt.date.fromisoformat(value)
                except ValueError:
                    continue
                if day > ctx.today:
                    msg = f"{where[-1]} must not be in the future: '{value}'"
                    yield doc.problem(where, msg, f"use the date it was really done (today is {ctx.today})")


def sources_exist(ctx: Context) -> Iterator[Problem]:
    """Every citation names an entry of data/sources.yaml (not checked while that file cannot be read)."""
    if not isinstance(ctx.project.sources.data, dict):
        return
    known = ctx.source_ids
    for doc in ctx.project.documents():
        if not ctx.valid(doc) or doc is ctx.project.sources:
            continue
        for where, value in ctx.strings(doc):
            cited = len(where) >= 3 and where[-3] == "sources" and where[-1] == "source"
            if cited and value not in known:
                yield dangling(doc, where, "source", value, known)


def _code_refs(kind: str, data: dict[str, Any]) -> Iterator[tuple[tuple[str | int, ...], Any]]:
    """(path, code) of every code a record of `kind` names."""
    if kind == "codes":
        for key in ("addon_code", "primary_code"):
            if key in data:
                yield (key,), data[key]
        for i, n in enumerate(data.get("guidance", {}).get("neighbours", [])):
            yield ("guidance", "neighbours", i, "code"), n["code"]
    elif kind == "activities":
        yield ("likely_code",), data["likely_code"]
        for i, change in enumerate(data["code_changes"]):
            yield ("code_changes", i, "code"), change["code"]
    elif kind == "cases":
        yield ("answer", "code"), data["answer"]["code"]
        yield ("tempting", "code"), data["tempting"]["code"]
        if "billed_as" in data:
            yield ("billed_as",), data["billed_as"]
        for code in data["answer"].get("units", {}).get("minutes", {}):
            yield ("answer", "units", "minutes", code), code
    elif kind == "topics":
        for i, code in enumerate(data["codes"]):
            yield ("codes", i), code
    elif kind == "payers":
        for i, status in enumerate(data.get("code_status", [])):
            yield ("code_status", i, "code"), status["code"]
            if "use" in status:
                yield ("code_status", i, "use"), status["use"]
        for i, pair in enumerate(data.get("exclusive_pairs", [])):
            for j, code in enumerate(pair["codes"]):
                yield ("exclusive_pairs", i, "codes", j), code


def codes_exist(ctx: Context) -> Iterator[Problem]:
    """Neighbours, likely codes, code changes, billed-as, tempting and answer codes name existing code records."""
    known = ctx.ids("codes")
    for kind in RECORD_KINDS:
        for doc in ctx.records(kind):
            for where, code in _code_refs(kind, doc.data):
                if code not in known:
                    yield dangling(doc, where, "code", code, known)


def topics_exist(ctx: Context) -> Iterator[Problem]:
    """Guide topics named by caveats and modifiers (`topic:`) exist; a topic's modifiers exist in payer data."""
    known = ctx.ids("topics")
    modifiers = {str(m["code"]) for d in ctx.records("payers") for m in d.data.get("modifiers", [])}
    unread = any(not ctx.valid(d) for d in ctx.project.payers.values())  # reported itself; no cascade
    for doc in [] if unread else ctx.records("topics"):
        for i, mod in enumerate(doc.data.get("modifiers", [])):
            if mod not in modifiers:
                yield dangling(doc, ("modifiers", i), "modifier", mod, modifiers)
    for kind in ("codes", "payers"):
        for doc in ctx.records(kind):
            for where, value in ctx.strings(doc):
                if where and where[-1] == "topic" and value not in known:
                    yield dangling(doc, where, "topic", value, known)


def activities_exist(ctx: Context) -> Iterator[Problem]:
    """Activity slugs named by cases exist in data/activities/."""
    known = ctx.ids("activities")
    for doc in ctx.records("cases"):
        for i, slug in enumerate(doc.data.get("activities", [])):
            if slug not in known:
                yield dangling(doc, ("activities", i), "activity", slug, known)


def vocabulary_terms_exist(ctx: Context) -> Iterator[Problem]:
    """Records use only terms listed in data/vocab.yaml."""
    if not ctx.valid(ctx.project.vocab):
        return

    def check(doc: Document, where: tuple[str | int, ...], vocab: str, term: str) -> Iterator[Problem]:
        known = ctx.vocab(vocab)
        if term not in known:
            fix = suggest(term, known) or f"add it to {vocab} in data/vocab.yaml first"
            yield doc.problem(where, f"'{term}' is not a term of the {vocab} vocabulary", fix)

    for doc in ctx.records("activities"):
        for key, vocab in ACTIVITY_VOCAB.items():
            for i, term in enumerate(doc.data[key]):
                yield from check(doc, (key, i), vocab, term)
        for side in ("grade_up", "grade_down"):
            for i, grade in enumerate(doc.data[side]):
                yield from check(doc, (side, i, "dimension"), "grading", grade["dimension"])
        yield from check(doc, ("sample_note", "assist_level"), "assist_levels", doc.data["sample_note"]["assist_level"])
    for doc in ctx.records("codes"):
        yield from check(doc, ("family",), "code_families", doc.data["family"])
    for doc in ctx.records("cases"):
        if "setting" in doc.data:
            yield from check(doc, ("setting",), "settings", doc.data["setting"])


def unit_rules_exist(ctx: Context) -> Iterator[Problem]:
    """The fixed unit rules cms and ama exist, cases name existing rules, exclusive pairs keep one of their codes."""
    known = ctx.ids("payers")
    folder = ctx.project.root / "data" / "payers"
    for rule in FIXED_RULES:
        if rule not in known:
            yield Problem(
                folder / f"{rule}.yaml", 1, 1, f"unit rule '{rule}' is missing", f"add data/payers/{rule}.yaml"
            )
    for doc in ctx.records("cases"):
        units = doc.data["answer"].get("units")
        if units and units["rule"] not in known:
            yield dangling(doc, ("answer", "units", "rule"), "unit rule", units["rule"], known)
    for doc in ctx.records("payers"):
        for i, pair in enumerate(doc.data.get("exclusive_pairs", [])):
            if pair["keep"] not in pair["codes"]:
                yield doc.problem(
                    ("exclusive_pairs", i, "keep"),
                    f"keep '{pair['keep']}' is not one of the pair {' and '.join(pair['codes'])}",
                    "keep must name the code of the two that is billed",
                )


def answers_billable_alone(ctx: Context) -> Iterator[Problem]:
    """A case's answer is never an add-on code alone: the claim needs its primary code (97130 goes with 97129)."""
    primary = {
        str(d.data["code"]): str(d.data["primary_code"])
        for d in ctx.project.codes.values()
        if ctx.valid(d) and d.data.get("primary_code")
    }
    for doc in ctx.records("cases"):
        code = doc.data["answer"]["code"]
        if code in primary:
            yield doc.problem(
                ("answer", "code"),
                f"answer.code {code} is an add-on code, billed only together with {primary[code]}",
                f"make answer.code {primary[code]} and add answer.units with the case's minutes on "
                f"{primary[code]}, so the claim shows both lines",
            )


#: the record rules, in the order they run
RULES: list[Rule] = [
    files_all_loaded,
    ids_match_filenames,
    unique_list_ids,
    dates_not_future,
    sources_exist,
    codes_exist,
    topics_exist,
    activities_exist,
    vocabulary_terms_exist,
    unit_rules_exist,
    answers_billable_alone,
]
