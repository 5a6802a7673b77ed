"""Typed text turned into what speech-to-text writes, for measuring a scorer on spoken answers:
lower case, no punctuation, amounts, dates, times and codes spelt out as a speech engine writes
them ("£39.99" -> "thirty nine pounds ninety nine", "12 March" -> "the twelfth of march"), and a
filler ("um", "you know"...) every few words. Deterministic: the same text and seed give the same
transcript. Bench and test tooling, never used by the app."""

from __future__ import annotations

import random
import re
import zlib

FILLERS = ("um", "uh", "you know", "like", "so")
FILLER_GAP = (4, 8)  # a filler after every this many words (drawn in this range)
_UNITS = ("zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen "
          "fifteen sixteen seventeen eighteen nineteen").split()
_TENS = "_ _ twenty thirty forty fifty sixty seventy eighty ninety".split()
_ORDINAL = {"one": "first", "two": "second", "three": "third", "five": "fifth", "eight": "eighth",
            "nine": "ninth", "twelve": "twelfth"}
_MONTHS = ("january february march april may june july august september october november "
           "december").split()
_MONTH = r"(jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|" \
         r"sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\b"
_CURRENCY = {"£": ("pound", "pence"), "$": ("dollar", "cents"), "€": ("euro", "cents")}
_NUM = r"\d{1,3}(?:,\d{3})+|\d+"
_MONEY = re.compile(r"([£$€])\s?(" + _NUM + r")(?:\.(\d\d))?\b|\b(" + _NUM + r")\.(\d\d)\b|"
                    r"\b(\d{1,3})p\b")
_PERCENT = re.compile(r"\b(\d+(?:\.\d+)?) ?%")
_CLOCK = re.compile(r"\b(\d{1,2})(?:[:.](\d\d))? ?([ap])\.?m\.?(?=\W|$)|\b(\d{1,2}):(\d\d)\b")
_DATE = re.compile(r"\b(\d{1,2})(?:st|nd|rd|th)? (?:of )?" + _MONTH + r"|\b" + _MONTH
                   + r" (\d{1,2})(?:st|nd|rd|th)?\b(?!:)|\b(\d{1,2})(st|nd|rd|th)\b", re.I)
# A code ('RF-55120'), a phone number or a long one said digit by digit, or a number.
_CODE = re.compile(r"\b([A-Za-z]{1,5})-?(\d{3,})\b|"
                   r"\b(0\d+(?: \d{3,})*|\d{5,}|\d{3,}(?: \d{3,})+)\b|\b(\d+(?:\.\d+)?)\b")
_RANGE = re.compile(r"\b(\d+) ?[-\u2013] ?(\d+)\b")


def number_words(n: int) -> str:
    """'two hundred and fifty', as British speech engines write it."""
    if n < 20:
        return _UNITS[n]
    if n < 100:
        return _TENS[n // 10] + ("" if n % 10 == 0 else " " + _UNITS[n % 10])
    if n < 1000:
        rest = n % 100
        return _UNITS[n // 100] + " hundred" + (" and " + number_words(rest) if rest else "")
    if n < 1_000_000:
        rest = n % 1000
        joint = " and " if 0 < rest < 100 else " "
        return number_words(n // 1000) + " thousand" + (joint + number_words(rest) if rest else "")
    return " ".join(_UNITS[int(d)] for d in str(n))


def ordinal_words(n: int) -> str:
    words = number_words(n).split()
    last = words[-1]
    words[-1] = _ORDINAL.get(last) or (last[:-1] + "ieth" if last.endswith("y") else last + "th")
    return " ".join(words)


def _digits_one_by_one(digits: str, rng: random.Random) -> str:
    zero = rng.choice(("zero", "oh"))
    return " ".join(zero if d == "0" else _UNITS[int(d)] for d in digits)


def _money(m: re.Match[str], rng: random.Random) -> str:
    if m.group(6):
        return number_words(int(m.group(6))) + " p"
    sign = m.group(1) or "£"
    whole = int((m.group(2) or m.group(4)).replace(",", ""))
    pence = int(m.group(3) or m.group(5) or 0)
    unit, small = _CURRENCY[sign]
    units = unit + ("" if whole == 1 else "s")
    if not pence:
        return f"{number_words(whole)} {units}"
    if not whole:
        return f"{number_words(pence)} {small}"
    if not m.group(1) or rng.random() < 0.5:
        return f"{number_words(whole)} {number_words(pence)}"  # "thirty nine ninety nine"
    return f"{number_words(whole)} {units} {number_words(pence)}"


def _clock(m: re.Match[str]) -> str:
    if m.group(4):  # 18:00, 09:30
        hour, minute = int(m.group(4)), int(m.group(5))
        half = "am" if hour < 12 else "pm"
        hour = hour % 12 or 12
    else:
        hour, minute, half = int(m.group(1)), int(m.group(2) or 0), m.group(3) + "m"
    if minute == 0:
        return f"{number_words(hour)} {half}"
    said = number_words(minute) if minute >= 10 else "oh " + number_words(minute)
    return f"{number_words(hour)} {said} {half}"


def _date(m: re.Match[str], rng: random.Random) -> str:
    if m.group(5):
        return ordinal_words(int(m.group(5)))
    day = int(m.group(1) or m.group(4))
    month = next(n for n in _MONTHS if n.startswith((m.group(2) or m.group(3)).lower()[:3]))
    after_the = m.string[:m.start()].lower().endswith("the ")
    if m.group(3) or not after_the and rng.random() < 0.3:
        return f"{month} {ordinal_words(day)}"
    return f"{'' if after_the else rng.choice(('', 'the '))}{ordinal_words(day)} of {month}"


def _code(m: re.Match[str], rng: random.Random) -> str:
    if m.group(1):
        return " ".join(m.group(1).lower()) + " " + _digits_one_by_one(m.group(2), rng)
    if m.group(3):
        return _digits_one_by_one(m.group(3).replace(" ", ""), rng)
    number = m.group(4)
    if "." in number:
        whole, part = number.split(".")
        return number_words(int(whole)) + " point " + " ".join(_UNITS[int(d)] for d in part)
    value = int(number)
    if len(number) == 4 and 1990 <= value <= 2099:  # a year: 'twenty twenty six'
        return number_words(value // 100) + " " + (number_words(value % 100) if value % 100 >= 10
                                                   else "oh " + number_words(value % 100))
    return number_words(value)


def spell_out(text: str, rng: random.Random) -> str:
    """Figures as words, still with the text's punctuation and case."""
    text = text.replace("\u2019", "'").replace("\u2018", "'")
    text = _MONEY.sub(lambda m: _money(m, rng), text)
    text = _PERCENT.sub(lambda m: f"{m.group(1)} percent", text)
    text = _CLOCK.sub(_clock, text)
    text = _DATE.sub(lambda m: _date(m, rng), text)
    text = _RANGE.sub(r"\1 to \2", text)
    return _CODE.sub(lambda m: _code(m, rng), text)


def strip_marks(text: str) -> str:
    """Lower case, no punctuation; apostrophes inside words stay ("i'll", "don't")."""
    text = text.lower().replace("&", " and ").replace("+", " plus ")
    text = re.sub(r"[^\w\s']|_", " ", text)
    text = re.sub(r"(?<![a-z])'|'(?![a-z])", " ", text)
    return " ".join(text.split())


def add_fillers(text: str, rng: random.Random, fillers: tuple[str, ...] = FILLERS) -> str:
    out: list[str] = []
    gap = rng.randint(*FILLER_GAP)
    for word in text.split():
        if gap == 0:
            out.append(rng.choice(fillers))
            gap = rng.randint(*FILLER_GAP)
        out.append(word)
        gap -= 1
    return " ".join(out)


def spoken(text: str, seed: int = 0, fillers: bool | tuple[str, ...] = True) -> str:
    """What a speech-to-text engine writes for someone saying ``text``; ``fillers``: False for
    none, or which ones (all of FILLERS by default)."""
    rng = random.Random(zlib.crc32(text.encode("utf-8")) ^ seed)
    said = strip_marks(spell_out(text, rng))
    if not fillers:
        return said
    return add_fillers(said, rng, FILLERS if fillers is True else fillers)
