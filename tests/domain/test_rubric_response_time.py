"""A rubric that opts in to response time: how it is written and checked, how the measured wait
becomes a level (never a zero for what was not measured, never a pass on speed alone), and that
the LLM judge is never asked about it."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from trainer.domain.library import RESPONSE_TIME, Rubric
from trainer.domain.loading import check_library
from trainer.domain.response_times import judge_response_time, summarise, with_response_time
from trainer.domain.scoring import DimensionScore, Scorecard
from trainer.llm.prompts import judge_request

from .test_loading import RUBRIC, edited, make_library

# The core fixture's three dimensions (lines 4-15), then response time from line 16.
TIMED = RUBRIC + [
    "  response_time:",                                  # 16
    "    weight: 0.5",                                   # 17
    "    pass_level: 2",                                 # 18
    "    measure: median",                               # 19
    "    seconds: {1: 40, 2: 20, 3: 10, 4: 5}",          # 20
    "    description: Answers without leaving the customer waiting.",  # 21
    "    levels: {0: gone, 1: slow, 2: pauses, 3: prompt, 4: at once}",  # 22
]


def load(tmp_path, lines: list[str]) -> tuple[Rubric | None, list]:
    make_library(tmp_path, rubric="\n".join(lines))
    library, problems = check_library(tmp_path / "scenarios", tmp_path / "rubrics")
    return library.rubrics.get("core"), problems


@dataclass
class T:
    role: str = "trainee"
    response_ms: int | None = None
    talk_ms: int | None = None


def times(*waits_ms: int | None):
    return summarise([T(response_ms=ms) for ms in waits_ms])


def test_a_rubric_opts_in_with_a_longest_wait_for_each_level(tmp_path):
    rubric, problems = load(tmp_path, TIMED)
    assert problems == []
    timed = rubric.response_time
    assert timed is not None and timed.title == "Response time"
    assert (timed.weight, timed.pass_level, timed.measure) == (0.5, 2, "median")
    assert timed.seconds == (40, 20, 10, 5) and timed.levels[4] == "at once"
    assert [d.name for d in rubric.judged_on_words] == ["empathy", "ownership", "accuracy"]
    assert Rubric.from_dict(rubric.to_dict()) == rubric  # as stored with each attempt


def test_a_rubric_without_it_and_an_older_snapshot_are_not_timed(tmp_path):
    rubric, problems = load(tmp_path, RUBRIC)
    assert problems == [] and rubric.response_time is None
    older = rubric.to_dict()  # written before the field existed: no seconds, no measure
    for dim in older["dimensions"]:
        del dim["seconds"], dim["measure"]
    assert Rubric.from_dict(older) == rubric


@pytest.mark.parametrize("edits, line, message", [
    ({19: "    measure: mean"}, 19,
     "field 'dimensions.response_time.measure' must be one of median, longest, got 'mean'"),
    ({20: "    seconds: {1: 40, 2: 20, 4: 5}"}, 20,
     "field 'dimensions.response_time.seconds' is missing level(s) 3"),
    ({20: "    seconds: {1: 40, 2: 20, 3: 10, 4: 5, 5: 1}"}, 20,
     "unknown level 'dimensions.response_time.seconds.5'"),
    ({20: "    seconds: {1: 40, 2: 20, 3: 30, 4: 5}"}, 20,
     "field 'dimensions.response_time.seconds.3' is longer than level 2's (30 s > 20 s)"),
    ({20: "    seconds: {1: 40, 2: 20, 3: 10, 4: 0}"}, 20,
     "field 'dimensions.response_time.seconds.4' must be a number of seconds above 0, got 0"),
    ({20: "    seconds: {}"}, 20,
     "field 'dimensions.response_time.seconds' is missing level(s) 1, 2, 3, 4"),
    ({20: None}, 16, "missing required field 'dimensions.response_time.seconds'"),
    ({16: "  response_times:"}, 16, "unknown dimension 'dimensions.response_times'"),
    ({22: "    levels: {0: gone, 1: slow, 2: pauses, 3: prompt}"}, 22,
     "field 'dimensions.response_time.levels' is missing level(s) 4"),
])
def test_a_broken_response_time_names_its_line_and_field(tmp_path, edits, line, message):
    _, problems = load(tmp_path, edited(TIMED, edits).splitlines())
    assert any(p.line == line and p.message.startswith(message) for p in problems), problems


def test_only_response_time_takes_seconds(tmp_path):
    lines = RUBRIC[:7] + ["    seconds: {1: 40, 2: 20, 3: 10, 4: 5}"] + RUBRIC[7:]
    _, problems = load(tmp_path, lines)
    assert [(p.line, p.message) for p in problems] == [
        (8, "unknown field 'dimensions.empathy.seconds' (expected one of: description, "
            "levels, pass_level, weight)")]


def test_the_level_is_the_quickest_whose_longest_wait_it_is_within(tmp_path):
    timed = load(tmp_path, TIMED)[0].response_time
    level = {wait: judge_response_time(timed, times(wait * 1000)).level
             for wait in (2, 5, 6, 10, 19, 40, 41, 300)}
    assert level == {2: 4, 5: 4, 6: 3, 10: 3, 19: 2, 40: 1, 41: 0, 300: 0}


def test_the_median_or_the_longest_wait_is_scored_as_the_rubric_says(tmp_path):
    rubric, _ = load(tmp_path, TIMED)
    waits = times(3_000, 4_000, 30_000)  # quick, then one long silence
    median = judge_response_time(rubric.response_time, waits)
    assert median.level == 4 and "median response time was 4 s" in median.feedback
    longest, _ = load(tmp_path, edited(TIMED, {19: "    measure: longest"}).splitlines())
    held = judge_response_time(longest.response_time, waits)
    assert held.level == 1
    assert held.feedback == ("Your longest response time was 30 s. Start answering within 20 s "
                             "to reach level 2: acknowledge the customer first, then look "
                             "things up.")


def test_nothing_measured_is_not_judged_rather_than_a_zero(tmp_path):
    timed = load(tmp_path, TIMED)[0].response_time
    verdict = judge_response_time(timed, times(None, None))
    assert verdict.level is None and verdict.feedback.startswith("Not judged: no response time")


def card(level: int | None) -> Scorecard:
    dims = {name: DimensionScore(level) for name in ("empathy", "ownership", "accuracy")}
    passed = level is not None and level >= 3
    return Scorecard("rules-2", dims, None if level is None else level * 25.0, passed)


def test_a_slow_answer_fails_a_timed_rubric_and_a_quick_one_counts_in_the_overall(tmp_path):
    rubric, _ = load(tmp_path, TIMED)
    quick = with_response_time(card(3), rubric, times(4_000, 6_000))  # median 5 s: level 4
    assert quick.passed and quick.dimensions[RESPONSE_TIME].level == 4
    assert quick.overall == pytest.approx((3 * 75 + 0.5 * 100) / 3.5, abs=0.1)
    slow = with_response_time(card(3), rubric, times(50_000))  # level 0, below pass level 2
    assert not slow.passed and slow.dimensions[RESPONSE_TIME].level == 0
    unmeasured = with_response_time(card(3), rubric, times())
    assert unmeasured.passed and unmeasured.overall == 75.0  # judged on the words alone


def test_nobody_passes_on_speed_alone(tmp_path):
    rubric, _ = load(tmp_path, TIMED)
    unreadable = with_response_time(card(None), rubric, times(2_000))  # words not judged
    assert unreadable.dimensions[RESPONSE_TIME].level == 4
    assert unreadable.overall is None and not unreadable.passed


def test_a_rubric_that_does_not_opt_in_leaves_the_card_as_it_was(tmp_path):
    rubric, _ = load(tmp_path, RUBRIC)
    scored = card(3)
    assert with_response_time(scored, rubric, times(90_000)) is scored


def test_the_llm_judge_is_never_asked_about_response_time(tmp_path):
    rubric, _ = load(tmp_path, TIMED)
    request = judge_request(None, rubric, [])
    system = request.messages[0]["content"]
    assert "empathy:" in system and "accuracy:" in system
    assert "response_time" not in system and "at once" not in system
    assert RESPONSE_TIME not in request.schema["properties"]


def test_batch_scoring_with_a_timed_rubric_judges_the_words_and_leaves_time_out(tmp_path):
    from trainer.domain.scoring.rules import RuleScorer
    from trainer.domain.transcript import Turn

    rubric, _ = load(tmp_path, TIMED)
    card = RuleScorer().score([Turn("customer", "You charged me twice."),
                               Turn("trainee", "That's not my problem, call your bank.")],
                              None, rubric)
    assert set(card.dimensions) == {"empathy", "ownership", "accuracy"}
    assert not card.passed  # on the words, which no speed could rescue
    assert set(card.to_contract("line-1")["dimensions"]) == set(card.dimensions)
