"""The rule scorer: deterministic, explainable rubric levels from the trainee's own words."""

from __future__ import annotations

import re

from ..library import Rubric, Scenario
from ..transcript import CUSTOMER, TRAINEE, Transcript
from . import DimensionScore, Scorecard, summarise
from .casefile import CaseFile, casefile
from .feedback import Context, describe, describe_accuracy
from .levels import judge_accuracy, judge_empathy, judge_ownership
from .matching import CaseFindings, check_case
from .reading import Tagged, read_turn, situation_of

_FIRST_CLAUSE = re.compile(r"[^.!?;,\n-]{12,80}")


class RuleScorer:
    name = "rules-1"

    def score(self, transcript: Transcript, scenario: Scenario | None,
              rubric: Rubric) -> Scorecard:
        case = casefile(scenario) if scenario is not None else None
        said = [t.text for t in transcript if t.role == CUSTOMER]
        situation = _situation(said, scenario)
        read = [read_turn(t.text, situation) for t in transcript if t.role == TRAINEE]
        items: list[Tagged] = [i for turn in read for i in turn]
        turns = len(read)
        found = check_case(read, case) if case and case.judgeable else CaseFindings()
        ctx = Context(_customer_words(said, scenario), case.time_example if case else "")
        empathy = judge_empathy(items, max(turns, 1))
        ownership = judge_ownership(items, bool(case and case.company_fault))
        accuracy = judge_accuracy(items, found, case)
        dims = {
            "empathy": DimensionScore(empathy.level, empathy.evidence,
                                      describe("empathy", empathy, ctx)),
            "ownership": DimensionScore(ownership.level, ownership.evidence,
                                        describe("ownership", ownership, ctx)),
            "accuracy": DimensionScore(accuracy.level, accuracy.evidence,
                                       describe_accuracy(accuracy, found, scenario)),
        }
        overall, passed = summarise(rubric, dims)
        return Scorecard(self.name, dims, overall, passed, *_ids(found, case))


def _situation(said: list[str], scenario: Scenario | None) -> frozenset[str]:
    opening = scenario.opening if scenario is not None else ""
    return situation_of(" ".join([opening, *said]))


def _customer_words(said: list[str], scenario: Scenario | None) -> str:
    text = said[0] if said else (scenario.opening if scenario is not None else "")
    match = _FIRST_CLAUSE.search(text)
    return match.group().strip() if match else ""


def _ids(found: CaseFindings, case: CaseFile | None) -> tuple[tuple[str, ...], ...]:
    if case is None:
        return (), (), ()
    covered = tuple(m.claim_id for m in found.covered)
    missed = tuple(k.id for k in case.key_points if k.id not in covered)
    return covered, missed, tuple(m.claim_id for m in found.flagged)
