"""Near-copies on a real database: another person's passed answer, one's own earlier words, the
scorer's own review reason kept, and only assessed attempts checked."""

from __future__ import annotations

from dataclasses import replace

import pytest

from trainer.domain.modes import ASSESSED, PRACTICE
from trainer.extensions import db
from trainer.models import Turn
from trainer.services import play
from trainer.services.assessment import find_copy, flag_copy, model_answer_shown
from trainer.services.scoring import score_transcript, store_scorecard

from .. import factories

SCENARIO = "billing-double-charge"
OWN_WORDS = ("Priya, I have gone through your account line by line and the duplicate payment "
             "came from our card processor retrying a timed-out request on the third. I have "
             "put the money back myself this afternoon and written a note on your file so the "
             "next person you speak to knows the whole story without you repeating it. Expect "
             "it in your bank within five working days; ring me directly if it has not arrived.")


@pytest.fixture
def people(ctx):
    boss = factories.user("manager")
    return {"boss": boss, "tara": factories.user(manager=boss),
            "tom": factories.user(manager=boss)}


def passed_with(person, text: str, mode: str = ASSESSED):
    attempt = factories.scored_attempt(person, SCENARIO, mode=mode)
    attempt.turns.append(Turn(index=0, role="trainee", text=text))
    db.session.commit()
    return attempt


def played(person, text: str, mode: str = ASSESSED):
    attempt = play.start_attempt(person, SCENARIO, mode)
    attempt.turns.append(Turn(index=len(attempt.turns), role="trainee", text=text))
    db.session.commit()
    return attempt


def test_another_persons_passed_answer_copied_is_flagged(people):
    theirs = passed_with(people["tom"], OWN_WORDS)
    mine = played(people["tara"], "Hello Priya. " + OWN_WORDS)
    found = find_copy(mine)
    assert found is not None and found.source == f"attempt {theirs.id}" and found.share > 0.9
    flag_copy(mine)
    assert mine.copied_from == f"attempt {theirs.id}" and mine.needs_review
    assert f"another person's passed answer (attempt {theirs.id})" in mine.review_reason


def test_ones_own_earlier_words_and_failed_answers_are_not_copies(people):
    passed_with(people["tara"], OWN_WORDS)  # her own earlier pass
    failed = factories.scored_attempt(people["tom"], SCENARIO, passed=False)
    failed.turns.append(Turn(index=0, role="trainee", text=OWN_WORDS))
    db.session.commit()
    assert find_copy(played(people["tara"], OWN_WORDS)) is None


def test_practice_is_never_flagged(people):
    passed_with(people["tom"], OWN_WORDS)
    attempt = played(people["tara"], OWN_WORDS, PRACTICE)
    flag_copy(attempt)
    assert attempt.copied_from is None and not attempt.needs_review


def test_the_copy_reason_is_appended_to_the_scorers_own(people):
    attempt = play.start_attempt(people["tara"], SCENARIO, ASSESSED)
    played_text = attempt.scenario_snapshot["model_answer"]
    attempt.turns.append(Turn(index=1, role="trainee", text=played_text))
    attempt.status = "scoring"
    db.session.commit()
    card = score_transcript(attempt.transcript, attempt.scenario, attempt.rubric)
    store_scorecard(attempt, replace(card, review_reason="empathy: judge 4, rules 1"))
    assert attempt.review_reason.startswith("empathy: judge 4, rules 1; Near-copy of the "
                                            "scenario's model answer")
    assert attempt.copied_from == "model answer" and attempt.needs_review


def test_reviewers_see_the_model_answer_and_the_trainee_only_after_a_pass(people):
    attempt = factories.scored_attempt(people["tara"], SCENARIO, passed=False)
    assert model_answer_shown(attempt, people["boss"])
    assert not model_answer_shown(attempt, people["tara"])
    factories.scored_attempt(people["tara"], SCENARIO, mode=PRACTICE)
    assert not model_answer_shown(attempt, people["tara"])
    factories.scored_attempt(people["tara"], SCENARIO)
    assert model_answer_shown(attempt, people["tara"])
    unfinished = play.start_attempt(people["tara"], SCENARIO, PRACTICE)
    assert not model_answer_shown(unfinished, people["tara"])  # never while playing
