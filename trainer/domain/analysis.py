"""What one trainee reply did: the reading shared by the rule scorer and the scripted customer."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from .library import Scenario
from .scoring.casefile import casefile
from .scoring.levels import judge_empathy, judge_ownership
from .scoring.matching import CaseFindings, check_case
from .scoring.reading import read_turn, situation_of

_DISMISSIVE = frozenset({"negated_empathy", "blame", "dismissive", "deflect", "redirect"})
_CONCRETE = frozenset({"when", "reference", "done"})
_COMMITTED = frozenset({"take", "team_take", "done"})
# Readings a process keeps: the scripted customer reads every earlier answer again on each turn
# (its mood is replayed from the whole conversation), and an answer reads the same each time.
READINGS_KEPT = 256


@dataclass(frozen=True)
class ReplyAnalysis:
    empathy: int  # 0..4, this reply alone, on the rubric's empathy scale
    ownership: int  # 0..4, this reply alone
    key_points: frozenset[str]  # ids of the scenario's key points this reply covers
    red_flags: frozenset[str]  # ids of the scenario's red flags this reply says
    dismissive: bool  # brushed off, argued with or blamed the customer, or deflected
    concrete_step: bool  # gave a concrete next step (an action with a time or a reference)
    contradicted: frozenset[str] = frozenset()  # key points it denied or got a figure wrong in
    wrong: bool = False  # said something the case file or policy contradicts (incl. red flags)
    addresses_grader: bool = False  # wrote to the scorer instead of the customer
    tags: frozenset[str] = frozenset()  # the reading's tags of every sentence (scoring/reading.py)
    mirror: int = 0  # how many of the customer's own concepts and figures it repeats


@lru_cache(maxsize=READINGS_KEPT)
def analyse_reply(text: str, scenario: Scenario | None, customer_line: str = "") -> ReplyAnalysis:
    """What ``text`` did, read against ``scenario``'s case file; kept by value (the text, the
    whole scenario as played and the customer's line), so an edited scenario is read afresh."""
    case = casefile(scenario) if scenario is not None else None
    opening = scenario.opening if scenario is not None else ""
    situation = situation_of(f"{opening} {customer_line}")
    items = read_turn(text, situation)
    found = check_case([items], case) if case and case.judgeable else CaseFindings()
    empathy = judge_empathy(items)
    ownership = judge_ownership(items, bool(case and case.company_fault))
    tags = frozenset().union(*(i.tags for i in items)) if items else frozenset()
    refused = "refuse" in tags and not tags & _COMMITTED
    return ReplyAnalysis(
        empathy=empathy.level or 0,
        ownership=ownership.level or 0,
        key_points=frozenset(m.claim_id for m in found.covered),
        red_flags=frozenset(m.claim_id for m in found.flagged),
        dismissive=bool(tags & _DISMISSIVE) or refused,
        concrete_step=bool(tags & _CONCRETE) and bool(tags & _COMMITTED),
        contradicted=frozenset(m.claim_id for m in found.contradicted),
        wrong=bool(found.flagged or found.contradicted or found.wrong),
        addresses_grader="gaming" in tags,
        tags=tags,
        mirror=sum(i.mirror for i in items),
    )
