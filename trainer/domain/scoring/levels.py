"""From tagged trainee sentences to a level per dimension, its evidence and the gaps to name."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from .casefile import CaseFile
from .matching import CaseFindings
from .reading import Tagged

_EMPATHY_CUES = frozenset({"apology", "apology_generic", "feeling", "feeling_cause", "ack",
                           "ack_specific"})
_SPECIFIC = frozenset({"ack_specific", "apology_specific", "feeling_cause"})
_SUBSTANCE = frozenset({"take", "team_take", "done", "reference", "when", "expect", "own_mistake"})
_CLOSING = ("follow_up", "check", "expect")
_BAD = ("negated_empathy", "blame", "dismissive")


@dataclass(frozen=True)
class Judgement:
    level: int | None
    evidence: tuple[str, ...] = ()
    gaps: tuple[str, ...] = ()  # what was missing or wrong, as codes that feedback words
    offending: str = ""  # the quote that pulled the level down


def first(items: Sequence[Tagged], *tags: str) -> Tagged | None:
    return next((i for i in items if i.tags.intersection(tags)), None)


def count(items: Sequence[Tagged], *tags: str) -> int:
    return sum(1 for i in items if i.tags.intersection(tags))


def _quotes(*found: Tagged | None, limit: int = 3) -> tuple[str, ...]:
    out: list[str] = []
    for item in found:
        if item is not None and item.quote not in out:
            out.append(item.quote)
    return tuple(out[:limit])


def _usable(items: Sequence[Tagged]) -> list[Tagged]:
    return [i for i in items if not i.tags & {"gaming", "fragment"}]


def judge_empathy(items: Sequence[Tagged], turns: int = 1) -> Judgement:
    real = _usable(items)
    bad = first(real, *_BAD)
    if bad is not None:
        code = next(t for t in _BAD if t in bad.tags)
        return Judgement(0, (bad.quote,), (code,), bad.quote)
    tags = frozenset().union(*(i.tags for i in real))
    if not tags & (_EMPATHY_CUES | {"courtesy", "matters"}):
        return Judgement(0, (), ("ignored",))  # the rubric: "ignores how they feel"
    level, gaps = _empathy_ladder(real, turns)
    if level >= 2:
        evidence = _quotes(first(real, *_SPECIFIC), first(real, "feeling_cause", "feeling"),
                           first(real, "apology"), first(real, "matters", "adapt"))
    else:
        evidence = _quotes(first(real, "apology_generic", "courtesy", "ack", "feeling"))
    return Judgement(level, evidence, tuple(gaps))


def _empathy_ladder(real: list[Tagged], turns: int) -> tuple[int, list[str]]:
    """Generic (1), specific (2), feeling or stakes with an apology (3; their feeling named for
    what happened to them, with one sign of depth, stands in for the apology), and going deeper
    (4): two of why it matters, adapting to them, and mirroring their situation more than once."""
    if first(real, *_SPECIFIC) is None:
        return 1, ["generic"]
    feeling = first(real, "feeling_cause", "feeling")
    apology = first(real, "apology")
    matters = first(real, "matters")
    if not (feeling or matters):
        return 2, ["no_feeling"] + ([] if apology else ["no_apology"])
    # Naming their feeling for what happened to them carries level 3 without the word "sorry"
    # (people who label replies agree); the apology is then advice, not a gate.
    if not apology and not (first(real, "feeling_cause") and _depth(real) >= 1):
        return 2, ["no_apology"]
    gaps = [] if apology else ["no_apology"]
    depth = _depth(real)
    if depth < 2 or not apology:
        return 3, [*gaps, "no_matters"] if depth < 2 else gaps
    if count(real, "apology", "apology_generic") > turns + 1:
        return 3, ["over_apology"]
    return 4, []


def _depth(real: list[Tagged]) -> int:
    """How far past naming the feeling it goes: why it matters to them, adapting to them, and
    saying their situation back more than once (0 to 3)."""
    return sum((first(real, "matters") is not None, first(real, "adapt") is not None,
                sum(1 for i in real if i.mirror >= 2 and i.tags & _SPECIFIC) >= 2))


def judge_ownership(items: Sequence[Tagged], company_fault: bool = False) -> Judgement:
    real = _usable(items)
    if not real:
        return Judgement(0, (), ("nothing",))
    deflect = first(real, "deflect", "redirect")
    take, team = first(real, "take", "done"), first(real, "team_take")
    refuse = first(real, "refuse")
    if (deflect and not take) or (refuse and not take and not team):
        bad = deflect or refuse
        return Judgement(0, (bad.quote,), ("deflect",), bad.quote)
    level, gaps = _ownership_ladder(real)
    owned = any("own_mistake" in i.tags for i in real)
    if company_fault and not owned and level >= 3:
        gaps.append("no_mistake")  # advice only: the labels do not insist on it for the level
    if deflect and level > 2:
        level, gaps = 2, ["deflect", *gaps]
    evidence = _quotes(take or team or first(real, "vague", "handoff"),
                       first(real, "when", "reference", "done"),
                       *(first(real, t) for t in _CLOSING))
    return Judgement(level, evidence, tuple(gaps), deflect.quote if deflect else "")


def _ownership_ladder(real: list[Tagged]) -> tuple[int, list[str]]:
    """Vague (1), taken on (2), with a concrete time or reference (3), and the loop closed (4):
    two of a follow-up (one with a time counts twice), a satisfaction check, what happens next."""
    take, team = first(real, "take", "done"), first(real, "team_take")
    concrete = first(real, "when", "reference", "done")
    if take is None:
        return (2 if team else 1), ["not_personal"] + ([] if concrete else ["no_time"])
    if concrete is None:
        return 2, ["no_time"]
    follow = first(real, "follow_up")
    closed = sum(1 for t in _CLOSING if first(real, t)) + bool(follow and "when" in follow.tags)
    return (4, []) if closed >= 2 else (3, ["no_close"])


def judge_accuracy(items: Sequence[Tagged], found: CaseFindings,
                   case: CaseFile | None) -> Judgement:
    if case is None or not case.judgeable:
        return Judgement(None, (), ("no_case",))
    wrong = found.flagged + found.contradicted + found.wrong
    if any(m.sure for m in wrong):
        quotes = tuple(dict.fromkeys(m.quote for m in wrong if m.sure))[:3]
        return Judgement(0, quotes, ("wrong",), quotes[0])
    evidence = tuple(dict.fromkeys(m.quote for m in found.covered))[:3]
    total = len(case.key_points)
    if total == 0:
        level = 3 if _usable(items) else 1
    else:
        share = len(found.covered) / total
        precise = all(m.precise for m in found.covered)
        # DESIGN: 4 every key point, precisely; 3 most (more than half); 2 some (one in five
        # or more); 1 misses most.
        level = (4 if share == 1 and precise else 3 if share > 0.5 else 2 if share >= 0.2
                 else 1)
    gaps = ("imprecise",) if level == 3 and len(found.covered) == total else ()
    if wrong:
        # Possibly wrong (a topic touched in a way that may be mistaken): precision first, so
        # it is feedback with the quote and never moves the level; a manager's review can.
        gaps = ("doubtful", *gaps)
    return Judgement(level, evidence, gaps)


def capped(judged: Judgement, limit: int | None, code: str) -> Judgement:
    """The judgement held to ``limit`` (a gaming cap); the feedback says why either way, and
    what the lowered level would have needed no longer applies."""
    if limit is None or judged.level is None:
        return judged
    if judged.level <= limit:
        gaps = judged.gaps if code in judged.gaps else (*judged.gaps, code)
        return Judgement(judged.level, judged.evidence, gaps, judged.offending)
    return Judgement(limit, judged.evidence, (code,), judged.offending)
