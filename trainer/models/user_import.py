"""Staff CSV imports run off the request path: the job with its progress and result, and the
checked rows still waiting to be imported (each deleted as its user is created)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from ._types import UTCDateTime, utcnow
from .user import User

QUEUED, RUNNING, DONE, FAILED = "queued", "running", "done", "failed"
IMPORT_STATUSES = (QUEUED, RUNNING, DONE, FAILED)


class UserImport(db.Model):
    """One uploaded file being imported. ``problems`` are rows skipped or changed while the job
    ran (the file itself was checked before the job was queued): {"line", "message"} each."""

    id: Mapped[int] = mapped_column(primary_key=True)
    status: Mapped[str] = mapped_column(String(16), default=QUEUED)
    source: Mapped[str] = mapped_column(String(255), default="")  # the file name, cut to fit
    runs_in: Mapped[str] = mapped_column(String(16), default="web")  # worker, web or cli
    runner: Mapped[str | None] = mapped_column(String(32))  # the run that holds the job now
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    heartbeat_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # at every batch
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    total: Mapped[int] = mapped_column(default=0)
    done: Mapped[int] = mapped_column(default=0)  # rows dealt with: created or skipped
    created: Mapped[int] = mapped_column(default=0)
    skipped: Mapped[int] = mapped_column(default=0)
    without_password: Mapped[int] = mapped_column(default=0)  # created, cannot log in yet
    departments_created: Mapped[list[str]] = mapped_column(JSON, default=list)
    problems: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    message: Mapped[str] = mapped_column(Text, default="")  # why it failed

    created_by: Mapped[User | None] = relationship()

    @property
    def is_finished(self) -> bool:
        return self.status in (DONE, FAILED)

    @property
    def problem_lines(self) -> list[str]:
        return [f"line {p['line']}: {p['message']}" for p in self.problems]

    def __repr__(self) -> str:
        return f"<UserImport {self.id} {self.status} {self.done}/{self.total}>"


class UserImportRow(db.Model):
    """A checked row waiting for its user. ``password`` is the password XOR a one-time pad that
    only the running job holds (never the database), so no readable password is stored."""

    # The job takes its rows in order, a batch at a time.
    __table_args__ = (Index("ix_user_import_row_import_id_position", "import_id", "position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    import_id: Mapped[int] = mapped_column(ForeignKey("user_import.id", ondelete="CASCADE"))
    position: Mapped[int]  # managers in the file come before the people who report to them
    line: Mapped[int]
    data: Mapped[dict[str, Any]] = mapped_column(JSON)  # email, name, role, department, ...
    password: Mapped[str | None] = mapped_column(Text)  # masked, hex
