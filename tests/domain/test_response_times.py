"""Response times and talk time, summarised for the scorecard and written for people to read."""

from __future__ import annotations

from dataclasses import FrozenInstanceError, dataclass

import pytest

from trainer.domain.response_times import ResponseTimes, duration_text, summarise


@dataclass
class T:
    role: str
    response_ms: int | None = None
    talk_ms: int | None = None


def test_the_median_and_longest_response_and_the_total_talk_time():
    turns = [T("customer", 999_999, 999_999),  # a customer line never counts
             T("trainee", 4_000, 2_500), T("customer"), T("trainee", 9_000),
             T("customer"), T("trainee", 2_000, 6_000)]
    times = summarise(turns)
    assert times == ResponseTimes(answers=3, measured=3, median_ms=4_000, longest_ms=9_000,
                                  spoken=2, talk_ms=8_500)
    assert times.is_measured


def test_an_even_count_takes_the_middle_of_the_two_middle_times():
    times = summarise([T("trainee", 1_000), T("trainee", 2_001)])
    assert times.median_ms == 1_500 and times.longest_ms == 2_001
    assert times.talk_ms is None and times.spoken == 0  # typed answers: no talk time


def test_turns_without_a_measure_are_left_out_and_none_at_all_is_not_measured():
    typed_without_script = summarise([T("trainee"), T("customer"), T("trainee")])
    assert typed_without_script == ResponseTimes(answers=2, measured=0, median_ms=None,
                                                 longest_ms=None, spoken=0, talk_ms=None)
    assert not typed_without_script.is_measured
    assert not summarise([]).is_measured
    mixed = summarise([T("trainee"), T("trainee", 3_000)])
    assert (mixed.measured, mixed.median_ms) == (1, 3_000)


def test_nonsense_measures_are_not_times():
    times = summarise([T("trainee", -5, -1), T("trainee", True, False)])
    assert not times.is_measured


def test_a_summary_cannot_be_changed_after_the_fact():
    with pytest.raises(FrozenInstanceError):
        summarise([T("trainee", 1_000)]).longest_ms = 0


@pytest.mark.parametrize(("ms", "text"), [
    (None, "not measured"), (0, "under 1 s"), (999, "under 1 s"), (1_000, "1 s"),
    (2_500, "3 s"),
    (4_200, "4 s"), (59_400, "59 s"), (60_000, "1 min"), (65_000, "1 min 5 s"),
    (600_000, "10 min"), (-1, "not measured"),
])
def test_durations_read_as_people_say_them(ms, text):
    assert duration_text(ms) == text
