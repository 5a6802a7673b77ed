"""What trainees say back: a rating of the scenario they played (with a comment), handled by an
author; and a dispute of one dimension's score, resolved by the next manager's review."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, SmallInteger, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from ._types import UTCDateTime, utcnow
from .attempt import Attempt
from .user import User

# A dispute's outcome once a manager has reviewed the attempt (services/reviews.py).
UPHELD, CHANGED = "upheld", "changed"


class Feedback(db.Model):
    """One per attempt (given by the attempt's trainee; editable until an author handles it).
    Each rating is 0 no, 1 partly, 2 yes (domain/feedback.py); ``rating_total`` is their
    sum, stored so the authors' list sorts negative first through an index."""

    # The authors' list: unhandled first, then the lowest total, then the newest; filtered by
    # scenario; a manager's view narrowed to their people.
    __table_args__ = (
        Index("ix_feedback_handled_at_rating_total_created_at",
              "handled_at", "rating_total", "created_at"),
        Index("ix_feedback_scenario_id_rating_total", "scenario_id", "rating_total"),
        Index("ix_feedback_user_id_created_at", "user_id", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    attempt_id: Mapped[int] = mapped_column(ForeignKey("attempt.id", ondelete="CASCADE"),
                                            unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id"))  # the trainee who gave it
    scenario_id: Mapped[str] = mapped_column(String(80))  # copied from the attempt, to filter
    realistic: Mapped[int] = mapped_column(SmallInteger)
    fair_score: Mapped[int] = mapped_column(SmallInteger)
    useful: Mapped[int] = mapped_column(SmallInteger)
    rating_total: Mapped[int] = mapped_column(Integer)
    comment: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    handled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    handled_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"), index=True)
    handled_note: Mapped[str] = mapped_column(Text, default="")

    attempt: Mapped[Attempt] = relationship()
    user: Mapped[User] = relationship(foreign_keys=[user_id])
    handled_by: Mapped[User | None] = relationship(foreign_keys=[handled_by_id])

    @property
    def is_handled(self) -> bool:
        return self.handled_at is not None


class Dispute(db.Model):
    """A trainee's disagreement with one dimension's level on their attempt: open until a
    manager confirms or overrides the attempt, which resolves it (upheld or changed)."""

    # An attempt's disputes (its scorecard, the review that resolves them); the open ones (the
    # review queue); a manager's list, open first, newest first.
    __table_args__ = (
        Index("ix_dispute_attempt_id_resolved_at", "attempt_id", "resolved_at"),
        Index("ix_dispute_resolved_at_attempt_id", "resolved_at", "attempt_id"),
        Index("ix_dispute_user_id_created_at", "user_id", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    attempt_id: Mapped[int] = mapped_column(ForeignKey("attempt.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id"))  # the trainee who disputed
    dimension: Mapped[str] = mapped_column(String(16))
    level: Mapped[int | None] = mapped_column(Integer)  # the level disputed, as it stood
    reason: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    resolved_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"), index=True)
    resolution: Mapped[str | None] = mapped_column(String(16))  # upheld or changed
    resolved_level: Mapped[int | None] = mapped_column(Integer)  # the level after the review
    resolution_note: Mapped[str] = mapped_column(Text, default="")  # the override's comment

    attempt: Mapped[Attempt] = relationship()
    user: Mapped[User] = relationship(foreign_keys=[user_id])
    resolved_by: Mapped[User | None] = relationship(foreign_keys=[resolved_by_id])

    @property
    def is_open(self) -> bool:
        return self.resolved_at is None
