"""A scenario may name its customer's voice for the speech endpoint; a bad name is reported as
file:line: message, like every other field."""

from __future__ import annotations

import pytest

from trainer.domain.library import Customer, Scenario
from trainer.domain.loading import load_library

from ..domain.test_loading import GOOD, edited, make_library, problems_in


@pytest.mark.parametrize("voice", ["nova", "af_bella", "en-GB.female-2"])
def test_a_customer_may_have_a_voice(tmp_path, voice):
    make_library(tmp_path, edited(GOOD, {11: f"  goal: A refund.\n  voice: {voice}"}))
    library = load_library(tmp_path / "scenarios", tmp_path / "rubrics")
    assert library.scenarios["good-one"].customer.voice == voice


def test_without_one_the_customer_has_no_voice_of_their_own(tmp_path):
    make_library(tmp_path)
    library = load_library(tmp_path / "scenarios", tmp_path / "rubrics")
    assert library.scenarios["good-one"].customer.voice == ""


@pytest.mark.parametrize("line, message", [
    ("  voice: a voice with spaces", "field 'customer.voice' must be a voice name (letters, "
                                     "digits, '-', '_' or '.', at most 40), got 'a voice with "
                                     "spaces'"),
    ("  voice: [nova, echo]", "field 'customer.voice' must be text, got a list"),
    ("  voise: nova", "unknown field 'customer.voise' (did you mean 'voice'?)"),
])
def test_a_bad_voice_names_file_line_and_field(tmp_path, line, message):
    path = make_library(tmp_path, edited(GOOD, {11: f"  goal: A refund.\n{line}"}))
    assert problems_in(tmp_path, path) == [(12, message)]


def test_snapshots_from_before_voices_still_load():
    old = Scenario(id="x", customer=Customer(name="Sam")).to_dict()
    del old["customer"]["voice"]
    assert Scenario.from_dict(old).customer.voice == ""
