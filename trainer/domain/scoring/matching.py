"""What the trainee said against the case file: key points covered, red flags said, and figures or
promises that contradict the facts and policy."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from ..language.concepts import content_concepts
from ..language.numbers import Quantity, quantities
from ..language.text import is_negated
from .casefile import _REMEDIES, _WEAK, CaseFile, Claim
from .reading import Tagged

_PROMISE_TAGS = frozenset({"take", "team_take", "done", "expect"})


@dataclass(frozen=True)
class Match:
    claim_id: str
    quote: str
    precise: bool = True
    why: str = ""  # for a contradiction: what was wrong


@dataclass(frozen=True)
class CaseFindings:
    covered: tuple[Match, ...] = ()  # key points stated
    contradicted: tuple[Match, ...] = ()  # key points denied, or stated with a wrong figure
    flagged: tuple[Match, ...] = ()  # red flags said
    wrong: tuple[Match, ...] = ()  # promises beyond policy and wrong figures, no red flag id


@dataclass(frozen=True)
class _Fit:
    coverage: float  # share of the claim's weight the sentence carries
    units: int  # concepts and figures matched
    precise: bool  # every figure said exactly
    conflict: bool  # a figure said differently and not found anywhere in the case file


def _fit(claim: Claim, concepts: frozenset[str], qs: tuple[Quantity, ...],
         known: frozenset[Quantity]) -> _Fit:
    matched = [w for c, w in claim.concepts if c in concepts]
    points, precise, conflict = sum(matched), True, False
    units = len(matched)
    for figure in claim.figures:
        same_kind = [q for q in qs if q.kind == figure.kind]
        if any(figure.same_as(q) for q in same_kind):
            points, units = points + 2.0, units + 1
        elif any(figure.close_to(q) for q in same_kind):
            points, units, precise = points + 1.0, units + 1, False
        else:
            precise = False
            conflict = conflict or any(not any(q.same_as(k) for k in known) for q in same_kind)
    return _Fit(points / claim.total if claim.total else 0.0, units, precise, conflict)


def _needed(claim: Claim) -> int:
    return min(2, len(claim.concepts) + len(claim.figures))


def _negated_for(claim: Claim, item: Tagged) -> bool:
    """Whether the clause carrying most of the claim is negated."""
    names = {c for c, _ in claim.concepts}
    best = max(item.sentence.clauses, key=lambda c: len(content_concepts(c) & names))
    return is_negated(best)


def _head(claim: Claim) -> str:
    strong = [c for c, _ in claim.concepts if c not in _WEAK]
    return strong[0] if strong else ""


def check_case(tagged: Iterable[Tagged], case: CaseFile) -> CaseFindings:
    covered: dict[str, Match] = {}
    contradicted: dict[str, Match] = {}
    flagged: dict[str, Match] = {}
    wrong: list[Match] = []
    for item in tagged:
        if item.tags & {"gaming", "fragment"}:
            continue
        low = item.sentence.lower
        concepts, qs = content_concepts(low), quantities(low)
        for claim in case.key_points:
            _key_point(claim, item, concepts, qs, case, covered, contradicted)
        for claim in case.red_flags:
            if claim.id not in flagged and _says_flag(claim, item, concepts, qs, case):
                flagged[claim.id] = Match(claim.id, item.quote)
        over = _over_limit(item, concepts, qs, case)
        if over and not any(c.kind == "overpromise" for c in case.red_flags):
            wrong.append(Match("", item.quote, why=over))
        elif over:
            flag = next(c for c in case.red_flags if c.kind == "overpromise")
            flagged.setdefault(flag.id, Match(flag.id, item.quote, why=over))
    return CaseFindings(tuple(covered.values()), tuple(contradicted.values()),
                        tuple(flagged.values()), tuple(wrong))


def _key_point(claim: Claim, item: Tagged, concepts: frozenset[str], qs: tuple[Quantity, ...],
               case: CaseFile, covered: dict[str, Match], contradicted: dict[str, Match]) -> None:
    low = item.sentence.lower
    if any(h and h in low for h in claim.hints) and not is_negated(low):
        covered[claim.id] = Match(claim.id, item.quote)
        return
    fit = _fit(claim, concepts, qs, case.known)
    if "refuse" in item.tags and _head(claim) in concepts:
        contradicted.setdefault(claim.id, Match(claim.id, item.quote, why="refuses it"))
        return
    if fit.coverage < 0.5 or fit.units < _needed(claim):
        return
    if fit.conflict:
        contradicted.setdefault(claim.id, Match(claim.id, item.quote, why="wrong figure"))
    elif _negated_for(claim, item):
        return
    elif claim.id not in covered or (fit.precise and not covered[claim.id].precise):
        covered[claim.id] = Match(claim.id, item.quote, fit.precise)


def _says_flag(claim: Claim, item: Tagged, concepts: frozenset[str], qs: tuple[Quantity, ...],
               case: CaseFile) -> bool:
    low = item.sentence.lower
    if any(h and h in low for h in claim.hints):
        return not is_negated(low)
    if claim.kind == "blame":
        return "blame" in item.tags
    if claim.kind == "redirect":
        return "redirect" in item.tags and (not claim.targets
                                            or any(t in low for t in claim.targets))
    if claim.kind == "overpromise":
        return False  # judged against the policy's limits
    fit = _fit(claim, concepts, qs, case.known)
    if fit.coverage < 0.6 or fit.units < _needed(claim):
        return False
    denied = _negated_for(claim, item) or bool(item.tags & {"refuse", "deflect"})
    return denied if claim.kind == "negative" else not denied


def _over_limit(item: Tagged, concepts: frozenset[str], qs: tuple[Quantity, ...],
                case: CaseFile) -> str:
    """A promised amount above what policy lets staff give, or '' when there is none."""
    if not case.limits or not item.tags & _PROMISE_TAGS and "can " not in item.sentence.lower:
        return ""
    remedies = concepts & _REMEDIES
    for q in qs:
        if q.kind not in ("money", "count") or any(q.same_as(k) for k in case.known):
            continue
        for limit in case.limits:
            if remedies & limit.remedies and q.value > limit.amount:
                return f"promises {q.value:g} where policy allows up to {limit.amount:g}"
    return ""
