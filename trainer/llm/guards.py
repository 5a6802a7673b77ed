"""The judge's evidence must be the trainee's own words: quotes checked verbatim. (What counts
as gaming the scorer lives in `domain/scoring/gaming.py`, shared with the rule scorer.)"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Sequence

from ..domain.scoring.gaming import PLAIN_MARKS

_TRIM = " \t\n\"'.,;:!?()[]-"


def normalise(text: str) -> tuple[str, list[int]]:
    """Text with quotes, dashes and whitespace made uniform and lower-cased, plus, for each of
    its characters, the index of the original character it came from."""
    out: list[str] = []
    where: list[int] = []
    for n, char in enumerate(unicodedata.normalize("NFC", text)):
        mapped = char.translate(PLAIN_MARKS)
        mapped = " " if mapped.isspace() else mapped.lower()
        for piece in mapped:
            if piece == " " and (not out or out[-1] == " "):
                continue
            out.append(piece)
            where.append(n)
    return "".join(out), where


class TraineeWords:
    """The trainee's turns, normalised once, for checking any number of quotes against."""

    def __init__(self, turns: Sequence[str]):
        self.turns = [unicodedata.normalize("NFC", t) for t in turns]
        self._flat = [normalise(t) for t in self.turns]

    def find(self, quote: str) -> str | None:
        """The trainee's own text that ``quote`` reproduces (whitespace, quote marks and case
        aside), or None when it is not theirs word for word."""
        wanted, _ = normalise(quote.strip().strip(_TRIM))
        if len(wanted) < 3:
            return None
        for text, (flat, where) in zip(self.turns, self._flat, strict=True):
            start = flat.find(wanted)
            if start >= 0:
                return text[where[start]: where[start + len(wanted) - 1] + 1]
        return None


def keep_verbatim(quotes: Iterable[str], turns: Sequence[str] | TraineeWords,
                  ) -> tuple[tuple[str, ...], int]:
    """The quotes that are the trainee's own words (as the trainee wrote them), and how many
    were dropped."""
    words = turns if isinstance(turns, TraineeWords) else TraineeWords(turns)
    kept: list[str] = []
    dropped = 0
    for quote in quotes:
        found = words.find(quote)
        if found is None:
            dropped += 1
        elif found not in kept:
            kept.append(found)
    return tuple(kept), dropped
