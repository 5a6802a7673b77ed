"""Email: the links that set a password (reset and invitation), the reminders already sent, and
a log of every message handed to the SMTP server (or refused by it)."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Boolean, Date, ForeignKey, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from ._types import UTCDateTime, utcnow
from .user import User

RESET, INVITE = "reset", "invite"  # PasswordToken.purpose
SENDING, SENT, FAILED, EMPTY = "sending", "sent", "failed", "empty"  # ReminderSent.status

# Track reminders find people by start date (services/reminders_due.py): the index belongs to
# the feature that reads it, so it is declared here (and made by migration 0012).
Index("ix_user_start_date", User.__table__.c.start_date)


class PasswordToken(db.Model):
    """A link that sets ``user``'s password once, before ``expires_at``. Only the sha256 of the
    token is kept; ``stamp`` fingerprints the password hash as it was when the link was made, so
    any change of password (by this link or any other way) ends every older link."""

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    purpose: Mapped[str] = mapped_column(String(16))  # RESET or INVITE
    digest: Mapped[str] = mapped_column(String(64), unique=True)  # sha256 of the token, hex
    stamp: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user.id", ondelete="SET NULL"), index=True)  # the admin who invited
    import_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_import.id", ondelete="SET NULL"), index=True)  # invited by an import
    mailed: Mapped[bool | None] = mapped_column(Boolean)  # the server took the mail (None: not yet)

    user: Mapped[User] = relationship(foreign_keys=[user_id])


class ReminderSent(db.Model):
    """One reminder to one person, claimed before it is sent: the unique key makes each reminder
    go out once however many `trainer remind` runs overlap. ``subject_id`` is the person whose
    track it is, the clearance, or the digest's manager; ``due_on`` the due date, the expiry
    date or the digest's week (its Monday), so next year's rotation is reminded again."""

    __table_args__ = (UniqueConstraint("kind", "subject_id", "user_id", "threshold", "due_on"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))  # onboarding, rotation, clearance, digest
    subject_id: Mapped[int] = mapped_column(Integer)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    threshold: Mapped[str] = mapped_column(String(10))  # "14", "7", "overdue", "30", "weekly"
    due_on: Mapped[date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(10), default=SENDING)
    tries: Mapped[int] = mapped_column(Integer, default=1)
    sent_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class MailLog(db.Model):
    """Every message this app tried to send: to whom, what kind, and whether the server took it
    (never the message itself: a reset link must not sit in the database)."""

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    kind: Mapped[str] = mapped_column(String(20))
    recipient: Mapped[str] = mapped_column(String(254))
    user_id: Mapped[int | None] = mapped_column(
        ForeignKey("user.id", ondelete="SET NULL"), index=True)
    ok: Mapped[bool] = mapped_column(Boolean)
    error: Mapped[str] = mapped_column(String(500), default="")
