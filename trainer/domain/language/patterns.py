"""Cue patterns that search fast: gated by literal text, word boundary checked after a match."""

from __future__ import annotations

import re
from collections.abc import Iterator
from re import _parser as sre_parse  # type: ignore[attr-defined]  # re.compile's own parser

# A quick substring test on each pattern's required literals skips most sentences, and checking
# the leading word boundary after a match (not before every position) lets the engine scan ahead.

# Literals so common in replies that gating on them saves nothing.
_COMMON = frozenset("you your it the and to a i we will 'll have 've is are be that this for "
                    "on in of with me my can do not".split())
_LITERAL, _SUBPATTERN, _BRANCH = sre_parse.LITERAL, sre_parse.SUBPATTERN, sre_parse.BRANCH
_REPEATS = (sre_parse.MAX_REPEAT, sre_parse.MIN_REPEAT)


def _options(items: object) -> frozenset[str] | None:
    """Literal strings one of which must occur in any match of the parsed items, or None."""
    best: frozenset[str] | None = None
    run = ""

    def consider(found: frozenset[str] | None) -> None:
        nonlocal best
        if found and (best is None or _worth(found) > _worth(best)):
            best = found

    for op, av in items:  # type: ignore[attr-defined]
        if op is _LITERAL:
            run += chr(av)
            continue
        consider(frozenset({run}) if run else None)
        run = ""
        if op is _SUBPATTERN:
            consider(_options(av[-1]))
        elif op is _BRANCH:
            alternatives = [_options(alt) for alt in av[1]]
            if all(alternatives):
                consider(frozenset().union(*alternatives))  # type: ignore[arg-type]
        elif op in _REPEATS and av[0] >= 1:
            consider(_options(av[2]))
    consider(frozenset({run}) if run else None)
    return best


def _worth(options: frozenset[str]) -> int:
    """How selective a gate is: its weakest literal's length, common words counting for little."""
    return min(len(o.strip()) - (4 if o.strip(" '") in _COMMON else 0) for o in options)


def gate(pattern: str) -> tuple[str, ...] | None:
    """Literal strings one of which every match of ``pattern`` contains (None: no useful gate)."""
    found = _options(sre_parse.parse(pattern))
    return tuple(sorted(found)) if found and _worth(found) >= 3 else None


class Cue:
    """A compiled alternation of phrases that only match at the start of a word. Phrases with a
    literal gate are searched only when their gate text is present; the rest always are."""

    __slots__ = ("_parts",)

    def __init__(self, *parts: str) -> None:
        bare = [p.removeprefix(r"\b") for p in parts]
        always = [p for p in bare if gate(p) is None]
        gated = [p for p in bare if gate(p) is not None]
        self._parts: list[tuple[re.Pattern[str], tuple[str, ...] | None]] = []
        if always:
            self._parts.append((re.compile("|".join(always)), None))
        for group in (gated[i:i + 6] for i in range(0, len(gated), 6)):
            joined = "|".join(group)  # small groups: one common gate word does not open all
            self._parts.append((re.compile(joined), gate(joined)))

    def finditer(self, text: str) -> Iterator[re.Match[str]]:
        for rx, needs in self._parts:
            if needs is None or any(map(text.__contains__, needs)):
                yield from _at_word_starts(rx, text)

    def search(self, text: str) -> re.Match[str] | None:
        # A plain loop rather than the generator: this runs for every cue on every sentence.
        for rx, needs in self._parts:
            if needs is not None and not any(map(text.__contains__, needs)):
                continue
            m = rx.search(text)
            while m is not None:
                start = m.start()
                if not start or not (text[start - 1].isalnum() or text[start - 1] == "_") \
                        or not m.group()[:1].isalnum():
                    return m
                m = rx.search(text, start + 1)
        return None

    def sub(self, replacement: str, text: str) -> str:
        for rx, needs in self._parts:
            if needs is None or any(map(text.__contains__, needs)):
                out, last = [], 0
                for m in _at_word_starts(rx, text):
                    out += [text[last:m.start()], replacement]
                    last = m.end()
                text = "".join(out) + text[last:]
        return text


def _at_word_starts(rx: re.Pattern[str], text: str) -> Iterator[re.Match[str]]:
    pos = 0
    while (m := rx.search(text, pos)) is not None:
        start = m.start()
        if start and (text[start - 1].isalnum() or text[start - 1] == "_") \
                and m.group()[:1].isalnum():
            pos = start + 1  # matched inside a word: not a cue
            continue
        yield m
        pos = max(m.end(), start + 1)
