"""How quickly a trainee started answering, and how long they spoke: information shown beside the
rubric (the play page under each answer, the scorecard), and a rubric dimension only where a rubric
opts in (``response_time`` in its dimensions: see README, "Writing a rubric").

Each trainee turn may carry ``response_ms`` (from the customer's line being shown to the first
keystroke or the press of the talk button) and, when spoken, ``talk_ms`` (the length of the audio
that was transcribed). Turns without them (typed without script, or from before the measure
existed) are left out; with none measured at all the summary says so, and an opted-in rubric's
response time is not judged (never a zero for what was not measured)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from statistics import median
from typing import Protocol

from . import scoring
from .library import RESPONSE_TIME, Rubric, RubricDimension
from .scoring import DimensionScore, Scorecard

MS_PER_SECOND = 1000
SECONDS_PER_MINUTE = 60
NOT_MEASURED = "not measured"


class TimedTurn(Protocol):
    """What this module reads from a turn (a ``Turn`` row, or anything shaped like one)."""

    role: str
    response_ms: int | None
    talk_ms: int | None


@dataclass(frozen=True)
class ResponseTimes:
    """A conversation's response times and talk time, in milliseconds; None where unmeasured."""

    answers: int  # the trainee's turns
    measured: int  # of those, how many carry a response time
    median_ms: int | None
    longest_ms: int | None
    spoken: int  # the trainee's turns with a talk time
    talk_ms: int | None  # the spoken audio's total length

    @property
    def is_measured(self) -> bool:
        return self.measured > 0 or self.spoken > 0


def summarise(turns: Iterable[TimedTurn]) -> ResponseTimes:
    """The median and longest response time and the total talk time of the trainee's turns."""
    answers = [t for t in turns if t.role == "trainee"]
    waits = [t.response_ms for t in answers if _is_time(t.response_ms)]
    talks = [t.talk_ms for t in answers if _is_time(t.talk_ms)]
    return ResponseTimes(
        answers=len(answers),
        measured=len(waits),
        median_ms=round(median(waits)) if waits else None,
        longest_ms=max(waits) if waits else None,
        spoken=len(talks),
        talk_ms=sum(talks) if talks else None,
    )


def judge_response_time(dimension: RubricDimension, times: ResponseTimes) -> DimensionScore:
    """The level whose longest wait the measured one is within (0 beyond level 1's), with what
    was measured and what the next level asks; not judged when nothing was measured."""
    wait = times.longest_ms if dimension.measure == "longest" else times.median_ms
    if wait is None:
        return DimensionScore(None, feedback="Not judged: no response time was measured (it is "
                                             "measured on the play page, with script on).")
    level = max((n for n, limit in enumerate(dimension.seconds, start=1)
                 if wait <= limit * MS_PER_SECOND), default=0)
    said = f"Your {dimension.measure or 'median'} response time was {duration_text(wait)}"
    if level == len(dimension.seconds):
        return DimensionScore(level, feedback=f"{said}: quick enough for the top level.")
    aim = dimension.seconds[level]  # the next level's longest wait
    return DimensionScore(level, feedback=f"{said}. Start answering within {aim:g} s to reach "
                                          f"level {level + 1}: acknowledge the customer first, "
                                          "then look things up.")


def with_response_time(card: Scorecard, rubric: Rubric, times: ResponseTimes) -> Scorecard:
    """``card`` with the rubric's response time added and the result summarised again; the card
    as it was when the rubric does not opt in."""
    dimension = rubric.response_time
    if dimension is None:
        return card
    dimensions = {**card.dimensions, RESPONSE_TIME: judge_response_time(dimension, times)}
    overall, passed = scoring.summarise(rubric, dimensions)
    return replace(card, dimensions=dimensions, overall=overall, passed=card.passed and passed)


def duration_text(ms: int | None) -> str:
    """A duration as people say it: "under 1 s", "4 s", "1 min 5 s"; "not measured" for None."""
    if not _is_time(ms):
        return NOT_MEASURED
    if ms < MS_PER_SECOND:
        return "under 1 s"
    seconds = (ms + MS_PER_SECOND // 2) // MS_PER_SECOND  # to the nearest second, halves up
    minutes, seconds = divmod(seconds, SECONDS_PER_MINUTE)
    if not minutes:
        return f"{seconds} s"
    return f"{minutes} min {seconds} s" if seconds else f"{minutes} min"


def _is_time(ms: object) -> bool:
    """A usable measure: a whole number of milliseconds, not negative (bools are not times)."""
    return isinstance(ms, int) and not isinstance(ms, bool) and ms >= 0
