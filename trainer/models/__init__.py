"""SQLAlchemy models, one module per aggregate."""

from .attempt import Attempt, Score, Turn
from .audio import AudioClip
from .audit import AuditCheckpoint, AuditEvent
from .badge import BadgeCredential
from .clearance import ApiToken, Clearance
from .feedback import Dispute, Feedback
from .llm_call import LLMCall
from .mail import MailLog, PasswordToken, ReminderSent
from .outbound import ExpiryNotice, OutboundDelivery, OutboxEvent, WebhookEndpoint
from .password_sheet import ImportPasswordSheet
from .user import ROLES, Department, User, UserSession
from .user_import import UserImport, UserImportRow

__all__ = ["ROLES", "ApiToken", "Attempt", "AudioClip", "AuditCheckpoint",
           "AuditEvent", "BadgeCredential",
           "Clearance",
           "MailLog", "PasswordToken", "ReminderSent",
           "Department", "Dispute", "Feedback", "ImportPasswordSheet", "LLMCall", "Score", "Turn",
           "User", "UserImport", "UserImportRow", "UserSession",
           "ExpiryNotice", "OutboundDelivery", "OutboxEvent", "WebhookEndpoint"]
