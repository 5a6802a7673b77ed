"""A manager's review of a scorecard: confirming it, and the queue of attempts flagged for review.

A review (a confirmation here, or an override in services/overrides.py) makes the scorecard a
label: its levels are then a person's final levels, set against the scorer's own on the
calibration page and in `trainer labels export`.

A trainee's dispute of a dimension (services/feedback.py) puts the attempt in the same queue,
whether or not it was flagged or reviewed before; the next review of the attempt resolves its
open disputes (upheld when the level stands, changed when it differs from the level disputed)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Select, func, select, union

from ..domain.errors import TrainerError
from ..domain.feedback import queue_reason
from ..extensions import db
from ..models import Attempt, Dispute, User
from ..models._types import utcnow
from ..models.attempt import SCORED, waiting_for_review
from ..models.feedback import CHANGED, UPHELD
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
    """Record who reviewed the card last, and when, and resolve its open disputes: it leaves
    the review queue (not committed; an override calls this after setting its level)."""
    attempt.reviewed_by_id, attempt.reviewed_at = actor.id, when
    resolve_disputes(attempt, actor, when)


def _open_disputes_of(attempt: Attempt) -> list[Dispute]:
    return list(db.session.scalars(select(Dispute).where(
        Dispute.attempt_id == attempt.id, Dispute.resolved_at.is_(None)).order_by(Dispute.id)))


def resolve_disputes(attempt: Attempt, actor: User, when: datetime) -> list[Dispute]:
    """Close ``attempt``'s open disputes with the levels as they now stand, audited one event
    each (not committed): changed when the level differs from the one disputed (with the
    override's comment), upheld when it does not."""
    resolved = _open_disputes_of(attempt)
    for dispute in resolved:
        score = attempt.score_for(dispute.dimension)
        level = score.level if score is not None else None
        changed = level != dispute.level
        dispute.resolved_at, dispute.resolved_by_id = when, actor.id
        dispute.resolution, dispute.resolved_level = (CHANGED if changed else UPHELD), level
        dispute.resolution_note = score.override_comment if changed and score else ""
        audit.record("dispute.resolved", actor, attempt.user.email, dispute.resolution_note,
                     {"attempt": attempt.id, "dispute": dispute.id,
                      "dimension": dispute.dimension, "outcome": dispute.resolution,
                      "disputed_level": dispute.level, "level": level})
    return resolved


def confirm_scorecard(actor: User, attempt: Attempt, ip: str | None = None) -> Attempt:
    """Agree with every level as it stands: the card becomes a label, audited; a near-copy
    held for review (services/assessment.py) becomes evidence."""
    check_reviewer(actor, attempt)
    if attempt.status != SCORED:
        raise ReviewError("Only a scored attempt can be confirmed.")
    if attempt.reviewed_by_id == actor.id and not _open_disputes_of(attempt):
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


def scoped(query: Select, viewer: User, scope: Select | None = None) -> Select:
    """Only attempts of the people ``viewer`` reviews (their team; everyone for an admin), never
    their own: the scope is a subquery of ``query``, not a list of ids fetched first (``scope``:
    that subquery, built once for several queries of one statement)."""
    scope = scope if scope is not None else scope_query(viewer)
    query = query.where(Attempt.user_id != viewer.id)
    return query if scope is None else query.where(Attempt.user_id.in_(scope))


def _flagged_unreviewed():
    return waiting_for_review(Attempt.needs_review, Attempt.reviewed_at)


def _waiting(viewer: User, limit: int) -> Select:
    """The ids that may make the queue's first ``limit``: the oldest ``limit`` flagged ones in
    ``viewer``'s scope, and every scored attempt of theirs with a dispute still open (from the
    few open disputes). Asking "flagged or disputed" at once made the database read and sort
    every flagged attempt of the company, however few the page shows."""
    scope = scope_query(viewer)
    flagged = scoped(select(Attempt.id, Attempt.scored_at)
                     .where(Attempt.status == SCORED, _flagged_unreviewed()), viewer, scope)
    if scope is None:  # everyone's: read in order from ix_attempt_review_queue, stopping there
        oldest = flagged.order_by(Attempt.scored_at, Attempt.id).limit(limit).subquery()
    else:  # a team's: all of theirs, person by person (ix_attempt_waiting_by_person), then the
        # oldest. Kept a subquery of its own by OFFSET 0 (neither SQLite nor PostgreSQL merges
        # one with an OFFSET into the query around it; MATERIALIZED would need SQLite 3.35), or
        # the planner walks the company's queue in order, reading every flagged attempt of the
        # company when the team has few.
        team = flagged.offset(0).subquery()
        oldest = select(team.c.id).order_by(team.c.scored_at, team.c.id).limit(limit).subquery()
    disputed = scoped(select(Dispute.attempt_id).join(Attempt, Attempt.id == Dispute.attempt_id)
                      .where(Dispute.resolved_at.is_(None), Attempt.status == SCORED),
                      viewer, scope)
    return union(select(oldest.c.id), disputed)


def review_count(viewer: User) -> int:
    """How many flagged attempts in ``viewer``'s scope are waiting for a review. The flagged and
    the disputed ones are counted apart (one statement still): each count then reads one index
    alone, where "flagged or disputed" made SQLite walk every scored attempt."""
    flagged = select(Attempt.id).where(Attempt.status == SCORED, _flagged_unreviewed())
    disputed = (select(Attempt.id).select_from(Dispute)  # from the few open disputes
                .join(Attempt, Attempt.id == Dispute.attempt_id).distinct()
                .where(Dispute.resolved_at.is_(None), Attempt.status == SCORED,
                       ~_flagged_unreviewed()))
    scope = scope_query(viewer)
    counts = [select(func.count()).select_from(scoped(query, viewer, scope).subquery())
              .scalar_subquery() for query in (flagged, disputed)]
    return db.session.scalar(select(counts[0] + counts[1])) or 0


def review_queue(viewer: User, limit: int = QUEUE_PAGE) -> list[QueueItem]:
    """The flagged or disputed attempts in ``viewer``'s scope not reviewed yet, oldest first;
    a dispute's reason reads "disputed <dimension>: <reason>" (one statement in all)."""
    query = select(Attempt.id).where(Attempt.id.in_(_waiting(viewer, limit))).join(
        User, User.id == Attempt.user_id).add_columns(
        Attempt.user_id, User.name, Attempt.scenario_id, Attempt.scored_at,
        Attempt.review_reason, Attempt.scorer, Attempt.mode,
        _flagged_unreviewed().label("flagged"), _open_dispute_texts())
    rows = db.session.execute(query.order_by(Attempt.scored_at, Attempt.id).limit(limit))
    scenarios = get_library().scenarios
    return [QueueItem(attempt_id=row[0], person_id=row[1], person=row[2],
                      scenario=scenarios[row[3]].title if row[3] in scenarios else row[3],
                      flagged_at=row[4], scorer=row[6], mode=row[7],
                      reason="; ".join(([row[5]] if row[8] and row[5] else [])
                                       + _dispute_reasons(row[9])))
            for row in rows]


_UNIT, _RECORD = "\x1f", "\x1e"  # ASCII unit and record separators: never typed in a reason


def _open_dispute_texts():
    """Each listed attempt's open disputes as one string (a correlated subquery, so the queue
    stays one statement): "dimension<US>reason" records joined by <RS>."""
    text = Dispute.dimension + _UNIT + Dispute.reason
    return (select(func.aggregate_strings(text, _RECORD))
            .where(Dispute.attempt_id == Attempt.id, Dispute.resolved_at.is_(None))
            .correlate(Attempt).scalar_subquery().label("disputes"))


def _dispute_reasons(joined: str | None) -> list[str]:
    records = (record.partition(_UNIT) for record in (joined or "").split(_RECORD) if record)
    return sorted(queue_reason(dimension, reason) for dimension, _, reason in records)
