"""Near-copies: how much of a trainee's answer is someone else's text (a model answer, another
person's passed answer), measured on runs of words so that small edits do not hide a paste."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

# Five words in a row: long enough that two people writing their own answer to the same customer
# rarely share many of them ("I'm so sorry to hear" is one; a pasted paragraph has dozens), short
# enough that a paste with a word changed here and there still shares most of them.
RUN_WORDS = 5
# Flagged when at least this share of the shorter text's 5-word runs appears in the other: the
# whole model answer pasted among the trainee's own lines, or an answer that is mostly a fragment
# of it. Measured when it was set: honest answers to the same customer (about 1,000 pairs in
# tests/data/labelled_*.jsonl) share at most 0.24, and at most 0.21 with the scenario's model
# answer; a paste reworded every tenth word still shares 0.5 (tests/domain/test_overlap.py).
COPY_SHARE = 0.4
# ...and at least this many runs in common (about 12 words copied in a row, or several shorter
# stretches): a one-line answer shares a stock phrase or two with anything by chance.
MIN_SHARED_RUNS = 8

_WORD = re.compile(r"[a-z0-9]+(?:['’][a-z]+)?")
_FIGURE = "#"  # every number reads the same: a model answer pasted from another variant of the
# scenario (other amounts, dates and references) is still the same paste


@dataclass(frozen=True)
class Overlap:
    """How much ``source`` (a name such as "model answer") and an answer have in common."""

    source: str
    share: float  # shared runs / runs of the shorter text, 0..1
    shared: int  # shared runs

    @property
    def is_copy(self) -> bool:
        return self.share >= COPY_SHARE and self.shared >= MIN_SHARED_RUNS


def words(text: str) -> list[str]:
    """Lower-case words, every figure (anything with a digit) as one placeholder."""
    return [_FIGURE if any(c.isdigit() for c in w) else w for w in _WORD.findall(text.lower())]


def runs(text: str) -> frozenset[tuple[str, ...]]:
    """The text's runs of ``RUN_WORDS`` consecutive words (a shorter text is one run)."""
    found = words(text)
    if len(found) < RUN_WORDS:
        return frozenset([tuple(found)]) if found else frozenset()
    return frozenset(tuple(found[i:i + RUN_WORDS]) for i in range(len(found) - RUN_WORDS + 1))


def overlap(answer: str, source: str, name: str = "") -> Overlap:
    """The overlap coefficient of the two texts' runs: the share of the shorter one found in the
    longer, so a paste padded with the trainee's own words and a fragment of a paste both count."""
    mine, theirs = runs(answer), runs(source)
    shared = len(mine & theirs)
    smaller = min(len(mine), len(theirs))
    return Overlap(name, shared / smaller if smaller else 0.0, shared)


def closest_copy(answer: str, sources: Mapping[str, str] | Iterable[tuple[str, str]]
                 ) -> Overlap | None:
    """The source ``answer`` copies most, when it is a copy of any; None otherwise.
    ``sources``: name -> text (first listed wins a tie)."""
    items = sources.items() if isinstance(sources, Mapping) else sources
    best: Overlap | None = None
    for name, text in items:
        found = overlap(answer, text, name)
        if found.is_copy and (best is None or found.share > best.share):
            best = found
    return best
