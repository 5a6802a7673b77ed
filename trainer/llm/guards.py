"""Guards between the LLM judge and a stored score: verbatim evidence, caps, review flags."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence

GAMING_CAP = 2  # the most a dimension may earn once the reply tries to game the scorer
_QUOTES = str.maketrans({"\u2018": "'", "\u2019": "'", "\u201a": "'", "\u201b": "'",
                         "\u2032": "'", "`": "'", "\u201c": '"', "\u201d": '"', "\u201e": '"',
                         "\u2033": '"', "\u2013": "-", "\u2014": "-", "\u2212": "-",
                         "\u2026": "...", "\u00a0": " "})
_SPACE = re.compile(r"\s+")
_TRIM = " \t\n\"'.,;:!?()[]-"

# Text written to the scorer rather than the customer. Words that a real reply may use
# ("assessor", "examiner", "reviewer", "marker", "score" alone) only count in context.
_INJECTION = tuple(re.compile(p) for p in (
    r"\b(?:ignore|disregard|forget|override|bypass)\b[^.!?\n]{0,40}\b(?:instructions?|prompts?|"
    r"rules|guidelines|rubric|criteria|everything above)\b",
    r"\b(?:graders?|scorers?|evaluators?|rubric|marking scheme|language model|llms?|chatgpt|"
    r"system prompt|prompt injection|as an ai|ai model|ai assistant)\b",
    r"\b(?:note|message|instructions?|memo)s? (?:to|for) (?:the |any )?(?:assessor|examiner|"
    r"marker|reviewer|judge|ai|model|system|evaluator)\b",
    r"(?:^|[\[(\n.!?]\s*|\b(?:dear|attention|hey|hi|hello),?\s+)(?:the )?(?:assessor|examiner|"
    r"marker|reviewer|judge|ai|model|system|assistant|developer)\s*[:,]",
    r"\b(?:rate|score|grade|mark)\b (?:this|me|my|it|that|the|him|her|us)\b[^.!?\n]{0,25}?"
    r"(?<![\d.£$€])\b[0-4]\b(?![\d:.,]?\d|[-%])",
    r"\b(?:give|award|assign|deserves?|earns?|gets?|worth|scores?)\b[^.!?\n]{0,25}\b(?:full|top|"
    r"maximum|max|perfect|highest) (?:marks?|score|points|level|rating)\b",
    r"\b(?:level|score|grade|rating) (?:of )?[0-4]\b(?![\d:.,]?\d|[-%])",
    r"\b(?:empathy|ownership|accuracy)\b[^.!?\n]{0,12}?(?:\b(?:level|score)\b|[:=])\s*[0-4]\b",
    r"\b[0-4]\s*/\s*4\b(?:\s*/\s*[0-4])?(?!\s*/?\d)",
    r"\b(?:this|my|the above|the)\s+(?:reply|response|answer|message|transcript|conversation)\s+"
    r"(?:demonstrates|shows|deserves|meets|scores|earns|covers|addresses|exemplifies|should)\b",
    r"\b(?:exemplary|excellent|perfect|full|maximum) (?:empathy|ownership|accuracy)\b",
    r"\b(?:pass(?:ed)?|ace[sd]?) (?:this|the) (?:test|assessment|evaluation|training)\b",
    r"<\|?\s*(?:im_start|im_end|endoftext|system)\s*\|?>|</?\s*(?:transcript|case_file|"
    r"conversation|instructions?|system)\s*>",
    r"[\"'](?:level|empathy|ownership|accuracy)[\"']\s*:",
    r"\byou are now\b|\bnew instructions\b|\bpretend (?:that|the|you)\b",
))
_SYMPATHY = re.compile(
    r"\b(?:sorry|apologi[sz]e[sd]?|apologies|apologising|apologizing|regrets?)\b|"
    r"\bi (?:completely |totally |really |fully )?(?:understand|hear you|empathi[sz]e|"
    r"sympathi[sz]e|feel your)\b|\bvalid(?:ate)?\b[^.!?]{0,20}\bfeelings\b|\bfeelings are\b")
_STUFFED = 5  # sympathy phrases in one turn beyond which it is stuffing, not listening
_DUMP_LABEL = re.compile(r"^\s*(?:key ?words?|tags|key points?|buzzwords|topics)\s*:")
_PERSON = re.compile(r"\b(?:i|i'm|i'll|i've|we|we'll|we're|you|your|you're|me|my|us|our)\b")


def normalise(text: str) -> tuple[str, list[int]]:
    """Text with quotes, dashes and whitespace made uniform and lower-cased, plus, for each of
    its characters, the index of the original character it came from."""
    out: list[str] = []
    where: list[int] = []
    for n, char in enumerate(unicodedata.normalize("NFC", text)):
        mapped = char.translate(_QUOTES)
        mapped = " " if mapped.isspace() else mapped.lower()
        for piece in mapped:
            if piece == " " and (not out or out[-1] == " "):
                continue
            out.append(piece)
            where.append(n)
    return "".join(out), where


def verbatim(quote: str, turns: Sequence[str]) -> str | None:
    """The trainee's own text that ``quote`` reproduces (whitespace, quote marks and case aside),
    or None when it is not theirs word for word."""
    wanted, _ = normalise(quote.strip().strip(_TRIM))
    if len(wanted) < 3:
        return None
    for turn in turns:
        text = unicodedata.normalize("NFC", turn)
        flat, where = normalise(text)
        start = flat.find(wanted)
        if start >= 0:
            return text[where[start]: where[start + len(wanted) - 1] + 1]
    return None


def keep_verbatim(quotes: Iterable[str], turns: Sequence[str]) -> tuple[tuple[str, ...], int]:
    """The quotes that are the trainee's own words (as the trainee wrote them), and how many
    were dropped."""
    kept: list[str] = []
    dropped = 0
    for quote in quotes:
        found = verbatim(quote, turns)
        if found is None:
            dropped += 1
        elif found not in kept:
            kept.append(found)
    return tuple(kept), dropped


def gaming_signals(turns: Sequence[str]) -> tuple[str, ...]:
    """How the trainee's text tries to game a scorer: text addressed to it, instructions or
    markup smuggled in, piled-up sympathy phrases, or a bare keyword list."""
    found: list[str] = []
    for turn in turns:
        low = turn.translate(_QUOTES).lower()
        for pattern in _INJECTION:
            match = pattern.search(low)
            if match:
                found.append(f"addressed to the scorer ('{_snippet(turn, match)}')")
                break
        if len(_SYMPATHY.findall(low)) >= _STUFFED:
            found.append("stuffed with apology and sympathy phrases")
        if _is_keyword_dump(low):
            found.append("a bare keyword list")
    return tuple(dict.fromkeys(found))


def _is_keyword_dump(low: str) -> bool:
    if _DUMP_LABEL.search(low):
        return True
    for sentence in re.split(r"[.!?\n]", low):
        items = [i.strip() for i in sentence.split(",") if i.strip()]
        if len(items) >= 6 and all(len(i.split()) <= 3 for i in items) \
                and not _PERSON.search(sentence):
            return True
    return False


def _snippet(turn: str, match: re.Match[str]) -> str:
    text = _SPACE.sub(" ", turn.translate(_QUOTES)[max(0, match.start() - 10): match.end() + 10])
    return text.strip()
