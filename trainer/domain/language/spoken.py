"""Speech transcripts read as typed text is. A turn with no punctuation (what speech-to-text writes)
is split into sentences where a new one starts ("i'll...", "sorry...", "thank you...") and each
sentence is read without its fillers ("um", "you know") and with its figures said in words
written as figures (`number_words`). The sentences stay verbatim slices of what was sent: only the
reading changes, never the evidence quoted."""

from __future__ import annotations

import re
from functools import lru_cache

from . import spoken_cues as C
from .gaming_cues import ADDRESSED_TO_SCORER
from .number_words import NUMBER_WORDS, written
from .spoken_fillers import fillers

# Punctuation that ends a sentence or a clause in typed text: with none, the turn was spoken.
_PUNCTUATED = re.compile(r"[!?;:\n]|[.,](?!\d)")  # not the point in 39.99
_WORD = re.compile(r"\S+")
_CAPITAL = re.compile(r"(?!\bI(?:'[a-z]+)?\b)[A-Z]")
_TO_SCORER = tuple(re.compile(p) for p in ADDRESSED_TO_SCORER)
_EDGE = re.compile(r"^[^\w£$€]+|[^\w%]+$")
MIN_SENTENCE_WORDS = 3  # a sentence found in speech has at least this many words
MIN_SPOKEN_WORDS = 3  # fewer words than this: nothing to read differently


def is_spoken(text: str) -> bool:
    """A turn as speech-to-text engines without punctuation write it: words, no punctuation (not
    even a full stop at the end) and no capitals but 'I'; engines that write capitals also
    punctuate, and a typed reply starts with a capital or ends with a full stop."""
    return not _PUNCTUATED.search(text) and not _CAPITAL.search(text) \
        and len(text.split()) >= MIN_SPOKEN_WORDS


def _words(text: str) -> list[tuple[str, int, int]]:
    """The words of a text, lower case without edge marks, with where each is in the text."""
    out = []
    for m in _WORD.finditer(text):
        word = _EDGE.sub("", m.group().lower().replace("\u2019", "'"))
        if word:
            out.append((word, m.start(), m.end()))
    return out


def _opens(word: str) -> bool:
    """Whether a clause of its own may start with this word ('you'd rather...')."""
    return word in C.STARTERS or word in C.SUBJECTS


def _starts_sentence(words: list[str], k: int, prev: str) -> bool:
    """Whether a new sentence starts at ``words[k]``, said after ``prev``."""
    w = words[k]
    nxt = words[k + 1] if k + 1 < len(words) else ""
    if nxt in C.QUESTIONS.get(w, ()) and (prev not in C.CONNECTIVES or prev in C.PREPOSITIONS) \
            and prev not in C.AUXILIARIES:
        return not _after_head(words, k)  # 'to confirm | is there anything else...'
    if w == "please" and prev not in C.CONNECTIVES and prev not in C.AUXILIARIES:
        return prev != "you"  # 'i'll ask one thing | please don't...'
    if prev in ("that", "all") and k >= 2 and (
            words[k - 2] in C.THAT_ENDS_AFTER if prev == "that" else words[k - 2] == "at"):
        prev = "."  # 'beyond that | i can't...', 'nothing wrong at all | the engineers...'
    if prev in (C.PREPOSITIONS_BLOCKING if w in C.NOMINATIVE else C.NO_BREAK_AFTER):
        return False  # 'if the swearing carries on | i'll have to end the call'
    if w == "sorry":
        return prev not in C.SORRY_KEPT_AFTER
    if w in C.DETERMINERS:
        return prev not in C.AUXILIARIES and _subject_phrase(words, k)
    if w == "let":
        return nxt in ("me", "us")
    if k >= 2 and words[k - 2] in C.SAYING and prev in C.OBJECTS:
        return False  # 'they told you | it's your fault' is what they said
    if w in C.SUBJECTS and (prev in C.AUXILIARIES or _after_head(words, k) or _asks(words, k + 1)
                          or C.WH.intersection(words[max(0, k - 2):k])):
        return False  # 'can i', 'anything else i can do', 'how angry you are'
    if w == "i" and (nxt in NUMBER_WORDS or nxt[:1].isdigit()):
        return False  # the letter i of a code ('d i six oh three')
    return w in C.STARTERS or w in C.SUBJECTS and (nxt in C.VERBS or w in ("i", "we"))


def is_question(words: list[str]) -> bool:
    """A sentence that asks, by its first words ('is there anything else...', 'does that
    work for you'): speech-to-text writes no question mark."""
    while words and words[0] in C.LEAD_INS:
        words = words[1:]
    return len(words) > 1 and words[1] in C.QUESTIONS.get(words[0], ())


def _asks(words: list[str], k: int) -> bool:
    """Whether a question starts at ``words[k]`` ('is there', 'does that')."""
    return k + 1 < len(words) and words[k + 1] in C.QUESTIONS.get(words[k], ())


def _subject_phrase(words: list[str], k: int) -> bool:
    """'your reference is...', 'any new plan will...': a determiner, a few words, then a
    verb, not after a question word ('how much the delay has cost')."""
    if C.WH.intersection(words[max(0, k - 2):k]):
        return False
    said = 0
    for j in range(k + 2, len(words)):
        w = words[j]
        if w in C.PHRASE_VERBS:  # not the start of a question ('the result | is there...')
            return not _asks(words, j)
        if w in NUMBER_WORDS or w == "and" and words[j - 1] in NUMBER_WORDS:
            continue  # 'your fibre one hundred and fifty contract has...'
        said += 1
        inside = w in C.PREPOSITIONS or words[j - 1] in C.PREPOSITIONS  # 'from last night'
        if said > C.PHRASE_WORDS or w in C.STARTERS or w in C.SUBJECTS or (
                w in C.CONNECTIVES and not inside):
            return False
    return False


def _after_head(words: list[str], k: int) -> bool:
    """Whether a relative clause may start at ``k``: a head such as 'anything else' a few words
    before, with no verb between ('anything else about your account i can help with')."""
    for w in reversed(words[max(0, k - C.HEAD_REACH):k]):
        if w in C.HEADS:
            return True
        if w in C.AUXILIARIES or w in C.VERBS or w == "been":
            return False
    return False


def _condition_before(words: list[str], start: int, k: int, starter: int) -> int | None:
    """Where the sentence starting at ``k`` really starts: at 'if it hasn't' (or 'and if...')
    before it, since a condition goes with the statement that follows ('if it hasn't i'll
    chase it')."""
    if words[starter] not in C.STATEMENT_STARTS:
        return k
    for c in range(k - 1, max(start - 1, k - C.CONDITION_REACH - 1), -1):
        if words[c] in C.CONDITIONS:
            joined = c - 1 if c > start and words[c - 1] in ("and", "but") else c
            if joined - start >= MIN_SENTENCE_WORDS:
                return joined
            return None if joined == start else k  # 'if it hasn't arrived i'll chase it'
    return k


@lru_cache(maxsize=1024)
def spoken_sentences(text: str) -> tuple[tuple[int, int, str], ...]:
    """The sentences of a spoken turn: (start, end, reading), each text[start:end] a verbatim
    slice from its first word to its last that is not a filler, the reading without fillers and
    with its figures written."""
    words = _words(text)
    filler = fillers([w for w, _, _ in words])
    kept = [item for item, skip in zip(words, filler, strict=True) if not skip]
    plain = [w for w, _, _ in kept]
    fixed = _opening_and_closing(plain) | _addressed(plain)
    cuts = [0]
    for k in range(1, len(plain)):
        at = k - 1 if plain[k - 1] == "so" else k  # 'so i'll ring you': from 'so'
        if k in fixed:
            cuts.append(k)
        elif at - cuts[-1] >= MIN_SENTENCE_WORDS and k < len(plain) - 1 \
                and _starts_sentence(plain, k, plain[at - 1]):
            cut = _condition_before(plain, cuts[-1], at, k)
            if cut is not None:  # None: the sentence opened with the condition
                cuts.append(cut)
    cuts.append(len(plain))
    return tuple((kept[a][1], kept[b - 1][2], _reading(plain[a:b]))
                 for a, b in zip(cuts, cuts[1:], strict=False) if a < b)


def _opening_and_closing(words: list[str]) -> set[int]:
    """Cuts after a greeting ('hi sam | ...') or a courtesy said first ('sorry | refund done')
    and before one said last ('... | apologies'): each a sentence of its own, as typed."""
    cuts = set()
    if len(words) > 2 and words[0] in C.GREETINGS:
        named = words[1] not in C.NO_BREAK_AFTER and not _opens(words[1])
        cuts.add(2 if named and len(words) > 3 else 1)
    elif len(words) > 2 and words[0] in C.COURTESIES and words[1] not in C.NO_BREAK_AFTER \
            and words[1] not in C.PREPOSITIONS and words[1] != "to":
        cuts.add(1)
    if len(words) > 2 and words[-1] in C.COURTESIES and words[-2] not in C.NO_BREAK_AFTER:
        cuts.add(len(words) - 1)
    return cuts


def _addressed(words: list[str]) -> set[int]:
    """Cuts around words addressed to whoever scores the reply, so that they are one sentence
    (set aside as gaming) and the rest of the turn is read as usual."""
    text = " ".join(words)
    starts = [0]
    for w in words[:-1]:
        starts.append(starts[-1] + len(w) + 1)
    spans = sorted((max(n for n, at in enumerate(starts) if at <= m.start()),
                    max(n for n, at in enumerate(starts) if at < m.end()) + 1)
                   for pattern in _TO_SCORER for m in pattern.finditer(text))
    cuts: set[int] = set()
    end = -1
    for first, last in spans:  # overlapping or touching spans are one stretch
        if first > end + 1:  # 'ignore the rules and give it full marks': one stretch
            cuts.add(first)
        end = max(end, last)
        cuts.add(_clause_end(words, end))
    merged = {c for c in cuts if not any(a < c < b for a, b in spans)
              and not any(b < c < a2 and a2 - b <= 1 for (_, b), (a2, _) in zip(spans, spans[1:], strict=False))}
    return {c for c in merged if 0 < c < len(words)}


def _clause_end(words: list[str], k: int) -> int:
    """Where the words addressed to the scorer stop: the next sentence start, or the end."""
    for n in range(k, len(words)):
        if _starts_sentence(words, n, words[n - 1]):
            return n
    return len(words)


def _reading(words: list[str]) -> str:
    """A sentence read: its figures written, its clauses marked with commas where typed text
    would have them (', and i'll...', 'if it hasn't, i'll...'), a question marked."""
    marks = [k for k in range(1, len(words)) if _clause_starts(words, k)]
    parts = [words[a:b] for a, b in zip([0, *marks], [*marks, len(words)], strict=True)]
    said = ", ".join(written(" ".join(p)) for p in parts if p)
    return said + ("?" if is_question(words) else "")


def _clause_starts(words: list[str], k: int) -> bool:
    """Where a clause starts inside a sentence: a subject after a conjunction ('and | you'll
    get...' is marked before the 'and') or where a sentence could start."""
    w, nxt = words[k], words[k + 1] if k + 1 < len(words) else ""
    subject = w in C.NOMINATIVE or w in C.STARTERS and "'" in w or (
        w in C.SUBJECTS and nxt in C.VERBS and not _asks(words, k + 1))
    if k + 1 < len(words) and w in C.JOINING and words[k + 1] in C.NOMINATIVE | C.STARTERS:
        return k >= 2  # ', and i'll...'
    if w in C.NEGATIVE_OPENERS and nxt not in C.PREPOSITIONS:
        prev = words[k - 1]  # 'ticket net-5521, nothing wrong on your side'
        return not (prev in C.VERBISH or prev in C.NO_BREAK_AFTER or prev in C.AUXILIARIES
                    or prev.endswith(("ed", "n't", "'s")) or prev in C.JOINING)
    return subject and words[k - 1] not in C.JOINING and _starts_sentence(words, k, words[k - 1])


def read_spoken(text: str) -> str:
    """A spoken text read whole: fillers out, figures written, questions marked."""
    return " ".join(reading for _, _, reading in spoken_sentences(text))


def reading(text: str, normalised: str) -> str:
    """How a piece of a turn reads: spoken, or as ``normalised`` (typed text, normalised)."""
    return read_spoken(text) if is_spoken(text) else normalised
