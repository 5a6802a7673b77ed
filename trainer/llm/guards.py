"""Guards between the LLM judge and a stored score: verbatim evidence, caps, review flags."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from ..domain.library import DIMENSIONS

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
    r"system prompt|prompt injection|as an ai|ai model|ai assistant|scoring model)\b",
    r"\b(?:note|message|instructions?|memo)s? (?:to|for) (?:the |any )?(?:automated )?"
    r"(?:assessor|examiner|marker|reviewer|judge|ai|model|system|evaluator)\b",
    r"(?:^|[\[(\n.!?]\s*)(?:assessor|examiner|marker|reviewer|judge|evaluator)\s*:",
    r"\b(?:dear|attention|hey|hi|hello),? (?:the )?(?:assessor|examiner|marker|reviewer|judge|"
    r"ai|model|system)\b",
    r"(?:^|[\[(<\n])\s*(?:system|assistant|developer)\s*[:\]>]|\bassistant:",
    r"\b(?:rate|score|grade|mark)\b (?:this|me|my|it|that|the|him|her|us)\b[^.!?\n]{0,25}?"
    r"(?<![\d.£$€])\b[0-4](?=\s*(?:$|[.,;!?)\]/]|(?:on|for|in|across|out of|everywhere|and|"
    r"please|points?|marks?)\b))",
    r"\b(?:give|award|assign|deserves?|earns?|gets?|worth|scores?)\b[^.!?\n]{0,25}\b(?:full|top|"
    r"maximum|max|perfect|highest) (?:marks?|score|points|level|rating)\b",
    r"\b(?:score|grade|rating) (?:of )?[0-4]\b(?![\d:.,]?\d|[-%])",
    r"\blevel [0-4]\b(?= (?:on|for|in|across|answer|response|reply|empathy|ownership|accuracy|"
    r"every|all)\b|\s*[.!)\]]|\s*$)",
    r"\b(?:empathy|ownership|accuracy)\b[^.!?\n]{0,12}?(?:\b(?:level|score)\b|[:=])\s*[0-4]\b",
    r"\b[0-4]\s*/\s*4\s*/\s*[0-4]\b|\b(?:a|model|scored?|rated?|rating|gets?|deserves?|earns?|"
    r"worth|it|this|me)\s+[0-4]\s*/\s*4\b|\b[0-4]\s*/\s*4\s+(?:answer|response|reply|marks)\b",
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
_STUFFED = 5  # sympathy phrases in one turn from which, with little else said, it is stuffing
_SUBSTANCE = 20  # words said outside the sympathy sentences that make it more than stuffing
_DUMP_LABEL = re.compile(r"^\s*(?:key ?words?|tags|key points?|buzzwords|topics)\s*:")
_SENTENCE_END = re.compile(r"[.!?](?:\s|$)|\n")  # not the point in 39.99
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


def verbatim(quote: str, turns: Sequence[str] | TraineeWords) -> str | None:
    words = turns if isinstance(turns, TraineeWords) else TraineeWords(turns)
    return words.find(quote)


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


@dataclass(frozen=True)
class Signal:
    """One way the trainee's text games a scorer, and the most each dimension may then earn."""

    kind: str  # "injection", "stuffing", "keyword list" or "implausible"
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
    # A list of terms is not said to anyone: vague at best.
    "keyword list": dict.fromkeys(DIMENSIONS, 1),
}


def signal(kind: str, detail: str) -> Signal:
    return Signal(kind, detail, _CAPS[kind])


def gaming_signals(turns: Sequence[str]) -> tuple[Signal, ...]:
    """How the trainee's text tries to game a scorer: text addressed to it, instructions or
    markup smuggled in, piled-up sympathy phrases, or a bare keyword list."""
    found: list[Signal] = []
    for turn in turns:
        low = turn.translate(_QUOTES).lower()
        match = next((m for p in _INJECTION if (m := p.search(low))), None)
        if match:
            found.append(signal("injection", f"addressed to the scorer "
                                             f"('{_snippet(turn, match)}')"))
        if _is_stuffed(low):
            found.append(signal("stuffing", "stuffed with apology and sympathy phrases"))
        if _is_keyword_dump(low):
            found.append(signal("keyword list", "a bare keyword list"))
    return tuple(dict.fromkeys(found))


def caps(signals: Iterable[Signal]) -> dict[str, int]:
    """The most each dimension may earn under all these signals."""
    out: dict[str, int] = {}
    for found in signals:
        for name, cap in found.caps.items():
            out[name] = min(cap, out.get(name, cap))
    return out


def _is_stuffed(low: str) -> bool:
    """Many sympathy phrases and little else: an over-apologiser with something to say about
    the complaint is not gaming anyone."""
    if len(_SYMPATHY.findall(low)) < _STUFFED:
        return False
    sentences = _SENTENCE_END.split(low)
    return sum(len(s.split()) for s in sentences if not _SYMPATHY.search(s)) < _SUBSTANCE


def _is_keyword_dump(low: str) -> bool:
    if _DUMP_LABEL.search(low):
        return True
    for sentence in _SENTENCE_END.split(low):
        items = [i.strip() for i in sentence.split(",") if i.strip()]
        if len(items) >= 6 and all(len(i.split()) <= 3 for i in items) \
                and not _PERSON.search(sentence):
            return True
    return False


def _snippet(turn: str, match: re.Match[str]) -> str:
    text = _SPACE.sub(" ", turn.translate(_QUOTES)[max(0, match.start() - 10): match.end() + 10])
    return text.strip()
