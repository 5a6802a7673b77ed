"""The scripted customer: moods, lines, probes and endings, on the library and small scenarios."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from trainer.domain.customer import (
    CUSTOMER_ENGINES,
    CustomerReply,
    ScriptedCustomer,
    get_customer_engine,
)
from trainer.domain.library import MOODS, Customer, KeyPoint, RedFlag, Scenario, Script
from trainer.domain.loading import load_library
from trainer.domain.transcript import CUSTOMER, TRAINEE, Turn

ROOT = Path(__file__).resolve().parents[2]
BRUSH_OFF = "Not my department, ring someone else."
SYMPATHY = "I'm so sorry about this, I can hear how frustrating it has been for you."
# Heard and given a concrete step, but none of the billing case's key points yet.
LISTENED_WITH_STEP = ("I'm really sorry, Priya - being left without an answer to two emails when "
                      "that money was meant for your rent is awful. I'll look into the March "
                      "payments myself today and call you back by 4pm.")
BILLING_FOLLOW_UP = ("I can confirm the second 39.99 collection on 3 March was a duplicate "
                     "taken in error by our system, not anything you did. I've refunded the full "
                     "39.99 to your original payment method; it will arrive within 5 working "
                     "days, and your refund reference is RF-55120. I'll email you on Friday.")

SMALL = Scenario(
    id="small",
    customer=Customer(name="Sam", mood="frustrated", goal="Get my 20 fee back."),
    opening="You charged me a 20 fee I never agreed to.",
    key_points=(
        KeyPoint("refund", "Refunds the fee in full", hints=("refund the fee",),
                 probe="Am I getting the 20 back?"),
        KeyPoint("timeline", "Says when the money arrives", hints=("working days",),
                 probe="When will it be back in my account?"),
        KeyPoint("reference", "Gives a reference number", hints=("ref-",),
                 probe="Is there a reference number I can quote?"),
    ),
    red_flags=(
        RedFlag("sends-to-bank", "Tells the customer to ask their bank", hints=("ask your bank",),
                objection="Why should I chase my bank for your mistake?"),
        RedFlag("promises-double", "Promises double the money back", hints=("double",)),
    ),
    script=Script(max_turns=20, calmer=("Right, thank you.",), pressing=("Fine, but what now?",),
                  angrier=("That's not good enough.",), resolved="Thanks, that's sorted.",
                  gave_up="Forget it."),
)
BARE = Scenario(id="bare", customer=Customer(goal="Get my deposit back."),
                key_points=(KeyPoint("deposit", "Refunds the deposit"),))


@pytest.fixture(scope="module")
def library():
    return load_library(ROOT / "scenarios", ROOT / "rubrics")


@pytest.fixture(scope="module")
def billing(library) -> Scenario:
    return library.scenarios["billing-double-charge"]


def converse(scenario: Scenario, replies: list[str],
             engine: ScriptedCustomer | None = None) -> tuple[list[Turn], list[CustomerReply]]:
    """Play the replies in order until the customer ends the conversation."""
    engine = engine or ScriptedCustomer()
    transcript = [Turn(CUSTOMER, engine.opening(scenario).text)]
    answers = []
    for reply in replies:
        transcript.append(Turn(TRAINEE, reply))
        answer = engine.respond(scenario, transcript)
        transcript.append(Turn(CUSTOMER, answer.text))
        answers.append(answer)
        if answer.status != "open":
            break
    return transcript, answers


def rank(mood: str) -> int:
    return MOODS.index(mood)


def test_registry_gives_the_scripted_engine():
    engine = get_customer_engine("scripted")
    assert isinstance(engine, ScriptedCustomer) and engine.name == "scripted-1"
    assert CUSTOMER_ENGINES["scripted"] is ScriptedCustomer
    with pytest.raises(ValueError, match="unknown customer engine"):
        get_customer_engine("telepathic")


def test_opening_is_the_scenario_opening_in_the_initial_mood(billing):
    reply = ScriptedCustomer().opening(billing)
    assert reply == CustomerReply(billing.opening, "frustrated", "open", "scripted-1")


def test_calmer_after_a_listening_reply_with_a_concrete_step(billing):
    _, [reply] = converse(billing, [LISTENED_WITH_STEP])
    assert reply.status == "open"
    assert rank(reply.mood) > rank("frustrated")
    assert any(reply.text.startswith(line) for line in billing.script.calmer)


def test_angrier_after_a_brush_off(billing):
    _, [reply] = converse(billing, [BRUSH_OFF])
    assert reply.status == "open"
    assert rank(reply.mood) < rank("frustrated")
    assert any(reply.text.startswith(line) for line in billing.script.angrier)


def test_a_red_flag_gets_its_objection():
    _, [reply] = converse(SMALL, ["I'm sorry, but you'll have to ask your bank about it."])
    assert reply.text.startswith("Why should I chase my bank for your mistake?")
    assert rank(reply.mood) < rank("frustrated")


def test_a_red_flag_without_an_objection_gets_a_generic_one_naming_it():
    _, [reply] = converse(SMALL, ["I'm sorry - I'll pay you double by Friday."])
    assert "promises double the money back" in reply.text.lower()
    assert reply.note and reply.text.endswith("?")


def test_probes_ask_for_the_most_important_missing_key_point():
    _, [first] = converse(SMALL, ["I'm so sorry, I'll refund the fee today."])
    assert first.text.endswith("When will it be back in my account?")
    _, [second] = converse(SMALL, ["I'm sorry for the wait, it arrives within 3 working days."])
    assert second.text.endswith("Am I getting the 20 back?")


def test_a_brush_off_still_leaves_a_key_point_probe(billing):
    _, [reply] = converse(billing, [BRUSH_OFF])
    assert any(reply.text.endswith(point.probe) for point in billing.key_points)


@pytest.mark.parametrize("replies", [
    [SYMPATHY] * 19,
    ["Let me see.", SYMPATHY, BRUSH_OFF, "I'm sorry, I'll refund the fee today."] * 5,
])
def test_never_the_same_line_twice_in_a_row(replies):
    transcript, answers = converse(SMALL, replies)
    customer_lines = [t.text for t in transcript if t.role == CUSTOMER]
    assert len(customer_lines) > 5
    assert all(a != b for a, b in zip(customer_lines, customer_lines[1:], strict=False))


def test_repeated_red_flags_do_not_repeat_the_objection():
    calm = replace(SMALL, customer=Customer(mood="calm"))
    transcript, answers = converse(calm, ["Just ask your bank, OK? I'll note it today."] * 4)
    customer_lines = [t.text for t in transcript if t.role == CUSTOMER]
    assert len([a for a in answers if a.status == "open"]) >= 2
    assert all(a != b for a, b in zip(customer_lines, customer_lines[1:], strict=False))


def test_resolves_after_good_replies_covering_the_key_points(billing):
    _, answers = converse(billing, [billing.model_answer, BILLING_FOLLOW_UP])
    last = answers[-1]
    assert (last.status, last.mood, last.text) == ("resolved", "satisfied", billing.script.resolved)


def test_resolves_once_enough_key_points_are_covered_across_turns():
    _, answers = converse(SMALL, ["I'm so sorry - I'll refund the fee today.",
                                  "I'm sorry for the trouble: it will arrive within 3 working "
                                  "days, and I'll email you by 5pm."])
    assert [a.status for a in answers] == ["open", "resolved"]
    assert answers[-1].text == "Thanks, that's sorted."


def test_without_key_points_resolves_on_empathy_and_ownership():
    plain = Scenario(id="plain", opening="My parcel never came.")
    _, [reply] = converse(plain, ["I'm so sorry your parcel hasn't arrived - I'll send a "
                                  "replacement today and email you the tracking reference."])
    assert reply.status == "resolved" and reply.mood == "satisfied"


def test_gives_up_after_repeated_brush_offs(billing):
    _, answers = converse(billing, [BRUSH_OFF] * billing.script.max_turns)
    last = answers[-1]
    assert (last.status, last.mood, last.text) == ("gave_up", "furious", billing.script.gave_up)
    assert len(answers) < billing.script.max_turns


def test_a_furious_customer_brushed_off_gives_up():
    furious = Scenario(id="furious", opening="This is the third time!",
                       customer=Customer(mood="furious"))
    _, [reply] = converse(furious, [BRUSH_OFF])
    assert reply.status == "gave_up"


def test_turn_limit_when_the_trainee_runs_out_of_turns(billing):
    _, answers = converse(billing, [SYMPATHY] * 10)
    assert len(answers) == billing.script.max_turns
    assert [a.status for a in answers[:-1]] == ["open"] * (billing.script.max_turns - 1)
    assert answers[-1].status == "turn_limit"
    assert "hear back" in answers[-1].text


def test_the_same_transcript_gives_the_same_reply(billing):
    transcript, _ = converse(billing, [LISTENED_WITH_STEP, BRUSH_OFF, SYMPATHY])
    upto = transcript[:-1]
    first = ScriptedCustomer().respond(billing, upto)
    assert first == ScriptedCustomer().respond(billing, upto)
    assert first.text == transcript[-1].text


@pytest.mark.parametrize("replies", [
    [LISTENED_WITH_STEP, SYMPATHY, "Let me see.", BRUSH_OFF, SYMPATHY],
    ["It was probably your fault.", SYMPATHY, "I'll check.", SYMPATHY, "Hmm.", SYMPATHY],
])
def test_an_open_reply_always_ends_with_something_to_answer(billing, replies):
    _, answers = converse(billing, replies)
    open_answers = [a for a in answers if a.status == "open"]
    assert open_answers
    for answer in open_answers:
        assert answer.text.endswith("?"), answer.text
        assert answer.mood != "satisfied"


def test_every_library_scenario_keeps_the_conversation_going(library):
    """Whatever the scenario, an open reply asks for something and never repeats itself, and
    brush-offs end with the customer giving up before the turn limit."""
    mixed = [SYMPATHY, "Let me see.", BRUSH_OFF, LISTENED_WITH_STEP] * 5
    for scenario in library.scenarios.values():
        for replies in (mixed, [SYMPATHY] * 20, [BRUSH_OFF] * 20):
            transcript, answers = converse(scenario, replies)
            lines = [t.text for t in transcript if t.role == CUSTOMER]
            assert all(a != b for a, b in zip(lines, lines[1:], strict=False)), scenario.id
            assert all("?" in a.text for a in answers if a.status == "open"), scenario.id
            assert answers[-1].status != "open", scenario.id
        assert answers[-1].status == "gave_up", scenario.id


def test_generic_lines_when_the_scenario_has_no_script():
    opening = ScriptedCustomer().opening(BARE)
    assert opening.note and "get my deposit back" in opening.text.lower()
    _, answers = converse(BARE, [SYMPATHY, BRUSH_OFF])
    assert all(a.status == "open" and a.text.endswith("?") and a.note for a in answers)
    assert "Can you refund the deposit?" in answers[0].text


def test_respond_needs_a_trainee_turn_last(billing):
    with pytest.raises(ValueError):
        ScriptedCustomer().respond(billing, [Turn(CUSTOMER, billing.opening)])
