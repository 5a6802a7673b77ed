"""A scenario's case file compiled once for matching: key points and red flags as weighted concepts
and figures, red flags sorted into the generic behaviours they describe, and the policy's limits."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from ..language.concepts import claim_concepts, content_concepts
from ..language.numbers import Quantity, quantities
from ..language.text import normalise
from ..library import Scenario

# Concepts too common to carry a claim on their own.
_WEAK = frozenset({"day", "work", "within", "numb", "arriv", "receiv", "contact", "account",
                   "charg", "new", "offer", "time", "week", "back", "full"})
_REMEDIES = frozenset({"goodwill", "credit", "refund", "waive", "fee", "discount", "price"})
_BLAME = re.compile(r"\bblam\w*|\b(?:customer|caller|they|their)(?:'s)? (?:own )?(?:fault|error|"
                    r"mistake|doing)|\b(?:customer|caller|they) (?:caused|did|made|was|is|were|"
                    r"should have|must have|had)\b|\bcaused by the (?:customer|caller)\b|"
                    r"\b(?:customer|caller) (?:is|was) (?:responsible|at fault|to blame)")
_REDIRECT = re.compile(r"\b(?:tells?|asks?|sends?|directs?|refers?|suggests?|advises?|redirects?|"
                       r"instructs?|points?|expects?)\b.{0,40}?\b(?:contact|call|phone|ring|go to|"
                       r"speak|chase|raise|dispute|email|write|take it up|get in touch)|"
                       r"\belsewhere\b|\b(?:another|different|other) (?:department|team|company)")
_OVER = re.compile(r"\b(?:promis|offer|guarantee|commit|agree|give|grant|award|credit|refund)\w*"
                   r"\b.*\b(?:above|over|more than|beyond|exceed\w*|greater than|larger than|not "
                   r"allow\w*|doesn't allow|outside|without authority|uncapped|unlimited)")
_NEGATIVE = re.compile(r"^(?:refus|den(?:y|ies)|declin|reject|dismiss|won't|will not|says? (?:no|"
                       r"there is no|it is not|it's not|they cannot|they can't|it can't)|claims? "
                       r"(?:no|there is no|it is not))")
_LIMIT = re.compile(r"\b(?:up to|maximum(?: of)?|max|no more than|not more than|not exceed(?:ing)?|"
                    r"capped at|a cap of|limit(?:ed)? (?:of|to)|at most|above|over|more than|"
                    r"beyond|exceeding)\s*(?:£|\$|€)?\s?(\d[\d,]*(?:\.\d+)?)")
_TARGETS = re.compile(r"\b(bank|card issuer|provider|manufacturer|courier|retailer|seller|supplier|"
                      r"landlord|insurer|network|carrier|airline|hotel|agent|ombudsman|council|"
                      r"post office|store|shop|branch)\b")
_TIME_EXAMPLE = re.compile(r"\b(?:within|in|by) (?:\d+|[a-z]+) (?:working |business )?"
                           r"(?:days?|hours?|weeks?)\b|\bby (?:monday|tuesday|wednesday|thursday|"
                           r"friday|the end of \w+)\b")


@dataclass(frozen=True)
class Claim:
    """A key point or red flag as the matcher sees it."""

    id: str
    text: str
    concepts: tuple[tuple[str, float], ...]  # concept and its weight
    figures: tuple[Quantity, ...]  # amounts, durations, dates that must be said
    hints: tuple[str, ...]  # normalised optional phrasings
    kind: str = "plain"  # plain, negative, blame, redirect, overpromise
    targets: frozenset[str] = frozenset()  # redirect: who the customer is sent to

    @property
    def total(self) -> float:
        return sum(w for _, w in self.concepts) + 2.0 * len(self.figures)


@dataclass(frozen=True)
class Limit:
    remedies: frozenset[str]
    amount: float


@dataclass(frozen=True)
class CaseFile:
    key_points: tuple[Claim, ...]
    red_flags: tuple[Claim, ...]
    limits: tuple[Limit, ...]
    figures: tuple[tuple[frozenset[str], Quantity], ...]  # every stated figure with its context
    known: frozenset[Quantity]  # every figure anywhere in the case file
    situation: frozenset[str]  # concepts of the customer's opening
    company_fault: bool  # the facts show the company made a mistake
    time_example: str  # a time frame from the case file, for feedback

    @property
    def judgeable(self) -> bool:
        return bool(self.key_points or self.red_flags)


def _claim(ident: str, text: str, hints: tuple[str, ...], flag: bool) -> Claim:
    lower = normalise(text)
    figures = tuple(q for q in quantities(lower) if q.kind != "count")
    concepts = tuple((c, 0.5 if c in _WEAK else 1.0) for c in claim_concepts(lower))
    kind = "plain"
    targets: frozenset[str] = frozenset()
    if flag:
        if _BLAME.search(lower):
            kind = "blame"
        elif _REDIRECT.search(lower):
            kind, targets = "redirect", frozenset(_TARGETS.findall(lower))
        elif _OVER.search(lower):
            kind, figures = "overpromise", ()
        elif _NEGATIVE.search(lower):
            kind = "negative"
    return Claim(ident, text, concepts, figures, tuple(normalise(h) for h in hints if h.strip()),
                 kind, targets)


def _limits(texts: tuple[str, ...]) -> tuple[Limit, ...]:
    out = []
    for text in texts:
        lower = normalise(text)
        remedies = frozenset(content_concepts(lower) & _REMEDIES)
        for m in _LIMIT.finditer(lower):
            if remedies:
                out.append(Limit(remedies, float(m.group(1).replace(",", ""))))
    return tuple(out)


@lru_cache(maxsize=512)
def casefile(scenario: Scenario) -> CaseFile:
    """Compiled once per scenario (scenarios are frozen, so they key the cache)."""
    kps = tuple(_claim(k.id, k.text, k.hints, False) for k in scenario.key_points)
    flags = tuple(_claim(f.id, f.text, f.hints, True) for f in scenario.red_flags)
    over = tuple(f.text for f in scenario.red_flags if _OVER.search(normalise(f.text)))
    texts = scenario.facts + scenario.policy + tuple(k.text for k in scenario.key_points)
    figures = tuple((content_concepts(normalise(t)), q) for t in texts
                    for q in quantities(normalise(t)) if q.kind in ("money", "duration"))
    known = frozenset(q for t in (*texts, scenario.opening) for q in quantities(normalise(t)))
    fault = re.compile(r"\b(?:error|bug|glitch|mistake|fault|wrongly|incorrect\w*|our side|"
                       r"by us|system issue|in error|failed|missed|lost|damaged)\b")
    example = next((m.group() for t in (*scenario.policy, *(k.text for k in scenario.key_points))
                    for m in [_TIME_EXAMPLE.search(normalise(t))] if m), "")
    return CaseFile(kps, flags, _limits(scenario.policy) + _limits(over), figures, known,
                    content_concepts(normalise(scenario.opening)),
                    any(fault.search(normalise(f)) for f in scenario.facts), example)
