"""Sentences as verbatim slices of the trainee's text, with tokens, clauses and negation scope."""

from __future__ import annotations

import re
from functools import lru_cache
from typing import NamedTuple

from .spoken import is_spoken, spoken_sentences

# Same-length replacements only, so a normalised sentence lines up with the original characters.
_NORMALISE = str.maketrans({"\u2019": "'", "\u2018": "'", "\u201c": '"', "\u201d": '"',
                            "\u2013": "-", "\u2014": "-", "\u00a0": " "})
_SENTENCE_END = re.compile(r"[.!?][\"')\]]*(?:\s+|$)|\s*\n\s*")
_FRAGMENT = re.compile(r"[,/|]+")
_TOKEN = re.compile(r"[a-z0-9]+(?:'[a-z]+)?(?:[.,]\d+)*")
_CLAUSE_BREAK = re.compile(r"\s*[,;:()]\s*|\s+(?:-\s+|(?=(?:so (?:you|i|we|it|that|they|he|she)|"
                           r"but|however|although|though|whereas|except|and then|so that|because|"
                           r"which)\b))")
NEGATORS = frozenset("not no never cannot nor neither nobody nothing none unable non "
                     "refuse refused won't can't don't doesn't didn't isn't aren't wasn't weren't "
                     "haven't hasn't hadn't shouldn't wouldn't couldn't mustn't needn't ain't "
                     "dont wont cant isnt didnt doesnt".split())
# Negators that do not negate what follows ("no later than 5 days" still promises 5 days).
_NOT_NEGATING = re.compile(r"\b(?:no|not) (?:later|longer|more|greater|slower) than\b|"
                           r"\b(?:not|\w+n't) (?:only|just|merely|simply)\b|"
                           r"\bno (?:problem|worries|doubt|question)\b|"
                           r"\bwithout (?:delay|fail|question)\b|\bnever again\b")
FUNCTION_WORDS = frozenset(
    "i you we it this that he she they me us him her them my your our their its is are was were "
    "be been being am will would can could shall should may might must have has had do does did "
    "the a an to for of in on at by with from about as if so then there here please let i'm i'll "
    "i've i'd we'll we've we're you're you've you'll it's that's there's what when how why who "
    "not no and or but yourself myself ourselves himself herself themselves up out off over all "
    "some any each every just also only".split())


class Sentence(NamedTuple):
    text: str  # verbatim slice of the trainee's turn
    lower: str  # normalised lower case, same length as text (spoken: its reading, see spoken.py)
    tokens: tuple[str, ...]
    spoken: bool = False  # read from a speech transcript: its boundaries were inferred

    @property
    def is_structured(self) -> bool:
        """A real sentence, not a bare keyword list: enough words, some of them grammatical."""
        return is_structured(self.tokens, self.lower)


def normalise(text: str) -> str:
    return text.translate(_NORMALISE).lower()


def tokens(lower: str) -> tuple[str, ...]:
    return tuple(_TOKEN.findall(lower))


@lru_cache(maxsize=1024)
def split_sentences(text: str) -> tuple[Sentence, ...]:
    """The sentences of one turn, each a verbatim substring of it. A turn without punctuation,
    as speech-to-text writes it, is split where a new sentence starts, and each sentence is read
    without fillers and with its figures written (`spoken`)."""
    if is_spoken(text):
        return tuple(Sentence(text[a:b], low, tokens(low), True)
                     for a, b, low in spoken_sentences(text))
    out = []
    start = 0
    for match in _SENTENCE_END.finditer(text):
        gap = match.start() + (text[match.start()] in ".!?")  # what follows the full stop
        _add(text, start, gap if text[gap:match.end()].strip() else match.end(), out)
        start = match.end()
    _add(text, start, len(text), out)
    return tuple(out)


def _add(text: str, start: int, end: int, out: list[Sentence]) -> None:
    piece = text[start:end].strip().lstrip("-*\u2022 ").strip()
    if not piece:
        return
    lower = normalise(piece)
    out.append(Sentence(piece, lower, tokens(lower)))


def is_structured(toks: tuple[str, ...], lower: str) -> bool:
    if len(toks) < 3:
        return False
    words = len(toks) - sum(1 for t in toks if t[0].isdigit())  # times, amounts: not words
    grammatical = len(FUNCTION_WORDS.intersection(toks)) and sum(
        1 for t in toks if t in FUNCTION_WORDS)
    if grammatical == 0 or grammatical / max(words, 1) < 0.12:
        return False
    if lower.count(",") + lower.count("/") + lower.count("|") < 3:
        return True  # too few separators for a list of fragments
    fragments = [f for f in _FRAGMENT.split(lower) if f.strip()]
    # "refund, 5 working days, reference, sorry": many short comma-separated fragments
    return not (len(fragments) >= 4 and len(toks) / len(fragments) < 2.5)


@lru_cache(maxsize=2048)
def is_negated(clause: str) -> bool:
    """Whether a clause carries a negation that is not an idiom like 'no later than'."""
    cleaned = _NOT_NEGATING.sub(" ", clause)
    return any(t in NEGATORS or t.endswith("n't") for t in _TOKEN.findall(cleaned))


# Someone else's words, or the case notes, reported rather than said as the trainee's own:
# "being told it's your fault", "the technician noted...", "the system shows that...".
REPORTED = re.compile(
    r"\b(?:you|they|he|she|someone|somebody|the \w+) (?:said|told|claimed|were told|was told|"
    r"suggested|thought|think|noted|wrote|logged|recorded|implied|insisted|made out)\b|"
    r"\bbeing (?:told|accused|blamed)\b|\b(?:telling|saying|claiming|suggesting|implying|"
    r"insisting|accusing|blaming)\b|\bwhen you say\b|\byou mentioned\b|"
    r"\b(?:notes?|records?|log|system|history|file) (?:says?|shows?|confirms?)\b|"
    r"\baccording to\b")


_IMPLICIT = re.compile(r"\b(?:stop(?:ped|s)?|fail(?:ed|s)?|lost|missing|without|lack\w*|no one|"
                       r"un(?!lock|block|freez|do|pack|plug|wrap|load|der|til|it|ique|iver)"
                       r"\w{3,}(?:ed|able|ible|paid))\b")
_CONDITIONAL = re.compile(r"^\W*(?:and |but |so )?(?:if|unless|in case|whether|should|even if|"
                          r"just in case|when)\b")


@lru_cache(maxsize=2048)
def is_denial(clause: str) -> bool:
    """Negated outright or by meaning ('stopped sending', 'unassigned', 'failed to arrive')."""
    return is_negated(clause) or bool(_IMPLICIT.search(clause))


def is_conditional(clause: str) -> bool:
    return bool(_CONDITIONAL.search(clause))


@lru_cache(maxsize=2048)
def clauses(lower: str) -> tuple[str, ...]:
    return tuple(c for c in _CLAUSE_BREAK.split(lower) if c.strip()) or (lower,)


_AND_NEW = re.compile(r"\s+and\s+(?=(?:the|a|an|its|their|his|her|your|our|my|no|nothing|it|they|"
                      r"he|she|we|i|you|there|was|were|is|are|has|had|have|will|would|did|does|"
                      r"not|never)\b)")


@lru_cache(maxsize=2048)
def statements(lower: str) -> tuple[str, ...]:
    """Clauses, also split where 'and' starts a new subject ('... fault and the text failed'),
    so that each carries one polarity."""
    return tuple(p for c in clauses(lower) for p in _AND_NEW.split(c) if p.strip()) or (lower,)


def negated_before(lower: str, position: int, window: int = 4) -> bool:
    """Whether one of the few words before ``position`` (same clause) negates what follows."""
    head = _CLAUSE_BREAK.split(lower[:position])[-1]
    head = _NOT_NEGATING.sub(" ", head)
    words = _TOKEN.findall(head)[-window:]
    return any(w in NEGATORS or w.endswith("n't") for w in words)
