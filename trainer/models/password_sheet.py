"""The one-time passwords a web import generated, waiting for the single download its admin may
make: each masked with a pad derived from a key that only that admin's session cookie holds."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from ._types import UTCDateTime, utcnow


class ImportPasswordSheet(db.Model):
    """Deleted when downloaded. ``entries`` are {"line", "email", "password"}, the password
    masked (hex): without the key in the admin's cookie nobody can read it, the database's
    owner included; without this row the key reveals nothing."""

    id: Mapped[int] = mapped_column(primary_key=True)
    import_id: Mapped[int] = mapped_column(
        ForeignKey("user_import.id", ondelete="CASCADE"), unique=True)
    owner_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    entries: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
