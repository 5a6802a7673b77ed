"""What a stretch of text is about, and how strongly it matches a stretch of the case file: shared
concepts weighted by how few of the case file's passages use them."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from ..language.concepts import META, content_concepts
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
META_CONCEPTS = frozenset(concept(w) for w in META)
# Breaks between the parts of a sentence that can each carry their own figure.
_SEGMENT = re.compile(r"(?<=[.!?])\s+|\s*[;:()]\s*|\s+-\s+|,?\s+(?=(?:and|but|so|whereas|because|which|then|"
                      r"once|while|although|though)\s+(?:i|we|you|it|they|he|she|the|your|our|"
                      r"a|an|this|that|there|his|her|their|my)\b)|,\s+(?=(?:and|but|or|so|which|"
                      r"because|then)\b)")


@dataclass(frozen=True)
class Segment:
    start: int  # offset of the segment in the sentence
    end: int
    text: str
    concepts: frozenset[str]


def subject(text: str) -> frozenset[str]:
    """The concepts of a lower-case text, without days, months, units and other time words."""
    return content_concepts(text) - _TIMELESS


def claim_subject(text: str) -> frozenset[str]:
    """The subject of a key point or red flag, without the words that describe the act."""
    return subject(text) - META_CONCEPTS


def segments(lower: str) -> tuple[Segment, ...]:
    out = []
    start = 0
    for m in _SEGMENT.finditer(lower):
        if m.start() > start:
            out.append(_segment(lower, start, m.start()))
        start = m.end()
    if start < len(lower):
        out.append(_segment(lower, start, len(lower)))
    return tuple(out)


def _segment(lower: str, start: int, end: int) -> Segment:
    return Segment(start, end, lower[start:end], subject(lower[start:end]))


def context(segs: tuple[Segment, ...], n: int,
            busy: frozenset[int]) -> tuple[frozenset[str], frozenset[str]]:
    """A segment's own concepts, and those of the neighbours that carry no figure of their own
    ('we'll move you on Monday | when a room is free')."""
    near: set[str] = set()
    for k in (n - 1, n + 1):
        if 0 <= k < len(segs) and k not in busy:
            near |= segs[k].concepts
    return segs[n].concepts, frozenset(near - segs[n].concepts)


@dataclass(frozen=True)
class Weights:
    """How telling each concept is: 1 / the number of the case file's passages that use it."""

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
    counts: Counter[str] = Counter()
    for concepts in passages:
        counts.update(concepts)
    return Weights({c: 1.0 / n for c, n in counts.items()})
