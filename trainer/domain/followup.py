"""Follow-up contacts: the promises, times and references of a first contact, read from what the
trainee said, for the follow-up's case file ("History") and its {earlier_...} placeholders.

Deliberately simple, so an author can predict it:
- a promise is a sentence that commits to something: "I'll / I will / we'll / we are going to...",
  "you'll get / receive / hear...", "it / the refund will be with you...", or "I've arranged /
  booked / requested..." when the sentence also gives a time;
- a time is a when-phrase with its preposition, as said: "by Friday", "on Thursday 15 May",
  "within 5 working days", "tomorrow afternoon", "at 10:50";
- a reference is a code such as RF-55120 or PR1-40315 (letters, optional digit, hyphen, 3+
  digits), or whatever follows "reference" / "ref" / "case number" and has a digit in it; codes the
  first contact's case file already held (an order or invoice number) are not references given.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

_SENTENCE = re.compile(r"(?<=[.!?])[\"')\u201d]?\s+|\n+")
_PERSONAL = re.compile(r"\b(?:i|we)(?:'ll|\u2019ll| will| shall|'m going to| am going to|"
                       r"'re going to| are going to)\b", re.IGNORECASE)
_PROMISE = re.compile(
    _PERSONAL.pattern +
    r"|\byou(?:'ll|\u2019ll| will) (?:get|receive|have|hear|see|be)\b"
    r"|\b\w+(?:'ll|\u2019ll| will) (?:be|arrive|reach|come|call|ring|get|go|land|reply|contact)\b",
    re.IGNORECASE)
_ARRANGED = re.compile(r"\b(?:i|we)(?:'ve| have) (?:arranged|booked|requested|asked|set up|"
                       r"escalated|scheduled|sent|raised)\b", re.IGNORECASE)
_DAY = r"(?:mon|tues|wednes|thurs|fri|satur|sun)day"
_MONTH = (r"(?:january|february|march|april|may|june|july|august|september|october|november|"
          r"december)")
_PART = r"(?: (?:morning|afternoon|evening|lunchtime|night))?"
_CLOCK = r"\d{1,2}(?:[:.]\d{2})? ?[ap]\.?m\.?|\d{1,2}:\d{2}"
_AT = rf"(?:,? (?:at|by|before) (?:{_CLOCK}))?"  # "by Thursday at 3pm" is one time
_MOMENT = (rf"(?:(?:this|next) )?{_DAY}(?: \d{{1,2}}(?:st|nd|rd|th)?(?: {_MONTH})?)?{_PART}{_AT}"
           rf"|\d{{1,2}}(?:st|nd|rd|th)? {_MONTH}|{_MONTH} \d{{1,2}}(?:st|nd|rd|th)?"
           rf"|{_CLOCK}|noon|midday"
           rf"|tomorrow{_PART}{_AT}|today{_AT}|tonight|this (?:morning|afternoon|evening|week)"
           r"|(?:the )?end of (?:the )?(?:day|week|month)")
_NUMBER_WORDS = r"(?:\d+|a|an|one|two|three|four|five|six|seven|eight|nine|ten|twenty-four)"
_WHEN = re.compile(
    rf"\b(?:(?:by|on|before|until|at|from|after|no later than) )?(?:{_MOMENT})\b"
    rf"|\b(?:within|in) (?:the next )?{_NUMBER_WORDS} (?:working |business )?"
    r"(?:minutes?|hours?|days?|weeks?)\b", re.IGNORECASE)
_CODE = re.compile(r"\b[A-Za-z]{1,5}\d?-\d{3,}\b")
_NAMED_CODE = re.compile(r"\b(?:reference|ref|case number|ticket)(?: number)?(?: is)?:? "
                         r"([A-Z0-9][A-Z0-9-]{3,})\b", re.IGNORECASE)
MAX_PROMISES = 4  # the case file quotes at most this many promise sentences


@dataclass(frozen=True)
class History:
    """What a first contact committed to, in the trainee's own words."""

    promises: tuple[str, ...] = ()  # sentences that commit to doing something
    when: tuple[str, ...] = ()  # the times given in them, as said ("by Friday")
    references: tuple[str, ...] = ()  # reference codes given ("RF-55120")

    @property
    def is_empty(self) -> bool:
        return not (self.promises or self.when or self.references)


def sentences(text: str) -> list[str]:
    return [s.strip() for s in _SENTENCE.split(text) if s and s.strip()]


def is_promise(sentence: str) -> bool:
    return bool(_PROMISE.search(sentence) or (_ARRANGED.search(sentence)
                                              and _WHEN.search(sentence)))


def extract_history(said: Iterable[str], known_codes: Iterable[str] = ()) -> History:
    """The promises, times and references in the trainee turns ``said`` (in order, without
    repeats); ``known_codes`` are codes from the first contact's own case file, not given by the
    trainee. Times in the person's own promises ("I'll ring you on Friday") come first, then those
    in other promises ("it will be with you within 5 days"); a time outside any promise still
    counts when no promise gave one."""
    known = {c.upper() for c in known_codes}
    promises: list[str] = []
    mine: list[str] = []  # times in promises the person made themselves ("I'll ring on Friday")
    when: list[str] = []
    loose_when: list[str] = []
    references: list[str] = []
    for text in said:
        for sentence in sentences(text):
            found = [" ".join(m.group().split()) for m in _WHEN.finditer(sentence)]
            if is_promise(sentence):
                _add(promises, sentence)
                for phrase in found:
                    _add(mine if _PERSONAL.search(sentence) else when, phrase)
            else:
                for phrase in found:
                    _add(loose_when, phrase)
            for code in codes_in(sentence):
                if code.upper() not in known:
                    _add(references, code.upper())
    when = mine + [w for w in when if w not in mine]
    return History(tuple(promises[:MAX_PROMISES]), tuple(when or loose_when), tuple(references))


def codes_in(text: str) -> list[str]:
    """The reference-like codes in ``text``, in order."""
    found = [m.group() for m in _CODE.finditer(text)]
    found += [m.group(1) for m in _NAMED_CODE.finditer(text)
              if any(ch.isdigit() for ch in m.group(1)) and m.group(1) not in found]
    return found


def history_values(history: History, fallback: History) -> dict[str, str]:
    """The {earlier_by} and {earlier_reference} placeholders: the first time and reference the
    person gave, or the fallback's (the scenario's `history_default`) where they gave none."""
    return {"earlier_by": (history.when or fallback.when or ("soon",))[0],
            "earlier_reference": (history.references or fallback.references or ("none",))[0]}


def history_lines(history: History, values: dict[str, str], source: str) -> tuple[str, ...]:
    """The case file's "History": where the notes come from, the promises quoted, the time and the
    reference (marking one that the notes lack and the case record supplies)."""
    lines = [source]
    lines += [f"Promised: \u201c{p}\u201d" for p in history.promises]
    if not history.promises:
        lines.append("No promise is recorded in the notes of that contact.")
    by, ref = values.get("earlier_by", ""), values.get("earlier_reference", "")
    lines.append(f"Times given: {', '.join(history.when)}" if by in history.when else
                 f"Time given: none in the notes; the customer says {by}")
    lines.append(f"Reference given: {', '.join(history.references)}"
                 if ref in history.references else
                 f"Reference given: none in the notes; the case record has {ref}")
    return tuple(lines)


def _add(items: list[str], item: str) -> None:
    if item not in items:
        items.append(item)
