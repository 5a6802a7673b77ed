"""Cue patterns that search fast: each phrase is tried only on sentences with a word that starts
the way the phrase can start, found with one look-up per word for all cues at once."""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import lru_cache

_DEPTH = 5  # how many leading characters of a phrase make its gate
# Items of the regular expression subset the cue lexicons use, for reading their leading text.
_TOKEN = re.compile(r"\\[bBAZ]|\^|\$|\\[wWsSdD.]|\\.|\[(?:\\.|[^\]])*\]|\(\?[:=!<]*|\(|\)|\||"
                    r"\{\d*,?\d*\}\??|[*+?]\??|.", re.S)
_LEAD = re.compile(r"^(?:\^|\\W\*|\\s\*|\\b)+")
_ZERO_WIDTH = {"\\b", "\\B", "\\A", "\\Z", "^", "$"}
_UNKNOWN = None  # an item that can match characters we do not enumerate
# A digit the phrase cannot match without ('\d+', '\d{3,}'), outside any optional group.
_NEEDS_DIGIT = re.compile(r"^[^()]*\\d(?:\+|\{[1-9])")
_ANY_DIGIT = re.compile(r"\d")


def _parse(pattern: str) -> list[list[object]]:
    """The pattern as alternatives of sequences of items: a character set (frozenset), a group
    (nested alternatives), zero width ('') or unknown (None), each with (min, max) repeats."""
    tokens = _TOKEN.findall(pattern)
    alternatives, _ = _alternation(tokens, 0)
    return alternatives


def _alternation(tokens: list[str], i: int) -> tuple[list[list[object]], int]:
    alternatives: list[list[object]] = [[]]
    while i < len(tokens):
        tok = tokens[i]
        if tok == ")":
            return alternatives, i + 1
        if tok == "|":
            alternatives.append([])
            i += 1
            continue
        if tok.startswith("("):
            inner, i = _alternation(tokens, i + 1)
            item: object = ("group", inner, tok in ("(?=", "(?!", "(?<=", "(?<!"))
        else:
            item = _atom(tok)
            i += 1
        low, high = 1, 1
        if i < len(tokens) and tokens[i][0] in "*+?{":
            low, high = _repeat(tokens[i])
            i += 1
        alternatives[-1].append((item, low, high))
    return alternatives, i


def _atom(tok: str) -> object:
    if tok in _ZERO_WIDTH:
        return ""
    if tok.startswith("[^"):
        return _UNKNOWN
    if tok.startswith("["):
        chars = re.sub(r"\\(.)", r"\1", tok[1:-1])
        if "-" in chars.strip("-") or len(chars) > 6:
            return _UNKNOWN
        return frozenset(chars)
    if tok.startswith("\\") and len(tok) == 2:
        return _UNKNOWN if tok[1] in "wWsSdD." else frozenset(tok[1])
    return _UNKNOWN if tok == "." else frozenset(tok)


def _repeat(tok: str) -> tuple[int, int]:
    if tok[0] == "?":
        return 0, 1
    if tok[0] == "*":
        return 0, 9
    if tok[0] == "+":
        return 1, 9
    low, _, high = tok.strip("{}?").partition(",")
    return int(low or 0), int(high or 9) if "," in tok else int(low or 0)


def _heads(seq: list[object], depth: int) -> set[tuple[str, bool]]:
    """(leading text, whether it is the whole match of ``seq``) for every way to start it."""
    if depth == 0 or not seq:
        return {("", True)}
    (item, low, high), rest = seq[0], seq[1:]
    out: set[tuple[str, bool]] = set()
    if low == 0:
        out |= _heads(rest, depth)
    for text, whole in _item_heads(item, depth):
        if not whole or len(text) >= depth or high != 1:
            out.add((text[:depth], False))  # what follows is not enumerated
            continue
        out |= {(text + more, done) for more, done in _heads(rest, depth - len(text))}
    return out


def _item_heads(item: object, depth: int) -> set[tuple[str, bool]]:
    if item is None:
        return {("", False)}
    if item == "":
        return {("", True)}
    if isinstance(item, frozenset):
        return {(c, True) for c in item}
    _, alternatives, lookaround = item  # type: ignore[misc]
    if lookaround:
        return {("", True)}
    return set().union(*(_heads(alt, depth) for alt in alternatives))


def gate(pattern: str) -> frozenset[str] | None:
    """The leading texts (up to ``_DEPTH`` characters, starting a word) one of which every match
    of ``pattern`` begins with, or None when some match can begin otherwise. None of them starts
    another, so a word start calls for a phrase once at most."""
    pattern = _LEAD.sub("", pattern)  # non-word characters before the first word
    heads = set().union(*(_heads(alt, _DEPTH) for alt in _parse(pattern)))
    texts = {text for text, _ in heads}
    if any(not t or not t[0].isalnum() for t in texts):
        return None
    return frozenset(t for t in texts if not any(t[:n] in texts for n in range(1, len(t))))


# Every cue's phrases, indexed by the leading texts that can start them: a sentence is read once
# for all cues, trying at each word start only the phrases that can start there.
_CUES: list[Cue] = []
_LEADS: dict[str, list[tuple[int, int]]] = {}  # leading text -> (cue, phrase) that start so


@lru_cache(maxsize=256)
def _scan(text: str, cues: int) -> dict[int, list[re.Match[str]]]:
    """The matches of every cue's gated phrases in ``text``, by cue, in order (``cues``: how many
    cues there were, so that a later one does not find a stale scan)."""
    found: dict[int, list[re.Match[str]]] = {}
    starts, phrases = _index(cues)
    all_cues = _CUES
    for m in starts.finditer(text):
        at = m.start()
        for cue, k in phrases[m.group(1)]:
            hit = all_cues[cue].phrases[k].match(text, at)
            if hit is not None:
                found.setdefault(cue, []).append(hit)
    return found


# The last text scanned and what was found (each sentence is asked about ~25 cues in a row); one
# tuple, replaced whole, so that threads never see one text's scan under another text.
_LAST: tuple[str, dict[int, list[re.Match[str]]]] = ("", {})


def _hits(text: str) -> dict[int, list[re.Match[str]]]:
    global _LAST
    last = _LAST
    if last[0] is text:
        return last[1]
    found = _scan(text, len(_CUES))
    _LAST = (text, found)
    return found


@lru_cache(maxsize=4)
def _index(cues: int) -> tuple[re.Pattern[str], dict[str, list[tuple[int, int]]]]:
    """One pattern for the leading texts of all phrases, as a tree of characters so that the
    engine checks each word start in a few steps and finds the longest one there; and for each,
    the phrases that can start with it (its own, and those of the shorter texts it starts with)."""
    leads = sorted(_LEADS)
    phrases = {lead: [e for n in range(1, len(lead) + 1) for e in _LEADS.get(lead[:n], ())]
               for lead in leads}
    return re.compile(r"(?<![a-z0-9_])(?=(" + _tree(leads) + "))"), phrases


def _tree(keys: list[str]) -> str:
    """A pattern matching exactly one of ``keys`` at a position (longest first)."""
    groups: dict[str, list[str]] = {}
    for key in keys:
        groups.setdefault(key[:1], []).append(key[1:])
    parts = []
    for first, rests in sorted(groups.items()):
        longer = sorted({r for r in rests if r})
        inner = _tree(longer) if longer else ""
        body = re.escape(first) + (f"(?:{inner}){'?' if '' in rests else ''}" if inner else "")
        parts.append(body)
    return "(?:" + "|".join(parts) + ")" if len(parts) > 1 else parts[0]


class Cue:
    """A set of phrases that only match at the start of a word, read in the one scan of the
    sentence that serves all cues; the few phrases with no leading text to index are searched."""

    __slots__ = ("_number", "phrases", "_free", "_digits")

    def __init__(self, *phrases: str) -> None:
        self._number = len(_CUES)
        self.phrases: list[re.Pattern[str]] = []
        free = []
        for phrase in (q for p in phrases for q in _split(p.removeprefix(r"\b"))):
            found = None if phrase.startswith("^") else gate(phrase)
            if found is None:
                free.append(phrase)
                continue
            for lead in found:
                _LEADS.setdefault(lead, []).append((self._number, len(self.phrases)))
            self.phrases.append(re.compile(phrase))
        self._free = re.compile("|".join(free)) if free else None
        # a phrase that cannot be indexed usually needs a digit: none, no search
        self._digits = all(_NEEDS_DIGIT.match(p) for p in free)
        _CUES.append(self)

    def finditer(self, text: str) -> list[re.Match[str]]:
        hits = list(_hits(text).get(self._number, ()))
        if self._free is not None and not (self._digits and not _ANY_DIGIT.search(text)):
            hits += _at_word_starts(self._free, text)
            hits.sort(key=lambda m: m.start())
        return hits

    def search(self, text: str) -> re.Match[str] | None:
        """The leftmost match, or None."""
        hits = _hits(text).get(self._number)
        first = hits[0] if hits else None
        if self._free is not None and not (self._digits and not _ANY_DIGIT.search(text)):
            free = next(_at_word_starts(self._free, text), None)
            if free is not None and (first is None or free.start() < first.start()):
                return free
        return first

    def sub(self, replacement: str, text: str) -> str:
        out, last = [], 0
        for m in self.finditer(text):
            if m.start() >= last:
                out += [text[last:m.start()], replacement]
                last = m.end()
        return "".join(out) + text[last:]


def _split(phrase: str) -> list[str]:
    """'a|b' as 'a' and 'b', and '(?:a|b|c)rest' as 'arest', 'brest', 'crest', so that each
    can be indexed on its own."""
    tops = _top_level(phrase)
    if len(tops) > 1:
        return [q for top in tops for q in _split(top.removeprefix(r"\b"))]
    if not phrase.startswith("(?:"):
        return [phrase]
    depth, bars = 0, [2]
    for i, ch in enumerate(phrase):
        if ch == "\\":
            continue
        if ch == "(" and (i == 0 or phrase[i - 1] != "\\"):
            depth += 1
        elif ch == ")" and phrase[i - 1] != "\\":
            depth -= 1
            if depth == 0:
                rest = phrase[i + 1:]
                if rest[:1] in ("?", "*", "+", "{"):
                    return [phrase]
                bars.append(i)
                return [phrase[a + 1:b] + rest for a, b in zip(bars, bars[1:], strict=False)]
        elif ch == "|" and depth == 1 and phrase[i - 1] != "\\":
            bars.append(i)
    return [phrase]


def _top_level(phrase: str) -> list[str]:
    """The alternatives of a phrase outside any group."""
    depth, start, out = 0, 0, []
    escaped = in_class = False
    for i, ch in enumerate(phrase):
        if escaped:
            escaped = False
        elif ch == "\\":
            escaped = True
        elif in_class:
            in_class = ch != "]"
        elif ch == "[":
            in_class = True
        elif ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
        elif ch == "|" and depth == 0:
            out.append(phrase[start:i])
            start = i + 1
    return [*out, phrase[start:]]


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
