"""Cross-reference checks, one small generator per rule, each yielding Problems.

The rules live by subject: `records` (files, ids, dates, references), `tree`
(decision_tree.yaml and the case walks), `coach` (documentation patterns), `safety`
(the escaping policy, safe patterns, what the build computes with the engine),
`case_minutes` (a units case against its note) and `duplicates` (one place per
fact); `base` holds the Context they share. `rules()` lists them all in running order.
"""

from __future__ import annotations

from build_tools.checks import case_minutes, coach, duplicates, records, safety, tree
from build_tools.checks.base import Context, Rule
from build_tools.report import Problem

__all__ = ["Context", "Rule", "rules", "run"]


def rules() -> list[Rule]:
    """Every cross-reference rule, in the order they run."""
    return [*records.RULES, *tree.RULES, *coach.RULES, *safety.RULES, *case_minutes.RULES, *duplicates.RULES]


def run(ctx: Context) -> list[Problem]:
    return [p for rule in rules() for p in rule(ctx)]
