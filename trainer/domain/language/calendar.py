"""The case file's calendar: its year, and what day today is, so that weekdays and 'tomorrow' can
be put on dates."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from functools import lru_cache

from .numbers import digits

WEEKDAYS = ("mon", "tues", "wednes", "thurs", "fri", "satur", "sun")
MONTHS = {m: n for n, m in enumerate(
    "jan feb mar apr may jun jul aug sep oct nov dec".split(), start=1)}
MONTH = (r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|"
         r"sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\b")
WEEKDAY = (r"(?:(?:mon|tues|wednes|thurs|fri|satur|sun)day\b|(?:mon|tue|tues|wed|weds|thu|thur|"
           r"thurs|fri|sat|sun)\b(?=,? (?:the )?\d))")
TH = r"(?:st|nd|rd|th)?"

_TODAY = re.compile(r"\b(?:today(?: is|:|,)?|call (?:taken|received|logged) on|it is now|the date "
                    r"is|current date:?) (?:(?:" + WEEKDAY + r"),? )?(?:the )?(\d{1,2})" + TH
                    + r"(?: of)? (" + MONTH + r")(?:,? (\d{4}))?(?:,? (?:at )?(\d{1,2}):(\d\d))?")
_TOMORROW = re.compile(r"\btomorrow,? (?:(?:" + WEEKDAY + r"),? )?(\d{1,2})" + TH + r"(?: of)? ("
                       + MONTH + r")")
_YEAR = re.compile(r"\b(20[1-4]\d)\b")
_PAIR = re.compile(r"\b(" + WEEKDAY + r"),? (?:the )?(\d{1,2})" + TH + r"(?: of)? (" + MONTH
                   + r")")


@dataclass(frozen=True)
class Calendar:
    """The case file's calendar: its year, and today when the case file says what day it is."""

    year: int
    today: int | None = None  # date ordinal
    anchored: bool = False  # weekdays line up with dates (the case file pairs them)

    def ordinal(self, day: int, month: int) -> int | None:
        try:
            when = date(self.year, month, day)
        except ValueError:
            return None
        if self.today is not None and when.toordinal() < self.today - 200:
            try:  # 'on 3 January' said in December is next year's
                when = date(self.year + 1, month, day)
            except ValueError:
                return None
        return when.toordinal()


@lru_cache(maxsize=512)
def calendar_of(text: str) -> Calendar:
    """Year and today from a case file's text (lower case): 'Today is Wednesday 11 June', and the
    year in which its weekday-date pairs ('Thursday 12 June') fall on those weekdays."""
    text = digits(text)
    pairs = [(weekday_number(m.group(1)), int(m.group(2)), month_number(m.group(3)))
             for m in _PAIR.finditer(text)]
    years = [int(y) for y in _YEAR.findall(text)]
    year = years[0] if years else _best_year(pairs)
    anchored = bool(pairs) and all(_isweekday_number(year, *p) for p in pairs)
    m = _TODAY.search(text)
    if m:
        today = ordinal_of(year, int(m.group(1)), month_number(m.group(2)))
        return Calendar(year, today, anchored)
    m = _TOMORROW.search(text)
    if m:
        tomorrow = ordinal_of(year, int(m.group(1)), month_number(m.group(2)))
        return Calendar(year, tomorrow - 1 if tomorrow else None, anchored)
    return Calendar(year, None, anchored)


def _best_year(pairs: list[tuple[int, int, int]]) -> int:
    if not pairs:
        return 2025
    scored = [(sum(_isweekday_number(y, *p) for p in pairs), -abs(y - 2025), y) for y in range(2015, 2036)]
    return max(scored)[2]


def _isweekday_number(year: int, weekday: int, day: int, month: int) -> bool:
    try:
        return date(year, month, day).weekday() == weekday
    except ValueError:
        return False


def ordinal_of(year: int, day: int, month: int) -> int | None:
    try:
        return date(year, month, day).toordinal()
    except ValueError:
        return None


def weekday_number(word: str) -> int:
    return next(n for n, w in enumerate(WEEKDAYS) if word.startswith(w[:3]))


def month_number(word: str) -> int:
    return MONTHS[word[:3]]


def weekday_of(ordinal: int) -> int:
    return date.fromordinal(ordinal).weekday()


def day_name(ordinal: int) -> str:
    when = date.fromordinal(ordinal)
    return f"{when.strftime('%A')} {when.day} {when.strftime('%B')}"
