"""Resolution authority: clearances granted by managers, and API tokens for routing systems."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

from sqlalchemy import JSON, Boolean, ForeignKey, Index, Integer, Numeric, String, Text, and_
from sqlalchemy.ext.hybrid import hybrid_method
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..domain.qualification import (
    EXPIRY_WARNING_DAYS,
    expiring_soon,
    is_current,
    warning_window,
)
from ..extensions import db
from ._types import UTCDateTime, utcnow
from .user import User


class Clearance(db.Model):
    """Who may resolve which category of complaint, up to what amount, until when."""

    # The routing API's question: this category's unrevoked clearances that have not expired.
    __table_args__ = (Index("ix_clearance_category_revoked_at_expires_at",
                            "category", "revoked_at", "expires_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id"), index=True)
    category: Mapped[str] = mapped_column(String(80))
    level: Mapped[int] = mapped_column(Integer)
    limit: Mapped[Decimal] = mapped_column(Numeric(12, 2))
    granted_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"), index=True)
    granted_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    basis: Mapped[list[int]] = mapped_column(JSON, default=list)  # qualifying attempt ids
    # Attempts that pass only by the granter's own override: listed beside the basis, never
    # counted in it (a manager cannot lift an attempt and then grant on it as if it were earned).
    overridden_by_granter: Mapped[list[int]] = mapped_column(JSON, default=list)
    is_exception: Mapped[bool] = mapped_column(Boolean, default=False)  # granted while ineligible
    justification: Mapped[str] = mapped_column(Text, default="")
    renewed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"), index=True)
    revoke_reason: Mapped[str] = mapped_column(Text, default="")

    user: Mapped[User] = relationship(foreign_keys=[user_id])
    granted_by: Mapped[User | None] = relationship(foreign_keys=[granted_by_id])
    revoked_by: Mapped[User | None] = relationship(foreign_keys=[revoked_by_id])

    # "Current" and "expiring soon" are domain/qualification.py's rules: in Python they are
    # called as they are; in SQL (``Clearance.is_current(now)`` in a where clause, of the entity
    # or an alias) they are the same comparisons, written once, here.
    @hybrid_method
    def is_current(self, now: datetime) -> bool:
        """Counts at ``now``: granted by then, not revoked, and ``now`` before the expiry."""
        return is_current(self.granted_at, self.expires_at, self.revoked_at, now)

    @is_current.expression
    @classmethod
    def _is_current_expression(cls, now: datetime):
        """``now`` may be a bind parameter (a statement built once): its value is then given in
        UTC by the caller, as SQLite compares the stored text."""
        now = now.astimezone(UTC) if isinstance(now, datetime) else now
        return and_(cls.revoked_at.is_(None), cls.granted_at <= now, cls.expires_at > now)

    @hybrid_method
    def is_expiring_soon(self, now: datetime, days: int = EXPIRY_WARNING_DAYS) -> bool:
        """Current, but stops within ``days`` days (the holder and their manager are told)."""
        return self.is_current(now) and expiring_soon(self.expires_at, now, days)

    @is_expiring_soon.expression
    @classmethod
    def _is_expiring_soon_expression(cls, now: datetime, days: int = EXPIRY_WARNING_DAYS):
        start, end = (when.astimezone(UTC) for when in warning_window(now, days))
        return and_(cls.is_current(now), cls.expires_at > start, cls.expires_at <= end)


class ApiToken(db.Model):
    """A bearer token for the routing API; only its sha256 is stored."""

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    hint: Mapped[str] = mapped_column(String(12))  # the token's first characters, for lists
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"), index=True)

    created_by: Mapped[User | None] = relationship(foreign_keys=[created_by_id])
