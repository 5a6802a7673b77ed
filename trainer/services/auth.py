"""Logging in and out: credential checks, failed-login throttling and server-side sessions."""

from __future__ import annotations

import hashlib
import logging
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import lru_cache

from flask import current_app
from sqlalchemy import delete, func, select

from ..extensions import db
from ..models import AuditEvent, User, UserSession
from ..models._types import utcnow
from . import audit
from .passwords import check_password, hash_password

log = logging.getLogger(__name__)

LAST_SEEN_EVERY = timedelta(minutes=1)  # write last_seen at most this often
DEFAULT_IP_MAX_FAILURES = 20
DEFAULT_SESSION_MAX_SECONDS = 24 * 3600  # absolute lifetime, however active the session


@dataclass(frozen=True)
class LoginOutcome:
    """``user`` is set when the credentials were right; ``locked`` when not even checked."""

    user: User | None = None
    locked: bool = False
    retry_minutes: int = 0  # when locked: how long to wait, at most


def normalise_email(email: str) -> str:
    return (email or "").strip().lower()


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@lru_cache(maxsize=1)
def _dummy_hash() -> str:
    """Checked for unknown users so that their answer takes as long as a real check."""
    return hash_password(secrets.token_urlsafe(16))


def _failures_since(since: datetime, *, subject: str | None = None, ip: str | None = None) -> int:
    query = select(func.count(AuditEvent.id)).where(AuditEvent.action == "login.failed",
                                                    AuditEvent.at >= since)
    if subject is not None:
        query = query.where(AuditEvent.subject == subject)
    if ip is not None:
        query = query.where(AuditEvent.ip == ip)
    return db.session.scalar(query) or 0


def is_locked_out(email: str, ip: str | None, now: datetime | None = None) -> bool:
    """Too many recent failures for this email (since its last success) or from this IP."""
    config = current_app.config
    window_start = (now or utcnow()) - timedelta(seconds=config["LOGIN_WINDOW_SECONDS"])
    email = normalise_email(email)
    last_success = db.session.scalar(
        select(func.max(AuditEvent.at)).where(AuditEvent.action == "login.succeeded",
                                              AuditEvent.subject == email))
    since = max(window_start, last_success) if last_success else window_start
    if _failures_since(since, subject=email) >= config["LOGIN_MAX_FAILURES"]:
        return True
    ip_max = config.get("LOGIN_MAX_FAILURES_PER_IP", DEFAULT_IP_MAX_FAILURES)
    return ip is not None and _failures_since(window_start, ip=ip) >= ip_max


def attempt_login(email: str, password: str, ip: str | None = None) -> LoginOutcome:
    """Check the credentials unless locked out; audit the result and commit."""
    email = normalise_email(email)
    if is_locked_out(email, ip):
        log.warning("login refused while locked out: email=%r ip=%s", email, ip)
        window = current_app.config["LOGIN_WINDOW_SECONDS"]
        return LoginOutcome(locked=True, retry_minutes=max(1, -(-window // 60)))
    user = db.session.scalar(select(User).where(func.lower(User.email) == email))
    password_ok = check_password((user and user.password_hash) or _dummy_hash(), password)
    if user is None or not user.password_hash or not password_ok or not user.active:
        reason = "unknown email" if user is None else \
            "inactive" if not user.active and password_ok else "wrong password"
        audit.record("login.failed", subject=email, detail={"reason": reason}, ip=ip)
        db.session.commit()
        log.warning("login failed: email=%r ip=%s reason=%s", email, ip, reason)
        return LoginOutcome()
    audit.record("login.succeeded", actor=user, subject=email, ip=ip)
    db.session.commit()
    log.info("login succeeded: user=%s ip=%s", user.id, ip)
    return LoginOutcome(user=user)


def start_session(user: User, ip: str | None = None, user_agent: str | None = None) -> str:
    """Store a new server-side session and return its raw token (kept only in the cookie)."""
    purge_expired_sessions()  # sessions whose cookie simply expired are never logged out
    token = secrets.token_urlsafe(32)
    db.session.add(UserSession(id=token_digest(token), user_id=user.id, ip=(ip or "")[:64] or None,
                               user_agent=(user_agent or "")[:255] or None))
    db.session.commit()
    return token


def _limits() -> tuple[timedelta, timedelta]:
    """(idle timeout, absolute lifetime) of a session."""
    seconds = current_app.config.get("SESSION_MAX_SECONDS", DEFAULT_SESSION_MAX_SECONDS)
    return current_app.permanent_session_lifetime, timedelta(seconds=seconds)


def _is_expired(row: UserSession, now: datetime) -> bool:
    idle, absolute = _limits()
    return now - row.last_seen > idle or now - row.created_at > absolute


def purge_expired_sessions(now: datetime | None = None) -> int:
    """Delete sessions past their idle timeout or absolute lifetime (the caller commits)."""
    now = now or utcnow()
    idle, absolute = _limits()
    result = db.session.execute(delete(UserSession).where(
        (UserSession.last_seen < now - idle) | (UserSession.created_at < now - absolute)))
    return result.rowcount


def user_for_session(token: object, user_id: str) -> User | None:
    """The active user whose live session this token is, or None (a forged or ended session)."""
    if not isinstance(token, str) or not token:
        return None
    row = db.session.get(UserSession, token_digest(token))
    if row is None or str(row.user_id) != str(user_id):
        return None
    now = utcnow()
    if _is_expired(row, now):
        db.session.delete(row)
        db.session.commit()
        return None
    user = db.session.get(User, row.user_id)
    if user is None or not user.active:
        return None
    if now - row.last_seen >= LAST_SEEN_EVERY:
        row.last_seen = now
        db.session.commit()
    return user


def end_session(token: object) -> None:
    """Delete the session behind this token (logout); unknown tokens are ignored."""
    if isinstance(token, str) and token:
        db.session.execute(delete(UserSession).where(UserSession.id == token_digest(token)))
        db.session.commit()


def end_all_sessions(user: User) -> int:
    """Delete every session of ``user`` (deactivation, password reset) in the caller's
    transaction (the caller commits); returns how many were ended."""
    result = db.session.execute(delete(UserSession).where(UserSession.user_id == user.id))
    log.info("ended %s session(s) of user %s", result.rowcount, user.id)
    return result.rowcount
