"""Follow-up contacts: the promises, times and references of a first contact read from the
trainee's own words, and a follow-up rendered from them (or from its history_default)."""

from __future__ import annotations

from pathlib import Path

from trainer.domain.followup import (
    History,
    extract_history,
    history_lines,
    history_values,
    is_promise,
)
from trainer.domain.loading import load_library
from trainer.domain.scoring import get_scorer
from trainer.domain.variant_checks import model_answer_failure
from trainer.domain.variants import render_variant

ROOT = Path(__file__).resolve().parents[2]
LIBRARY = load_library(ROOT / "scenarios", ROOT / "rubrics")
FOLLOW_UPS = [t for t in LIBRARY.templates.values() if t.scenario.follows]


def test_promises_times_and_references_come_from_the_trainees_words():
    history = extract_history([
        "I'm so sorry about this. I've refunded the 39.99 and your reference is RF-55120.",
        "It will be with you within 5 working days. I'll ring you on Thursday afternoon to check "
        "it has landed, and we're going to fix the payment run by the end of the week.",
    ])
    assert history.promises == (
        "It will be with you within 5 working days.",
        "I'll ring you on Thursday afternoon to check it has landed, and we're going to fix the "
        "payment run by the end of the week.")
    # the person's own promises first: that is what "you said you'd call" is about
    assert history.when == ("on Thursday afternoon", "by the end of the week",
                            "within 5 working days")
    assert history.references == ("RF-55120",)


def test_what_is_not_a_promise_or_not_theirs_is_left_out():
    assert not is_promise("I'm sorry you were charged twice.")
    assert not is_promise("I've refunded it.")  # done, not promised
    assert is_promise("I've booked the engineer for Friday 16 May.")  # arranged, with a time
    assert is_promise("You'll get an email with the details.")
    history = extract_history(["Your order SO-448120 went astray; case number 774219 is yours."],
                              known_codes=["SO-448120"])
    assert history.references == ("774219",) and history.promises == ()


def test_a_time_outside_any_promise_still_counts_when_no_promise_gave_one():
    history = extract_history(["Someone should look at it by Friday 4 April. Sorry."])
    assert history.when == ("by Friday 4 April",) and history.promises == ()


def test_values_fall_back_to_the_scenarios_default_where_the_person_gave_none():
    fallback = History(("I'll call you on Friday.",), ("on Friday",), ("RF-1",))
    mine = History(("I'll sort it.",), (), ("CASE-123",))
    values = history_values(mine, fallback)
    assert values == {"earlier_by": "on Friday", "earlier_reference": "CASE-123"}
    lines = history_lines(mine, values, "From your own first contact:")
    assert lines[0] == "From your own first contact:"
    assert "Promised: \u201cI'll sort it.\u201d" in lines
    assert "Time given: none in the notes; the customer says on Friday" in lines
    assert "Reference given: CASE-123" in lines


def test_three_follow_ups_each_follow_a_shipped_first_contact():
    assert len(FOLLOW_UPS) >= 3
    for template in FOLLOW_UPS:
        first = LIBRARY.scenarios[template.scenario.follows]
        assert template.scenario.id == f"{first.id}-follow-up"
        scenario = LIBRARY.scenarios[template.scenario.id]
        assert scenario.history[0].startswith("Notes from the first contact")
        assert all(k.probe for k in scenario.key_points)
        assert all(f.objection for f in scenario.red_flags) and scenario.model_answer


def test_a_follow_up_carries_the_persons_own_promises_and_figures():
    first_template = LIBRARY.templates["billing-double-charge"]
    first = render_variant(first_template, 5)
    said = ("Sorry, Grace. I've refunded it, reference RF-90001. I'll email you by Wednesday "
            "10 May to confirm it's landed.")
    history = extract_history([said])
    follow_up = render_variant(LIBRARY.templates["billing-double-charge-follow-up"], 0,
                               fixed=first.variant["values"], earlier=history,
                               source="From your own first contact:")
    values = first.variant["values"]
    assert follow_up.customer.name == values["name"] and values["amount"] in follow_up.opening
    assert "I'd hear from you by Wednesday 10 May" in follow_up.opening
    assert ("Promised: \u201cI'll email you by Wednesday 10 May to confirm it's landed.\u201d"
            in follow_up.history)
    assert "RF-90001" in follow_up.key_points[0].text and "RF-90001" in follow_up.model_answer
    assert follow_up.variant["values"]["earlier_reference"] == "RF-90001"
    assert model_answer_failure(follow_up, LIBRARY.rubrics["core"], get_scorer("rules")) == ""
