"""A manager's review of a scorecard: confirming it, and the queue of attempts flagged for review.

A review (a confirmation here, or an override in services/overrides.py) makes the scorecard a
label: its levels are then a person's final levels, set against the scorer's own on the
calibration page and in `trainer labels export`."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Select, func, select

from ..domain.errors import TrainerError
from ..extensions import db
from ..models import Attempt, User
from ..models._types import utcnow
from ..models.attempt import SCORED
from . import audit
from .access import review_refusal, scope_query
from .library import get_library
from .tracks import after_attempt_scored

QUEUE_PAGE = 100  # the oldest this many are listed; the count covers them all


class ReviewError(TrainerError):
    """The review cannot be made as asked (not scored yet, already reviewed by this person)."""


class ReviewRefused(TrainerError):
    """The actor may not review this attempt's scores (the web answers 403)."""


@dataclass(frozen=True)
class QueueItem:
    """One flagged attempt waiting for a review."""

    attempt_id: int
    person_id: int
    person: str
    scenario: str  # the scenario's title (its id when it left the library)
    flagged_at: datetime | None
    reason: str
    scorer: str | None
    mode: str  # practice or assessed


def check_reviewer(actor: User, attempt: Attempt) -> None:
    refusal = review_refusal(actor, attempt)
    if refusal:
        raise ReviewRefused(refusal)


def mark_reviewed(attempt: Attempt, actor: User, when: datetime) -> None:
    """Record who reviewed the card last, and when; it leaves the review queue (not committed)."""
    attempt.reviewed_by_id, attempt.reviewed_at = actor.id, when


def confirm_scorecard(actor: User, attempt: Attempt, ip: str | None = None) -> Attempt:
    """Agree with every level as it stands: the card becomes a label, audited; a near-copy
    held for review (services/assessment.py) becomes evidence."""
    check_reviewer(actor, attempt)
    if attempt.status != SCORED:
        raise ReviewError("Only a scored attempt can be confirmed.")
    if attempt.reviewed_by_id == actor.id:
        raise ReviewError(f"You already reviewed this scorecard on "
                          f"{attempt.reviewed_at:%d %b %Y %H:%M} UTC.")
    mark_reviewed(attempt, actor, utcnow())
    audit.record("score.confirmed", actor, attempt.user.email, "",
                 {"attempt": attempt.id, "scenario": attempt.scenario_id,
                  "levels": {s.dimension: s.level for s in attempt.scores},
                  "scorers": sorted({s.scorer for s in attempt.scores}),
                  "was_flagged": attempt.needs_review, "review_reason": attempt.review_reason,
                  "copied_from": attempt.copied_from, "mode": attempt.mode},
                 ip)
    db.session.commit()
    if attempt.copied_from and attempt.passed:
        after_attempt_scored(attempt)  # the pass it released may complete the rotation
    return attempt


def scoped(query: Select, viewer: User) -> Select:
    """Only attempts of the people ``viewer`` reviews (their team; everyone for an admin), never
    their own: the scope is a subquery of ``query``, not a list of ids fetched first."""
    scope = scope_query(viewer)
    query = query.where(Attempt.user_id != viewer.id)
    return query if scope is None else query.where(Attempt.user_id.in_(scope))


def _waiting() -> Select:
    return select(Attempt.id).where(Attempt.needs_review.is_(True), Attempt.reviewed_at.is_(None),
                                    Attempt.status == SCORED)


def review_count(viewer: User) -> int:
    """How many flagged attempts in ``viewer``'s scope are waiting for a review."""
    query = scoped(_waiting(), viewer)
    return db.session.scalar(select(func.count()).select_from(query.subquery())) or 0


def review_queue(viewer: User, limit: int = QUEUE_PAGE) -> list[QueueItem]:
    """The flagged attempts in ``viewer``'s scope not reviewed yet, oldest first."""
    query = scoped(_waiting(), viewer).join(User, User.id == Attempt.user_id).add_columns(
        Attempt.user_id, User.name, Attempt.scenario_id, Attempt.scored_at,
        Attempt.review_reason, Attempt.scorer, Attempt.mode)
    rows = db.session.execute(query.order_by(Attempt.scored_at, Attempt.id).limit(limit))
    scenarios = get_library().scenarios
    return [QueueItem(attempt_id=row[0], person_id=row[1], person=row[2],
                      scenario=scenarios[row[3]].title if row[3] in scenarios else row[3],
                      flagged_at=row[4], reason=row[5], scorer=row[6], mode=row[7])
            for row in rows]
