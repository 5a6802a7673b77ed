"""Cue patterns: a named set of phrases, each matching only where a word starts, searched as one
compiled alternation. The phrase lists themselves are data, in the *_cues modules."""

from __future__ import annotations

import re

# A phrase matches only at the start of a word: "tarp" is not found inside "start".
_WORD_START = r"(?<![a-z0-9_])"


class Cue:
    """One family of phrases (e.g. ways of taking a problem on), searched together."""

    __slots__ = ("_pattern",)

    def __init__(self, *phrases: str) -> None:
        alternatives = (p.removeprefix(r"\b") for p in phrases)
        self._pattern = re.compile(_WORD_START + "(?:" + "|".join(
            f"(?:{p})" for p in alternatives) + ")")

    def finditer(self, text: str) -> list[re.Match[str]]:
        return list(self._pattern.finditer(text))

    def search(self, text: str) -> re.Match[str] | None:
        """The leftmost match, or None."""
        return self._pattern.search(text)

    def sub(self, replacement: str, text: str) -> str:
        return self._pattern.sub(replacement, text)
