"""The one-place-per-fact check: which sentences count, and that the real data holds no copy."""

from __future__ import annotations

import datetime as dt

from build_tools.checks.base import Context
from build_tools.checks.duplicates import MIN_WORDS, no_sentence_in_two_files, sentences
from build_tools.load import load_project


def test_only_sentences_of_twelve_words_or_more_count() -> None:
    eleven = "one two three four five six seven eight nine ten eleven."
    twelve = "one two three four five six seven eight nine ten eleven twelve."
    assert MIN_WORDS == 12
    assert sentences(eleven) == []
    assert sentences(twelve) == [("one two three four five six seven eight nine ten eleven twelve", 12)]


def test_case_spacing_and_punctuation_are_folded() -> None:
    a = sentences("Medicare pays the KX line only when the care is necessary and documented, every year.")
    b = sentences("medicare  pays the KX line only when the care is necessary and documented every year!")
    assert a == b and a


def test_the_project_data_has_no_sentence_in_two_files() -> None:
    project = load_project()
    ok = {d.path for d in project.documents() if d.ok}
    ctx = Context(project, ok, dt.date(2026, 11, 28))
    assert list(no_sentence_in_two_files(ctx)) == []
