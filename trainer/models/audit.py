"""The append-only audit log: each event carries a MAC over itself and the event before it, and
checkpoints remember how far the chain was last verified."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from ._types import UTCDateTime, utcnow


class AuditEvent(db.Model):
    # The audit page lists one action's events newest first.
    __table_args__ = (Index("ix_audit_event_action_id", "action", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"), index=True)
    action: Mapped[str] = mapped_column(String(40))  # e.g. login.failed, user.created
    subject: Mapped[str] = mapped_column(String(254), default="", index=True)
    reason: Mapped[str] = mapped_column(Text, default="")
    detail: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    ip: Mapped[str | None] = mapped_column(String(64))
    prev_hash: Mapped[str] = mapped_column(String(64), unique=True)  # one successor each: no forks
    hash: Mapped[str] = mapped_column(String(64), unique=True)  # HMAC-SHA256 keyed by the audit key


class AuditCheckpoint(db.Model):
    """The chain was verified intact from the start up to ``event_id`` (whose MAC was
    ``event_hash``): later verifications start here. ``mac`` is keyed, so whoever can write the
    table without the key cannot plant a checkpoint that skips a forged stretch."""

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(index=True)  # no foreign key: events may be removed
    event_hash: Mapped[str] = mapped_column(String(64))
    events: Mapped[int]  # how many events up to and including event_id
    unkeyed: Mapped[int] = mapped_column(default=0)  # of those, written before the key existed
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    mac: Mapped[str] = mapped_column(String(64))
