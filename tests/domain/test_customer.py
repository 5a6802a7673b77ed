"""The scripted customer: lines that follow what was said, moods that move in visible steps with a
reason, resolution only after the close, never a repeated line, never the answer key read out."""

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
from trainer.domain.customer.lines import CLOSING_AGAIN, GENERIC_CLOSING
from trainer.domain.library import MOODS, Customer, KeyPoint, Line, RedFlag, Scenario, Script
from trainer.domain.loading import load_library
from trainer.domain.transcript import CUSTOMER, TRAINEE, Turn

ROOT = Path(__file__).resolve().parents[2]
LIBRARY = load_library(ROOT / "scenarios", ROOT / "rubrics")

HEARD = "I'm so sorry you were charged a fee you never agreed to, with no answer to your email."
REFUND = "I'm so sorry you were charged a fee you never agreed to - I'll refund the fee today."
TIMELINE = "It will be back in your account within 3 working days, and I'll email you by 5pm."
EVERYTHING = ("I'm sorry you were charged a fee you never agreed to. I'll refund the fee today, it "
              "will be back in your account within 3 working days, and your reference is "
              "REF-1234.")
GENERIC_SORRY = "Sorry for any inconvenience."
VAGUE = "We'll look into it."
DEFLECT = "Not my department, ring someone else."
BLAME = "You must have agreed to it."
TO_THE_BANK = "You'll need to ask your bank about it."
YES = "Yes, that's right."
CLOSING = "So I get it all back, and you'll email me when it's gone through?"

SMALL = Scenario(
    id="small",
    customer=Customer(name="Sam Jones", mood="frustrated", goal="Get my 20 fee back."),
    opening="You charged me a 20 fee I never agreed to, and nobody answered my email.",
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
    script=Script(
        max_turns=8,
        calmer=(Line("Good - my money back, then.", ("refund",)),
                Line("Thank you for actually saying sorry.", ("apology",)),
                Line("Right, thank you.")),
        pressing=(Line("Looking into it? Again?", ("vague",)), Line("Fine, but what now?"),
                  Line("I need more than that.")),
        angrier=(Line("Don't pass me around.", ("deflect",)), Line("That's not good enough."),
                 Line("Are you even listening?")),
        closing=CLOSING, resolved="Thanks, that's sorted.", gave_up="Forget it."),
)


def converse(scenario: Scenario, replies: list[str]) -> tuple[list[Turn], list[CustomerReply]]:
    """Play the replies in order until the customer ends the conversation."""
    engine = ScriptedCustomer()
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


def test_opening_is_the_scenario_opening_in_the_initial_mood():
    assert ScriptedCustomer().opening(SMALL) == CustomerReply(SMALL.opening, "frustrated", "open",
                                                              "scripted-1")


def test_reason_is_optional_so_other_engines_need_not_give_one():
    assert CustomerReply("Hi", "calm", "open", "llm-1").reason == ""


# Calmer lines only after the trainee did what they acknowledge.

def test_a_calmer_line_names_what_the_reply_did():
    _, [reply] = converse(SMALL, [REFUND])
    assert reply.text.startswith("Good - my money back, then.")
    assert (reply.mood, reply.reason) == ("calm", "calmer: you gave a time")


def test_a_key_point_line_waits_for_that_key_point():
    _, [reply] = converse(SMALL, ["I'm so sorry you were charged a fee you never agreed to - "
                                  "I'll sort it out and call you back by 4pm."])
    assert reply.reason.startswith("calmer")
    assert "my money back" not in reply.text
    assert reply.text.startswith("Thank you for actually saying sorry.")


def test_a_bare_apology_gets_no_calmer_line():
    _, [reply] = converse(SMALL, [GENERIC_SORRY])
    lines = [line.say for line in SMALL.script.calmer]
    assert not any(line in reply.text for line in lines)
    assert reply.mood == "frustrated" and reply.reason.startswith("no change")


def test_being_heard_without_substance_calms_only_as_far_as_wary():
    _, answers = converse(SMALL, [HEARD, HEARD, HEARD])
    assert [a.mood for a in answers] == ["wary", "wary", "wary"]
    assert answers[0].reason == "calmer: you understood what this has done to me"
    assert answers[1].reason == "no change: kind words, but nothing concrete yet"


def test_pressing_and_angrier_lines_follow_the_act():
    _, [vague] = converse(SMALL, [VAGUE])
    assert vague.text.startswith("Looking into it? Again?")
    assert vague.reason == "no change: that was vague"
    _, [passed] = converse(SMALL, [DEFLECT])
    assert passed.text.startswith("Don't pass me around.")
    assert (passed.mood, passed.reason) == ("angry", "angrier: you passed me somewhere else")
    _, [blamed] = converse(SMALL, [BLAME])
    assert blamed.reason == "angrier: that blamed me" and "Don't pass me" not in blamed.text


def test_off_topic_replies_annoy_the_customer():
    _, [reply] = converse(SMALL, ["Did you see the match last night?"])
    assert reply.reason == "angrier: that had nothing to do with my problem"
    assert rank(reply.mood) < rank("frustrated")


# Objections, probes and repeats.

def test_a_red_flag_gets_its_objection_once():
    _, answers = converse(SMALL, [TO_THE_BANK, TO_THE_BANK])
    assert answers[0].text == "Why should I chase my bank for your mistake?"
    assert answers[0].reason == "angrier: I don't accept that"
    assert "Why should I chase my bank" not in answers[1].text
    assert answers[1].text.startswith("Don't pass me around.")  # an angrier line that fits
    assert answers[1].reason == "angrier: I don't accept that"
    _, answers = converse(SMALL, ["I'm sorry - I'll pay you double by Friday."] * 2)
    assert answers[1].text.startswith("You've said that already")


def test_an_answered_objection_is_not_raised_again():
    _, answers = converse(SMALL, [TO_THE_BANK, REFUND, GENERIC_SORRY, VAGUE])
    assert sum("chase my bank" in a.text for a in answers) == 1


def test_a_red_flag_without_an_objection_never_reads_out_the_rubric():
    _, [reply] = converse(SMALL, ["I'm sorry - I'll pay you double by Friday."])
    assert reply.text.startswith("Hold on - that's not right.")
    assert "double the money" not in reply.text.lower()
    assert "promises-double has no objection" in reply.note


def test_probes_ask_for_missing_key_points_without_repeating_one():
    _, answers = converse(SMALL, [VAGUE, VAGUE, VAGUE])
    assert [a.text.endswith(k.probe) for a, k in zip(answers, SMALL.key_points, strict=True)] \
        == [True, True, True]
    _, [after_refund] = converse(SMALL, [REFUND])
    assert after_refund.text.endswith("When will it be back in my account?")


def test_a_key_point_without_a_probe_gets_a_generic_question_not_its_text():
    bare = replace(SMALL, key_points=(KeyPoint("deposit", "Refunds the deposit"),))
    _, [reply] = converse(bare, [VAGUE])
    assert "deposit" not in reply.text.lower() and reply.text.endswith("?")
    assert "deposit has no probe" in reply.note


@pytest.mark.parametrize("replies", [
    [VAGUE] * 8, [HEARD] * 8, [GENERIC_SORRY, VAGUE, "OK.", HEARD] * 2,
])
def test_no_line_is_said_twice_while_an_unused_one_fits(replies):
    transcript, _ = converse(SMALL, replies)
    lines = [t.text for t in transcript if t.role == CUSTOMER]
    assert len(lines) == len(set(lines)) > 5
    pressing = [line.say for line in SMALL.script.pressing if not line.when]
    for line in pressing:  # each unconditional pressing line before any is used twice
        assert sum(line in text for text in lines[:4]) <= 1


# Resolution waits for the close.

def test_covering_everything_brings_the_closing_line_not_resolution():
    _, [reply] = converse(SMALL, [EVERYTHING])
    assert reply.status == "open" and reply.text.endswith(CLOSING)


def test_resolves_only_after_the_trainee_closes_the_loop():
    _, answers = converse(SMALL, [EVERYTHING, YES])
    assert [a.status for a in answers] == ["open", "resolved"]
    assert (answers[-1].text, answers[-1].mood) == ("Thanks, that's sorted.", "satisfied")
    assert answers[-1].reason == "satisfied: you confirmed it"


def test_a_follow_up_promise_also_closes_the_loop():
    _, answers = converse(SMALL, [EVERYTHING, "I'll email you tomorrow once it has gone through."])
    assert answers[-1].status == "resolved"


@pytest.mark.parametrize("after", [VAGUE, "OK."])
def test_no_resolution_without_a_real_answer_to_the_closing(after):
    _, answers = converse(SMALL, [EVERYTHING, after, YES])
    assert answers[1].status == "open"
    assert any(ask in answers[1].text for ask in CLOSING_AGAIN)
    assert answers[2].status == "resolved"


def test_going_off_topic_at_the_close_means_asking_again_later():
    _, answers = converse(SMALL, [EVERYTHING, "Did you see the match last night?", YES, YES])
    assert [a.status for a in answers] == ["open", "open", "open", "resolved"]
    assert answers[1].reason.startswith("angrier")
    assert any(ask in answers[2].text for ask in CLOSING_AGAIN)


def test_a_red_flag_at_the_close_gets_objected_to_and_does_not_resolve():
    _, answers = converse(SMALL, [EVERYTHING, TO_THE_BANK])
    assert answers[1].status == "open" and "chase my bank" in answers[1].text


def test_enough_key_points_settle_on_a_generic_closing_once_the_rest_were_asked_for():
    _, answers = converse(SMALL, [VAGUE, VAGUE, VAGUE, REFUND, TIMELINE])
    assert answers[-1].status == "open" and answers[-1].text.endswith(GENERIC_CLOSING)
    _, answers = converse(SMALL, [REFUND, TIMELINE])
    assert not answers[-1].text.endswith((GENERIC_CLOSING, CLOSING))  # the reference: not asked


def test_without_key_points_the_close_still_comes_first():
    plain_case = Scenario(id="plain", opening="My parcel never came.")
    _, answers = converse(plain_case, ["I'm so sorry your parcel hasn't arrived - I'll send a "
                                       "replacement today and email you the tracking reference.",
                                       YES])
    assert answers[0].text.endswith(GENERIC_CLOSING)
    assert answers[1].status == "resolved"


# Ends and determinism.

def test_gives_up_after_repeated_brush_offs():
    _, answers = converse(SMALL, [DEFLECT] * 8)
    assert [a.mood for a in answers[:-1]] == ["angry", "furious"]
    assert (answers[-1].status, answers[-1].text) == ("gave_up", "Forget it.")
    assert answers[-1].reason == "gave up: you passed me somewhere else"


def test_turn_limit_when_the_trainee_runs_out_of_turns():
    _, answers = converse(SMALL, [VAGUE] * 10)
    assert len(answers) == SMALL.script.max_turns and answers[-1].status == "turn_limit"
    assert "hear back" in answers[-1].text


def test_the_same_transcript_gives_the_same_reply():
    transcript, _ = converse(SMALL, [REFUND, DEFLECT, HEARD])
    first = ScriptedCustomer().respond(SMALL, transcript[:-1])
    assert first == ScriptedCustomer().respond(SMALL, transcript[:-1])
    assert first.text == transcript[-1].text


def test_respond_needs_a_trainee_turn_last():
    with pytest.raises(ValueError):
        ScriptedCustomer().respond(SMALL, [Turn(CUSTOMER, SMALL.opening)])


def test_snapshots_with_plain_string_lines_still_load():
    data = SMALL.to_dict()
    data["script"] = {"max_turns": 5, "calmer": ["Thanks."], "pressing": ["And?"],
                      "angrier": ["No."], "resolved": "Done.", "gave_up": "Bye."}
    script = Scenario.from_dict(data).script
    assert script.calmer == (Line("Thanks."),) and script.closing == ""
    assert Scenario.from_dict(SMALL.to_dict()) == SMALL
