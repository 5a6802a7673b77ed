"""The readers under the rule scorer: the case file's calendar, days and times in text, figures
with units, the cue patterns and the synonym rewrites."""

from __future__ import annotations

import re

import pytest

from trainer.domain.language.calendar import calendar_of, day_name
from trainer.domain.language.dates import whens
from trainer.domain.language.numbers import quantities
from trainer.domain.language.patterns import Cue
from trainer.domain.language.synonyms import rewrite

CAL = calendar_of("today is wednesday 11 june. the estimate is thursday 12 june by 18:00.")


def days(text: str, past: bool | None = None) -> list[str]:
    return [day_name(w.first) + (f" {w.times}" if w.times else "") + f" {w.mode}"
            for w in whens(text, CAL, past)]


def test_the_calendar_comes_from_the_case_file() -> None:
    assert day_name(CAL.today) == "Wednesday 11 June"
    assert CAL.anchored  # its weekdays and dates agree in the year it found
    assert calendar_of("call taken on tuesday 6 may 2025.").year == 2025


@pytest.mark.parametrize("text, expected", [
    ("we'll have it back by tonight", ["Wednesday 11 June (1080, 1440) by"]),
    ("by 6pm tomorrow", ["Thursday 12 June (1080, 1080) by"]),
    ("tomorrow morning at the very latest", ["Thursday 12 June (0, 720) by"]),
    ("this friday, the 13th", ["Friday 13 June on"]),
    ("a room is free from 14:00 on 6 july", ["Sunday 6 July (840, 840) from"]),
])
def test_days_and_times_in_plain_words(text: str, expected: list[str]) -> None:
    assert days(text) == expected


def test_a_weekday_is_the_last_one_when_the_text_tells_of_the_past() -> None:
    assert days("the engineer came on monday", past=True) == ["Monday 9 June on"]
    assert days("the engineer comes on monday") == ["Monday 16 June on"]


def test_lists_and_stretches_of_days() -> None:
    assert days("you reported it on the 4th, 7th and 10th", past=True) == [
        "Wednesday 4 June on", "Saturday 7 June on", "Tuesday 10 June on"]
    stretch = whens("your stay from 21 to 23 june", CAL)
    assert [(day_name(w.first), day_name(w.last)) for w in stretch] == [
        ("Saturday 21 June", "Monday 23 June")]


def test_within_working_days_skips_the_weekend() -> None:
    (deadline,) = whens("within 3 working days", CAL)
    assert day_name(deadline.last) == "Monday 16 June" and deadline.mode == "by"


def test_figures_with_units_are_not_counts() -> None:
    assert [(q.kind, q.value, q.unit) for q in quantities("a free 50 gig data boost")] == [
        ("measure", 50.0, "gb")]
    assert [q.kind for q in quantities("for 3 nights at £30 a night")] == ["money", "count"]


def test_a_cue_matches_at_word_starts_only_and_finds_every_phrase() -> None:
    cue = Cue(r"\bsee\b", r"\b(?:fix|sort) it\b", r"\bref \d{3,}")
    text = "we foresee it: i'll sort it and fix it, ref 1234."
    found = [m.group() for m in cue.finditer(text)]
    assert found == ["sort it", "fix it", "ref 1234"]
    assert cue.search("nothing here") is None
    assert cue.sub("X", "sort it now") == "X now"


def test_rewrites_fold_phrases_into_family_words_in_one_pass() -> None:
    assert rewrite("i'll resend it and pay you back in full") == \
        "i'll send again it and refund full"
    assert rewrite("your ref ab-1234") == "your ref reference number"
    assert re.search(r"\bfix\b", rewrite("i'll put it right"))
