"""Score overrides on a real database: who may, what is kept, and the pass recomputed."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from trainer.extensions import db
from trainer.models import AuditEvent
from trainer.services import play
from trainer.services.clearances import grant_clearance
from trainer.services.overrides import OverrideError, OverrideRefused, override_score
from trainer.services.tracks import get_tracks

from .. import factories

NEARLY = {"empathy": 3, "ownership": 2, "accuracy": 3}


@pytest.fixture
def people(ctx):
    boss = factories.user("manager")
    person = factories.user(manager=boss)
    return boss, person


def test_an_override_keeps_the_original_and_recomputes_the_pass(people):
    boss, person = people
    attempt = factories.scored_attempt(person, "billing-double-charge", passed=False,
                                       levels=NEARLY)
    score = override_score(boss, attempt, "ownership", 3, "Gave a reference number by phone")
    assert (score.level, score.original_level, score.overridden_by_id) == (3, 2, boss.id)
    assert score.is_overridden and score.override_comment == "Gave a reference number by phone"
    assert attempt.passed is True and attempt.overall == 75.0
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "score.overridden"))
    assert event.subject == person.email and event.reason.startswith("Gave")
    assert (event.detail["old_level"], event.detail["new_level"]) == (2, 3)
    assert (event.detail["passed_before"], event.detail["passed_after"]) == (False, True)

    again = override_score(boss, attempt, "ownership", 1, "On reflection, no next step")
    assert (again.level, again.original_level) == (1, 2)  # the scorer's level is kept
    assert attempt.passed is False and attempt.overall == 58.3


def test_an_override_of_a_played_attempt_can_fail_it(people):
    boss, person = people
    scenario = "billing-double-charge"
    attempt = play.start_attempt(person, scenario)
    play.submit_answer(attempt, attempt.scenario.model_answer)
    play.finish_attempt(attempt)
    assert attempt.passed is True
    override_score(boss, attempt, "empathy", 1, "Read from a script, did not listen")
    assert attempt.passed is False


def test_nobody_overrides_their_own_attempt_or_outside_their_team(people):
    boss, person = people
    admin, stranger = factories.user("admin"), factories.user("manager")
    own = factories.scored_attempt(boss, "billing-double-charge", levels=NEARLY, passed=False)
    admins_own = factories.scored_attempt(admin, "billing-double-charge", levels=NEARLY,
                                          passed=False)
    theirs = factories.scored_attempt(person, "billing-double-charge", levels=NEARLY,
                                      passed=False)
    for actor, attempt in ((boss, own), (admin, admins_own), (stranger, theirs),
                           (person, theirs)):
        with pytest.raises(OverrideRefused):
            override_score(actor, attempt, "ownership", 3, "Looks fine to me")
    override_score(admin, theirs, "ownership", 3, "Admin review")  # an admin may, audited
    assert db.session.scalar(select(AuditEvent.actor_id)) == admin.id


@pytest.mark.parametrize(("dimension", "level", "comment", "message"), [
    ("ownership", 3, "  ", "comment is required"),
    ("tone", 3, "x", "unknown dimension 'tone'"),
    ("ownership", 5, "x", "whole number from 0 to 4"),
    ("ownership", True, "x", "whole number from 0 to 4"),
    ("ownership", 2, "x", "already at level 2"),
])
def test_bad_overrides_are_refused_with_a_clear_message(people, dimension, level, comment,
                                                        message):
    boss, person = people
    attempt = factories.scored_attempt(person, "billing-double-charge", passed=False,
                                       levels=NEARLY)
    with pytest.raises(OverrideError, match=message):
        override_score(boss, attempt, dimension, level, comment)
    assert attempt.score_for("ownership").is_overridden is False


def test_an_unfinished_attempt_cannot_be_overridden(people):
    boss, person = people
    attempt = play.start_attempt(person, "billing-double-charge")
    with pytest.raises(OverrideError, match="scored attempt"):
        override_score(boss, attempt, "ownership", 3, "x")


def test_an_override_that_completes_the_rotation_renews_clearances(people):
    boss, person = people
    rotation = get_tracks().rotation
    clearance = grant_clearance(boss, person, rotation.renews[0], 1, 0, justification="Cover")
    before = clearance.expires_at
    *first, last = rotation.scenarios
    for scenario_id in first:
        factories.scored_attempt(person, scenario_id)
    nearly = factories.scored_attempt(person, last, passed=False, levels=NEARLY)
    override_score(boss, nearly, "ownership", 3, "Took it on, by phone")
    assert clearance.expires_at >= before and clearance.renewed_at == nearly.finished_at
