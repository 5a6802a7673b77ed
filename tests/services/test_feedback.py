"""Trainee feedback and score disputes on a real database: who may give them, the authors' list
negative first, handling, and disputes going through the manager's review queue."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from trainer.extensions import db
from trainer.models import AuditEvent, Dispute
from trainer.models._types import utcnow
from trainer.services.feedback import (
    FeedbackError,
    FeedbackRefused,
    attempt_feedback,
    dispute_score,
    give_feedback,
    mark_handled,
)
from trainer.services.feedback_lists import disputes_page, feedback_page, feedback_rows
from trainer.services.overrides import override_score
from trainer.services.reviews import ReviewError, confirm_scorecard, review_count, review_queue

from .. import factories

SCENARIO = "billing-double-charge"
ALL_YES = {"realistic": "yes", "fair_score": "yes", "useful": "yes"}


@pytest.fixture
def people(ctx):
    boss = factories.user("manager", name="Morgan Boss")
    tara = factories.user(manager=boss, name="Tara Singh")
    omar = factories.user(manager=boss, name="Omar Reyes")
    stranger = factories.user("manager", name="Sol Stranger")
    outsider = factories.user(manager=stranger, name="Olu Outsider")
    admin = factories.user("admin", name="Ada Admin")
    return {"boss": boss, "tara": tara, "omar": omar, "stranger": stranger,
            "outsider": outsider, "admin": admin}


def answers(realistic="yes", fair_score="yes", useful="yes") -> dict:
    return {"realistic": realistic, "fair_score": fair_score, "useful": useful}


def test_a_trainee_rates_their_own_scored_attempt_and_may_change_it(people):
    attempt = factories.scored_attempt(people["tara"], SCENARIO)
    feedback = give_feedback(people["tara"], attempt, answers(fair_score="no"), "  Too harsh  ")
    assert (feedback.realistic, feedback.fair_score, feedback.useful) == (2, 0, 2)
    assert feedback.rating_total == 4 and feedback.comment == "Too harsh"
    again = give_feedback(people["tara"], attempt, answers(useful="partly"), "")
    assert again.id == feedback.id and again.rating_total == 5 and again.updated_at
    assert attempt_feedback(attempt).feedback.comment == ""


def test_only_the_attempts_trainee_rates_it_and_only_once_scored(people):
    attempt = factories.scored_attempt(people["tara"], SCENARIO)
    for other in (people["omar"], people["boss"], people["admin"]):
        with pytest.raises(FeedbackRefused):
            give_feedback(other, attempt, ALL_YES)
        with pytest.raises(FeedbackRefused):
            dispute_score(other, attempt, "empathy", "unfair")
    attempt.status = "abandoned"
    db.session.commit()
    with pytest.raises(FeedbackError, match="once it has been scored"):
        give_feedback(people["tara"], attempt, ALL_YES)
    with pytest.raises(FeedbackError, match="once it has been scored"):
        dispute_score(people["tara"], attempt, "empathy", "unfair")


def test_bad_answers_and_long_comments_are_refused_beside_their_field(people):
    attempt = factories.scored_attempt(people["tara"], SCENARIO)
    with pytest.raises(FeedbackError) as bad:
        give_feedback(people["tara"], attempt, answers(useful="maybe"))
    assert bad.value.field == "useful"
    with pytest.raises(FeedbackError) as long:
        give_feedback(people["tara"], attempt, ALL_YES, "x" * 2001)
    assert long.value.field == "comment"
    assert attempt_feedback(attempt).feedback is None


def test_feedback_once_handled_can_no_longer_change(people):
    attempt = factories.scored_attempt(people["tara"], SCENARIO)
    feedback = give_feedback(people["tara"], attempt, answers(realistic="no"), "Nobody talks so")
    mark_handled(people["boss"], feedback, "Rewrote the opening line", ip="10.0.0.9")
    with pytest.raises(FeedbackError, match="already handled"):
        give_feedback(people["tara"], attempt, ALL_YES)
    assert feedback.realistic == 0 and feedback.handled_by_id == people["boss"].id
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "feedback.handled"))
    assert event.actor_id == people["boss"].id and event.reason == "Rewrote the opening line"
    assert event.subject == people["tara"].email and event.detail["feedback"] == feedback.id


def test_handling_needs_a_note_and_a_person_in_scope(people):
    feedback = give_feedback(people["tara"], factories.scored_attempt(people["tara"], SCENARIO),
                             ALL_YES)
    with pytest.raises(FeedbackError, match="note is required"):
        mark_handled(people["boss"], feedback, "   ")
    for outside in (people["stranger"], people["omar"], people["tara"]):
        with pytest.raises(FeedbackRefused):
            mark_handled(outside, feedback, "done")
    assert not feedback.is_handled
    mark_handled(people["admin"], feedback, "Seen")
    assert feedback.is_handled


def test_the_authors_list_is_negative_first_and_scoped(people):
    def rated(person, days_ago, **given):
        attempt = factories.scored_attempt(person, SCENARIO)
        feedback = give_feedback(person, attempt, answers(**given))
        feedback.created_at = utcnow() - timedelta(days=days_ago)
        db.session.commit()
        return feedback

    happy = rated(people["tara"], 1)
    old_angry = rated(people["omar"], 5, realistic="no", fair_score="no", useful="partly")
    new_angry = rated(people["tara"], 2, realistic="no", fair_score="no", useful="partly")
    meh = rated(people["omar"], 3, fair_score="partly")
    handled = rated(people["tara"], 0, realistic="no", fair_score="no", useful="no")
    mark_handled(people["boss"], handled, "Fixed the scenario")
    outside = rated(people["outsider"], 0, realistic="no", fair_score="no", useful="no")

    def ids(viewer, status="open"):
        return [line.feedback.id for line in feedback_page(viewer, status=status)]

    # Same total: the newest first; then the higher totals.
    assert ids(people["boss"]) == [new_angry.id, old_angry.id, meh.id, happy.id]
    # Handled ones after every unhandled one, however negative.
    assert ids(people["boss"], "all") == [new_angry.id, old_angry.id, meh.id, happy.id,
                                          handled.id]
    assert ids(people["boss"], "handled") == [handled.id]
    assert ids(people["stranger"]) == [outside.id]
    assert ids(people["admin"], "all")[0] == outside.id  # everyone's, the worst first
    assert ids(people["tara"]) == []  # a trainee looks after nobody
    lines = feedback_page(people["boss"]).items
    assert lines[0].is_negative and not lines[-1].is_negative
    assert lines[0].answers == [("Realistic", "no"), ("Fair score", "no"), ("Useful", "partly")]
    rows = list(feedback_rows(people["boss"], status="all"))
    assert [r["attempt"] for r in rows] == [new_angry.attempt_id, old_angry.attempt_id,
                                            meh.attempt_id, happy.attempt_id,
                                            handled.attempt_id]
    assert rows[-1]["handled_note"] == "Fixed the scenario" and rows[0]["fair_score"] == "no"


def test_a_dispute_needs_a_reason_and_is_one_open_per_dimension(people):
    attempt = factories.scored_attempt(people["tara"], SCENARIO)
    with pytest.raises(FeedbackError) as empty:
        dispute_score(people["tara"], attempt, "empathy", "  ")
    assert empty.value.field == "reason"
    with pytest.raises(FeedbackError):
        dispute_score(people["tara"], attempt, "charm", "I was charming")
    with pytest.raises(FeedbackError):
        dispute_score(people["tara"], attempt, "empathy", "x" * 1001)
    dispute = dispute_score(people["tara"], attempt, "empathy", "I named her worry", ip="10.1.1.1")
    assert dispute.level == 3 and dispute.is_open
    with pytest.raises(FeedbackError, match="already disputed empathy"):
        dispute_score(people["tara"], attempt, "empathy", "Again")
    dispute_score(people["tara"], attempt, "ownership", "I gave a date")
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "score.disputed"))
    assert event.actor_id == people["tara"].id and event.reason == "I named her worry"
    assert event.detail == {"attempt": attempt.id, "scenario": SCENARIO,
                            "dimension": "empathy", "level": 3}


def test_a_dispute_lands_in_the_queue_and_a_confirmation_upholds_it(people):
    attempt = factories.scored_attempt(people["tara"], SCENARIO)
    assert review_count(people["boss"]) == 0
    dispute_score(people["tara"], attempt, "ownership", "I said I would call back on Friday")
    queue = review_queue(people["boss"])
    assert [item.attempt_id for item in queue] == [attempt.id]
    assert queue[0].reason == "disputed ownership: I said I would call back on Friday"
    assert review_count(people["boss"]) == 1 and review_count(people["admin"]) == 1
    assert review_queue(people["stranger"]) == []
    confirm_scorecard(people["boss"], attempt)
    assert review_count(people["boss"]) == 0
    dispute = attempt_feedback(attempt).disputes[0]
    assert (dispute.resolution, dispute.resolved_level, dispute.resolved_by_id) == (
        "upheld", 3, people["boss"].id)
    resolved = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "dispute.resolved"))
    assert resolved.detail["outcome"] == "upheld" and resolved.detail["dispute"] == dispute.id


def test_an_override_changes_the_disputed_level_and_says_why(people):
    attempt = factories.scored_attempt(people["tara"], SCENARIO, passed=False)
    dispute_score(people["tara"], attempt, "ownership", "I took it on")
    dispute_score(people["tara"], attempt, "empathy", "I was kind")
    override_score(people["boss"], attempt, "ownership", 3, "Yes: you gave Friday as the date")
    found = {d.dimension: d for d in attempt_feedback(attempt).disputes}
    assert (found["ownership"].resolution, found["ownership"].resolved_level) == ("changed", 3)
    assert found["ownership"].resolution_note == "Yes: you gave Friday as the date"
    assert (found["empathy"].resolution, found["empathy"].resolved_level) == ("upheld", 1)
    assert review_queue(people["boss"]) == []


def test_a_dispute_after_a_review_reopens_the_attempt_for_the_same_reviewer(people):
    attempt = factories.scored_attempt(people["tara"], SCENARIO, review_reason="judge 4, rules 1")
    confirm_scorecard(people["boss"], attempt)
    dispute_score(people["tara"], attempt, "accuracy", "The refund date was right")
    [item] = review_queue(people["boss"])
    assert item.reason == "disputed accuracy: The refund date was right"  # the old flag is done
    confirm_scorecard(people["boss"], attempt)  # allowed again: a dispute is waiting
    assert review_queue(people["boss"]) == []
    with pytest.raises(ReviewError, match="already reviewed"):
        confirm_scorecard(people["boss"], attempt)


def test_a_flag_and_a_dispute_read_together_in_the_queue(people):
    attempt = factories.scored_attempt(people["tara"], SCENARIO, review_reason="judge 4, rules 1")
    dispute_score(people["tara"], attempt, "empathy", "word " * 60)
    [item] = review_queue(people["boss"])
    assert item.reason.startswith("judge 4, rules 1; disputed empathy: word word")
    assert item.reason.endswith("…") and len(item.reason) < 160


def test_the_count_takes_each_waiting_attempt_once_as_the_queue_lists_it(people):
    both = factories.scored_attempt(people["tara"], SCENARIO, review_reason="judge 4, rules 1")
    dispute_score(people["tara"], both, "empathy", "I named her worry")
    dispute_score(people["tara"], both, "ownership", "I said Friday")  # two open disputes
    disputed = factories.scored_attempt(people["tara"], "billing-estimated-final-bill")
    dispute_score(people["tara"], disputed, "accuracy", "The date was right")
    factories.scored_attempt(people["tara"], "billing-price-rise-notice",
                             review_reason="judge 0, rules 3")  # flagged only
    for viewer in ("boss", "admin"):
        assert review_count(people[viewer]) == len(review_queue(people[viewer])) == 3, viewer
    assert review_count(people["stranger"]) == 0
    confirm_scorecard(people["boss"], both)  # the flag and both disputes handled
    assert review_count(people["boss"]) == len(review_queue(people["boss"])) == 2


def test_the_managers_disputes_are_open_first_and_scoped(people):
    first = factories.scored_attempt(people["tara"], SCENARIO)
    second = factories.scored_attempt(people["omar"], SCENARIO)
    old = dispute_score(people["tara"], first, "empathy", "old one")
    new = dispute_score(people["omar"], second, "empathy", "new one")
    closed = dispute_score(people["tara"], first, "ownership", "closed one")
    old.created_at = utcnow() - timedelta(days=3)
    db.session.commit()
    confirm_scorecard(people["boss"], first)  # resolves old and closed
    reopened = dispute_score(people["tara"], first, "empathy", "again")
    order = [line.dispute.id for line in disputes_page(people["boss"]).items]
    assert order[:2] == [new.id, reopened.id]  # open, the longest waiting first
    assert set(order[2:]) == {old.id, closed.id}
    assert disputes_page(people["stranger"]).total == 0
    assert db.session.scalar(select(Dispute.resolution).where(Dispute.id == closed.id)) == "upheld"
