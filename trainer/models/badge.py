"""Open Badges issued for clearances: each signed credential and its place in a status list."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from ._types import UTCDateTime, utcnow
from .clearance import Clearance
from .user import User


class BadgeCredential(db.Model):
    """A clearance issued as a signed Open Badges 3.0 credential. Its revocation bit, at
    (status_list, status_index), is set while the clearance is revoked. The signed JWT is kept
    so that downloading again hands out the same credential; the key never is."""

    __table_args__ = (UniqueConstraint("status_list", "status_index"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    credential_id: Mapped[str] = mapped_column(String(64), unique=True)  # "urn:uuid:..."
    clearance_id: Mapped[int] = mapped_column(ForeignKey("clearance.id"), index=True)
    status_list: Mapped[int] = mapped_column(Integer)
    status_index: Mapped[int] = mapped_column(Integer)
    key_id: Mapped[str] = mapped_column(String(300))  # the JWT header's kid
    valid_until: Mapped[datetime] = mapped_column(UTCDateTime)  # the clearance's expiry then
    issued_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    issued_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"), index=True)
    token: Mapped[str] = mapped_column(Text)  # the credential as a compact JWS (vc+jwt)

    clearance: Mapped[Clearance] = relationship()
    issued_by: Mapped[User | None] = relationship()
