"""A trainee's spoken answer kept as audio (only with TRAINER_KEEP_AUDIO on), until it expires."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from ._types import UTCDateTime, utcnow
from .attempt import Turn


class AudioClip(db.Model):
    """The WAV a trainee spoke for one answer. Written when it is transcribed, with no turn yet;
    ``turn_id`` is set when the answer is sent. ``trainer sweep`` and the sweeps delete clips
    past ``expires_at`` and clips never linked to a turn (services/voice.py)."""

    id: Mapped[int] = mapped_column(primary_key=True)
    attempt_id: Mapped[int] = mapped_column(ForeignKey("attempt.id", ondelete="CASCADE"),
                                            index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id"), index=True)
    turn_id: Mapped[int | None] = mapped_column(ForeignKey("turn.id", ondelete="CASCADE"),
                                                unique=True)
    mime: Mapped[str] = mapped_column(String(40))
    data: Mapped[bytes] = mapped_column(LargeBinary)
    duration_ms: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)

    turn: Mapped[Turn | None] = relationship()
