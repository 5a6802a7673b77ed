"""Trainee feedback on a scenario and disputes of a score: giving them (the attempt's own trainee,
on a scored attempt), what an attempt's scorecard shows of them, and an author marking feedback
handled. Lists (the authors' page, a manager's disputes) are in services/feedback_lists.py; a
manager's review resolves disputes (services/reviews.py)."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from functools import cache

from sqlalchemy import Select, bindparam, select

from ..domain.errors import TrainerError
from ..domain.feedback import (
    ANSWERS,
    COMMENT_MAX,
    DISPUTE_REASON_MAX,
    HANDLED_NOTE_MAX,
    QUESTIONS,
    rating_total,
)
from ..domain.library import DIMENSIONS
from ..extensions import db
from ..models import Attempt, Dispute, Feedback, User
from ..models._types import utcnow
from ..models.attempt import SCORED
from . import audit
from .access import manages
from .locks import lock

log = logging.getLogger(__name__)


class FeedbackError(TrainerError):
    """The feedback, dispute or note cannot be taken as given; ``field`` names the form field the
    message belongs beside (None: the form as a whole)."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.field = field


class FeedbackRefused(TrainerError):
    """Not this person's to give or handle: the web answers 404, as for a missing record."""


@dataclass(frozen=True)
class AttemptFeedback:
    """What an attempt's scorecard shows: the trainee's feedback and every dispute, oldest first."""

    feedback: Feedback | None
    disputes: list[Dispute]


def attempt_feedback(attempt: Attempt) -> AttemptFeedback:
    """The feedback and disputes of ``attempt`` (two statements, by its indexes)."""
    feedback_query, disputes_query = _attempt_feedback_statements()
    params = {"attempt_id": attempt.id}
    feedback = db.session.scalar(feedback_query, params)
    return AttemptFeedback(feedback, list(db.session.scalars(disputes_query, params)))


@cache
def _attempt_feedback_statements() -> tuple[Select, Select]:
    """Built once per process: every scorecard runs them."""
    return (select(Feedback).where(Feedback.attempt_id == bindparam("attempt_id")),
            select(Dispute).where(Dispute.attempt_id == bindparam("attempt_id"))
            .order_by(Dispute.created_at, Dispute.id))


def can_give(person: User, attempt: Attempt) -> bool:
    """Only the attempt's own trainee gives feedback or disputes, once it is scored."""
    return attempt.user_id == person.id and attempt.status == SCORED


def _check_giver(person: User, attempt: Attempt) -> None:
    if attempt.user_id != person.id:
        raise FeedbackRefused("Only the trainee who played an attempt can rate or dispute it.")
    if attempt.status != SCORED:
        raise FeedbackError("You can rate or dispute an attempt once it has been scored.")


def give_feedback(person: User, attempt: Attempt, answers: dict[str, str],
                  comment: str = "") -> Feedback:
    """Record (or change, until an author has handled it) ``person``'s feedback on ``attempt``:
    ``answers`` maps each question's field to yes, partly or no."""
    _check_giver(person, attempt)
    points = {}
    for question in QUESTIONS:
        answer = answers.get(question.field)
        if answer not in ANSWERS:
            raise FeedbackError("Choose yes, partly or no.", question.field)
        points[question.field] = ANSWERS[answer]
    comment = (comment or "").strip()
    if len(comment) > COMMENT_MAX:
        raise FeedbackError(f"Keep the comment under {COMMENT_MAX} characters "
                            f"(it has {len(comment)}).", "comment")
    lock(attempt)  # two tabs sending at once make one row, not a unique-key error
    feedback = db.session.scalar(select(Feedback).where(Feedback.attempt_id == attempt.id))
    if feedback is None:
        feedback = Feedback(attempt_id=attempt.id, user_id=person.id,
                            scenario_id=attempt.scenario_id)
        db.session.add(feedback)
    elif feedback.is_handled:
        db.session.rollback()
        raise FeedbackError("An author has already handled this feedback: it can no longer be "
                            "changed. Write in a dispute if the score is wrong.")
    else:
        feedback.updated_at = utcnow()
    feedback.realistic, feedback.fair_score, feedback.useful = (
        points["realistic"], points["fair_score"], points["useful"])
    feedback.rating_total, feedback.comment = rating_total(points), comment
    db.session.commit()
    return feedback


def dispute_score(person: User, attempt: Attempt, dimension: str, reason: str,
                  ip: str | None = None) -> Dispute:
    """``person`` disputes one dimension's level on their own scored attempt, with a reason: the
    attempt joins the review queue until a manager confirms or overrides it. One open dispute
    per dimension. Audited."""
    _check_giver(person, attempt)
    if dimension not in DIMENSIONS:
        raise FeedbackError(f"Choose one of {', '.join(DIMENSIONS)}.", "dimension")
    reason = _printable(reason)
    if not reason:
        raise FeedbackError("Say why the level is wrong: a reason is required.", "reason")
    if len(reason) > DISPUTE_REASON_MAX:
        raise FeedbackError(f"Keep the reason under {DISPUTE_REASON_MAX} characters "
                            f"(it has {len(reason)}).", "reason")
    score = attempt.score_for(dimension)
    if score is None:
        raise FeedbackError(f"This attempt has no {dimension} score to dispute.", "dimension")
    lock(attempt)  # a double-click opens one dispute
    already = db.session.scalar(select(Dispute.id).where(
        Dispute.attempt_id == attempt.id, Dispute.dimension == dimension,
        Dispute.resolved_at.is_(None)))
    if already is not None:
        db.session.rollback()
        raise FeedbackError(f"You already disputed {dimension} on this attempt; it is waiting "
                            f"for a manager's review.", "dimension")
    dispute = Dispute(attempt_id=attempt.id, user_id=person.id, dimension=dimension,
                      level=score.level, reason=reason)
    db.session.add(dispute)
    audit.record("score.disputed", person, person.email, reason,
                 {"attempt": attempt.id, "scenario": attempt.scenario_id,
                  "dimension": dimension, "level": score.level}, ip)
    db.session.commit()
    return dispute


def _printable(text: str | None) -> str:
    """``text`` stripped, without control characters other than line breaks and tabs (the
    review queue joins reasons with ASCII separators)."""
    return "".join(ch for ch in (text or "") if ch in "\n\t" or ord(ch) >= 32).strip()


def can_handle(viewer: User, feedback: Feedback) -> bool:
    """Admins handle anyone's feedback, managers their people's; nobody their own."""
    if viewer.id == feedback.user_id:
        return False
    return viewer.is_admin or (viewer.is_manager and manages(viewer, feedback.user))


def mark_handled(viewer: User, feedback: Feedback, note: str, ip: str | None = None) -> Feedback:
    """Mark ``feedback`` handled with a note of what was done (or why nothing will be). Audited;
    a note on feedback already handled replaces the note, keeping who handled it first."""
    if not can_handle(viewer, feedback):
        raise FeedbackRefused("Not in your scope.")
    note = (note or "").strip()
    if not note:
        raise FeedbackError("Say what was done about it: a note is required.", "note")
    if len(note) > HANDLED_NOTE_MAX:
        raise FeedbackError(f"Keep the note under {HANDLED_NOTE_MAX} characters "
                            f"(it has {len(note)}).", "note")
    first = not feedback.is_handled
    if first:
        feedback.handled_at, feedback.handled_by_id = utcnow(), viewer.id
    previous, feedback.handled_note = feedback.handled_note, note
    audit.record("feedback.handled", viewer, feedback.user.email, note,
                 {"feedback": feedback.id, "attempt": feedback.attempt_id,
                  "scenario": feedback.scenario_id, "rating_total": feedback.rating_total,
                  **({} if first else {"previous_note": previous})}, ip)
    db.session.commit()
    return feedback
