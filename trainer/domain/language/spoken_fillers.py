"""Which words of a speech transcript are fillers: hesitations ("um", "uh"), a word said twice,
and 'you know', 'like' and 'so' when the words beside them do not make them words ("i'd like
to", "so sorry", "so you can", "if you know")."""

from __future__ import annotations

from . import spoken_cues as C
from .number_words import NUMBER_WORDS


def fillers(words: list[str]) -> list[bool]:
    """Which words are fillers (hesitations, 'you know', 'like', 'so', a word said twice)."""
    out = [False] * len(words)
    for n, w in enumerate(words):
        prev = next((words[k] for k in range(n - 1, -1, -1) if not out[k]), "")
        nxt = words[n + 1] if n + 1 < len(words) else ""
        if out[n]:
            continue
        if w == "you" and nxt == "know" and (
                prev not in C.YOU_KNOW_KEPT_AFTER or _said_before(words, out, n, 2) in C.PRONOUN_FORMS
                or (words[n + 2] if n + 2 < len(words) else "") in C.PRONOUN_FORMS):
            out[n] = out[n + 1] = True
        elif w in C.HESITATIONS or (w == prev and not w[0].isdigit() and w not in NUMBER_WORDS):
            out[n] = True
        elif w == "like" and not _like_is_word(words[:n], out[:n]) and not (
                prev in C.LIKE_BEFORE_KEPT_AFTER and nxt in C.COMPARED):
            out[n] = True
        elif w == "so" and (prev in C.CONNECTIVES or not _intensified(nxt)
                            and not _purpose(_said_after(words, n))):
            out[n] = True
    return out


def _like_is_word(before: list[str], filler: list[bool]) -> bool:
    """Whether 'like' after these words is a word: 'i'd like', 'feels like', 'if you like'."""
    kept = [w for w, skip in zip(before, filler, strict=True) if not skip][-2:]
    if not kept:
        return False
    if kept[-1] in C.PRONOUNS:
        return len(kept) == 2 and kept[0] in ("if", "what", "do", "don't", "would", "as")
    return kept[-1] in C.LIKE_KEPT_AFTER


def _said_before(words: list[str], filler: list[bool], n: int, back: int) -> str:
    """The word said ``back`` words before ``words[n]``, fillers left out ('you' in 'you did
    | you know | nothing wrong': not the question 'did you know')."""
    kept = [w for w, skip in zip(words[:n], filler[:n], strict=True) if not skip]
    return kept[-back] if len(kept) >= back else ""


def _said_after(words: list[str], n: int) -> list[str]:
    """The two words said after ``words[n]``, hesitations and a 'you know' before a pronoun
    left out ('so | you know | you have them')."""
    out, k = [], n + 1
    while k < len(words) and len(out) < 2:
        if words[k] in C.HESITATIONS:
            k += 1
        elif words[k:k + 2] == ["you", "know"] and k + 2 < len(words) \
                and (words[k + 2] in C.PRONOUN_FORMS or out[-1:] == ["you"]):
            k += 2
        else:
            out.append(words[k])
            k += 1
    return out


def _purpose(after: list[str]) -> bool:
    """Whether 'so' before these words says what for: 'so you can', 'so that we...'."""
    if len(after) < 2:
        return False
    if after[0] == "you":
        return after[1] in C.PURPOSE_VERBS  # 'so you can', not 'ring so you myself'
    return after[0] in C.SO_KEPT_BEFORE_YOU or after[0] == "that" \
        and after[1] in C.PURPOSE_SUBJECTS


def _intensified(word: str) -> bool:
    """Whether 'so' before this word means 'very' ('so sorry', 'so frustrating')."""
    return word in C.SO_KEPT_BEFORE
