"""What a stretch of text is about, and how strongly it matches a stretch of the case file: shared
concepts weighted by how few of the case file's passages use them."""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cached_property, lru_cache

from ..language.concepts import claim_concepts, content_concepts
from ..language.stemming import concept

# Words that place something in time or quantity but say nothing about what it is.
_TIMELESS = frozenset(concept(w) for w in """
monday tuesday wednesday thursday friday saturday sunday today tonight tomorrow yesterday
morning afternoon evening night lunchtime noon midday midnight date time day days week weeks
month months year hour hours minute minutes within by latest earliest soon sooner earlier later
next first last january february march april may june july august september october november
december jan feb mar apr jun jul aug sep sept oct nov dec working business calendar total
amount sum figure pound pounds dollar dollars euro euros quid gbp usd eur per each every
""".split())
# Breaks between the parts of a sentence that can each carry their own figure.
# Every break starts with a character of its own, so the engine skips ahead between them.
_SEGMENT = re.compile(
    r"[.!?](?=\s)|[;()]|(?<!\d):|:(?!\d)| - |,(?= (?:and|but|or|so|which|because|then)\b)"
    r"| (?=(?:and|but|so|whereas|because|which|then|once|while|although|though) (?:i|we|you|it|"
    r"they|he|she|the|your|our|a|an|this|that|there|his|her|their|my)\b)")


@dataclass(frozen=True)
class Segment:
    start: int  # offset of the segment in the sentence
    end: int
    text: str
    claim: bool = False  # read as a case-file text (without 'says', 'offers', 'the customer')

    @cached_property
    def concepts(self) -> frozenset[str]:
        return claim_subject(self.text) if self.claim else subject(self.text)

    @cached_property
    def words(self) -> frozenset[str]:
        """All its concepts, time and amount words too."""
        return content_concepts(self.text)


def subject(text: str) -> frozenset[str]:
    """The concepts of a lower-case text, without days, months, units and other time words."""
    return content_concepts(text) - _TIMELESS


def claim_subject(text: str) -> frozenset[str]:
    """The subject of a case-file text, without the words that describe the act ('says',
    'offers', 'the customer')."""
    return frozenset(claim_concepts(text)) - _TIMELESS


@lru_cache(maxsize=1024)
def segments(lower: str, claim: bool = False) -> tuple[Segment, ...]:
    out = []
    start = 0
    cuts = [(m.end(), m.end()) if m.group() in ".!?" else m.span()  # a full stop stays
            for m in _SEGMENT.finditer(lower)]
    for end, after in [*cuts, (len(lower), len(lower))]:
        piece = lower[start:end]
        text = piece.strip()
        if end < len(lower) and lower[end] == " ":
            text = text.removesuffix(",").rstrip()  # ', and we...': the comma goes too
        if text:
            at = start + piece.index(text)
            out.append(Segment(at, at + len(text), text, claim))
        start = after
    return tuple(out)


def context(segs: tuple[Segment, ...], n: int,
            busy: frozenset[int]) -> tuple[frozenset[str], frozenset[str]]:
    """A segment's own concepts, and when it says nothing itself, those of the neighbours that
    carry no figure of their own ('the new one goes out | on Friday')."""
    near: set[str] = set()
    if segs[n].concepts:
        return segs[n].concepts, frozenset()
    for k in (n - 1, n + 1):
        if 0 <= k < len(segs) and k not in busy:
            near |= segs[k].concepts
    return segs[n].concepts, frozenset(near - segs[n].concepts)


@dataclass(frozen=True)
class Weights:
    """How telling each concept is, by how few of the case file's passages use it."""

    table: dict[str, float]

    def affinity(self, own: frozenset[str], near: frozenset[str], other_own: frozenset[str],
                 other_near: frozenset[str]) -> float:
        score = 0.0
        for c in own & (other_own | other_near):
            score += self.table.get(c, 0.0) * (1.0 if c in other_own else 0.5)
        for c in near & (other_own | other_near):
            score += self.table.get(c, 0.0) * (0.5 if c in other_own else 0.25)
        return score


def weights(passages: Iterable[frozenset[str]]) -> Weights:
    """1 for a concept only one passage uses, falling slowly (with the log of how many do)."""
    counts: Counter[str] = Counter()
    total = 0
    for concepts in passages:
        counts.update(concepts)
        total += 1
    scale = math.log(1 + total)
    return Weights({c: math.log(1 + total / n) / scale for c, n in counts.items()})
