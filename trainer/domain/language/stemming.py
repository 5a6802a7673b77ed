"""Light English stemming and the concept a word belongs to (its synonym family)."""

from __future__ import annotations

from functools import cache

from .synonyms import FAMILIES

_IRREGULAR = {
    "taken": "take", "took": "take", "paid": "pay", "sent": "send", "gave": "give", "given": "give",
    "went": "go", "gone": "go", "got": "get", "gotten": "get", "bought": "buy", "made": "make",
    "broke": "break", "broken": "break", "lost": "lose", "told": "tell", "said": "say",
    "spoke": "speak", "spoken": "speak", "left": "leave", "kept": "keep", "held": "hold",
    "brought": "bring", "thought": "think", "felt": "feel", "heard": "hear", "saw": "see",
    "seen": "see", "wrote": "write", "written": "write", "knew": "know", "known": "know",
    "came": "come", "put": "put", "charged": "charge", "children": "child", "men": "man",
    "women": "woman", "better": "good", "best": "good", "worse": "bad", "worst": "bad",
    "twice": "twice", "this": "this", "has": "have", "was": "be", "is": "be", "are": "be",
    "were": "be", "been": "be", "does": "do", "did": "do", "done": "do",
}
_SUFFIXES = ("ational", "ization", "isation", "tions", "tion", "fulness", "iveness", "ements", "ement", "ments",
             "ment", "ness", "ings", "ing", "edly", "ably", "ibly", "ies", "ied", "ily", "ers",
             "er", "ed", "ly", "es", "s")


@cache
def stem(word: str) -> str:
    """A crude, stable stem: enough to make 'refunds', 'refunded' and 'refunding' agree."""
    word = word.lower().strip("'")
    if word.endswith("'s"):
        word = word[:-2]
    if word in _IRREGULAR:
        return _IRREGULAR[word]
    if len(word) <= 4 or not word.isalpha():
        return word
    for suffix in _SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= (4 if len(suffix) <= 2 else 3):
            base = word[: -len(suffix)]
            if suffix in ("ies", "ied", "ily"):
                base += "y"
            elif suffix in ("tion", "tions"):
                base += "t"  # frustration -> frustrat, like frustrated
            elif suffix in ("ed", "ing", "edly") and len(base) > 3 \
                    and base[-1] == base[-2] and base[-1] not in "ls":
                base = base[:-1]  # stopped -> stop
            return _drop_e(base)
    return _drop_e(word)


def _drop_e(word: str) -> str:
    """'guarantee', 'guarantees' and 'guaranteed' all end up as 'guarant'."""
    if len(word) <= 4 or not word.endswith("e"):
        return word
    short = word.rstrip("e")
    return short if len(short) >= 4 else word[:-1]


def _build() -> dict[str, str]:
    table: dict[str, str] = {}
    for family in FAMILIES:
        words = family.split()
        head = stem(words[0])
        for w in words:
            table.setdefault(stem(w), head)
    return table


_CONCEPT = _build()


@cache
def concept(word: str) -> str:
    """The synonym family a word belongs to, named by the family's first word's stem."""
    s = stem(word)
    return _CONCEPT.get(s, s)
