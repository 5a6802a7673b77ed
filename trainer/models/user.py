"""People: departments, users with their role and manager, and server-side login sessions."""

from __future__ import annotations

from datetime import date, datetime

from flask_login import UserMixin
from sqlalchemy import Boolean, Date, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from ._types import UTCDateTime, utcnow

ROLES = ("trainee", "manager", "admin")


class Department(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(80), unique=True)

    def __repr__(self) -> str:
        return f"<Department {self.name}>"


class User(UserMixin, db.Model):
    # People are listed by name: everyone, one manager's direct reports, one department, one
    # role, the active ones.
    __table_args__ = (
        Index("ix_user_manager_id_name", "manager_id", "name"),
        Index("ix_user_department_id_name", "department_id", "name"),
        Index("ix_user_role_name", "role", "name"),
        Index("ix_user_active_name", "active", "name"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)  # stored lower-cased
    name: Mapped[str] = mapped_column(String(120), index=True)
    password_hash: Mapped[str | None] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(16), default="trainee")
    department_id: Mapped[int | None] = mapped_column(ForeignKey("department.id"))
    manager_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    start_date: Mapped[date | None] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    wants_digest: Mapped[bool] = mapped_column(Boolean, default=True)  # weekly email (managers)

    department: Mapped[Department | None] = relationship()
    manager: Mapped[User | None] = relationship(remote_side=[id], back_populates="reports")
    reports: Mapped[list[User]] = relationship(back_populates="manager")

    @property
    def is_active(self) -> bool:  # Flask-Login: a deactivated user cannot log in
        return self.active

    @property
    def is_manager(self) -> bool:
        return self.role in {"manager", "admin"}

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"

    def __repr__(self) -> str:
        return f"<User {self.email} {self.role}>"


class UserSession(db.Model):
    """A login, held on the server: logout or deactivation deletes it, so a copied cookie dies."""

    id: Mapped[str] = mapped_column(String(64), primary_key=True)  # sha256 of the cookie's token
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    # Both bound a session's life: expiring old sessions looks them up by either.
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    last_seen: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    ip: Mapped[str | None] = mapped_column(String(64))
    user_agent: Mapped[str | None] = mapped_column(String(255))
    # A secret waiting to be shown once on the next page (a new API token), XOR a one-time pad
    # that only the session cookie holds: neither side alone reveals it (services/auth.py).
    pending_secret: Mapped[str | None] = mapped_column(String(512))
