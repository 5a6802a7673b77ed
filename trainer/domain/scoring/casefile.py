"""A scenario's key points, red flags and policy limits, compiled once for matching."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from functools import lru_cache

from ..language.calendar import calendar_of
from ..language.concepts import STOPWORDS, claim_concepts, content_concepts
from ..language.numbers import Quantity, digits, quantities
from ..language.text import is_denial, normalise, statements
from ..library import Scenario
from .amounts import Amounts, amounts
from .subjects import Weights, claim_subject, weights
from .timeline import Timeline, timeline

# Concepts too common to carry a claim on their own.
WEAK = frozenset({"day", "work", "within", "numb", "arriv", "receiv", "contact", "account",
                  "charg", "new", "offer", "time", "week", "back", "full", "next", "servic"})
_CAPPED = re.compile(r"\b(?:up to|within|maximum(?: of)?|max|no more than|capped at|at most|limit "
                     r"of|not exceeding) (?:a )?[£$€]?\s?(\d[\d,]*(?:\.\d+)?)")
_OR_WORDS = re.compile(r"\b([a-z][\w'-]*) or ([a-z][\w'-]*)\b")
TOPICAL = frozenset({"plain", "promise", "request", "comparative"})  # flags matched on words
_EARLIEST = re.compile(r"\b(?:before|earlier|sooner|ahead of)\b")
_STRICT = frozenset({"money", "duration", "date", "time", "weekday", "percent", "measure"})
_BLAME = re.compile(r"\bblam\w*|\b(?:customer|caller|member|client|they|their)(?:'s)? (?:own )?"
                    r"(?:fault|error|mistake|doing)|\b(?:customer|caller|member|client|they) "
                    r"(?:caused|did|made|should have|must have)\b|\bcaused by the (?:customer|"
                    r"caller)\b|\b(?:customer|caller|member) (?:is|was) (?:responsible|at fault|"
                    r"to blame)|\b(?:suggests?|implies) (?:that )?(?:the )?(?:customer|caller|"
                    r"member|client)(?:'s)? (?:[\w'-]+ ){0,5}(?:caused|fault|to blame|did)|"
                    r"\b(?:says?|suggests?|implies|claims?) (?:that )?(?:the )?(?:customer|caller|"
                    r"member|client|tenant|patient|passenger|guest|user)(?:'s)? (?:was out|were "
                    r"out|wasn't (?:in|home|there)|missed|forgot|failed|caused|broke|damaged|lost|"
                    r"didn't|did not|should have|must have|was late|arrived late|entered|gave the "
                    r"wrong|made a mistake|got it wrong)\b|\b(?:says?|suggests?|implies|claims?|"
                    r"hints?) (?:that )?(?:the )?(?:customer|caller|member|client|tenant|patient|"
                    r"passenger|guest|user|they|she|he)(?:'s)?(?: (?:or|and) (?:their|his|her) "
                    r"\w+)?(?: [\w'-]+){0,5} (?:caused|damaged|broke|overloaded|misused|cancelled "
                    r"too late|was too late|were too late|booked the wrong|chose the wrong|ordered "
                    r"the wrong)\b")
# Flags that ask the customer to do something: only a request to the customer can say them.
_REQUEST_FLAG = re.compile(r"^(?:asks?|tells?|requires?|makes?|expects?|instructs?|gets?) (?:the "
                           r"\w+ |them |him |her )?(?:to )?")
# Flags that promise or offer something: a hedged sentence ("I can't promise") does not say them.
_PROMISE_FLAG = re.compile(r"^(?:promis|guarantee|offer|commit|agree|accept|assure)")
_COMPARATIVE = re.compile(r"\b(?:sooner|earlier|faster|quicker|later|longer|shorter|more|less|"
                          r"fewer|above|below|beyond|over|under|exceed\w*)\b(?: \w+)? than\b|"
                          r"\b(?:above|below|beyond|over|under|exceeding)\b")
_REDIRECT = re.compile(r"\b(?:tells?|asks?|sends?|directs?|refers?|suggests?|advises?|"
                       r"redirects?|instructs?|points?|expects?)\b.{0,40}?\b(?:contact|call|phone|"
                       r"ring|go to|speak|chase|raise|dispute|email|write|take it up|"
                       r"get in touch)|\belsewhere\b|\b(?:another|different|other) (?:department|"
                       r"team|company)")
_OVER = re.compile(r"\b(?:promis|offer|guarantee|commit|agree|give|grant|award|credit|refund)\w*"
                   r"\b.*\b(?:above|over|more than|beyond|exceed\w*|greater than|larger than|not "
                   r"allow\w*|doesn't allow|outside|without authority|uncapped|unlimited)")
_TARGETS = re.compile(r"\b(bank|card issuer|provider|manufacturer|courier|carrier|retailer|"
                      r"seller|supplier|landlord|insurer|network|airline|hotel|agent|ombudsman|"
                      r"council|post office|store|shop|branch|head office|airport)\b")
_VERBS = (r"(?:says?|offers?|promises?|tells?|asks?|gives?|claims?|suggests?|requires?|charges?|"
          r"mentions?|refunds?|quotes?|needs?|blames?|denies|refuses?|insists?|agrees?|accepts?|"
          r"guarantees?|treats?|leaves?|sends?|books?|cancels?|waives?|threatens?|demands?|"
          r"implies|states?|confirms?|argues?|dismisses?|ignores?)\b ?")
_VERB = re.compile(_VERBS)
_ALTERNATIVES = re.compile(r",? or (?=" + _VERBS + r")|, or |, (?!or\b)(?=\w)|\(|\)|"
                           r" or (?=(?:more|less|fewer|above|over|under|beyond|anything) )")
_TIME_WORD = re.compile(r"\b(?:time|date|day|slot)\b")
# A policy line that forbids something: what follows is a red flag whether or not one is listed.
_PROHIBITION = re.compile(r"(?:^|[;.]\s*)(?:(?:staff|agents?|you) )?(?:must never|should never|"
                          r"never|do not|don't|must not|should not|may not|no)\s+([^;.]+)")
_CODE = re.compile(r"\b[a-z]{1,5}(?:-[a-z0-9]+)*-?\d{3,}\b")
_TIME_EXAMPLE = re.compile(r"\b(?:within|in|by) (?:\d+|[a-z]+) (?:working |business )?"
                           r"(?:days?|hours?|weeks?)\b|\bby (?:monday|tuesday|wednesday|thursday|"
                           r"friday|the end of \w+)\b")
_FAULT = re.compile(r"\b(?:error|bug|glitch|mistake|fault|wrongly|incorrect\w*|our side|by us|"
                    r"system issue|in error|failed|missed|lost|damaged|should have|wrong|"
                    r"unanswered|overdue|misinformed|not offered|unassigned|stuck)\b")


# The facts saying the customer caused it ('the customer entered the wrong postcode').
_THEIR_FAULT = re.compile(r"(?:^|[.;]\s*)(?:the )?(?:customer|caller|member|client|tenant|patient|"
                          r"passenger|guest|user|she|he|they) (?:(?:entered|typed|gave|chose|"
                          r"selected|ordered|booked) the wrong|forgot to|misread|ignored|did not "
                          r"(?:read|check|tell|update|send|pay)|didn't (?:read|check|tell|update|"
                          r"send|pay))\b")


@dataclass(frozen=True)
class Claim:
    """A key point or red flag (or one alternative of it) as the matcher sees it."""

    id: str
    text: str
    concepts: tuple[tuple[str, float], ...]  # concept and its weight, in order of appearance
    figures: tuple[Quantity, ...]  # amounts, durations, dates and times that should be said
    hints: tuple[str, ...] = ()  # normalised optional phrasings
    kind: str = "plain"  # plain, request, promise, comparative, blame, redirect, overpromise
    targets: frozenset[str] = frozenset()  # redirect: who the customer is sent to
    bonus: tuple[str, ...] = ()  # codes and bare numbers that confirm a match when said
    clauses: tuple[tuple[frozenset[str], bool], ...] = ()  # each clause's concepts, negated
    distinct: frozenset[str] = frozenset()  # red flag: concepts no key point uses
    asks_time: bool = False  # a time is what it is about ('gives an exact arrival time')
    total: float = 0.0  # the weight of everything it says
    names: frozenset[str] = frozenset()  # its concepts, for a quick overlap test


@dataclass(frozen=True)
class ClaimIndex:
    """Claims by the concepts they use, so a sentence is checked only against those it can say;
    those matched otherwise (figures, hints, codes, tags) are always checked."""

    by_concept: dict[str, tuple[int, ...]]
    figured: tuple[int, ...]  # checked when the sentence has figures
    always: tuple[int, ...]

    def touched(self, concepts: frozenset[str], figures: bool) -> list[int]:
        found = {n for c in concepts for n in self.by_concept.get(c, ())}
        found.update(self.always)
        if figures:
            found.update(self.figured)
        return sorted(found)


def _claim_index(claims: tuple[Claim, ...], topical: frozenset[str]) -> ClaimIndex:
    by_concept: dict[str, list[int]] = {}
    for n, claim in enumerate(claims):
        for c in claim.names:
            by_concept.setdefault(c, []).append(n)
    always = tuple(n for n, c in enumerate(claims)
                   if c.hints or c.bonus or c.kind not in topical)
    figured = tuple(n for n, c in enumerate(claims) if c.figures)
    return ClaimIndex({c: tuple(ns) for c, ns in by_concept.items()}, figured, always)


@dataclass(frozen=True)
class CaseFile:
    key_points: tuple[Claim, ...]
    red_flags: tuple[Claim, ...]  # alternatives of one flag share its id
    amounts: Amounts  # limits, rates and the figures of the case file
    company_fault: bool  # the facts show the company made a mistake
    customer_fault: bool  # the facts show the customer did something that caused it
    time_example: str  # a time frame from the case file, for feedback
    weights: Weights  # how telling each concept of the case file is
    timeline: Timeline  # the days in the case file
    variants: tuple[Claim, ...] = ()  # key points with their 'X or Y' alternatives, to match
    kp_index: ClaimIndex | None = None  # which variants a sentence's words can touch
    flag_index: ClaimIndex | None = None  # ... and which red flags
    # What happened, as the case file and the customer tell it (content words of each fact and
    # of the opening): a trainee sentence that says it again is a restatement, not an assertion.
    accounts: tuple[frozenset[str], ...] = ()

    @property
    def known(self) -> frozenset[Quantity]:
        return self.amounts.known

    @property
    def judgeable(self) -> bool:
        return bool(self.key_points or self.red_flags)


@lru_cache(maxsize=4096)
def _claim(ident: str, text: str, hints: tuple[str, ...], kind: str = "plain",
           targets: frozenset[str] = frozenset()) -> Claim:
    lower = normalise(text)
    found = quantities(lower)
    capped = {float(v.replace(",", "")) for v in _CAPPED.findall(digits(lower))}
    figures = tuple(q for q in found if q.kind in _STRICT and not (
        q.kind == "money" and q.value in capped)) if kind != "overpromise" else ()
    concepts = tuple((c, 0.5 if c in WEAK else 1.0) for c in claim_concepts(lower))
    bonus = tuple(_CODE.findall(lower)) + tuple(
        f"{q.value:g}" for q in found if q.kind == "count" and q.value >= 10) + tuple(
        f"{v:g}" for v in capped)  # 'a voucher of up to £10': saying £10 helps, not required
    clauses = tuple((frozenset(claim_concepts(p)), is_denial(p)) for p in statements(lower))
    asks_time = not figures and bool(_TIME_WORD.search(lower))
    total = sum(w for _, w in concepts) + 2.0 * len(figures) + asks_time
    return Claim(ident, text, concepts, figures, tuple(normalise(h) for h in hints if h.strip()),
                 kind, targets, bonus, clauses, asks_time=asks_time, total=total,
                 names=frozenset(c for c, _ in concepts))


@lru_cache(maxsize=1024)
def _flag(ident: str, text: str, hints: tuple[str, ...]) -> tuple[Claim, ...]:
    lower = normalise(text)
    alternatives = _alternatives(text)
    if _BLAME.search(lower) or _REDIRECT.search(lower):
        whole = (_claim(ident, text, hints, "blame") if _BLAME.search(lower) else
                 _claim(ident, text, hints, "redirect", frozenset(_TARGETS.findall(lower))))
        extra = [_claim(ident, alt, (), "request") for alt in alternatives[1:]
                 if _REQUEST_FLAG.search(normalise(alt))]
        return (whole, *extra)
    out = []
    verb = ""
    for alt in alternatives:
        alt_lower = normalise(alt)
        if _VERB.match(alt_lower):
            verb = _VERB.match(alt_lower).group()
        else:
            alt_lower = f"{verb}{alt_lower}"  # "a free extra night" is promised too
        if _OVER.search(alt_lower) or (_COMPARATIVE.search(alt_lower)
                                       and not quantities(alt_lower)):
            out.append(_claim(ident, alt, (), "overpromise"))
        elif _COMPARATIVE.search(alt_lower):
            out.append(_claim(ident, alt, hints, "comparative"))
        else:
            kind = ("request" if _REQUEST_FLAG.search(alt_lower) else
                    "promise" if _PROMISE_FLAG.search(alt_lower) else "plain")
            out.append(_claim(ident, alt, hints, kind))
    return tuple(out)


def _alternatives(text: str) -> list[str]:
    """'Says X, offers Y or promises Z' as three flags; a part too thin to stand alone stays
    joined to the one before."""
    parts = [a.strip() for a in _ALTERNATIVES.split(text) if a and a.strip()]
    out: list[str] = []
    for part in parts:
        if out and (len(claim_concepts(normalise(part))) < 2
                    or len(claim_concepts(normalise(out[-1]))) < 2):
            out[-1] = f"{out[-1]} or {part}"
        else:
            out.append(part)
    return out


def _forbidden(scenario: Scenario, flags: tuple[Claim, ...]) -> tuple[Claim, ...]:
    """The policy's prohibitions as extra red flags, named after the listed flag they overlap
    most (or nameless: still wrong, just not a listed flag)."""
    out = []
    for line in scenario.policy:
        for m in _PROHIBITION.finditer(normalise(line)):
            text = m.group(1).strip()
            if len(claim_concepts(text)) < 2:
                continue
            for claim in _flag("", text, ()):
                ident = max(flags, key=lambda f: len(f.names & claim.names), default=None)
                if ident is not None and len(ident.names & claim.names) >= 1:
                    claim = replace(claim, id=ident.id)
                out.append(claim)
    return tuple(out)


@lru_cache(maxsize=512)
def casefile(scenario: Scenario) -> CaseFile:
    """Compiled once per scenario (scenarios are frozen, so they key the cache)."""
    kps = tuple(_claim(k.id, k.text, k.hints) for k in scenario.key_points)
    right = frozenset(c for k in kps for c, _ in k.concepts)
    flags = tuple(replace(c, distinct=frozenset(n for n, w in c.concepts if w == 1.0) - right)
                  for f in scenario.red_flags for c in _flag(f.id, f.text, f.hints))
    flags += tuple(replace(c, distinct=frozenset(n for n, w in c.concepts if w == 1.0) - right)
                   for c in _forbidden(scenario, flags))
    over = tuple(normalise(c.text) for c in flags if c.kind == "overpromise")
    texts = scenario.facts + scenario.policy + tuple(k.text for k in scenario.key_points)
    right = tuple(normalise(t) for t in texts)
    example = next((m.group() for t in (*scenario.policy, *(k.text for k in scenario.key_points))
                    for m in [_TIME_EXAMPLE.search(normalise(t))] if m), "")
    lowers = [*right, *(normalise(f.text) for f in scenario.red_flags)]
    cal = calendar_of(" ".join((normalise(scenario.opening), *lowers)))
    line = timeline(cal, right, ((f.id, normalise(f.text)) for f in scenario.red_flags))
    # A flag with a day in it ('promises a move tonight', 'promises it before 16 May') is about
    # that day: it is judged on the timeline, not on its words alone.
    dated = frozenset(d.flag for d in line.dated if d.flag)
    flags = tuple(replace(c, kind="dated") if c.kind in TOPICAL and (
        c.id in dated or (_EARLIEST.search(c.text) and any(
            q.kind in ("date", "weekday", "time") for q in c.figures))) else c
        for c in flags)
    money = amounts(right, (normalise(p) for p in scenario.policy), over,
                    normalise(scenario.opening))
    facts = [normalise(f) for f in scenario.facts]
    variants = kps + tuple(_claim(k.id, v, k.hints) for k in scenario.key_points
                           for v in _variants(k.text))
    return CaseFile(kps, flags, money, any(_FAULT.search(f) for f in facts),
                    any(_THEIR_FAULT.search(f) for f in facts), example,
                    weights(claim_subject(t) for t in lowers), line, variants,
                    _claim_index(variants, frozenset({"plain", "promise", "request",
                                                      "comparative"})),
                    _claim_index(flags, TOPICAL),
                    tuple(content_concepts(t) for t in (*facts, normalise(scenario.opening))))


def _variants(text: str) -> list[str]:
    """A key point that offers a choice of two things, one at a time: 'dinner or wine'. (Whole
    clauses are not split off: alone, a part says too little to be matched safely.)"""
    out = []
    for m in _OR_WORDS.finditer(text):
        if not ({m.group(1).lower(), m.group(2).lower()} & STOPWORDS):
            out += [text[:m.start()] + m.group(k) + text[m.end():] for k in (1, 2)]
    return out
