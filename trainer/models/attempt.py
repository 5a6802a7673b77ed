"""A played scenario: the attempt, its turns and its per-dimension scores."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    and_,
    case,
    column,
    false,
)
from sqlalchemy.ext.hybrid import hybrid_property
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..domain.library import Rubric, Scenario
from ..domain.modes import ASSESSED, PRACTICE
from ..domain.qualification import pass_levels_of
from ..domain.transcript import Turn as Said
from ..extensions import db
from ._types import UTCDateTime, utcnow
from .user import User

IN_PROGRESS, SCORING, SCORED = "in_progress", "scoring", "scored"
ABANDONED = "abandoned"  # ended by the trainee too early to score (domain/modes.py): never counts


def _pass_levels_of_row(context) -> dict[str, int]:
    """The default of Attempt.pass_levels: read from the rubric snapshot in the same insert."""
    return pass_levels_of(context.get_current_parameters()["rubric_snapshot"])


def waiting_for_review(needs_review, reviewed_at):
    """Flagged and not reviewed yet: the review queue's rule (services/reviews.py), which the
    partial index below states in the same words, since a database uses a partial index only
    for a query whose WHERE says what the index's does."""
    return and_(needs_review.is_(True), reviewed_at.is_(None))


_WAITING = waiting_for_review(column("needs_review", Boolean), column("reviewed_at"))
_OVERRIDDEN = column("overridden_at").is_not(None)


class Attempt(db.Model):
    # Each index leads with what a page filters on and ends with what it sorts by: a person's
    # history (newest first), a person's scored attempts (eligibility, tracks, progress), other
    # people's latest passes of a scenario, and the scoring queue and recent scores by status.
    __table_args__ = (
        Index("ix_attempt_user_id_started_at", "user_id", "started_at"),
        # Covering: qualification (services/eligibility.py), the team page's totals and recent
        # scores read only these columns of a person's attempts, never the wide row; ``id``
        # last, so that joining their scores needs no row either (SQLite holds it anyway).
        Index("ix_attempt_user_status_finished_covering", "user_id", "status", "finished_at",
              "mode", "scenario_id", "difficulty", "passed", "overall", "copied_from",
              "reviewed_at", "started_at", "id"),
        # Covering: a scenario's newest attempts with what their readers filter on (library
        # insight's sample, services/insight.py; the peers a near-copy is checked against).
        Index("ix_attempt_scenario_finished_covering", "scenario_id", "finished_at", "id",
              "status", "mode", "passed", "user_id"),
        Index("ix_attempt_status_scored_at", "status", "scored_at"),
        # The review queue and its count: the attempts waiting for a review, partial indexes
        # that hold only those (services/reviews.py). In the order the queue is read (oldest
        # first, covering, so an admin's page stops at its length), and by person, so that a
        # manager's queue and count read their team's alone, not the whole company's.
        # Each holds the columns of its WHERE too: SQLite counts it as covering only then.
        Index("ix_attempt_review_queue", "needs_review", "reviewed_at", "status", "scored_at",
              "id", "user_id", sqlite_where=_WAITING, postgresql_where=_WAITING),
        Index("ix_attempt_waiting_by_person", "user_id", "needs_review", "reviewed_at", "status",
              "scored_at", "id", sqlite_where=_WAITING, postgresql_where=_WAITING),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    scenario_id: Mapped[str] = mapped_column(String(80))
    category: Mapped[str] = mapped_column(String(80), index=True)
    difficulty: Mapped[int] = mapped_column(Integer)
    # Copies of what was played: editing a YAML file never changes a past result.
    scenario_snapshot: Mapped[dict[str, Any]] = mapped_column(JSON)
    rubric_snapshot: Mapped[dict[str, Any]] = mapped_column(JSON)
    # Each dimension's pass level, copied out of rubric_snapshot on insert whoever writes the row:
    # qualification (services/eligibility.py) reads these few bytes, never the snapshot.
    pass_levels: Mapped[dict[str, int]] = mapped_column(JSON, default=_pass_levels_of_row)
    customer_engine: Mapped[str] = mapped_column(String(40))
    # practice or assessed (domain/modes.py), chosen on starting: only assessed attempts are
    # evidence. A row written without one is practice, the mode that never counts. Not indexed
    # alone (two values): the covering index above carries it after the person.
    mode: Mapped[str] = mapped_column(String(16), default=PRACTICE, server_default=PRACTICE)
    status: Mapped[str] = mapped_column(String(16), default=IN_PROGRESS)
    outcome: Mapped[str | None] = mapped_column(String(16))  # resolved/gave_up/turn_limit/ended
    mood: Mapped[str] = mapped_column(String(16))
    started_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    scored_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    scorer: Mapped[str | None] = mapped_column(String(40))
    overall: Mapped[float | None] = mapped_column(Float)
    passed: Mapped[bool | None] = mapped_column(Boolean)
    key_points_covered: Mapped[list[str]] = mapped_column(JSON, default=list)
    key_points_missed: Mapped[list[str]] = mapped_column(JSON, default=list)
    red_flags: Mapped[list[str]] = mapped_column(JSON, default=list)
    score_notes: Mapped[list[str]] = mapped_column(JSON, default=list)
    # Set when the LLM judge and the rule scorer disagree by 2 levels or more on a dimension.
    needs_review: Mapped[bool] = mapped_column(Boolean, default=False)
    review_reason: Mapped[str] = mapped_column(Text, default="")
    # What the trainee's words are a near-copy of ("model answer", "attempt 12"): set with the
    # scorecard (services/assessment.py); the attempt is no evidence until a manager reviews it.
    copied_from: Mapped[str | None] = mapped_column(String(40))
    # A manager's review (a confirmation or an override) makes the card a label: its levels are
    # then the human's final levels. Reviewing also takes a flagged attempt off the queue.
    reviewed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"), index=True)
    reviewed_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)

    user: Mapped[User] = relationship(foreign_keys=[user_id])
    reviewed_by: Mapped[User | None] = relationship(foreign_keys=[reviewed_by_id])
    turns: Mapped[list[Turn]] = relationship(back_populates="attempt", order_by="Turn.index",
                                             cascade="all, delete-orphan")
    scores: Mapped[list[Score]] = relationship(back_populates="attempt",
                                               cascade="all, delete-orphan")

    # The snapshots back as domain objects: what was played and how it is judged, whatever the
    # library says today. Read afresh each time (cheap next to what uses them); turns grow.
    @property
    def scenario(self) -> Scenario:
        return Scenario.from_dict(self.scenario_snapshot)

    @property
    def rubric(self) -> Rubric:
        return Rubric.from_dict(self.rubric_snapshot)

    @property
    def transcript(self) -> list[Said]:
        """The conversation so far, as the customer engines and the scorers read it."""
        return [Said(t.role, t.text) for t in self.turns]

    @property
    def is_finished(self) -> bool:
        return self.status != IN_PROGRESS

    @property
    def is_abandoned(self) -> bool:
        return self.status == ABANDONED

    @property
    def is_assessed(self) -> bool:
        return self.mode == ASSESSED

    @property
    def trainee_turn_count(self) -> int:
        return sum(1 for t in self.turns if t.role == "trainee")

    @property
    def is_reviewed(self) -> bool:
        return self.reviewed_at is not None

    @property
    def is_confirmed(self) -> bool:
        """Reviewed with every level as the scorer gave it."""
        return self.is_reviewed and not any(s.is_overridden for s in self.scores)

    def score_for(self, dimension: str) -> Score | None:
        return next((s for s in self.scores if s.dimension == dimension), None)


class Turn(db.Model):
    __table_args__ = (UniqueConstraint("attempt_id", "index"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    attempt_id: Mapped[int] = mapped_column(ForeignKey("attempt.id", ondelete="CASCADE"))
    index: Mapped[int] = mapped_column(Integer)
    role: Mapped[str] = mapped_column(String(16))  # customer or trainee
    text: Mapped[str] = mapped_column(Text)
    mood: Mapped[str | None] = mapped_column(String(16))  # the customer's mood after this turn
    engine: Mapped[str | None] = mapped_column(String(60))  # which engine wrote a customer turn
    note: Mapped[str | None] = mapped_column(Text)  # e.g. a fallback notice
    llm_call_id: Mapped[int | None] = mapped_column(ForeignKey("llm_call.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # A spoken answer (services/voice.py): the text is what was sent; ``heard`` is what the
    # speech-to-text engine heard, kept only when the trainee corrected it before sending.
    spoken: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    stt_engine: Mapped[str | None] = mapped_column(String(60))
    stt_confidence: Mapped[float | None] = mapped_column(Float)  # 0..1, when the engine says
    heard: Mapped[str | None] = mapped_column(Text)
    talk_ms: Mapped[int | None] = mapped_column(Integer)  # how long the spoken audio was
    # From the customer's line being shown to the trainee starting to answer (the page says).
    response_ms: Mapped[int | None] = mapped_column(Integer)

    attempt: Mapped[Attempt] = relationship(back_populates="turns")


class Score(db.Model):
    __table_args__ = (
        UniqueConstraint("attempt_id", "dimension"),
        # Covering: the team page's average level per skill sums the levels of many attempts'
        # scores without reading their rows (services/team.py).
        Index("ix_score_attempt_dimension_level", "attempt_id", "dimension", "level"),
        # The overridden scores alone, a few: whether a pass rests on an override (services/
        # eligibility.py, asked of everyone's passes for an admin's ready counts) is one probe
        # here; without it PostgreSQL read every score of the company to answer. Its WHERE is the
        # query's (a partial index serves only those), and it holds that column for SQLite.
        Index("ix_score_overridden", "attempt_id", "overridden_at",
              sqlite_where=_OVERRIDDEN, postgresql_where=_OVERRIDDEN),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    attempt_id: Mapped[int] = mapped_column(ForeignKey("attempt.id", ondelete="CASCADE"))
    dimension: Mapped[str] = mapped_column(String(16))
    level: Mapped[int | None] = mapped_column(Integer)
    evidence: Mapped[list[str]] = mapped_column(JSON, default=list)
    feedback: Mapped[str] = mapped_column(Text, default="")
    scorer: Mapped[str] = mapped_column(String(40))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    llm_call_id: Mapped[int | None] = mapped_column(ForeignKey("llm_call.id"), index=True)
    # A manager's override keeps the scorer's level beside the new one, with the reason.
    original_level: Mapped[int | None] = mapped_column(Integer)
    override_comment: Mapped[str] = mapped_column(Text, default="")
    overridden_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"), index=True)
    overridden_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    attempt: Mapped[Attempt] = relationship(back_populates="scores")
    overridden_by: Mapped[User | None] = relationship(foreign_keys=[overridden_by_id])

    @property
    def is_overridden(self) -> bool:
        return self.overridden_at is not None

    @hybrid_property
    def scorer_level(self) -> int | None:
        """The level the scorer gave, whatever a manager set since (in Python and in SQL)."""
        return self.original_level if self.is_overridden else self.level

    @scorer_level.inplace.expression
    @classmethod
    def _scorer_level_expression(cls):
        return case((cls.overridden_at.is_not(None), cls.original_level), else_=cls.level)
