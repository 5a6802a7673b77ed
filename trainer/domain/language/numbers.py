"""Amounts, durations and dates in plain text, so '5 working days' and 'five business days' agree."""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import lru_cache
from typing import NamedTuple

_UNITS = ("zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen "
          "fifteen sixteen seventeen eighteen nineteen twenty").split()
_TENS = {"thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80,
         "ninety": 90, "hundred": 100}
_WORD_VALUES = {**{w: i for i, w in enumerate(_UNITS)}, **_TENS}
_NUMBER_WORD = re.compile(r"\b(?:(twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety)[- ]"
                          r"(one|two|three|four|five|six|seven|eight|nine)|("
                          + "|".join(_WORD_VALUES) + r"))\b")
# 'a week' as an amount of time ('within a week', 'a day late'), not 'pick a day'.
_A_UNIT = re.compile(r"\b(within |in |inside |for |after |over |under |than |about |around |only "
                     r"|just |least |most |another |takes? |took |every |per |once |twice |half )?"
                     r"(?:a|an|one) (working |business )?(day|hour|week|month|fortnight)\b"
                     r"( ago| later| earlier| from now| late| early| or two| or so)?")
_COUPLE = re.compile(r"\ba couple of\b")
_PART_HOUR = re.compile(r"\b(an hour and a half|(?:a )?quarter of an hour|half an hour|"
                        r"three quarters of an hour)\b")
_PART_MINUTES = {"an hour and a half": "90 minutes", "a quarter of an hour": "15 minutes",
                 "quarter of an hour": "15 minutes", "half an hour": "30 minutes",
                 "three quarters of an hour": "45 minutes"}
_MONTHS = ("jan feb mar apr may jun jul aug sep oct nov dec").split()
_MONTH = r"(jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|" \
         r"sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\b"
_MONEY = re.compile(r"(?:[£$€]|\b(?:gbp|usd|eur) ?)(\d[\d,]*(?:\.\d+)?)|"
                    r"\b(\d[\d,]*(?:\.\d+)?) ?(?:pounds?|dollars?|euros?|quid|gbp|usd|eur)\b|"
                    r"\b(\d+\.\d\d)\b")
_DURATION = re.compile(r"\b(?:\d+(?:\.\d+)? ?(?:-|to|or) ?)?(\d+(?:\.\d+)?)\s?(working |business "
                       r"|calendar )?(minute|hour|hr|day|week|fortnight|month|year)s?\b")
_DATE = re.compile(r"\b(\d{1,2})(?:st|nd|rd|th)? (?:of )?" + _MONTH + r"|\b" + _MONTH
                   + r" (\d{1,2})(?:st|nd|rd|th)?\b|\bthe (\d{1,2})(?:st|nd|rd|th)\b")
_CLOCK = re.compile(r"\b(\d{1,2})(?:[:.](\d\d))? ?([ap])\.?m\b|\b(\d{1,2}):(\d\d)\b|"
                    r"\b(noon|midday|midnight)\b")
_WEEKDAY = re.compile(r"\b(mon|tues|wednes|thurs|fri|satur|sun)day\b")
_WEEKDAYS = ("mon", "tues", "wednes", "thurs", "fri", "satur", "sun")
_MONTH_ONLY = re.compile(r"\b(?:until|till|by|in|from|since|before|after|end of) " + _MONTH)
_ANY_DIGIT = re.compile(r"\d")
_MONTHS_TEXT = frozenset(_MONTHS)
_NUMBER_START = re.compile(r"[£$€]?\d+")
_WORD_ANCHOR = re.compile(r"\b(?:gbp|usd|eur|noon|midday|midnight|(?:mon|tues|wednes|thurs|fri|"
                          r"satur|sun)day|" + _MONTH.replace("(", "(?:", 1) + ")")
_ANY_WORDY = re.compile(r"day\b|noon|midday|midnight|\b(?:until|till|by|in|from|since|before|after|"
                        r"end of) (?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)")
_A_UNIT_HINTS = tuple(f"{a} {u}" for a in ("a", "an", "one")
                      for u in ("day", "hour", "week", "month", "fortnight", "working", "business"))
_ANY_NUMBER_WORD = re.compile(r"\b(?:" + "|".join(_WORD_VALUES) + r")\b")
_PERCENT = re.compile(r"\b(\d+(?:\.\d+)?) ?(?:%|per ?cent)")
# A number with a unit of measure ('50 GB', '5mg'): not an amount, a count or a time.
_MEASURE = re.compile(r"\b(\d+(?:\.\d+)?) ?(gb|gigs?|mb|megs?|tb|kb|mbps|gbps|mg|kg|ml|km|cm|mm|kwh|"
                      r"kw|mph|miles?|metres?|meters?|litres?|liters?|grams?|inch(?:es)?|feet|ft)\b")
_UNIT_NAMES = {"gig": "gb", "gigs": "gb", "meg": "mb", "megs": "mb", "mile": "miles",
               "metre": "metres", "meter": "metres", "meters": "metres", "litre": "litres",
               "liter": "litres", "liters": "litres", "gram": "grams", "inch": "inches"}
# A bare number: led by a digit so the engine skips ahead; what is around it is checked after.
_PLAIN = re.compile(r"\d+(?:\.\d+)?")
_NOT_PLAIN_BEFORE = frozenset("£$€.-_") | frozenset("abcdefghijklmnopqrstuvwxyz0123456789")
_NOT_PLAIN_AFTER = frozenset(".%-_") | frozenset("abcdefghijklmnopqrstuvwxyz0123456789")
_DAYS = {"minute": 1 / 1440, "hour": 1 / 24, "hr": 1 / 24, "day": 1, "week": 7, "fortnight": 14,
         "month": 30, "year": 365}


class Quantity(NamedTuple):
    kind: str  # "money", "duration", "date", "time", "weekday", "percent", "measure" or "count"
    value: float  # amount; duration in calendar days; day of month; minutes after midnight;
    # weekday 0-6; percent; count
    unit: str = ""  # duration: "working" when in working days; date: month; measure: its unit
    said: float = 0.0  # duration: the number as said ('5' in '5 working days')

    def same_as(self, other: Quantity) -> bool:
        if self.kind != other.kind:
            return False
        if self.kind == "date":
            return self.value == other.value and (not self.unit or not other.unit
                                                  or self.unit == other.unit)
        if self.kind == "duration" and self.said == other.said and self.unit != other.unit:
            return True  # '5 days' for '5 working days'
        return abs(self.value - other.value) <= 0.011 * max(1.0, abs(self.value)) \
            and self.unit == other.unit

    def close_to(self, other: Quantity) -> bool:
        """Near enough not to be wrong ('a week' for '5 working days'), though not precise."""
        if self.kind != other.kind or self.kind != "duration":
            return self.same_as(other)
        a, b = self.value, other.value
        return (b <= a * 1.45 + 0.01) if a <= b else (a <= b * 1.45 + 0.01)


@lru_cache(maxsize=2048)
def digits(lower: str) -> str:
    """Number words written as digits: 'five business days' -> '5 business days'."""
    if "hour" in lower:
        lower = _PART_HOUR.sub(lambda m: _PART_MINUTES[m.group(1)], lower)
    if "couple" in lower:
        lower = _COUPLE.sub("2", lower)
    if any(map(lower.__contains__, _A_UNIT_HINTS)):
        lower = _A_UNIT.sub(_a_unit, lower)
    if _ANY_NUMBER_WORD.search(lower):  # the quick test: no groups to fill in
        lower = _NUMBER_WORD.sub(_word_value, lower)
    return lower


def _a_unit(m: re.Match[str]) -> str:
    if not (m.group(1) or m.group(4) or m.group().startswith("one")):
        return m.group()
    return f"{m.group(1) or ''}1 {m.group(2) or ''}{m.group(3)}{m.group(4) or ''}"


def _word_value(m: re.Match[str]) -> str:
    if m.group(1):
        return str(_WORD_VALUES[m.group(1)] + _WORD_VALUES[m.group(2)])
    return str(_WORD_VALUES[m.group(3)])


def _clock(m: re.Match[str]) -> float:
    if m.group(6):
        return {"noon": 720.0, "midday": 720.0, "midnight": 0.0}[m.group(6)]
    if m.group(4):
        return int(m.group(4)) * 60.0 + int(m.group(5))
    hour = int(m.group(1)) % 12 + (12 if m.group(3) == "p" else 0)
    return hour * 60.0 + int(m.group(2) or 0)


def _number(text: str) -> float:
    return float(text.replace(",", ""))


def _money(m: re.Match[str]) -> Quantity:
    return Quantity("money", _number(next(g for g in m.groups() if g)))


def _duration(m: re.Match[str]) -> Quantity:
    said = _number(m.group(1))
    working = bool(m.group(2)) and m.group(2).strip() in ("working", "business")
    return Quantity("duration", said * _DAYS[m.group(3)] * (1.4 if working else 1.0),
                    "working" if working else "", said)


def _date(m: re.Match[str]) -> Quantity:
    month = (m.group(2) or m.group(3) or "")[:3]
    return Quantity("date", float(m.group(1) or m.group(4) or m.group(5)),
                    month if month in _MONTHS else "")


# In order: a span read by one reader is not read again by a later one.
_READERS: tuple[tuple[re.Pattern[str], Callable[[re.Match[str]], Quantity]], ...] = (
    (_MONEY, _money), (_DURATION, _duration), (_DATE, _date),
    (_MONTH_ONLY, lambda m: Quantity("date", 0.0, m.group(1)[:3])),
    (_CLOCK, lambda m: Quantity("time", _clock(m))),
    (_WEEKDAY, lambda m: Quantity("weekday", float(_WEEKDAYS.index(m.group(1))))),
    (_PERCENT, lambda m: Quantity("percent", _number(m.group(1)))),
    (_MEASURE, lambda m: Quantity("measure", _number(m.group(1)),
                                  _UNIT_NAMES.get(m.group(2), m.group(2)))),
    (_PLAIN, lambda m: Quantity("count", _number(m.group()))),
)


@lru_cache(maxsize=2048)
def quantities(lower: str) -> tuple[Quantity, ...]:
    """Every amount, duration, date, time, percentage and other number in a lower-case text."""
    return tuple(q for _, q in quantities_at(lower))


@lru_cache(maxsize=2048)
def quantities_at(lower: str) -> tuple[tuple[int, Quantity], ...]:
    """``quantities``, each with where it starts in ``digits(lower)``. Each reader is tried only
    where one of its matches can start (a number, a currency sign, a month or weekday...), in
    the readers' order; a span read by one reader is not read again by a later one."""
    text = digits(lower)
    numbers = [m.start() for m in _NUMBER_START.finditer(text)]
    if not numbers and not _ANY_WORDY.search(text):
        return ()
    words = _word_starts(text)
    numbers += [p + 1 for p in numbers if not text[p].isdigit()]  # '£5': the 5 too
    found: list[tuple[int, Quantity]] = []
    taken: list[tuple[int, int]] = []
    for pattern, read in _READERS:
        end = -1
        for at in _candidates(pattern, text, numbers, words):
            m = pattern.match(text, at) if at >= end else None
            if m is None or (pattern is _PLAIN and not _bare(text, m)):
                continue
            end = max(m.end(), at + 1)
            if not any(a <= at < b for a, b in taken):
                found.append((at, read(m)))
                taken.append(m.span())
    return tuple(found)


def _word_starts(text: str) -> dict[str, list[int]]:
    out: dict[str, list[int]] = {}
    for m in _WORD_ANCHOR.finditer(text):
        word = m.group()
        key = "clock" if word in ("noon", "midday", "midnight") else "month" \
            if word[:3] in _MONTHS_TEXT else "weekday" if word.endswith("day") else "currency"
        out.setdefault(key, []).append(m.start())
    return out


def _candidates(pattern: re.Pattern[str], text: str, numbers: list[int],
                words: dict[str, list[int]]) -> list[int]:
    """Where a match of this reader can start."""
    if pattern is _MONEY:
        return sorted({*numbers, *words.get("currency", ())})
    if pattern is _DATE:
        the = [p - 4 for p in numbers if text[max(0, p - 4):p] == "the "]
        return sorted({*numbers, *the, *words.get("month", ())})
    if pattern is _MONTH_ONLY:  # 'by May', 'end of June': a word or two before the month
        return sorted({p for m in words.get("month", ()) for p in range(max(0, m - 8), m)
                       if text[p].isalpha() and (p == 0 or not text[p - 1].isalnum())})
    if pattern is _CLOCK:
        return sorted({*numbers, *words.get("clock", ())})
    if pattern is _WEEKDAY:
        return words.get("weekday", [])
    return sorted(set(numbers))


def _bare(text: str, m: re.Match[str]) -> bool:
    """A number standing on its own: not part of a word, an amount, a code or a percentage."""
    start, end = m.span()
    return (not start or text[start - 1] not in _NOT_PLAIN_BEFORE) and \
        (end == len(text) or text[end] not in _NOT_PLAIN_AFTER)


def money_at(lower: str) -> tuple[tuple[int, float], ...]:
    """Each amount of money in a lower-case text with where it starts (in ``digits(lower)``)."""
    return tuple((m.start(), _money(m).value) for m in _MONEY.finditer(digits(lower)))
