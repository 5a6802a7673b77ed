"""Playing through the services, without HTTP: snapshots, scoring and the demo seed."""

from __future__ import annotations

import dataclasses
from datetime import timedelta

from sqlalchemy import event, func, select

from trainer.domain.scoring.rules import RuleScorer
from trainer.extensions import db
from trainer.models import Attempt, Clearance, Score, Turn, User
from trainer.models._types import utcnow
from trainer.services import play
from trainer.services.library import KEY, get_library

from .. import factories


def test_editing_the_library_never_changes_a_past_result(app, ctx):
    trainee = factories.user()
    attempt = play.start_attempt(trainee, "billing-double-charge")
    play.submit_answer(attempt, "Sorry about that. Someone will look into it.")
    play.finish_attempt(attempt)
    before = {s.dimension: s.level for s in attempt.scores}
    library = get_library()
    scenario = library.scenarios["billing-double-charge"]
    edited = dataclasses.replace(scenario, title="Edited title", key_points=())
    app.extensions[KEY] = dataclasses.replace(
        library, scenarios={**library.scenarios, scenario.id: edited})
    db.session.expire_all()
    again = db.session.get(Attempt, attempt.id)
    assert again.scenario_snapshot["title"] == "Charged twice for the same month"
    assert len(again.scenario.key_points) == len(scenario.key_points)
    assert {s.dimension: s.level for s in again.scores} == before


def test_finished_attempt_is_scored_on_every_dimension_with_the_scorer_named(ctx):
    trainee = factories.user()
    attempt = play.start_attempt(trainee, "billing-double-charge")
    play.submit_answer(attempt, "That's not my problem, call your bank.")
    play.finish_attempt(attempt)
    assert attempt.status == "scored" and attempt.scorer == RuleScorer.name
    assert {s.dimension for s in attempt.scores} == {"empathy", "ownership", "accuracy"}
    assert attempt.passed is False
    assert "sends-to-bank" in attempt.red_flags


def test_demo_seed_creates_people_and_scored_attempts_once(ctx):
    from trainer.services.demo import DEMO_LOGINS, seed_demo

    assert seed_demo() is True
    assert seed_demo() is False  # idempotent: the second run keeps what is there
    emails = set(db.session.scalars(select(User.email)))
    assert {email for _, email, _ in DEMO_LOGINS} <= emails
    assert db.session.scalar(select(func.count()).select_from(Attempt)) >= 3
    assert db.session.scalar(select(func.count()).select_from(Score)) >= 9
    now = utcnow()
    clearances = list(db.session.scalars(select(Clearance)))
    assert len([c for c in clearances if c.is_current(now)]) == 2
    assert any(c.revoked_at for c in clearances)
    assert any(c.revoked_at is None and c.expires_at < now for c in clearances)  # expired
    assert any(c.is_current(now) and c.expires_at < now + timedelta(days=30) for c in clearances)
    assert seed_demo(reset=True) is True


def test_playing_the_whole_rotation_renews_the_clearances_it_covers(ctx):
    from trainer.domain.modes import ASSESSED, PRACTICE
    from trainer.services.clearances import grant_clearance
    from trainer.services.reviews import confirm_scorecard
    from trainer.services.tracks import get_tracks

    boss = factories.user("manager")
    person = factories.user(manager=boss)
    rotation = get_tracks().rotation
    clearance = grant_clearance(boss, person, rotation.renews[0], 1, 0,
                                justification="Covering the queue")
    clearance.expires_at = utcnow() + timedelta(days=10)  # about to lapse
    db.session.commit()
    played = []
    for mode in (PRACTICE, ASSESSED):
        for scenario_id in rotation.scenarios:
            attempt = play.start_attempt(person, scenario_id, mode)
            play.submit_answer(attempt, get_library().scenarios[scenario_id].model_answer)
            play.finish_attempt(attempt)
            assert attempt.passed, scenario_id
            played.append(attempt)
        db.session.refresh(clearance)  # practice never counts; pasted answers wait for review
        assert clearance.expires_at < utcnow() + timedelta(days=11), mode
    assert [a.copied_from for a in played] == [None] * len(rotation.scenarios) + [
        "model answer"] * len(rotation.scenarios)
    for attempt in played[len(rotation.scenarios):]:
        confirm_scorecard(boss, attempt)  # a manager reads each one and lets it stand
    db.session.refresh(clearance)
    assert clearance.expires_at > utcnow() + timedelta(days=360)
    assert clearance.renewed_at is not None


def test_a_turn_is_two_transactions_and_the_customer_replies_outside_both(ctx, monkeypatch):
    """The answer is committed, the customer thinks with no transaction open (an LLM customer
    may take seconds: no lock or connection held), then the reply is committed: two commits,
    and the answer is already in the database when the customer is asked."""
    trainee = factories.user()
    attempt = play.start_attempt(trainee, "billing-double-charge")
    engine = play._customer_engine(attempt)
    real_respond, seen = engine.respond, {}

    def respond(scenario, transcript):
        seen["open transaction"] = db.session().in_transaction()
        with db.engine.connect() as other:  # another connection sees the answer committed
            seen["stored"] = other.execute(
                select(func.count()).select_from(Turn).where(Turn.attempt_id == attempt.id,
                                                             Turn.role == "trainee")).scalar()
        return real_respond(scenario, transcript)

    monkeypatch.setattr(type(engine), "respond", lambda self, s, t: respond(s, t))
    commits, session = [], db.session()
    count = commits.append  # one bound method: event.remove matches it by identity
    event.listen(session, "after_commit", count)
    try:
        play.submit_answer(attempt, "I'm so sorry about the double charge; I'll refund it today.")
    finally:
        event.remove(session, "after_commit", count)
    assert seen == {"open transaction": False, "stored": 1}
    assert len(commits) == 2
    assert [t.role for t in attempt.turns] == ["customer", "trainee", "customer"]
