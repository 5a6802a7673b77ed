"""Answers, starts and ends racing on one attempt, through the services: the turn is allocated under
the attempt's lock, so the transcript always alternates and every taken answer gets one reply."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from trainer.extensions import db
from trainer.models import Attempt, Score, Turn, User
from trainer.services import locks, play

from .. import factories
from ..together import (
    HeldEngine,
    assert_alternates,
    in_background,
    run_together,
    transcript,
    wait_for_locks,
)

SCENARIO = "billing-double-charge"
# An answer that keeps the scripted customer talking: the rounds below stay in one conversation.
NEUTRAL = "Let me have a look at your account ({})."


@pytest.fixture
def attempt_id(app):
    with app.app_context():
        return play.start_attempt(factories.user(), SCENARIO).id


def answer_in_own_session(app, attempt_id: int, text: str, expected: int | None = None,
                          patient=None):
    """What one request does: its own session, the attempt loaded afresh, the answer sent
    (waiting as long as it takes for a lock with ``patient``, a monkeypatch)."""
    with app.app_context():
        if patient is not None:
            wait_for_locks(patient)
        try:
            play.submit_answer(db.session.get(Attempt, attempt_id), text, expected)
        except play.AnswerRejected as exc:
            return exc
        return "taken"


def test_answers_sent_at_once_alternate_and_each_taken_answer_gets_one_reply(app, attempt_id):
    taken: list[str] = []
    for round_ in range(3):
        texts = [NEUTRAL.format(f"round {round_}, answer {i}") for i in range(6)]
        results = run_together(6, lambda i, texts=texts: answer_in_own_session(
            app, attempt_id, texts[i]))
        for text, result in zip(texts, results, strict=True):
            if result == "taken":
                taken.append(text)
            else:  # refused with a message for the person, never an error
                assert isinstance(result, play.AnswerRejected), repr(result)
        assert any(r == "taken" for r in results) or taken  # someone always gets through
    with app.app_context():
        turns = transcript(attempt_id)
        assert_alternates(turns)
        assert sorted(t.text for t in turns if t.role == "trainee") == sorted(taken)  # once each
        attempt = db.session.get(Attempt, attempt_id)
        if not attempt.is_finished:  # every taken answer has its one reply after it
            assert len(turns) == 2 * len(taken) + 1


def test_an_answer_while_the_last_one_awaits_its_reply_is_refused(app, attempt_id, monkeypatch):
    held = HeldEngine(monkeypatch, "HOLD")
    first, outcome = in_background(lambda: answer_in_own_session(
        app, attempt_id, "HOLD: I will look into it now."))
    held.wait_until_held()  # the first answer is stored; its reply is being written
    second = answer_in_own_session(app, attempt_id, "Second answer, sent at once.")
    assert isinstance(second, play.AnswerConflict)
    assert "still being answered" in str(second)
    with app.app_context():
        assert [t.role for t in transcript(attempt_id)] == ["customer", "trainee"]
        assert play.is_awaiting_reply(db.session.get(Attempt, attempt_id))
    held.release()
    first.join()
    assert outcome == ["taken"]
    assert answer_in_own_session(app, attempt_id, "Now the next answer.") == "taken"
    with app.app_context():
        turns = transcript(attempt_id)
        assert_alternates(turns)
        assert [t.text for t in turns if t.role == "trainee"] == [
            "HOLD: I will look into it now.", "Now the next answer."]


def test_the_turn_is_allocated_under_the_attempts_lock(app, attempt_id, monkeypatch):
    with app.app_context():
        attempt = db.session.get(Attempt, attempt_id)
        locks.lock(attempt)  # as another request would, between its check and its insert
        waiting, outcome = in_background(lambda: answer_in_own_session(
            app, attempt_id, "Sent while another answer holds the lock.", patient=monkeypatch))
        waiting.join(0.5)
        assert waiting.is_alive() and not outcome  # it waits for the lock...
        attempt.turns.append(Turn(index=1, role="trainee", text="The answer that got there first."))
        db.session.commit()
    waiting.join()
    assert isinstance(outcome[0], play.AnswerConflict)  # ...then sees the turn is taken
    with app.app_context():
        assert [t.text for t in transcript(attempt_id) if t.role == "trainee"] == [
            "The answer that got there first."]


def test_a_double_click_on_start_opens_one_attempt(app):
    with app.app_context():
        user_id = factories.user().id

    def start(_):
        with app.app_context():
            return play.start_attempt(db.session.get(User, user_id), SCENARIO).id

    ids = run_together(5, start)
    assert len(set(ids)) == 1 and isinstance(ids[0], int), ids
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Attempt)) == 1


def test_a_start_waits_for_the_one_before_it_and_resumes_what_it_opened(app, monkeypatch):
    with app.app_context():
        person = factories.user()
        user_id = person.id
        locks.lock(person)  # a first click between its check and its insert

        def second_click():
            with app.app_context():
                wait_for_locks(monkeypatch)
                return play.start_attempt(db.session.get(User, user_id), SCENARIO).id

        waiting, outcome = in_background(second_click)
        waiting.join(0.5)
        assert waiting.is_alive() and not outcome
        first = play.start_attempt(person, SCENARIO).id  # the first click goes on and commits
    waiting.join()
    assert outcome == [first]


def test_ending_while_an_answer_awaits_its_reply_ends_it_once(app, attempt_id, monkeypatch):
    assert answer_in_own_session(app, attempt_id, "Sorry, I will sort this out today.") == "taken"
    held = HeldEngine(monkeypatch, "HOLD")
    answering, outcome = in_background(lambda: answer_in_own_session(
        app, attempt_id, "HOLD: and I will call you back by five."))
    held.wait_until_held()
    with app.app_context():
        ended = play.end_attempt(db.session.get(Attempt, attempt_id))
        assert ended.status == "scored" and ended.outcome == "ended"
    held.release()
    answering.join()
    assert outcome == ["taken"]  # the answer was stored before the end, and is scored
    with app.app_context():
        turns = transcript(attempt_id)
        assert [t.role for t in turns] == ["customer", "trainee", "customer", "trainee"]
        assert db.session.scalar(select(func.count()).select_from(Score)) == 3  # scored once


def test_answers_and_an_end_at_once_leave_one_scored_conversation(app, attempt_id):
    for text in ("Sorry, I will sort this out today.", "I am checking your account now."):
        assert answer_in_own_session(app, attempt_id, text) == "taken"  # enough to be scored

    def act(i):
        if i == 0:
            with app.app_context():
                return play.end_attempt(db.session.get(Attempt, attempt_id)).status
        return answer_in_own_session(app, attempt_id, NEUTRAL.format(i))

    results = run_together(4, act)
    assert results[0] in ("scoring", "scored")  # scored by this end, or by a reply that closed it
    assert all(r == "taken" or isinstance(r, play.AnswerRejected) for r in results[1:]), results
    with app.app_context():
        turns = transcript(attempt_id)
        assert_alternates(turns[:len(turns) - (turns[-1].role == "trainee")])
        assert db.session.scalar(select(func.count()).select_from(Score)) == 3
        assert db.session.get(Attempt, attempt_id).status == "scored"


def test_finishing_twice_at_once_scores_once(app, attempt_id):
    assert answer_in_own_session(app, attempt_id, "Sorry, I will sort this out today.") == "taken"

    def finish(_):
        with app.app_context():
            return play.finish_attempt(db.session.get(Attempt, attempt_id)).status

    statuses = run_together(4, finish)  # the others find it closed, scored or being scored
    assert set(statuses) <= {"scoring", "scored"}, statuses
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Score)) == 3
        assert db.session.get(Attempt, attempt_id).status == "scored"


def test_an_answer_whose_reply_was_lost_is_answered_on_the_next_visit(app, attempt_id,
                                                                       monkeypatch):
    from trainer.domain.customer.scripted import ScriptedCustomer

    working = ScriptedCustomer.respond

    def broken(self, scenario, said):
        raise RuntimeError("the worker died here")

    monkeypatch.setattr(ScriptedCustomer, "respond", broken)
    with app.app_context(), pytest.raises(RuntimeError):
        play.submit_answer(db.session.get(Attempt, attempt_id), "My answer, stored first.")
    monkeypatch.setattr(ScriptedCustomer, "respond", working)
    with app.app_context():
        attempt = db.session.get(Attempt, attempt_id)
        assert play.is_awaiting_reply(attempt)
        assert play.reply_to_pending(attempt) is False  # young: its own request may still reply
        refused = answer_in_own_session(app, attempt_id, "Hello?")
        assert "still being answered" in str(refused)
        attempt.turns[-1].created_at -= timedelta(minutes=5)  # long past any reply's deadline
        db.session.commit()
        assert play.reply_to_pending(attempt) is True
        assert not play.is_awaiting_reply(attempt)
    assert answer_in_own_session(app, attempt_id, "And my next answer.") == "taken"
    with app.app_context():
        turns = transcript(attempt_id)
        assert_alternates(turns)
        assert [t.text for t in turns if t.role == "trainee"] == [
            "My answer, stored first.", "And my next answer."]


def test_an_answer_that_waits_too_long_for_the_lock_is_refused_and_changes_nothing(
        app, attempt_id, monkeypatch):
    monkeypatch.setattr(locks, "LOCK_WAIT_SECONDS", 1)  # PostgreSQL's lock_timeout

    def impatient_answer():
        with app.app_context():
            connection = db.session.connection()
            if connection.dialect.name == "sqlite":  # SQLite waits as long as its busy timeout
                connection.exec_driver_sql("PRAGMA busy_timeout = 1000")
            play.submit_answer(db.session.get(Attempt, attempt_id), "Sent into a long lock.")

    with app.app_context():
        locks.lock(db.session.get(Attempt, attempt_id))  # held for longer than anyone waits
        waiting, outcome = in_background(impatient_answer)
        waiting.join()
        db.session.rollback()
    assert isinstance(outcome[0], locks.Busy), outcome
    assert "nothing was changed" in str(outcome[0])
    with app.app_context():
        assert [t.role for t in transcript(attempt_id)] == ["customer"]


def test_a_slow_reply_to_an_answer_already_answered_meanwhile_is_dropped(app, attempt_id,
                                                                       monkeypatch):
    held = HeldEngine(monkeypatch, "HOLD")
    answering, outcome = in_background(lambda: answer_in_own_session(
        app, attempt_id, "HOLD: let me look into the charge for you."))
    held.wait_until_held()
    with app.app_context():  # another request (a later visit) replied to it meanwhile
        db.session.add(Turn(attempt_id=attempt_id, index=2, role="customer", text="Well?",
                            mood="angry"))
        db.session.commit()
    held.release()
    answering.join()
    assert outcome == ["taken"]  # the answer itself was stored, first
    with app.app_context():
        turns = transcript(attempt_id)
        assert [(t.role, t.text) for t in turns][1:] == [
            ("trainee", "HOLD: let me look into the charge for you."), ("customer", "Well?")]
        assert db.session.get(Attempt, attempt_id).status == "in_progress"
