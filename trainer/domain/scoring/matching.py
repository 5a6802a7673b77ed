"""The trainee's words against the case file: key points covered, red flags said, wrong figures."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import NamedTuple

from ..language.concepts import content_concepts
from ..language.numbers import Quantity, quantities
from ..language.spoken import read_spoken
from ..language.stemming import concept
from ..language.text import clauses as split_clauses
from ..language.text import (
    is_conditional,
    is_denial,
    is_negated,
    negated_before,
    statements,
)
from .amounts import allowed
from .casefile import TOPICAL, WEAK, CaseFile, Claim
from .certainty import REQUEST, is_known_figure, is_own_assertion, restates
from .reading import Tagged
from .statements import HEDGED, statement_errors

_SKIP = frozenset({"gaming", "fragment"})
_WORDS = re.compile(r"[a-z]+")
_WHEN_KINDS = ("time", "weekday", "date")
SPOKEN_REACH = 2  # a point may be made over this many sentences either side in speech
_EARLIER = re.compile(r"\b(?:sooner|earlier|faster|quicker|before|shorter|less|fewer|below|"
                      r"under)\b")


@dataclass(frozen=True)
class Match:
    claim_id: str
    quote: str
    precise: bool = True
    why: str = ""  # for a contradiction: what was wrong
    sure: bool = True  # False: matched on topic words alone, so only possibly wrong


@dataclass(frozen=True)
class CaseFindings:
    covered: tuple[Match, ...] = ()  # key points stated
    contradicted: tuple[Match, ...] = ()  # key points denied, or stated with a wrong figure
    flagged: tuple[Match, ...] = ()  # red flags said
    wrong: tuple[Match, ...] = ()  # promises beyond policy, with no red flag to name them


class _Seen(NamedTuple):
    """One sentence with the content of its neighbours (a point is often made over two)."""

    item: Tagged
    concepts: frozenset[str]
    around: frozenset[str]
    figures: tuple[Quantity, ...]
    around_figures: tuple[Quantity, ...]
    beside: tuple[str, ...] = ()  # spoken: neighbours that may be part of it (guessed ends)


class _Fit(NamedTuple):
    coverage: float  # share of the claim's weight carried
    units: int  # concepts and figures matched
    precise: bool  # the figures were said exactly
    conflict: bool  # a figure said differently that the case file never mentions


def _fit(claim: Claim, concepts: frozenset[str], qs: tuple[Quantity, ...], low: str,
         known: frozenset[Quantity]) -> _Fit:
    matched = [w for c, w in claim.concepts if c in concepts]
    points, units, missing, conflict = sum(matched), len(matched), 0, False
    for figure in claim.figures:
        same_kind = [q for q in qs if q.kind == figure.kind]
        if not same_kind:
            missing += 1
        elif any(figure.same_as(q) for q in same_kind):
            points, units = points + 2.0, units + 1
        elif any(figure.close_to(q) for q in same_kind):
            points, units, missing = points + 1.0, units + 1, missing + 1
        else:
            missing += 1
            conflict = conflict or not all(is_known_figure(q, known) for q in same_kind)
    bonus = sum(1 for b in claim.bonus if b in low) if claim.bonus else 0
    if claim.asks_time and any(q.kind in _WHEN_KINDS for q in qs):
        points, units = points + 1.0, units + 1
    coverage = (points + 1.5 * bonus) / claim.total if claim.total else 0.0
    precise = missing == 0 or (len(claim.figures) >= 3 and missing == 1)
    return _Fit(min(coverage, 1.0), units + bonus, precise, conflict)


def _needed(claim: Claim) -> int:
    return min(2, len(claim.concepts) + len(claim.figures))


def _aligned(claim: Claim, item: Tagged) -> tuple[str, bool, int]:
    """The sentence clause carrying most of the claim, whether the claim's matching clause is a
    denial, and how many of the claim's concepts that sentence clause carries."""
    names = {c for c, _ in claim.concepts}
    parts = split_clauses(item.sentence.lower)
    best = max(parts, key=lambda c: len(content_concepts(c) & names))
    carried = content_concepts(best) & names
    mine = max(claim.clauses, key=lambda c: len(c[0] & carried), default=(frozenset(), False))
    return best, mine[1], len(carried)


def _polarity_clash(claim: Claim, item: Tagged) -> bool:
    """Whether the sentence denies what the claim asserts, or asserts what it denies: each part
    of the claim against the part of the sentence that says most of it, by majority."""
    if not is_denial(item.sentence.lower) and not any(d for _, d in claim.clauses):
        return False  # nothing denied on either side
    parts = [(content_concepts(p), p) for p in statements(item.sentence.lower)]
    votes = 0
    for names, denied in claim.clauses:
        strong = names - WEAK or names
        concepts, text = max(parts, key=lambda x: len(x[0] & strong))
        if concepts & strong:
            votes += 1 if is_denial(text) != denied else -1
    return votes > 0


def _denies(claim: Claim, item: Tagged) -> bool:
    """Whether the sentence flatly denies what the claim asserts ('we will not refund you'):
    a negation right before the claim's main word, not in an 'if' clause."""
    best, claim_denies, carried = _aligned(claim, item)
    strong = {c for c, _ in claim.concepts if c not in WEAK}
    if (claim_denies or len(content_concepts(best) & strong) < min(2, len(strong))
            or is_conditional(best)):
        return False
    words = list(_WORDS.finditer(best))
    at = next((m.start() for m in words if concept(m.group()) in strong), -1)
    # no commas in speech: only a negation just before ('not by his own team' denies nothing)
    return at >= 0 and negated_before(best, at, 2 if item.sentence.spoken else 4)


def _seen(turns: Sequence[Sequence[Tagged]]) -> list[_Seen]:
    out = []
    for turn in turns:
        usable = [i for i in turn if not i.tags & _SKIP]
        reads = [(content_concepts(i.sentence.lower), quantities(i.sentence.lower))
                 for i in usable]
        for n, item in enumerate(usable):
            reach = SPOKEN_REACH if item.sentence.spoken else 1
            near = reads[max(0, n - reach): n + reach + 1]
            beside = tuple(i.sentence.text for i in usable[max(0, n - 1): n + 2]
                           if i is not item) if item.sentence.spoken else ()
            out.append(_Seen(item, reads[n][0], frozenset().union(*(c for c, _ in near)),
                             reads[n][1], tuple(q for _, qs in near for q in qs), beside))
    return out


def check_case(turns: Sequence[Sequence[Tagged]], case: CaseFile) -> CaseFindings:
    covered: dict[str, Match] = {}
    contradicted: dict[str, Match] = {}
    flagged: dict[str, Match] = {}
    wrong: list[Match] = []
    variants = case.variants or case.key_points
    beside: dict[str, tuple[str, ...]] = {}
    for seen in _seen(turns):
        beside[seen.item.quote] = seen.beside
        figures = bool(seen.figures)
        for n in case.kp_index.touched(seen.concepts, figures) if case.kp_index \
                else range(len(variants)):
            _key_point(variants[n], seen, case, covered, contradicted)
        for n in case.flag_index.touched(seen.concepts, figures) if case.flag_index \
                else range(len(case.red_flags)):
            claim = case.red_flags[n]
            said = _says_flag(claim, seen, case) if claim.id not in flagged or \
                not flagged[claim.id].sure else ""
            if said and not claim.id:  # a policy prohibition no listed flag names
                wrong.append(Match("", seen.item.quote, why="does what the policy rules out",
                                   sure=said == "sure"))
            elif said:
                flagged[claim.id] = Match(claim.id, seen.item.quote, sure=said == "sure")
        quoted = any(m.quote == seen.item.quote for m in flagged.values())
        for flag, why, sure in statement_errors(seen.item, seen.figures, case, quoted):
            if flag:
                if flag not in flagged or (sure and not flagged[flag].sure):
                    flagged[flag] = Match(flag, seen.item.quote, why=why, sure=sure)
            else:
                wrong.append(Match("", seen.item.quote, why=why, sure=sure))
    for ident in contradicted:
        covered.pop(ident, None)
    kinds = {c.id: c.kind for c in case.red_flags}
    flagged = {k: _certain(m, beside, kinds.get(k, "plain")) for k, m in flagged.items()
               if not restates(m.quote, case, beside.get(m.quote, ()))}
    return CaseFindings(tuple(covered.values()), tuple(contradicted.values()),
                        tuple(flagged.values()),
                        tuple(_certain(m, beside) for m in wrong
                              if not restates(m.quote, case, beside.get(m.quote, ()))))


def _certain(match: Match, beside: dict[str, tuple[str, ...]], kind: str = "promise") -> Match:
    """Sure only when said as the trainee's own assertion: not a quote or someone else's words,
    not a question (unless asking is what the flag is about), for a promise or a figure not an
    'if' fallback ("if it hasn't arrived by Friday, call me"); in speech, nor its neighbours."""
    if match.sure and not all(is_own_assertion(q, kind)
                              for q in (match.quote, *beside.get(match.quote, ()))):
        return Match(match.claim_id, match.quote, match.precise, match.why, sure=False)
    return match


def _key_point(claim: Claim, seen: _Seen, case: CaseFile, covered: dict[str, Match],
               contradicted: dict[str, Match]) -> None:
    item, low = seen.item, seen.item.sentence.lower
    if claim.hints and any(h and h in low for h in claim.hints) and not is_negated(low):
        covered[claim.id] = Match(claim.id, item.quote)
        return
    if not (claim.names & seen.concepts or (claim.figures and seen.figures)
            or (claim.bonus and any(b in low for b in claim.bonus))):
        return  # nothing of it in this sentence
    own = _fit(claim, seen.concepts, seen.figures, low, case.known)
    if own.units >= 2 and _polarity_clash(claim, item):
        if _denies(claim, item) and not item.sentence.spoken:  # speech: boundaries guessed
            contradicted.setdefault(claim.id, Match(claim.id, item.quote, why="denies it",
                                                    sure=False))
        return
    if own.units == 0 or (claim.id in covered and covered[claim.id].precise):
        return  # nothing of it here, or nothing it could add
    fit = _fit(claim, seen.around, seen.around_figures, low, case.known)
    if fit.coverage < 0.4 or fit.units < _needed(claim):
        return
    if own.conflict and not allowed(seen.figures, case.amounts):
        # the right subject with a figure the case file never gives
        contradicted.setdefault(claim.id, Match(claim.id, item.quote, why="wrong figure",
                                                sure=False))
    elif own.conflict:
        return
    elif claim.id not in covered or (fit.precise and not covered[claim.id].precise):
        covered[claim.id] = Match(claim.id, item.quote, fit.precise)


def _says_flag(claim: Claim, seen: _Seen, case: CaseFile) -> str:
    """'sure', 'unsure' (topic words only), or '' when the sentence does not say the flag."""
    item, low = seen.item, seen.item.sentence.lower
    if claim.hints and any(h and h in low for h in claim.hints):
        return "" if is_negated(low) or any(is_negated(read_spoken(b)) for b in seen.beside) \
            else "sure"
    if claim.kind in TOPICAL and not (claim.names & seen.concepts
                                       or (claim.figures and seen.figures)):
        return ""  # nothing of it in this sentence
    if claim.kind == "blame":  # only the trainee's own blaming words, never topic words alone
        return "sure" if "blame" in item.tags else ""
    if claim.kind == "redirect":
        said = "redirect" in item.tags and (not claim.targets
                                            or any(t in low for t in claim.targets))
        return "sure" if said else ""
    if claim.kind in ("overpromise", "dated"):
        return ""  # judged against the policy's limits, or the case file's days
    if claim.kind == "comparative":  # the figure is the threshold, not something to say
        said = sum(w for c, w in claim.concepts if c in seen.concepts)
        share = said / max(sum(w for _, w in claim.concepts), 1.0)
        return "sure" if share >= 0.4 and _beyond(claim, item) else ""
    return _says_in_words(claim, seen, case)


def _says_in_words(claim: Claim, seen: _Seen, case: CaseFile) -> str:
    """A plain, promise or request flag said in the sentence's words (and figures), in the form
    the flag is about: a request to the customer, an unhedged promise, a plain statement."""
    item, low, concepts = seen.item, seen.item.sentence.lower, seen.concepts
    fit = _fit(claim, concepts, seen.figures, low, case.known)
    figures = sum(1 for f in claim.figures if any(f.same_as(q) for q in seen.figures))
    figures += claim.asks_time and any(q.kind in _WHEN_KINDS for q in seen.figures)
    strong = figures + sum(1 for c, w in claim.concepts if w == 1.0 and c in concepts)
    distinct = len(claim.distinct & concepts) + figures
    asked = claim.kind == "request" and bool(REQUEST.search(low)) and \
        not is_negated(_aligned(claim, item)[0])
    if asked and fit.coverage >= 0.8:
        distinct = distinct or 1  # asking for it is what sets the flag apart from a key point
    question = low.rstrip().endswith("?") and claim.kind != "request"
    needed = min(1 if asked else 2,
                 sum(1 for _, w in claim.concepts if w == 1.0) + len(claim.figures))
    if (fit.coverage < (0.5 if figures or asked else 0.66) or fit.units < min(2, len(claim.names))
            or not distinct or strong < needed
            or _polarity_clash(claim, item) or question):
        return ""
    if claim.kind == "request":
        said = asked
    elif claim.kind == "promise":
        said = not HEDGED.search(low)
    else:
        said = not HEDGED.search(low) and not is_conditional(low)
    # Matched on the flag's topic words (the author gave no hint phrase): however close, it
    # may be a good answer about the same subject, so it is feedback, never a zero.
    return "unsure" if said else ""


def _beyond(claim: Claim, item: Tagged) -> bool:
    """A figure on the wrong side of a comparative flag ('sooner than Thursday 18:00'), said
    in the clause that carries the flag's subject."""
    earlier = bool(_EARLIER.search(claim.text.lower()))
    best, _, carried = _aligned(claim, item)
    if not carried:
        return False
    for limit in claim.figures:
        for q in quantities(best):
            if q.kind == limit.kind and q.kind not in _WHEN_KINDS and not limit.same_as(q):
                if (q.value < limit.value) == earlier:
                    return True
    return False
