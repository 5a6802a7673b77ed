"""Accuracy checks that read the case file itself (no hints): days, limits, rates, amounts, totals,
charges for what is free, implied blame and prohibited processes. Precision first: a promise past
a limit the policy states is a zero; a figure, date or total read from free text that disagrees
with the case file is feedback with the quote, never a level. Scenarios and replies are made up
for these tests."""

from __future__ import annotations

import pytest

from trainer.domain.analysis import analyse_reply
from trainer.domain.library import KeyPoint, RedFlag, Rubric, RubricDimension, Scenario
from trainer.domain.scoring.rules import RuleScorer
from trainer.domain.transcript import Turn

RUBRIC = Rubric("core", "Core", tuple(
    RubricDimension(name, 1.0, 3, "", ("0", "1", "2", "3", "4"))
    for name in ("empathy", "ownership", "accuracy")))

WASHER = Scenario(
    id="washer-bearing",
    opening="My washing machine is four months old and broken again. When will it be fixed?",
    facts=("Today is Monday 12 May.",
           "Washer WM-5521 bought on 3 January for £429.00; it has a 12-month warranty.",
           "The engineer visited on Friday 9 May and found a failed drum bearing.",
           "The replacement bearing is due at the local depot on Thursday 15 May."),
    policy=("Warranty repairs are free of charge, including the call-out.",
            "Book the repair for the first slot after the part arrives; do not promise a repair "
            "date before 16 May.",
            "Staff may offer a launderette allowance of £5 per day, capped at £40.",
            "Do not tell the customer to buy a new machine."),
    key_points=(
        KeyPoint("warranty", "Explains the drum bearing failed and the warranty covers the repair"),
        KeyPoint("repair-date", "Books the repair for Friday 16 May"),
        KeyPoint("allowance", "Offers the launderette allowance of £5 a day, up to £40"),
    ),
    red_flags=(
        RedFlag("misuse", "Implies the customer overloaded or misused the machine"),
        RedFlag("too-much", "Offers an allowance beyond the £40 cap"),
    ),
)

HOTEL = Scenario(
    id="hotel-view",
    opening="We booked a sea-view room for our anniversary and got the car park view.",
    facts=("Booking HB-4410: sea-view double, 2 nights from Friday 4 July, £145 a night.",
           "The sea-view room was given to another guest by mistake.",
           "A sea-view room becomes free tomorrow, Sunday 6 July, from 14:00.",
           "Today is Saturday 5 July."),
    policy=("Refund the difference between room types, £30 a night, for nights in the wrong "
            "room.",
            "Staff may offer goodwill of up to £60."),
    key_points=(
        KeyPoint("move", "Moves them to a sea-view room tomorrow from 14:00"),
        KeyPoint("difference", "Refunds £30 a night for the nights in the wrong room"),
    ),
    red_flags=(RedFlag("move-tonight", "Promises a move to a sea-view room tonight"),),
)

BANK = Scenario(
    id="bank-transfer",
    opening="I sent £1,200 to my landlord yesterday and he hasn't got it.",
    facts=("Today is Tuesday 4 March.",
           "The payment of £1,200.00 was held for a routine check on a new payee; it reaches "
           "the landlord's bank by 18:00 today.",
           "The customer entered the payee's details correctly."),
    policy=("Do not tell the customer to send the payment again while one is in progress.",
            "Staff may cover a late fee of up to £30 with proof."),
    key_points=(KeyPoint("arrives", "Says the payment reaches the landlord's bank by 18:00 today"),
                KeyPoint("late-fee", "Offers to cover a late fee of up to £30")),
    red_flags=(RedFlag("blames", "Suggests the customer typed the wrong account details"),),
)


def accuracy(scenario: Scenario, reply: str):
    card = RuleScorer().score([Turn("customer", scenario.opening), Turn("trainee", reply)],
                              scenario, RUBRIC)
    return card.dimensions["accuracy"], card


# --- days ----------------------------------------------------------------------------------

@pytest.mark.parametrize("reply", [
    "I've booked the engineer for this Wednesday, so you won't be without it long.",
    "The repair is booked for Wednesday 14 May.",
    "I can get the repair done tomorrow.",
])
def test_a_day_before_the_earliest_the_policy_allows_is_wrong(reply: str) -> None:
    judged, _ = accuracy(WASHER, reply)
    assert judged.level == 0
    assert reply in judged.evidence


def test_the_day_the_case_file_gives_is_right() -> None:
    judged, card = accuracy(WASHER, "The part reaches the depot on Thursday and I've booked the "
                                    "engineer for Friday 16 May.")
    assert judged.level != 0 and "repair-date" in card.key_points_covered


def flagged_in_feedback(judged, reply: str) -> bool:
    """The reply is quoted back in the feedback as something to check, and was not a zero."""
    return judged.level != 0 and f"Check '{reply.rstrip('.')}'" in judged.feedback


def test_a_weekday_that_is_not_that_dates_weekday_is_feedback() -> None:
    reply = "I've booked the repair for Thursday 16 May."
    judged, _ = accuracy(WASHER, reply)
    assert flagged_in_feedback(judged, reply) and "weekday" in judged.feedback


def test_a_past_date_the_facts_contradict_is_feedback() -> None:
    reply = "You bought the machine on 3 February, so it's in warranty."
    judged, _ = accuracy(WASHER, reply)
    assert flagged_in_feedback(judged, reply)


def test_a_day_a_red_flag_names_is_the_flag() -> None:
    found = analyse_reply("I'll move you into a sea-view room tonight.", HOTEL)
    assert found.red_flags == {"move-tonight"}
    assert not analyse_reply("A sea-view room is free from 2pm tomorrow and I'll move you "
                             "then.", HOTEL).wrong


def test_a_deadline_earlier_than_the_case_files_is_wrong() -> None:
    assert analyse_reply("It'll be with your landlord first thing this morning.", BANK).wrong
    assert not analyse_reply("It will reach his bank by 6pm today.", BANK).wrong


# --- amounts -------------------------------------------------------------------------------

def test_a_rate_above_the_policys_is_wrong() -> None:
    judged, _ = accuracy(WASHER, "I'll give you £10 a day for the launderette until then.")
    assert judged.level == 0


def test_an_amount_the_case_file_gives_differently_is_feedback() -> None:
    reply = "You bought it for £499, so it's well within warranty."
    judged, _ = accuracy(WASHER, reply)
    assert flagged_in_feedback(judged, reply) and "429" in judged.feedback


def test_a_total_that_does_not_add_up_is_feedback() -> None:
    wrong = "I'll refund £30 for each of the two nights, £90 in total."
    judged, _ = accuracy(HOTEL, wrong)
    assert flagged_in_feedback(judged, wrong)
    right = "I'll refund £30 for each of the two nights, £60 in total."
    assert "Check" not in accuracy(HOTEL, right)[0].feedback


def test_a_charge_for_what_policy_makes_free_is_feedback() -> None:
    reply = "The call-out for the repair is £65, which you pay the engineer."
    judged, _ = accuracy(WASHER, reply)
    assert flagged_in_feedback(judged, reply)


def test_above_a_limit_is_wrong_though_the_case_file_mentions_the_number_elsewhere() -> None:
    scenario = Scenario(
        id="broadband", opening="My broadband has been down for three days.",
        facts=("An area fault has cut service since Monday.",),
        policy=("Staff may add a goodwill credit of up to £15.",
                "Staff may add a free 50 GB data boost to a mobile on the account."),
        key_points=(KeyPoint("boost", "Offers the free 50 GB data boost"),))
    assert analyse_reply("I'm putting a £50 goodwill credit on your account.", scenario).wrong
    assert not analyse_reply("I've added the free 50GB boost to your mobile.", scenario).wrong


# --- blame and prohibited processes ---------------------------------------------------------

@pytest.mark.parametrize("reply", [
    "Drum bearings usually go when the machine has been overloaded.",
    "It's possible it was damaged after delivery, once it was inside.",
    "It's up to customers to check the details before they send a payment.",
])
def test_implied_blame_is_wrong_and_not_empathy(reply: str) -> None:
    found = analyse_reply(reply, WASHER)
    assert found.wrong and found.dismissive
    assert found.empathy == 0


def test_blame_is_not_read_into_owning_the_fault() -> None:
    found = analyse_reply("None of this is down to you: the bearing failed and the warranty "
                          "covers it.", WASHER)
    assert not found.wrong and not found.dismissive


def test_advising_what_the_policy_forbids_is_wrong() -> None:
    found = analyse_reply("The safest thing is to send the payment again now.", BANK)
    assert found.wrong
    assert not analyse_reply("There's no need to send anything again.", BANK).wrong


# --- levels ----------------------------------------------------------------------------------

def test_most_key_points_is_more_than_half() -> None:
    two = ("The bearing failed and the warranty covers the repair. I've booked the repair for "
           "Friday 16 May.")
    assert accuracy(WASHER, two)[0].level == 3  # two of three
    assert accuracy(WASHER, "The warranty covers the failed bearing.")[0].level == 2


def test_every_key_point_right_and_nothing_wrong_is_four() -> None:
    reply = ("The drum bearing failed and the warranty covers the repair, call-out included. "
             "I've booked the repair for Friday 16 May, after the part arrives on Thursday. "
             "Until then I can pay £5 a day towards the launderette, up to £40.")
    judged, card = accuracy(WASHER, reply)
    assert judged.level == 4, judged.feedback
    assert card.red_flags == ()
