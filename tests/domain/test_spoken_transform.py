"""bench/_spoken.py: typed text turned into what speech-to-text writes (no punctuation or capitals,
figures in words as a speech engine writes them, a filler every few words), deterministically."""

from __future__ import annotations

import re

import pytest

from bench._spoken import FILLER_GAP, number_words, ordinal_words, spoken

TYPED = ("I'm so sorry, Priya! I've refunded the £39.99 today; it will reach you within "
         "5 working days (by 12 March), reference RF-55120. I'll call you at 6pm.")


def plain(text: str) -> str:
    return spoken(text, fillers=False)


def test_the_same_text_and_seed_give_the_same_transcript() -> None:
    assert spoken(TYPED, seed=3) == spoken(TYPED, seed=3)
    assert len({spoken(TYPED, seed=s) for s in range(6)}) > 1  # the seed moves the fillers


def test_no_punctuation_or_capitals_but_apostrophes_inside_words() -> None:
    said = spoken(TYPED)
    assert said == said.lower()
    assert not re.search(r"[^\w\s']", said)
    assert "i'm" in said and "i've" in said and "i'll" in said


@pytest.mark.parametrize("typed, options", [
    ("£39.99", {"thirty nine pounds ninety nine", "thirty nine ninety nine"}),
    ("39.99", {"thirty nine ninety nine"}),
    ("£40.00", {"forty pounds"}),
    ("£1,250", {"one thousand two hundred and fifty pounds"}),
    ("50p", {"fifty p"}),
    ("5 working days", {"five working days"}),
    ("12 March", {"twelfth of march", "the twelfth of march", "march twelfth"}),
    ("the 4th", {"the fourth"}),
    ("6pm", {"six pm"}),
    ("18:00", {"six pm"}),
    ("9:05am", {"nine oh five am"}),
    ("10%", {"ten percent"}),
    ("3-5 days", {"three to five days"}),
    ("RF-55120", {"r f five five one two zero", "r f five five one two oh"}),
    ("0800 138 1111", {"zero eight zero zero one three eight one one one one",
                       "oh eight oh oh one three eight one one one one"}),
    ("in 2026", {"in twenty twenty six"}),
])
def test_figures_are_spelt_as_a_speech_engine_writes_them(typed: str, options: set[str]) -> None:
    assert plain(typed) in options


def test_number_and_ordinal_words() -> None:
    assert number_words(250) == "two hundred and fifty"
    assert number_words(1005) == "one thousand and five"
    assert ordinal_words(21) == "twenty first"
    assert ordinal_words(12) == "twelfth"
    assert ordinal_words(30) == "thirtieth"


def test_a_filler_every_few_words() -> None:
    words = plain(TYPED).split()
    said = spoken(TYPED).split()
    added = len(said) - len(words)  # 'you know' adds two words, the others one
    assert len(words) // (FILLER_GAP[1] + 1) <= added <= 2 * (len(words) // FILLER_GAP[0] + 1)
    assert said[:FILLER_GAP[0]] == words[:FILLER_GAP[0]]  # never before the first few words
