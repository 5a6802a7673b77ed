"""From tagged trainee sentences to a level per rubric dimension, with the quotes that justify it
and the gaps that feedback should name."""

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
GAMING_CAP = 2


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


def is_stuffed(items: Sequence[Tagged]) -> bool:
    """Many apology and sympathy phrases with little that is about this customer or a remedy."""
    phrases = count(items, *_EMPATHY_CUES)
    substance = sum(1 for i in items if i.mirror or i.tags & _SUBSTANCE)
    return (phrases >= 3 and substance == 0) or (phrases >= 4 and substance * 2 < phrases)


def judge_empathy(items: Sequence[Tagged], turns: int = 1) -> Judgement:
    real = _usable(items)
    bad = first(real, *_BAD)
    if bad is not None:
        code = next(t for t in _BAD if t in bad.tags)
        return Judgement(0, (bad.quote,), (code,), bad.quote)
    tags = frozenset().union(*(i.tags for i in items))
    if not tags & (_EMPATHY_CUES | {"courtesy", "matters"}):
        return Judgement(0, (), ("ignored",))
    specific = first(real, *_SPECIFIC)
    feeling = first(real, "feeling_cause", "feeling")
    apology = first(real, "apology")
    matters = first(real, "matters")
    adapt = first(real, "adapt")
    apologies = count(real, "apology", "apology_generic")
    depth = sum((matters is not None, adapt is not None,
                 sum(1 for i in real if i.mirror >= 2 and i.tags & _SPECIFIC) >= 2))
    level, gaps = 1, []
    if specific is None:
        gaps.append("generic")
    else:
        level = 2
        if apology is None:
            gaps.append("no_apology")
        if feeling is None and matters is None:
            gaps.append("no_feeling")
        if apology is not None and (feeling is not None or matters is not None):
            level = 3
            if depth < 2:
                gaps.append("no_matters")
            elif apologies > turns + 1:
                gaps.append("over_apology")
            else:
                level = 4
    if is_stuffed(real):
        level, gaps = min(level, 1), ["stuffed"]
    if "gaming" in tags and level > GAMING_CAP:
        level, gaps = GAMING_CAP, ["gaming"]
    generic = first(real, "apology_generic", "courtesy", "ack", "feeling")
    evidence = (_quotes(specific, feeling, apology, matters or adapt) if level >= 2
                else _quotes(generic))
    return Judgement(level, evidence, tuple(gaps) + (("gaming",) if "gaming" in tags else ()))


def judge_ownership(items: Sequence[Tagged], company_fault: bool = False) -> Judgement:
    real = _usable(items)
    tags = frozenset().union(*(i.tags for i in real)) if real else frozenset()
    deflect = first(real, "deflect", "redirect")
    take = first(real, "take", "done")
    team = first(real, "team_take")
    gaming = any("gaming" in i.tags for i in items)
    if not real:
        return Judgement(0, (), ("nothing",) + (("gaming",) if gaming else ()))
    refuse = first(real, "refuse")
    if (deflect and not take) or (refuse and not take and not team):
        bad = deflect or refuse
        return Judgement(0, (bad.quote,), ("deflect",), bad.quote)
    concrete = first(real, "when", "reference", "done")
    closing = [first(real, t) for t in _CLOSING]
    gaps: list[str] = []
    if take is None:
        level = 2 if team else 1
        gaps.append("not_personal")
        if concrete is None:
            gaps.append("no_time")
    elif concrete is None:
        level = 2
        gaps.append("no_time")
    else:
        level = 3
        if sum(1 for c in closing if c) < 2:
            gaps.append("no_close")
        elif company_fault and "own_mistake" not in tags:
            gaps.append("no_mistake")
        else:
            level = 4
    if company_fault and "own_mistake" not in tags and "no_mistake" not in gaps and level >= 3:
        gaps.append("no_mistake")
    if deflect and level > 2:
        level, gaps = 2, ["deflect", *gaps]
    if gaming and level > GAMING_CAP:
        level, gaps = GAMING_CAP, ["gaming", *gaps]
    evidence = _quotes(take or team or first(real, "vague", "handoff"), concrete,
                       *(c for c in closing if c))
    return Judgement(level, evidence, tuple(gaps) + (("gaming",) if gaming else ()),
                     deflect.quote if deflect else "")


def judge_accuracy(items: Sequence[Tagged], found: CaseFindings, case: CaseFile | None) -> Judgement:
    if case is None or not case.judgeable:
        return Judgement(None, (), ("no_case",))
    wrong = found.flagged + found.contradicted + found.wrong
    if any(m.sure for m in wrong):
        quotes = tuple(dict.fromkeys(m.quote for m in wrong if m.sure))[:3]
        return Judgement(0, quotes, ("wrong",), quotes[0])
    gaming = any("gaming" in i.tags for i in items)
    evidence = tuple(dict.fromkeys(m.quote for m in found.covered))[:3]
    total = len(case.key_points)
    if total == 0:
        level = 3 if _usable(items) else 1
    else:
        share = len(found.covered) / total
        precise = all(m.precise for m in found.covered)
        level = (4 if share == 1 and precise else 3 if share >= 0.6 else 2 if share >= 0.25
                 else 1)
    gaps = ("imprecise",) if level == 3 and len(found.covered) == total else ()
    if wrong:  # only possibly wrong: a topic was touched in a way that may be mistaken
        level, gaps = min(level, 1), ("doubtful", *gaps)
        evidence = tuple(dict.fromkeys(m.quote for m in wrong))[:3]
    if gaming and level > GAMING_CAP:
        level, gaps = GAMING_CAP, ("gaming", *gaps)
    return Judgement(level, evidence, gaps + (("gaming",) if gaming and "gaming" not in gaps
                                              else ()))
