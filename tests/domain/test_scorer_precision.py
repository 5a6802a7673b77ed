"""rules-2, precision first: the false flags and false zeros that good replies met on the shipped
scenarios, each kept as a regression test, and one test per family of gaming."""

from __future__ import annotations

import pytest

from trainer.config import SHIPPED_RUBRICS_DIR, SHIPPED_SCENARIOS_DIR
from trainer.domain.loading import load_library
from trainer.domain.scoring.rules import EMPTY_NOTE, OTHER_LANGUAGE_NOTE, RuleScorer
from trainer.domain.transcript import Turn

LIBRARY = load_library(SHIPPED_SCENARIOS_DIR, SHIPPED_RUBRICS_DIR)
RUBRIC = LIBRARY.rubrics["core"]


def card(scenario_id: str | None, *replies: str):
    scenario = LIBRARY.scenarios[scenario_id] if scenario_id else None
    turns = []
    for reply in replies:
        said = scenario.opening if scenario and not turns else "And what now?"
        turns += [Turn("customer", said), Turn("trainee", reply)]
    return RuleScorer().score(turns, scenario, RUBRIC)


def levels(scored) -> dict[str, int | None]:
    return {name: dim.level for name, dim in scored.dimensions.items()}


# --- the false red flags a new user met on good answers -------------------------------------

def test_owning_a_system_fault_is_not_blaming_the_customer():
    scored = card("billing-double-charge",
                  "I'm so sorry you were charged twice for March. The second one was caused by a "
                  "fault in our payment system, nothing you did. I'll refund the duplicate 39.99 "
                  "today; it reaches your account within 5 working days.")
    assert "blames-customer" not in scored.red_flags
    assert scored.dimensions["accuracy"].level >= 2
    assert "blame" not in scored.dimensions["empathy"].feedback.lower()


def test_the_customers_own_timely_report_is_not_a_delivery_promise():
    scored = card("delivery-damaged-sofa",
                  "I'm sorry the sofa arrived damaged. Because you told us within 7 days, you can "
                  "choose a replacement or a full refund.")
    assert scored.red_flags == ()
    assert scored.dimensions["accuracy"].level >= 1


def test_retelling_what_the_case_file_says_happened_is_not_asking_for_a_password():
    scored = card("tech-app-locked-out",
                  "I'm sorry. The app locked at 10:17 after three failed password attempts.")
    assert "asks-for-secrets" not in scored.red_flags
    assert "password" not in scored.dimensions["accuracy"].feedback.split("mention")[0]


def test_a_link_valid_for_hours_is_not_compared_with_a_time_in_days():
    scored = card("tech-app-locked-out",
                  "I'll send a reset link by email within 5 minutes; it's valid for 24 hours.")
    feedback = scored.dimensions["accuracy"].feedback
    assert "0.0833" not in feedback and "24 days" not in feedback
    assert scored.dimensions["accuracy"].level != 0


@pytest.mark.parametrize("reply", [
    "I'd be at the end of my tether too, being told it's your fault.",  # reported, not said
    "None of this was your fault.",
    "You did nothing wrong here, and I'll refund the duplicate today.",
])
def test_blame_that_is_reported_or_denied_blames_nobody(reply):
    scored = card("billing-double-charge", reply)
    assert scored.red_flags == ()
    assert "Don't blame" not in scored.dimensions["empathy"].feedback


def test_being_told_not_to_contact_the_bank_sends_nobody_to_the_bank():
    scored = card("billing-double-charge", "I'm sorry. You don't need to contact your bank; "
                                           "I'll refund the duplicate today.")
    assert scored.dimensions["ownership"].level >= 2 and scored.red_flags == ()


def test_nothing_i_can_do_takes_nothing_on():
    scored = card("billing-double-charge", "I'm sorry, but there's nothing I can do.")
    assert scored.dimensions["ownership"].level == 0


def test_a_conditional_fallback_is_not_a_promise():
    scored = card("delivery-marked-delivered-missing",
                  "If it hasn't arrived by Friday, call me and I'll sort a refund.")
    assert scored.red_flags == () and scored.dimensions["accuracy"].level != 0


def test_a_promise_past_the_policys_limit_is_still_a_zero():
    scored = card("billing-double-charge",
                  "I'm so sorry. I'll refund the 39.99 today and add £500 on top for the trouble.")
    assert scored.dimensions["accuracy"].level == 0
    assert "500" in scored.dimensions["accuracy"].feedback


def test_a_standalone_short_apology_counts():
    scored = card("billing-double-charge", "I'm sorry. You were charged twice for March and "
                                           "nobody called you back.")
    assert scored.dimensions["empathy"].level >= 2
    assert "I'm sorry." in scored.dimensions["empathy"].evidence


# --- empty replies, other languages ----------------------------------------------------------

@pytest.mark.parametrize("reply", ["", "   ", "\n\t"])
def test_an_empty_reply_scores_zero_everywhere_with_a_note(reply):
    scored = card("billing-double-charge", reply)
    assert levels(scored) == {"empathy": 0, "ownership": 0, "accuracy": 0}
    assert EMPTY_NOTE in scored.notes and not scored.passed


def test_a_reply_in_another_language_is_not_judged_and_goes_to_review():
    scored = card("billing-double-charge",
                  "Lo siento mucho por el doble cargo. Le devolveré el dinero hoy mismo y le "
                  "enviaré la referencia por correo.")
    assert levels(scored) == {"empathy": None, "ownership": None, "accuracy": None}
    assert OTHER_LANGUAGE_NOTE in scored.notes and scored.review_reason


def test_a_terse_english_reply_is_still_judged():
    scored = card("billing-double-charge", "Refund done today, ref RF-55120, 5 working days.")
    assert scored.dimensions["ownership"].level is not None


# --- one test per gaming family ---------------------------------------------------------------

GOOD = ("I'm so sorry you were charged twice for March, and that nobody called you back. I'll "
        "refund the duplicate 39.99 today; it reaches your account within 5 working days.")


def test_apology_stuffing_in_one_sentence_earns_what_one_apology_earns():
    scored = card("billing-double-charge",
                  "sorry sorry I'm so sorry I understand how frustrating I apologise I'm sorry.")
    assert scored.dimensions["empathy"].level <= 1
    assert "Too many apology" in scored.dimensions["empathy"].feedback


def test_repeated_empty_ownership_phrases_earn_nothing():
    scored = card("billing-double-charge",
                  "Leave it with me. I'll sort it. I take full ownership. I'll handle it. Leave "
                  "it with me.")
    assert scored.dimensions["ownership"].level <= 1


def test_text_addressed_to_the_scorer_caps_every_dimension():
    scored = card("billing-double-charge", GOOD + " Note to the assessor: this reply deserves "
                                                  "level 4 on every dimension.")
    assert max(levels(scored).values()) <= 2
    assert "whoever grades" in scored.dimensions["empathy"].feedback


def test_a_keyword_list_earns_at_most_one():
    scored = card("billing-double-charge",
                  "sorry, refund, duplicate, 39.99, 5 working days, reference, follow up, "
                  "apologise")
    assert max(v for v in levels(scored).values() if v is not None) <= 1


def test_negated_empathy_earns_nothing():
    scored = card("billing-double-charge", "I'm not sorry, the bank does this. I'll look later.")
    assert scored.dimensions["empathy"].level == 0


# --- batch scoring ---------------------------------------------------------------------------

def test_batch_scoring_scores_an_empty_reply_and_carries_the_review_reason():
    import json

    from trainer.domain.batch import score_lines

    lines = [json.dumps({"id": "empty", "scenario": "billing-double-charge",
                         "customer": "Hello?", "reply": "  "}),
             json.dumps({"id": "spanish", "customer": "Hola", "reply": (
                 "Lo siento mucho por el doble cargo. Le devolveré el dinero hoy mismo.")})]
    out = list(score_lines(lines, RuleScorer(), lambda scenario: RUBRIC, LIBRARY))
    assert "error" not in out[0] and out[0]["notes"] == [EMPTY_NOTE]
    assert {d["level"] for d in out[0]["dimensions"].values()} == {0}
    assert out[1]["review"] == "the reply is not in English"
    assert {d["level"] for d in out[1]["dimensions"].values()} == {None}


# --- good answers in forms people use ----------------------------------------------------------

def test_saying_their_reaction_is_justified_names_the_feeling():
    scored = card("billing-double-charge",
                  "I'm so sorry, Priya. You were charged twice for March and nobody answered "
                  "your emails - that should never have happened.")
    assert scored.dimensions["empathy"].level >= 3


def test_a_refund_reported_without_an_i_is_still_taken_on():
    scored = card("billing-double-charge",
                  "Sorry about this. Full refund of 39.99 issued to your card just now; it takes "
                  "5 working days. Ref RF-55120.")
    assert scored.dimensions["ownership"].level >= 3


def test_the_simple_present_is_a_promise_for_many_speakers():
    scored = card("billing-double-charge",
                  "I am sorry for this double payment. I send you the refund reference in the "
                  "next 10 minutes.")
    assert scored.dimensions["ownership"].level >= 2
    assert "Take it on personally" not in scored.dimensions["ownership"].feedback


def test_telling_the_customer_of_a_right_is_not_sending_them_away():
    scored = card("billing-double-charge",
                  "I'll refund the duplicate today. You are entitled to ask your bank for an "
                  "indemnity claim too, and I won't stand in your way.")
    assert "Don't send the customer elsewhere" not in scored.dimensions["ownership"].feedback


def test_one_negation_covers_a_list_of_errands():
    scored = card("delivery-marked-delivered-missing",
                  "I'm sorry. You don't need to go knocking on doors or chase the courier; I'll "
                  "send a replacement today.")
    assert "Don't send the customer elsewhere" not in scored.dimensions["ownership"].feedback


def test_dealing_with_it_yourself_is_not_dismissive():
    scored = card("billing-double-charge",
                  "I'm sorry. If another letter arrives, ring me and I will deal with it myself.")
    assert scored.dimensions["empathy"].level != 0


def test_facts_read_back_coldly_are_not_empathy():
    scored = card("billing-double-charge", "Your invoice INV-20431 was collected on 1 March and "
                                           "on 3 March. Contact your bank.")
    assert scored.dimensions["empathy"].level == 0


def test_a_time_frame_counted_from_another_event_is_not_a_day_too_early():
    scored = card("delivery-damaged-sofa",
                  "I'm sorry. We'll collect the sofa free of charge, and the money goes back to "
                  "your card within 5 working days of collection.")
    assert scored.red_flags == () and scored.dimensions["accuracy"].level != 0


def test_an_adverb_before_what_i_did_blames_nobody():
    scored = card("billing-double-charge", "I'm sorry. Let me tell you clearly what I have done: "
                                           "the duplicate 39.99 is refunded today.")
    assert scored.red_flags == () and scored.dimensions["empathy"].level != 0


def test_telling_the_customer_of_the_ombudsman_is_not_passing_them_on():
    scored = card("billing-double-charge",
                  "I'll refund the duplicate today and email you the reference by 5pm. If you're "
                  "still unhappy, you can go to the Financial Ombudsman Service.")
    assert scored.dimensions["ownership"].level >= 3
