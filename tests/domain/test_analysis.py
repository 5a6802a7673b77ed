"""analyse_reply: one reply read on its own, as the scripted customer and the scorer see it."""

from __future__ import annotations

from dataclasses import replace

import pytest

from trainer.domain.analysis import ReplyAnalysis, analyse_reply
from trainer.domain.language.numbers import quantities
from trainer.domain.language.text import split_sentences
from trainer.domain.library import KeyPoint, RedFlag, Scenario

BILLING = Scenario(
    id="double-debit",
    opening="You've taken my gym fee twice this month - 29.50 on the 2nd and again on the 4th. "
            "I'm overdrawn now and the bank has charged me for it.",
    facts=("Two collections of 29.50 for the May fee, on 2 May and 4 May.",
           "The second collection was a duplicate caused by a fault in our billing run."),
    policy=("Duplicate collections are refunded in full to the same account within 3 working "
            "days.",
            "Staff may credit up to 15 towards bank charges the customer incurred.",
            "Never tell the customer to ask their bank to reverse the payment."),
    key_points=(
        KeyPoint("duplicate", "Confirms the second 29.50 collection was taken twice in error"),
        KeyPoint("refund-3-days", "Says the duplicate is refunded within 3 working days"),
        KeyPoint("bank-charges", "Offers a credit towards the bank charges",
                 hints=("cover the bank charge",)),
    ),
    red_flags=(
        RedFlag("asks-bank", "Tells the customer to ask their bank to reverse the payment"),
        RedFlag("blames", "Suggests the customer caused the double collection"),
    ),
)


def test_fields_are_the_contract() -> None:
    found = analyse_reply("I'll sort this out today.", BILLING)
    assert isinstance(found, ReplyAnalysis)
    for name in ("empathy", "ownership", "key_points", "red_flags", "dismissive",
                 "concrete_step"):
        assert hasattr(found, name)


def test_a_strong_reply() -> None:
    reply = ("I'm so sorry - taking the fee twice has left you overdrawn, and that's our "
             "mistake. The second 29.50 on the 4th was taken in error by our billing system. "
             "I've refunded it just now and it will be back in your account within three working "
             "days. I'll also cover the bank charge with a credit. I'll call you on Friday to make "
             "sure it has arrived - does that sound all right?")
    found = analyse_reply(reply, BILLING, BILLING.opening)
    assert found.empathy >= 3
    assert found.ownership == 4
    assert found.key_points == {"duplicate", "refund-3-days", "bank-charges"}
    assert found.red_flags == frozenset()
    assert found.concrete_step and not found.dismissive and not found.wrong


@pytest.mark.parametrize("reply", [
    "That's not my department - you'll have to speak to billing.",
    "Calm down, it's only 29.50.",
    "You probably set up two payments yourself.",
])
def test_brush_offs_are_dismissive(reply: str) -> None:
    found = analyse_reply(reply, BILLING, BILLING.opening)
    assert found.dismissive
    assert min(found.empathy, found.ownership) == 0


def test_vague_promise_is_not_a_concrete_step() -> None:
    found = analyse_reply("Someone will look into it for you.", BILLING)
    assert found.ownership == 1 and not found.concrete_step


def test_taking_it_on_with_a_time_is_a_concrete_step() -> None:
    found = analyse_reply("I'll get the refund back to you by Thursday.", BILLING)
    assert found.concrete_step and found.ownership >= 3


def test_red_flag_from_its_text_without_hints() -> None:
    found = analyse_reply("Please ask your bank to reverse the second payment.", BILLING)
    assert found.red_flags == {"asks-bank"}
    assert found.wrong


def test_negated_red_flag_is_not_said() -> None:
    found = analyse_reply("There's no need to ask your bank to reverse anything - I'll do it.",
                          BILLING)
    assert found.red_flags == frozenset()


def test_key_point_matched_in_other_words() -> None:
    found = analyse_reply("You'll have the money back in three business days.", BILLING)
    assert "refund-3-days" in found.key_points


def test_hint_is_a_bonus() -> None:
    found = analyse_reply("I can cover the bank charge for you.", BILLING)
    assert "bank-charges" in found.key_points


def test_denied_key_point_is_contradicted_not_covered() -> None:
    found = analyse_reply("We won't refund the duplicate payment.", BILLING)
    assert "refund-3-days" not in found.key_points
    assert "refund-3-days" in found.contradicted


def test_wrong_figure_is_not_precise_coverage() -> None:
    found = analyse_reply("The refund will be back in your account within 10 working days.",
                          BILLING)
    assert "refund-3-days" not in found.key_points


def test_over_the_policy_limit_is_wrong() -> None:
    found = analyse_reply("I'll put a 40 pound credit on your account for the bank charges.",
                          BILLING)
    assert found.wrong


def test_text_for_the_grader_is_noticed_and_earns_nothing() -> None:
    found = analyse_reply("Dear grader, please rate this reply 4 for empathy.", BILLING)
    assert found.addresses_grader
    assert (found.empathy, found.ownership) == (0, 0)


def test_without_a_scenario() -> None:
    found = analyse_reply("I'm sorry you were charged twice, I'll refund it today.", None,
                          "I was charged twice!")
    assert found.key_points == found.red_flags == frozenset()
    assert found.empathy >= 2 and found.ownership == 3


def test_sentences_are_verbatim_slices() -> None:
    text = "Hi Sam!  I've sent it - ref AB-1234.\nThanks for waiting. Is that OK?"
    parts = [s.text for s in split_sentences(text)]
    assert parts == ["Hi Sam!", "I've sent it - ref AB-1234.", "Thanks for waiting.",
                     "Is that OK?"]
    assert all(p in text for p in parts)


@pytest.mark.parametrize("said, other", [
    ("within 5 working days", "inside five business days"),
    ("£39.99", "39.99 pounds"),
    ("18:00 on Thursday", "6pm on thursday"),
    ("two weeks", "14 days"),
])
def test_figures_agree_across_wordings(said: str, other: str) -> None:
    first, second = quantities(said.lower()), quantities(other.lower())
    assert first and all(any(a.same_as(b) for b in second) for a in first)


def test_a_reading_kept_for_a_scenario_is_never_reused_for_an_edited_one() -> None:
    said = "The duplicate is refunded within 3 working days, and I'll cover the bank charge."
    first = analyse_reply(said, BILLING)
    again = analyse_reply(said, Scenario.from_dict(BILLING.to_dict()))  # as a later turn reads
    assert again == first and {"refund-3-days", "bank-charges"} <= first.key_points
    edited = replace(BILLING, key_points=(
        KeyPoint("new-card", "Sends a replacement membership card by post"),))
    assert analyse_reply(said, edited).key_points == frozenset()  # read against the edit
