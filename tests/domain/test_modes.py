"""Practice and assessed attempts, pure: the mode asked for, abandoning, evidence, model answers."""

from __future__ import annotations

import pytest

from trainer.domain.modes import (
    ASSESSED,
    MIN_ANSWERS_TO_SCORE,
    PRACTICE,
    can_see_model_answer,
    is_abandoned,
    is_admissible,
    is_held_for_review,
    mode_of,
)


def test_the_mode_asked_for_defaults_to_practice_and_refuses_anything_else():
    assert mode_of("assessed") == ASSESSED and mode_of(" Practice ") == PRACTICE
    assert mode_of(None) == PRACTICE and mode_of("") == PRACTICE  # never counts: the safe side
    with pytest.raises(ValueError, match="unknown mode 'exam'"):
        mode_of("exam")


def test_ending_with_fewer_than_two_answers_abandons():
    assert MIN_ANSWERS_TO_SCORE == 2
    assert is_abandoned(0) and is_abandoned(1)
    assert not is_abandoned(2) and not is_abandoned(6)


def test_only_assessed_attempts_not_held_for_review_are_admissible():
    assert is_admissible(ASSESSED) and not is_admissible(PRACTICE)
    assert is_held_for_review("model answer", reviewed=False)
    assert not is_admissible(ASSESSED, "model answer", reviewed=False)
    assert is_admissible(ASSESSED, "attempt 12", reviewed=True)  # a manager let it stand
    assert not is_admissible(PRACTICE, None, reviewed=True)  # a review never makes practice count


@pytest.mark.parametrize(("mode", "passed", "reviewer", "shown"), [
    (PRACTICE, False, False, True),  # practice: always, after the attempt
    (ASSESSED, False, False, False),  # assessed: not before a pass of the scenario
    (ASSESSED, True, False, True),
    (ASSESSED, False, True, True),  # the person's manager reviewing the card
])
def test_who_sees_the_model_answer(mode, passed, reviewer, shown):
    assert can_see_model_answer(mode, passed, reviewer) is shown
