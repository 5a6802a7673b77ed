"""Days and times the trainee states against the case file's: a promise before the earliest day the
facts or policy allow, a day that contradicts the facts, or a weekday that is not that date's."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from functools import lru_cache

from ..language.calendar import Calendar, day_name, weekday_of
from ..language.dates import When, whens
from ..language.text import is_negated
from .subjects import Weights, claim_subject, context, segments, subject

# A day in a red flag or a prohibition that comes with one of these is the earliest allowed.
_EARLIER = re.compile(r"\b(?:before|earlier|sooner|quicker|faster|ahead of)\b")
_PROHIBITS = re.compile(r"\b(?:do not|don't|never|must not|may not|cannot|can't|should not|not "
                        r"allowed|no)\b")
# Any sign of a day or time in a sentence: the cheap test before the real reading.
_MONTH = r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)"
_DAY_WORDS = re.compile(r"days?\b|tonight|tomorrow|noon|midday|midnight|week|hour|immediately|"
                        r"right away|straight away|this (?:morning|afternoon|evening)")
_ANY_DIGIT = re.compile(r"\d")
_DAY_DIGITS = re.compile(r"\d(?:st|nd|rd|th)\b|\d ?[ap]\.?m\b|\d[:.]\d\d|\d[^.;]{0,12}\b"
                         + _MONTH + r"|\d+ (?:working |business )?(?:hour|day)")
_MONTH_DIGIT = re.compile(_MONTH + r"[a-z]*,? (?:the )?\d")
_PAST = re.compile(r"\b(?:was|were|had|did|came|went|visited|called|rang|reported|found|arrived|"
                   r"reached|left|said|told|took|paid|bought|ordered|placed|got|gave|happened|"
                   r"noticed|failed|cancelled|received|since|ago|last|yesterday)\b")
_FUTURE = re.compile(r"\b(?:will|shall|going to|booked (?:for|in)|scheduled|due|can|could|would|"
                     r"from|next|tomorrow)\b|'ll\b")
# The case file saying what day it is now: not a day anything happens on.
_NOW = re.compile(r"\b(?:today is|today:|call (?:taken|received|logged) on|it is now|the date is)"
                  r"[^.;]*")
_SKIP = re.compile(r"^\W*(?:and |but |so |or )?(?:if|unless|in case|should|whether|even if|"
                   r"just in case)\b|\b(?:rather than|instead of)\b|\b(?:call|ring|phone|email|"
                   r"e-mail|text|message|contact|update|chase|check (?:in|back|on|that|with)|"
                   r"get back to|let you know|write to|"
                   r"confirm (?:with|to) you|keep you)\b")
_SLACK = 60  # minutes either way before a time counts as different
_AFFINITY = 0.3  # how closely a day's words must match a case-file day's to be about it
_SURE = 0.6  # ... and its own words alone, to say it contradicts it
# ... and to be plainly about the thing a policy bounds ("the repair tomorrow", not "reporting it
# to the delivery manager today"): higher finds fewer days too early, and no false zeros.
_PLAINLY = 0.5


@dataclass(frozen=True)
class Dated:
    """A day the case file gives, and what it is about."""

    when: When
    own: frozenset[str]
    near: frozenset[str]
    role: str  # "right" (facts, policy, key points), "bound" (earliest allowed), "wrong" (a flag)
    flag: str = ""  # the red flag it comes from, if any
    earliest: bool = False  # right, and a bound's day: nothing about it may come sooner


@dataclass(frozen=True)
class Timeline:
    calendar: Calendar
    dated: tuple[Dated, ...]
    index: dict[str, tuple[int, ...]] = field(default_factory=dict)  # concept -> its days

    def about(self, concepts: frozenset[str]) -> list[Dated]:
        """The days whose words share a concept with these, in the case file's order."""
        found = sorted({n for c in concepts for n in self.index.get(c, ())})
        return [self.dated[n] for n in found]


def timeline(cal: Calendar, right: Iterable[str],
             flags: Iterable[tuple[str, str]]) -> Timeline:
    """The days in the case file's facts, policy and key points (``right``), and in its red flags
    (id and text), each with what it is about."""
    out: list[Dated] = []
    for text in right:
        bound = bool(_PROHIBITS.search(text) and _EARLIER.search(text))
        out += _dated(text, cal, "bound" if bound else "right")
    for ident, text in flags:
        out += _dated(text, cal, "bound" if _EARLIER.search(text) else "wrong", ident)
    bounds = {d.when.first: d.flag for d in out if d.role == "bound"}
    out = [replace(d, earliest=True, flag=d.flag or bounds[d.when.first])
           if d.role == "right" and d.when.first in bounds else d for d in out]
    index: dict[str, list[int]] = {}
    for n, d in enumerate(out):
        for c in d.own | d.near:
            index.setdefault(c, []).append(n)
    return Timeline(cal, tuple(out), {c: tuple(ns) for c, ns in index.items()})


@lru_cache(maxsize=2048)
def _dated(lower: str, cal: Calendar, role: str, flag: str = "") -> tuple[Dated, ...]:
    """The days one text of the case file says. Kept by value: a scenario's variants share most
    of their texts and their calendar, so a new variant reads only what changed."""
    out: list[Dated] = []
    for when, own, near in _read(_NOW.sub(" ", lower), cal, spans=False, claim=True):
        if not own and out:  # 'Friday 7 July, or Saturday 8 July': about what the last one was
            own, near = out[-1].own, out[-1].near
        elif not own:  # '... the next routine slot (21 May)': about what it stands beside
            own, near = near, frozenset()
        out.append(Dated(when, own, near, role, flag))
    return tuple(out)


def _tense(text: str) -> bool | None:
    if _FUTURE.search(text):
        return False
    return True if _PAST.search(text) else None


def _read(lower: str, cal: Calendar, spans: bool = True, skip: bool = False,
          claim: bool = False) -> list[tuple[When, frozenset[str], frozenset[str]]]:
    """Each day said, with what it is about: the words between it and the day said before it in
    the same segment (or after it, when it leads), then the segment's neighbours."""
    segs = segments(lower, claim)
    read = claim_subject if claim else subject
    found: list[tuple[When, int, frozenset[str]]] = []
    for n, seg in enumerate(segs):
        if not may_hold_days(seg.text) or skip and (_SKIP.search(seg.text)
                                                  or is_negated(seg.text)):
            continue
        said = whens(seg.text, cal, _tense(seg.text), spans)
        for k, when in enumerate(said):
            before = seg.text[said[k - 1].start if k else 0:when.start]
            after = seg.text[when.start:said[k + 1].start if k + 1 < len(said) else None]
            if len(said) == 1:
                own = seg.concepts
            elif k:  # 'tomorrow, the 22nd': said of the same thing as the day before it
                own = read(before) or found[-1][2]
            else:  # what leads the segment is about what follows it
                own = read(before) or (read(after) if not before.strip() else frozenset())
            found.append((when, n, own))
    busy = frozenset(n for _, n, _ in found)
    out = []
    for when, n, own in found:
        mine, near = context(segs, n, busy)
        out.append((when, own, near | (mine - own)))
    return out


def may_hold_days(lower: str) -> bool:
    """A quick test (no day is missed, a few false alarms pass): words for days and times, or a
    number in a date or a time."""
    if _DAY_WORDS.search(lower):
        return True
    return bool(_ANY_DIGIT.search(lower) and (_DAY_DIGITS.search(lower)
                                                or _MONTH_DIGIT.search(lower)))


def date_error(lower: str, line: Timeline, weights: Weights) -> tuple[str, str, bool] | None:
    """(red flag id or '', what is wrong, sure) for the first day in a trainee sentence that
    contradicts the case file, or None. Sure only for a day a red flag names or one before the
    earliest the policy allows: a day read from free text against the facts may be misread."""
    if not line.dated or lower.rstrip().endswith("?"):
        return None
    judged = [(when, _candidates(when, own, near, line, weights))
              for when, own, near in _read(lower, line.calendar, skip=True)]
    # A day the sentence gets right vouches for the others it gives for the same thing
    # ('sent this morning, with you on Thursday 17 March').
    confirmed = {id(d) for when, found in judged for _, _, d in found
                 if d.role == "right" and _fits(when, d.when)}
    for when, found in judged:
        problem = _misnamed(when, line) or _against(when, found, confirmed, line.dated)
        if problem:
            return problem
    return None


def _misnamed(when: When, line: Timeline) -> tuple[str, str, bool] | None:
    """A weekday given to one of the case file's dates that is not that date's weekday."""
    if when.written and when.weekday is not None and line.calendar.anchored \
            and weekday_of(when.first) != when.weekday \
            and any(d.when.first == when.first for d in line.dated):
        return "", f"names the wrong weekday: {day_name(when.first)}", False
    return None


def _candidates(when: When, own: frozenset[str], near: frozenset[str], line: Timeline,
                weights: Weights) -> list[tuple[float, float, Dated]]:
    """The case file's days this one may be about: (affinity, affinity of the segments' own
    words alone, the day)."""
    if not own and not near:
        return []
    today = line.calendar.today
    out = []
    for d in line.about(own | near):
        if today is not None and not _same_side(when, d.when, today):
            continue
        score = weights.affinity(own, near, d.own, d.near)
        if score >= _AFFINITY:
            out.append((score, weights.affinity(own, frozenset(), d.own, frozenset()), d))
    return out


def _against(when: When, found: list[tuple[float, float, Dated]], confirmed: set[int],
             days: tuple[Dated, ...]) -> tuple[str, str, bool] | None:
    if not found:
        return None
    best = max(a for a, _, _ in found)
    close = [(a, mine, d) for a, mine, d in found if a >= best * 0.6]
    for _, mine, d in close:  # a day a red flag names: said, though the facts give it too
        if d.role == "wrong" and mine >= _AFFINITY and _overlaps(when, d.when):
            # certain only for the one day the flag names, not a span that takes it in
            return d.flag, f"gives {_name(when)}", when.first == when.last
    right = [(mine, d) for _, mine, d in close if d.role == "right"]
    if any(_fits(when, d.when) for _, d in right):
        return None
    for _, mine, d in close:  # a bound needs the day's own words to be about it
        if (d.role == "bound" or d.earliest) and mine >= _AFFINITY and when.high < d.when.low:
            # certain only when the day's own words are plainly about the bounded thing
            return d.flag, f"is earlier than the case file allows ({_name(d.when)})", \
                mine >= _PLAINLY
        if _sooner(when, d, mine):
            return d.flag, f"is sooner than the case file says ({_name(d.when)})", False
    if not right or all(id(d) in confirmed for _, d in right):
        return None
    if any(d.role == "right" and _overlaps(when, d.when) for d in days):
        return None  # a day the case file gives for something: most likely said of that
    mine, fact = max(right, key=lambda x: x[0])
    if mine >= _SURE and when.written and fact.when.written:  # two dates, written out, differ
        return "", f"says {_name(when)} where the case file says {_name(fact.when)}", False
    return None


def _sooner(said: When, fact: Dated, mine: float) -> bool:
    """A time of day earlier than the case file's deadline for the same thing: 'this morning'
    where it says 'by 18:00 today'."""
    return fact.role == "right" and fact.when.mode == "by" and mine >= _AFFINITY \
        and bool(said.times and fact.when.times) and said.first == said.last == fact.when.last \
        and said.high < fact.when.high - _SLACK


def _same_side(said: When, fact: When, today: int) -> bool:
    """A promise about the days ahead is not about something the case file says has happened."""
    return not ((said.first >= today > fact.last) or (fact.first >= today > said.last))


def _fits(said: When, fact: When) -> bool:
    """Whether what the trainee said can be true of the case file's day."""
    if fact.mode == "from":
        return said.high >= fact.low - _SLACK
    if fact.mode == "by":
        if said.mode == "by":
            late_enough = said.high >= fact.high - _SLACK if said.times and fact.times else True
            return abs(said.last - fact.last) <= said.approx and late_enough
        return said.first <= fact.last and (said.high >= fact.high - _SLACK
                                            or not (said.times and fact.times)
                                            or said.last < fact.last)
    if said.mode == "by":
        return fact.first <= said.last <= fact.last + 2
    if said.mode == "from":
        return said.low <= fact.high
    return _overlaps(said, fact)


def _overlaps(said: When, fact: When) -> bool:
    if said.last < fact.first or said.first > fact.last:
        return False
    if said.times and fact.times and said.first == said.last == fact.first == fact.last:
        return said.times[0] <= fact.times[1] + _SLACK and said.times[1] >= fact.times[0] - _SLACK
    return True


def _name(when: When) -> str:
    day = day_name(when.first)
    if when.last != when.first:
        day = f"{day} to {day_name(when.last)}"
    if when.times:
        day += f" {when.times[0] // 60:02d}:{when.times[0] % 60:02d}"
    return day
