"""SQLAlchemy models, one module per aggregate."""

from .attempt import Attempt, Score, Turn
from .audit import AuditCheckpoint, AuditEvent
from .clearance import ApiToken, Clearance
from .llm_call import LLMCall
from .user import ROLES, Department, User, UserSession
from .user_import import UserImport, UserImportRow

__all__ = ["ROLES", "ApiToken", "Attempt", "AuditCheckpoint", "AuditEvent", "Clearance",
           "Department", "LLMCall", "Score", "Turn", "User", "UserImport", "UserImportRow",
           "UserSession"]
