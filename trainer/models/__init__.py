"""SQLAlchemy models, one module per aggregate."""

from .attempt import Attempt, Score, Turn
from .audit import AuditCheckpoint, AuditEvent
from .clearance import ApiToken, Clearance
from .feedback import Dispute, Feedback
from .llm_call import LLMCall
from .password_sheet import ImportPasswordSheet
from .user import ROLES, Department, User, UserSession
from .user_import import UserImport, UserImportRow

__all__ = ["ROLES", "ApiToken", "Attempt", "AuditCheckpoint", "AuditEvent", "Clearance",
           "Department", "Dispute", "Feedback", "ImportPasswordSheet", "LLMCall", "Score", "Turn",
           "User", "UserImport", "UserImportRow", "UserSession"]
