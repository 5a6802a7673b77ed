"""The rule scorer: deterministic, explainable rubric levels from the trainee's own words.
Precision first: a level of 0 needs certain evidence; anything less sure is feedback."""

from __future__ import annotations

import re

from ..language.languages import is_other_language
from ..library import DIMENSIONS, Rubric, Scenario
from ..transcript import CUSTOMER, TRAINEE, Transcript
from . import DimensionScore, Scorecard, summarise
from .casefile import CaseFile, casefile
from .feedback import Context, describe, describe_accuracy
from .gaming import gaming_signals
from .levels import Judgement, capped, judge_accuracy, judge_empathy, judge_ownership
from .matching import CaseFindings, check_case
from .reading import Tagged, read_turn, situation_of

_FIRST_CLAUSE = re.compile(r"[^.!?;,\n-]{12,80}")
EMPTY_NOTE = "The reply was empty: there was nothing to score, so every level is 0."
OTHER_LANGUAGE_NOTE = ("The reply does not look like English, so the rule scorer could not "
                       "judge it; a manager should review it.")
# Which gap each kind of gaming leaves in the feedback when it lowers a level.
_GAMING_GAPS = {"injection": "gaming", "implausible": "gaming", "stuffing": "stuffed",
                "hollow ownership": "hollow", "keyword list": "keyword_list"}


class RuleScorer:
    name = "rules-2"

    def score(self, transcript: Transcript, scenario: Scenario | None,
              rubric: Rubric) -> Scorecard:
        replies = [t.text for t in transcript if t.role == TRAINEE]
        case = casefile(scenario) if scenario is not None else None
        judgeable = bool(case and case.judgeable)
        if not any(r.strip() for r in replies):
            return self._unscored(rubric, 0 if judgeable else None, EMPTY_NOTE)
        if is_other_language(" ".join(replies)):
            return self._unscored(rubric, None, OTHER_LANGUAGE_NOTE, review=True)
        said = [t.text for t in transcript if t.role == CUSTOMER]
        situation = _situation(said, scenario)
        read = [read_turn(text, situation) for text in replies]
        items: list[Tagged] = [i for turn in read for i in turn]
        found = check_case(read, case) if judgeable else CaseFindings()
        ctx = Context(_customer_words(said, scenario), case.time_example if case else "")
        judged = {"empathy": judge_empathy(items, max(len(read), 1)),
                  "ownership": judge_ownership(items, bool(case and case.company_fault)),
                  "accuracy": judge_accuracy(items, found, case)}
        for found_signal in gaming_signals(replies):
            gap = _GAMING_GAPS[found_signal.kind]
            judged = {name: capped(j, found_signal.caps[name], gap) for name, j in judged.items()}
        dims = {name: DimensionScore(j.level, j.evidence, _feedback(name, j, ctx, found,
                                                                    scenario))
                for name, j in judged.items()}
        overall, passed = summarise(rubric, dims)
        return Scorecard(self.name, dims, overall, passed, *_ids(found, case))

    def _unscored(self, rubric: Rubric, accuracy: int | None, note: str,
                  review: bool = False) -> Scorecard:
        """A card for a reply with nothing to judge: empty (0s) or in another language (nulls)."""
        level = None if review else 0
        dims = {name: DimensionScore(accuracy if name == "accuracy" else level, (), note)
                for name in DIMENSIONS}
        overall, passed = summarise(rubric, dims)
        return Scorecard(self.name, dims, overall, passed, notes=(note,),
                         review_reason="the reply is not in English" if review else "")


def _feedback(name: str, judged: Judgement, ctx: Context, found: CaseFindings,
              scenario: Scenario | None) -> str:
    if name == "accuracy":
        return describe_accuracy(judged, found, scenario)
    return describe(name, judged, ctx)


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
    return covered, missed, tuple(m.claim_id for m in found.flagged if m.sure)
