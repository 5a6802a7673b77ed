"""Days and times in plain text as points on one calendar, so 'this Wednesday', 'tomorrow
morning' and 'Thursday 12 June by 18:00' can be compared with the case file's dates."""

from __future__ import annotations

import re
from datetime import date
from typing import NamedTuple

from .calendar import (
    MONTH,
    TH,
    WEEKDAY,
    Calendar,
    month_number,
    ordinal_of,
    weekday_number,
    weekday_of,
)
from .numbers import digits

_NOT_TIME = r"(?![:.]\d|\d| ?[ap]\.?m\b)"
_PART = r"(?: (?P<part>morning|afternoon|evening|night|lunchtime))?"
_DAY = re.compile(
    r"\b(?:(?P<rel>today|tonight|this (?:morning|afternoon|evening)|later today|the day after "
    r"tomorrow|tomorrow|yesterday|right now|straight away|right away|immediately|as we speak)"
    r"|(?P<mod>this coming |this |next |coming |last |on |by |before |from |after )?"
    r"(?P<wd>" + WEEKDAY + r")(?:,? (?:the )?(?P<d1>\d{1,2})" + TH + _NOT_TIME + r"(?: of)?(?: (?P<m1>"
    + MONTH + r"))?|,? (?P<m4>" + MONTH + r") (?:the )?(?P<d5>\d{1,2})" + TH + _NOT_TIME + r")?"
    r"|(?:the )?(?<![\d.:£$€])(?P<d2>\d{1,2})" + TH + r"(?: of)? (?P<m2>" + MONTH + r")"
    r"|(?P<m3>" + MONTH + r") (?P<d3>\d{1,2})" + TH + r"\b"
    r"|the (?P<d4>\d{1,2})(?:st|nd|rd|th)\b)" + _PART)
# '4, 7 and 10 February', 'the 4th, 7th and 10th': each day of the list.
_LIST = re.compile(r"\b(?:the )?(?P<days>\d{1,2}(?P<th>st|nd|rd|th)?(?:(?:,? and |, | & )\d{1,2}"
                   r"(?:st|nd|rd|th)?)+)" + _NOT_TIME + r"(?:(?: of)? (?P<month>" + MONTH + r"))?")
# '21 to 23 August', '3-7 June', 'between 3 and 7 June', '21 August to 23 August': one stretch.
_RANGE = re.compile(r"\b(?:between |from )?(?:the )?(?P<a>\d{1,2})" + TH + r"(?: (?P<ma>" + MONTH
                    + r"))? ?(?:-|to|until|till|and) ?(?:the )?(?P<b>\d{1,2})" + TH + _NOT_TIME
                    + r"(?: of)? (?P<mb>" + MONTH + r")")
# Quick tests before the readers: a time needs a digit beside am, pm or a colon (or noon); a
# stretch or a list of days needs two numbers.
_CLOCKISH = re.compile(r"\d ?[ap]\.?m\b|\d:\d\d|noon|midday|midnight")
_TWO_NUMBERS = re.compile(r"\d\D{1,20}\d")
_TIME = re.compile(r"\b(?:(?P<h>\d{1,2})(?:[:.](?P<mm>\d\d))? ?(?P<ap>[ap])\.?m\b|(?P<h24>\d{1,2})"
                   r":(?P<m24>\d\d)\b|(?P<word>noon|midday|midnight))")
_SPAN = re.compile(r"\b(?:within|in|inside) (?:the next )?(?P<n>\d+) (?P<working>working |business )?"
                   r"(?P<unit>hour|day|week)s?\b|\b(?P<which>this|next) week\b|\bby the end of "
                   r"(?P<end>this|the|next) week\b")
_BY = re.compile(r"\b(?:by|before|no later than|at the latest|at the very latest|latest)\W*$")
_FROM = re.compile(r"\b(?:from|after|not before|no earlier than|earliest|at the earliest|"
                   r"not until)\W*$")
_LATEST = re.compile(r"[^.;]{0,16}\bat the (?:very )?latest\b")
_PARTS = {"morning": (0, 720), "lunchtime": (660, 840), "afternoon": (720, 1080),
          "evening": (1020, 1440), "night": (1080, 1440)}
_DAY_MINUTES = 1440



class When(NamedTuple):
    """A day (or a run of days) with an optional time of day, and how it was said."""

    start: int  # where it was said in the text
    first: int  # first day (ordinal)
    last: int  # last day (ordinal)
    times: tuple[int, int] | None = None  # minutes after midnight, from and to
    mode: str = "on"  # "on", "by" (a deadline) or "from" (not before)
    written: bool = False  # a calendar date was written out, not only a weekday or 'tomorrow'
    weekday: int | None = None  # the weekday said, when one was
    approx: bool = False  # counted from today ('within 3 working days'), so only roughly

    @property
    def low(self) -> int:
        return self.first * _DAY_MINUTES + (self.times[0] if self.times else 0)

    @property
    def high(self) -> int:
        return self.last * _DAY_MINUTES + (self.times[1] if self.times else _DAY_MINUTES - 1)


def whens(lower: str, cal: Calendar, past: bool | None = None,
          spans: bool = True) -> tuple[When, ...]:
    """Every day said in a lower-case text, with the time said beside it. ``past``: the text
    tells of what has happened (True), what will (False) or cannot be told (None), which decides
    whether a weekday or 'the 4th' on its own is the last one or the next one. ``spans``: also
    'within 2 days' and 'next week' as deadlines counted from today."""
    text = digits(lower)
    times = [(m.start(), _minutes(m)) for m in _TIME.finditer(text)] \
        if _CLOCKISH.search(text) else []
    out, listed = _lists(text, cal, past) if _TWO_NUMBERS.search(text) else ([], [])
    for m in _DAY.finditer(text):
        if any(a <= m.start() < b for a, b in listed):
            continue
        days = _days(m, cal, past)
        if days is None:
            continue
        first, last, written = days
        near = _near_times(times, m, text)
        rel = m.group("rel") or ""
        part = m.group("part") or ("night" if rel == "tonight" else rel.rsplit(" ", 1)[-1])
        span = (min(t for _, t in near), max(t for _, t in near)) if near else _PARTS.get(part)
        starts = [m.start()] + [at for at, _ in near]
        mode = _mode(text, starts, m.end(), m.group("mod"))
        wd = weekday_number(m.group("wd")) if m.group("wd") else None
        out.append(When(m.start(), first, last, span, mode, written, wd))
    if spans and ("week" in text or "in" in text):
        out += _spans(text, cal)
    return tuple(sorted(out, key=lambda w: w.start))


def _lists(text: str, cal: Calendar, past: bool | None) -> tuple[list[When], list[tuple[int, int]]]:
    """Stretches of days and lists of days, and where they were said."""
    out, spans = [], []
    for m in _RANGE.finditer(text):
        if " and " in m.group() and not m.group().startswith("between"):
            continue  # '4 and 7 June' is a list
        last = cal.ordinal(int(m.group("b")), month_number(m.group("mb")))
        first = cal.ordinal(int(m.group("a")), month_number(m.group("ma") or m.group("mb")))
        if first and last and first <= last:
            out.append(When(m.start(), first, last, None, "on", True))
            spans.append(m.span())
    for m in _LIST.finditer(text):
        if any(a <= m.start() < b for a, b in spans):
            continue
        if not (m.group("month") or m.group("th")) or "." in m.group("days"):
            continue
        for day in re.findall(r"\d{1,2}", m.group("days")):
            if m.group("month"):
                found = cal.ordinal(int(day), month_number(m.group("month")))
            else:
                found = _month_day(int(day), cal.today, cal, past) if cal.today else None
            if found:
                out.append(When(m.start(), found, found, None, "on", bool(m.group("month"))))
        spans.append(m.span())
    return out, spans


def _days(m: re.Match[str], cal: Calendar, past: bool | None) -> tuple[int, int, bool] | None:
    today = cal.today
    if m.group("rel"):
        if today is None:
            return None
        rel = m.group("rel")
        shift = {"the day after tomorrow": 2, "tomorrow": 1, "yesterday": -1}.get(rel, 0)
        return today + shift, today + shift, False
    day = m.group("d1") or m.group("d5") or m.group("d2") or m.group("d3") or m.group("d4")
    month = m.group("m1") or m.group("m4") or m.group("m2") or m.group("m3")
    if day and month:
        found = cal.ordinal(int(day), month_number(month))
        return (found, found, True) if found else None
    if day:  # 'the 14th': the nearest one on the side of today that the tense says
        if today is None:
            return None
        found = _month_day(int(day), today, cal, past)
        return (found, found, False) if found else None
    if today is None or not cal.anchored:
        return None
    return _weekday_day(weekday_number(m.group("wd")), (m.group("mod") or "").strip(), today, past)


def _month_day(day: int, today: int, cal: Calendar, past: bool | None) -> int | None:
    base = date.fromordinal(today)
    months = [(base.year - (base.month == 1), (base.month - 2) % 12 + 1), (base.year, base.month),
              (base.year + (base.month == 12), base.month % 12 + 1)]
    found = [o for y, m in months if (o := ordinal_of(y, day, m)) is not None]
    if past is not None:
        found = [o for o in found if (o <= today if past else o >= today)] or found
    return min(found, key=lambda o: abs(o - today), default=None)


def _weekday_day(wd: int, mod: str, today: int, past: bool | None) -> tuple[int, int, bool]:
    ahead = (wd - weekday_of(today)) % 7
    if mod == "last" or (past is True and mod not in ("next", "this coming", "coming")):
        back = (weekday_of(today) - wd) % 7 or 7
        return today - back, today - back, False
    if ahead == 0 and mod != "this":
        ahead = 7
    if mod == "next" and ahead < 3:
        ahead += 7  # 'next Monday' said on a Saturday is rarely the day after tomorrow
    return today + ahead, today + ahead, False


def _near_times(times: list[tuple[int, int]], m: re.Match[str],
                text: str) -> list[tuple[int, int]]:
    """The times (or 'from - to' times) said in the same stretch as the day."""
    near = [(at, t) for at, t in times if -30 <= at - m.end() <= 30 or 0 <= m.start() - at <= 25]
    return [(at, t) for at, t in near
            if not re.search(r"[.;]| or ", text[min(at, m.end()):max(at, m.start())])]


def _minutes(m: re.Match[str]) -> int:
    if m.group("word"):
        return 0 if m.group("word") == "midnight" else 720
    if m.group("h24"):
        return int(m.group("h24")) * 60 + int(m.group("m24"))
    hour = int(m.group("h")) % 12 + (12 if m.group("ap") == "p" else 0)
    return hour * 60 + int(m.group("mm") or 0)


def _mode(text: str, starts: list[int], end: int, mod: str | None) -> str:
    mod = (mod or "").strip()
    befores = [text[max(0, at - 24):at] for at in starts]
    if mod in ("by", "before") or any(_BY.search(b) for b in befores) or \
            _LATEST.match(text, end):
        return "by"
    if mod in ("from", "after") or any(_FROM.search(b) for b in befores):
        return "from"
    return "on"


def _spans(text: str, cal: Calendar) -> list[When]:
    """'within 2 working days', 'this week', 'by the end of next week': deadlines from today."""
    if cal.today is None:
        return []
    out = []
    today = cal.today
    for m in _SPAN.finditer(text):
        if m.group("n"):
            n = int(m.group("n"))
            unit = m.group("unit")
            if m.group("working") and unit == "day":
                last = _working_days(today, n)
            else:
                days = n / 24 if unit == "hour" else n * 7 if unit == "week" else n
                last = today + max(int(days + 0.999), 0)
            out.append(When(m.start(), today, last, None, "by", approx=True))
            continue
        which = m.group("which") or m.group("end")
        sunday = today + (6 - weekday_of(today))
        if which == "next" and not m.group("end"):
            out.append(When(m.start(), sunday + 1, sunday + 7, None, "on", approx=True))
            continue
        last = (sunday + 7 if which == "next" else sunday) - (2 if m.group("end") else 0)
        out.append(When(m.start(), today, last, None, "by", approx=True))
    return out


def _working_days(today: int, n: int) -> int:
    day = today
    while n > 0:
        day += 1
        n -= weekday_of(day) < 5
    return day
