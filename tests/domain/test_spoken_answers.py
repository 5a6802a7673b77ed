"""Spoken answers scored as fairly as typed ones: a speech-to-text transcript (no punctuation or
capitals, fillers, figures in words) of each shipped model answer still passes the rule scorer,
with its figures and dates read and every quote verbatim from the transcript; fillers change no
level; and replies written as spoken, in words other than the model answers', score as they
should."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from bench._spoken import spoken
from trainer.domain.language.number_words import written
from trainer.domain.language.spoken import is_spoken, read_spoken, spoken_sentences
from trainer.domain.language.text import split_sentences
from trainer.domain.loading import load_library
from trainer.domain.scoring import get_scorer
from trainer.domain.transcript import Turn

ROOT = Path(__file__).resolve().parents[2]
LIBRARY = load_library(ROOT / "scenarios", ROOT / "rubrics")
SCENARIOS = list(LIBRARY.scenarios.values())
SEEDS = (0, 1, 2)
HESITATIONS = ("um", "uh", "you know")


def score(scenario, reply: str):
    transcript = [Turn("customer", scenario.opening), Turn("trainee", reply)]
    return get_scorer("rules").score(transcript, scenario, LIBRARY.rubrics[scenario.rubric])


def levels(card) -> dict[str, int | None]:
    return {name: dim.level for name, dim in card.dimensions.items()}


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("scenario", SCENARIOS, ids=lambda s: s.id)
def test_a_spoken_model_answer_passes_and_quotes_the_transcript(scenario, seed) -> None:
    said = spoken(scenario.model_answer, seed)
    card = score(scenario, said)
    assert card.passed, f"{levels(card)}, missed {card.key_points_missed}"
    assert card.red_flags == ()
    quotes = [q for dim in card.dimensions.values() for q in dim.evidence]
    assert quotes and all(q in said for q in quotes)  # verbatim from what was sent


@pytest.mark.parametrize("scenario", SCENARIOS, ids=lambda s: s.id)
def test_spoken_figures_and_dates_are_read(scenario) -> None:
    """Every key point with a figure or a date that the typed answer states, the spoken one
    states too: 'thirty nine ninety nine' is 39.99, 'the twelfth of march' is 12 March."""
    typed = set(score(scenario, scenario.model_answer).key_points_covered)
    figured = {k.id for k in scenario.key_points if re.search(r"\d", k.text)} & typed
    for seed in SEEDS:
        covered = set(score(scenario, spoken(scenario.model_answer, seed)).key_points_covered)
        assert figured <= covered, f"seed {seed}: missed {figured - covered}"


@pytest.mark.parametrize("scenario", SCENARIOS, ids=lambda s: s.id)
def test_hesitations_change_no_level(scenario) -> None:
    for seed in SEEDS:
        bare = levels(score(scenario, spoken(scenario.model_answer, seed, fillers=False)))
        hesitant = score(scenario, spoken(scenario.model_answer, seed, fillers=HESITATIONS))
        assert levels(hesitant) == bare, f"seed {seed}"


@pytest.mark.parametrize("scenario", SCENARIOS, ids=lambda s: s.id)
def test_any_filler_keeps_the_outcome(scenario) -> None:
    """'like' and 'so' are sometimes words: with them as fillers, no level moves by more than
    one and the reply passes as it did without them."""
    for seed in SEEDS:
        bare = score(scenario, spoken(scenario.model_answer, seed, fillers=False))
        filled = score(scenario, spoken(scenario.model_answer, seed))
        assert filled.passed == bare.passed
        assert all(abs(a - b) <= 1 for a, b in zip(levels(filled).values(),
                                                     levels(bare).values(), strict=True))


@pytest.mark.parametrize("said, read", [
    ("thirty nine pounds ninety nine", "£39.99"),
    ("the thirty nine ninety nine", "the 39.99"),
    ("one hundred and fifty pounds", "£150"),
    ("forty pounds and fifty pence", "£40.50"),
    ("fifty p", "£0.50"),
    ("within five working days", "within 5 working days"),
    ("on the twelfth of march", "on the 12th of march"),
    ("march twelfth at five thirty p m", "march 12th at 5:30 pm"),
    ("friday the sixteenth", "friday the 16th"),
    ("half past four", "4:30"),
    ("reference r f five five one two oh", "reference rf-55120"),
    ("two point five", "2.5"),
    ("twenty twenty six", "2026"),
    ("no one else", "no one else"),  # a word, not a figure
])
def test_figures_said_in_words_are_written(said: str, read: str) -> None:
    assert written(said) == read


def test_a_transcript_is_split_into_sentences_and_read_without_fillers() -> None:
    said = ("um hi sam so sorry you've been you know waiting i've refunded the forty pounds "
            "it'll be with you in three days is there anything else i can help with")
    assert is_spoken(said) and not is_spoken("Hi Sam, sorry. I've refunded it.")
    assert [s.text for s in split_sentences(said)] == [
        "hi sam", "so sorry you've been you know waiting", "i've refunded the forty pounds",
        "it'll be with you in three days", "is there anything else i can help with"]
    assert read_spoken(said).split(" is there")[0] == (
        "hi sam so sorry you've been waiting i've refunded the £40 it'll be with you in 3 days")
    assert read_spoken(said).endswith("help with?")  # a question, though nothing marks it
    for start, end, _ in spoken_sentences(said):
        assert said[start:end] in said


def test_a_good_reply_in_its_own_words_passes_when_spoken() -> None:
    scenario = LIBRARY.scenarios["billing-double-charge"]
    said = ("hi priya um i'm really sorry about this you were charged twice for march and that "
            "was a glitch on our side not anything you did i've put the thirty nine pounds "
            "ninety nine back on your card today uh you'll see it within five working days and "
            "your refund reference is r f five five one two oh i know that money was for your "
            "rent so i've also added a ten pound goodwill credit i'll ring you on friday to "
            "check it's arrived is there anything else i can help with")
    card = score(scenario, said)
    assert card.passed and card.red_flags == ()
    assert {"full-refund", "refund-timeline", "refund-reference"} <= set(card.key_points_covered)
    assert card.dimensions["ownership"].level == 4


def test_a_spoken_slot_with_its_date_in_words_is_the_case_files_slot() -> None:
    scenario = LIBRARY.scenarios["delivery-damaged-sofa"]
    said = ("oh siobhan that's awful after waiting six weeks i'm so sorry um the crew should "
            "never have left it unchecked you can have a full refund of eight hundred and ninety "
            "nine pounds or a replacement and we'll collect the damaged one free of charge the "
            "first slot for a replacement is friday the sixteenth of may between eight and "
            "twelve i'll call you thursday to confirm")
    card = score(scenario, said)
    assert card.passed and card.red_flags == ()
    assert {"replacement-or-refund", "replacement-slot"} <= set(card.key_points_covered)


def test_spoken_mistakes_are_still_caught() -> None:
    scenario = LIBRARY.scenarios["billing-double-charge"]
    deflect = score(scenario, "um yeah you'll have to contact your bank about that it's not "
                              "really something we deal with here")
    assert deflect.dimensions["ownership"].level == 0 and not deflect.passed
    assert "sends-to-bank" in deflect.red_flags
    over = score(scenario, "sorry about that uh i've refunded the thirty nine ninety nine and "
                           "added a fifty pound goodwill credit to say sorry")
    assert over.dimensions["accuracy"].level == 0  # £50 where policy allows up to 10


def test_a_day_read_among_others_in_a_long_spoken_sentence_is_feedback_not_a_zero() -> None:
    """Which subject a day belongs to is a guess without punctuation: a time frame that reads
    as earlier than allowed is checked in the feedback, never a zero."""
    scenario = LIBRARY.scenarios["delivery-damaged-sofa"]
    said = ("i'm so sorry siobhan i've reported the crew and the photos arrived today so the "
            "replacement can come on friday the sixteenth of may and i'll call you tomorrow")
    assert score(scenario, said).dimensions["accuracy"].level != 0
