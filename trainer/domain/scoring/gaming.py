"""The one defence against gaming a scorer, shared by the rule scorer and the LLM judge's
guards: text addressed to the scorer, piled-up sympathy or ownership phrases, and bare keyword
lists; each caps what the reply may earn. The phrase families are data, in
`domain/language/gaming_cues.py`."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from ..language import gaming_cues as cues
from ..language.spoken import is_spoken, spoken_sentences
from ..library import DIMENSIONS

GAMING_CAP = 2  # the most a dimension may earn once the reply tries to game the scorer
# Stuffing is counted by phrase, not by sentence: this many sympathy phrases in one turn...
STUFFED_PHRASES = 5
# ...with fewer than this many words said outside the sympathy sentences is stuffing. Higher
# catches more padded replies, and starts to catch warm over-apologisers who said something.
SUBSTANCE_WORDS = 20
# Hollow ownership: this many empty promises in one turn ("I'll sort it. Leave it with me.")...
HOLLOW_PHRASES = 3
# ...and fewer than this many content words besides them (what, when, how much).
HOLLOW_SUBSTANCE = 12
# A keyword list: a sentence of at least this many comma-separated items...
LIST_ITEMS = 6
# ...each of at most this many words, with no one speaking to anyone.
LIST_ITEM_WORDS = 3

PLAIN_MARKS = str.maketrans({"\u2018": "'", "\u2019": "'", "\u201a": "'", "\u201b": "'",
                         "\u2032": "'", "`": "'", "\u201c": '"', "\u201d": '"', "\u201e": '"',
                         "\u2033": '"', "\u2013": "-", "\u2014": "-", "\u2212": "-",
                         "\u2026": "...", "\u00a0": " "})


def _compile(phrases: Iterable[str]) -> tuple[re.Pattern[str], ...]:
    return tuple(re.compile(p) for p in phrases)


_ADDRESSED = _compile(cues.ADDRESSED_TO_SCORER)
_SYMPATHY = re.compile("|".join(cues.SYMPATHY))
_HOLLOW = re.compile("|".join(cues.HOLLOW_OWNERSHIP))
_LIST_LABEL = re.compile(cues.KEYWORD_LIST_LABEL)
_PERSONAL = re.compile("|".join(cues.PERSONAL))
_SENTENCE_END = re.compile(r"[.!?](?:\s|$)|\n")  # not the point in 39.99
_SPACE = re.compile(r"\s+")
_WORD = re.compile(r"[a-z0-9£$€][a-z0-9'.,£$€]*")
_FILLER = frozenset("i i'll i'm we we'll you your it this that the a an and to of for will is "
                    "it's that's me my be with".split())


def lowered(text: str) -> str:
    return text.translate(PLAIN_MARKS).lower()


@dataclass(frozen=True)
class Signal:
    """One way the trainee's text games a scorer, and the most each dimension may then earn."""

    kind: str  # "injection", "stuffing", "hollow ownership", "keyword list" or "implausible"
    detail: str
    caps: Mapping[str, int] = field(compare=False)

    def __str__(self) -> str:
        return self.detail


_CAPS = {
    # Text addressed to the scorer earns nothing; what is left is worth at most "partly there".
    "injection": dict.fromkeys(DIMENSIONS, GAMING_CAP),
    "implausible": dict.fromkeys(DIMENSIONS, GAMING_CAP),
    # Piled-up sympathy is generic courtesy at best (rubric empathy level 1).
    "stuffing": {**dict.fromkeys(DIMENSIONS, GAMING_CAP), "empathy": 1},
    # Repeated empty promises are "vague, not taken on" (rubric ownership level 1).
    "hollow ownership": {**dict.fromkeys(DIMENSIONS, GAMING_CAP), "ownership": 1},
    # A list of terms is not said to anyone: vague at best.
    "keyword list": dict.fromkeys(DIMENSIONS, 1),
}


def signal(kind: str, detail: str) -> Signal:
    return Signal(kind, detail, _CAPS[kind])


def addressed_to_scorer(text: str) -> re.Match[str] | None:
    """Where the text speaks to whoever grades it (or smuggles in instructions), if it does."""
    low = lowered(text)
    return next((m for p in _ADDRESSED if (m := p.search(low))), None)


def gaming_signals(turns: Sequence[str]) -> tuple[Signal, ...]:
    """How the trainee's turns try to game a scorer, each kind once."""
    found: list[Signal] = []
    for turn in turns:
        low = lowered(turn)
        match = addressed_to_scorer(turn)
        if match:
            found.append(signal("injection", f"addressed to the scorer "
                                             f"('{_snippet(turn, match)}')"))
        if is_stuffed(low):
            found.append(signal("stuffing", "stuffed with apology and sympathy phrases"))
        if is_hollow(low):
            found.append(signal("hollow ownership", "the same empty promises repeated"))
        if is_keyword_list(low):
            found.append(signal("keyword list", "a bare keyword list"))
    return tuple(dict.fromkeys(found))


def caps(signals: Iterable[Signal]) -> dict[str, int]:
    """The most each dimension may earn under all these signals."""
    out: dict[str, int] = {}
    for found in signals:
        for name, cap in found.caps.items():
            out[name] = min(cap, out.get(name, cap))
    return out


def is_stuffed(low: str) -> bool:
    """Many sympathy phrases and little else: an over-apologiser with something to say about
    the complaint is not gaming anyone."""
    if len(_SYMPATHY.findall(low)) < STUFFED_PHRASES:
        return False
    # a speech transcript has no full stops: its sentences as the scorer reads them
    sentences = [said for _, _, said in spoken_sentences(low)] if is_spoken(low) \
        else _SENTENCE_END.split(low)
    return sum(len(s.split()) for s in sentences if not _SYMPATHY.search(s)) < SUBSTANCE_WORDS


def is_hollow(low: str) -> bool:
    """Ownership phrases repeated with almost nothing in them about what will be done."""
    promises = _HOLLOW.findall(low)
    if len(promises) < HOLLOW_PHRASES:
        return False
    rest = _HOLLOW.sub(" ", _SYMPATHY.sub(" ", low))
    content = {w.strip(".,") for w in _WORD.findall(rest)} - _FILLER
    return len(content) < HOLLOW_SUBSTANCE


def is_keyword_list(low: str) -> bool:
    if _LIST_LABEL.search(low):
        return True
    for sentence in _SENTENCE_END.split(low):
        items = [i.strip() for i in sentence.split(",") if i.strip()]
        if len(items) >= LIST_ITEMS and all(len(i.split()) <= LIST_ITEM_WORDS for i in items) \
                and not _PERSONAL.search(sentence):
            return True
    return False


def _snippet(turn: str, match: re.Match[str]) -> str:
    plain = turn.translate(PLAIN_MARKS)
    text = _SPACE.sub(" ", plain[max(0, match.start() - 10): match.end() + 10])
    return text.strip()
