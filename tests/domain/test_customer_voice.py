"""The customer's voice: the rubric's text never read out or echoed, never the customer in the
third person, in the shipped library played with fixed batteries of answers and in what
`trainer validate` checks of a scenario's lines."""

from __future__ import annotations

from dataclasses import replace

import pytest

from trainer.domain.customer.realism import batteries, measure, play, variants_of
from trainer.domain.customer.voice import plain, rubric_echoed, third_person
from trainer.domain.library import KeyPoint, Line
from trainer.domain.loading import load_library

from .test_customer import LIBRARY, SMALL
from .test_loading import GOOD, edited, make_library, problems_in


def test_rubric_text_is_recognised_with_or_without_its_leading_verb():
    text = "Explains the app locked after three failed attempts and unlocks at 10:47"
    assert rubric_echoed(f"Can you {text.lower()}?", replace(
        SMALL, key_points=(KeyPoint("lock", text),))) == "lock"
    assert rubric_echoed("Can you explain the app locked after three failed attempts?", replace(
        SMALL, key_points=(KeyPoint("lock", text),))) == "lock"
    assert rubric_echoed("Is there a reference number I can quote?", SMALL) == ""
    assert third_person("Can you accept the damage from her photos, Sam?", SMALL)
    assert third_person("What does the customer get?", SMALL)
    assert not third_person("Am I getting the 20 back?", SMALL)


@pytest.mark.parametrize("scenario", LIBRARY.scenarios.values(), ids=lambda s: s.id)
def test_shipped_customer_stays_in_character_whatever_the_answers(scenario):
    rubric = [plain(item.text) for item in (*scenario.key_points, *scenario.red_flags)]
    for battery, answers in batteries(scenario).items():
        lines = play(scenario, answers, battery).customer_lines[1:]
        for line in lines:
            assert not any(text in plain(line) for text in rubric), (battery, line)
            assert not rubric_echoed(line, scenario), (battery, line)
            assert not third_person(line, scenario), (battery, line)
        assert len(lines) == len(set(lines)), (battery, lines)


def test_shipped_library_in_its_variants_has_no_repeats_rubric_text_or_unclosed_endings():
    """The figures bench/customer_realism.py prints (for every variant): they must be 0 for the
    shipped library. Here the first few variants of each scenario, to keep the suite quick."""
    for scenario in variants_of(LIBRARY, most=4):
        found = measure(scenario)
        seed = scenario.variant["seed"] if scenario.variant else 0
        assert (found.repeated, found.rubric, found.third_person, found.unclosed) == (0, 0, 0, 0), \
            (scenario.id, seed, found)
        assert found.turns_to_resolve is not None, (scenario.id, seed, "the good answer")


# `trainer validate`: every customer line present and in the customer's own voice.

@pytest.mark.parametrize("edits, line, message", [
    ({18: "  - {id: refund, text: Refunds the £10.00}"}, 18,
     "key_points[0] ('refund') has no probe: write what the customer asks while it is missing"),
    ({21: "  - {id: blames, text: Blames the customer}"}, 21,
     "red_flags[0] ('blames') has no objection: write what the customer says if the trainee"),
    ({19: "  - {id: timeline, text: Says the money arrives within 5 working days, probe: Can "
          "you say the money arrives within 5 working days}"}, 19,
     "field 'key_points[1].probe' reads out the text of 'timeline'"),
    ({21: "  - {id: blames, text: Blames the customer, objection: The customer is upset.}"}, 21,
     "field 'red_flags[0].objection' talks about the customer in the third person "
     "('The customer')"),
    ({18: "  - {id: refund, text: Refunds the £10.00, probe: Does Sam get it back}"}, 18,
     "field 'key_points[0].probe' talks about the customer in the third person (their own "
     "name 'Sam')"),
    ({24: "  calmer: [{when: refnd, say: Thanks.}]"}, 24,
     "field 'script.calmer[0].say': unknown when 'refnd' (a key point id of this scenario, "
     "or one of: apology,"),
    ({24: "  calmer: [{when: blame, say: Thanks.}]"}, 24,
     "field 'script.calmer[0].say': when 'blame' never fits a calmer line"),
    ({24: "  calmer: [{say: Thanks, wen: refund}]"}, 24,
     "unknown field 'script.calmer[0].wen' (did you mean 'when'?)"),
])
def test_validate_names_each_missing_or_out_of_voice_line(tmp_path, edits, line, message):
    path = make_library(tmp_path, edited(GOOD, edits))
    found = problems_in(tmp_path, path)
    assert [(n, m[:len(message)]) for n, m in found] == [(line, message)], found


def test_validate_accepts_conditional_lines_and_reads_them(tmp_path):
    edits = {24: "  calmer: [{when: refund, say: Good.}, {when: [apology, time], say: Ta.}, "
                 "Thanks.]", 25: "  closing: So it's all coming back?\n  resolved: Sorted."}
    path = make_library(tmp_path, edited(GOOD, edits))
    assert problems_in(tmp_path, path) == []
    script = load_library(tmp_path / "scenarios", tmp_path / "rubrics").scenarios["good-one"].script
    assert script.calmer == (Line("Good.", ("refund",)), Line("Ta.", ("apology", "time")),
                             Line("Thanks."))
    assert script.closing == "So it's all coming back?"
