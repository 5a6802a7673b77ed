"""SQLAlchemy models, one module per aggregate."""

from .attempt import Attempt, Score, Turn
from .audit import AuditEvent
from .user import ROLES, Department, User, UserSession

__all__ = ["ROLES", "Attempt", "AuditEvent", "Department", "Score", "Turn", "User", "UserSession"]
