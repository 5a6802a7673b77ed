"""Logging in and out: credential checks, failed-login throttling, server-side sessions and
changing one's own password."""

from __future__ import annotations

import hashlib
import logging
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cache, lru_cache

from flask import current_app
from sqlalchemy import Select, bindparam, delete, select
from sqlalchemy.orm import joinedload

from ..domain.errors import TrainerError
from ..extensions import db
from ..models import User, UserSession
from ..models._types import utcnow
from . import audit, login_limits
from .columns import fit
from .passwords import check_password, hash_password, password_problems

log = logging.getLogger(__name__)

LAST_SEEN_EVERY = timedelta(minutes=1)  # write last_seen at most this often


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


def attempt_login(email: str, password: str, ip: str | None = None) -> LoginOutcome:
    """Check the credentials unless this account or address has used up its failed logins;
    audit the result and commit. The slot is taken before the check (services/login_limits.py),
    so parallel guesses get no more checks than the limit, even if one of them then fails."""
    email = normalise_email(email)
    reservation = login_limits.reserve(email, ip)
    if not reservation.allowed:
        log.warning("login refused while locked out: email=%r ip=%s", email, ip)
        return LoginOutcome(locked=True, retry_minutes=reservation.retry_minutes)
    user = db.session.scalar(select(User).where(User.email == email))  # stored lower-cased
    password_ok = check_password((user and user.password_hash) or _dummy_hash(), password)
    if user is None or not user.password_hash or not password_ok or not user.active:
        reason = "unknown email" if user is None else \
            "inactive" if not user.active and password_ok else "wrong password"
        audit.record("login.failed", subject=email, detail={"reason": reason}, ip=ip)
        db.session.commit()
        log.warning("login failed: email=%r ip=%s reason=%s", email, ip, reason)
        return LoginOutcome()
    login_limits.succeeded(reservation)
    audit.record("login.succeeded", actor=user, subject=email, ip=ip)
    db.session.commit()
    log.info("login succeeded: user=%s ip=%s", user.id, ip)
    return LoginOutcome(user=user)


def start_session(user: User, ip: str | None = None, user_agent: str | None = None) -> str:
    """Store a new server-side session and return its raw token (kept only in the cookie)."""
    purge_expired_sessions()  # sessions whose cookie simply expired are never logged out
    token = secrets.token_urlsafe(32)
    db.session.add(UserSession(id=token_digest(token), user_id=user.id,
                               ip=fit(UserSession.ip, ip) or None,
                               user_agent=fit(UserSession.user_agent, user_agent) or None))
    db.session.commit()
    return token


def _limits() -> tuple[timedelta, timedelta]:
    """(idle timeout, absolute lifetime) of a session."""
    seconds = current_app.config["SESSION_MAX_SECONDS"]  # settings.py: TRAINER_SESSION_MAX_HOURS
    return current_app.permanent_session_lifetime, timedelta(seconds=seconds)


def _is_expired(row: UserSession, now: datetime) -> bool:
    idle, absolute = _limits()
    return now - row.last_seen > idle or now - row.created_at > absolute


def purge_expired_sessions(now: datetime | None = None) -> int:
    """Delete sessions past their idle timeout or absolute lifetime (the caller commits). Run at
    each login, not each request; one range on one index per statement, so each reads only the
    expired rows (PostgreSQL plans an OR of the two as a whole-table scan until it has
    statistics)."""
    now = now or utcnow()
    idle, absolute = _limits()
    return sum(db.session.execute(delete(UserSession).where(too_old)).rowcount
               for too_old in (UserSession.last_seen < now - idle,
                               UserSession.created_at < now - absolute))


@cache
def _session_and_user() -> Select:
    """One statement: the session, its user and their department. Built once per process: every
    request runs it, and building it anew cost more than running it."""
    return (select(UserSession, User).join(User, User.id == UserSession.user_id)
            .options(joinedload(User.department))
            .where(UserSession.id == bindparam("digest")))


def user_for_session(token: object, user_id: str,
                     on_touch: Callable[[], None] | None = None) -> User | None:
    """The active user whose live session this token is, or None (a forged or ended session).
    ``on_touch`` is called when the session's ``last_seen`` is written (at most once a minute):
    the web layer re-sends the cookie then, so its expiry slides with the server's idle timeout
    without re-signing it on every request."""
    if not isinstance(token, str) or not token:
        return None
    found = db.session.execute(_session_and_user(), {"digest": token_digest(token)}).first()
    if found is None or str(found[0].user_id) != str(user_id):
        return None
    row, user = found
    now = utcnow()
    if _is_expired(row, now):
        db.session.delete(row)
        db.session.commit()
        return None
    if not user.active:
        return None
    if now - row.last_seen >= LAST_SEEN_EVERY:
        row.last_seen = now
        db.session.commit()
        if on_touch is not None:
            on_touch()
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


class PasswordChangeError(TrainerError):
    """The password was not changed: ``errors`` maps form fields to messages."""

    def __init__(self, errors: dict[str, str], locked: bool = False) -> None:
        super().__init__(" ".join(errors.values()))
        self.errors, self.locked = errors, locked


def change_own_password(user: User, current: str, new: str, ip: str | None = None) -> int:
    """Set ``user``'s password after checking the current one (a wrong one counts as a failed
    login, so this is no way round the limits), under the same rules as everywhere, and end
    every session of theirs (the caller starts a new one for this browser). Returns how many
    sessions were ended."""
    reservation = login_limits.reserve(normalise_email(user.email), ip)
    if not reservation.allowed:
        raise PasswordChangeError({"current_password": (
            f"Too many failed attempts: try again in {reservation.wait}.")},
            locked=True)
    if not check_password(user.password_hash, current or ""):
        audit.record("user.password_change_failed", user, subject=user.email, ip=ip,
                     detail={"reason": "wrong current password"})
        db.session.commit()
        raise PasswordChangeError({"current_password": "That is not your current password."})
    login_limits.succeeded(reservation)
    problems = password_problems(new or "", user.email, user.name)
    if new == current:
        problems.append("Choose a password different from the current one.")
    if problems:
        raise PasswordChangeError({"new_password": " ".join(problems)})
    user.password_hash = hash_password(new)
    ended = end_all_sessions(user)
    audit.record("user.password_changed", user, subject=user.email, ip=ip,
                 detail={"sessions_ended": ended})
    db.session.commit()
    log.info("user %s changed their password; %s session(s) ended", user.id, ended)
    return ended


def stash_secret(session_token: object, secret: str) -> str | None:
    """Keep ``secret`` with this server-side session for one display, split in two: the row
    holds it XOR a random pad, and the returned pad goes in the (signed, not encrypted) cookie.
    Neither half alone reveals it; the row's half is deleted when shown or at logout."""
    row = _session_row(session_token)
    if row is None:
        return None
    data = secret.encode()
    pad = secrets.token_bytes(len(data))
    row.pending_secret = bytes(a ^ b for a, b in zip(data, pad, strict=True)).hex()
    db.session.commit()
    return pad.hex()


def take_secret(session_token: object, pad: object) -> str | None:
    """The stashed secret, once: the row's half is cleared as it is read."""
    row = _session_row(session_token)
    if row is None or not row.pending_secret or not isinstance(pad, str):
        return None
    stored, row.pending_secret = row.pending_secret, None
    db.session.commit()
    try:
        halves = bytes.fromhex(stored), bytes.fromhex(pad)
    except ValueError:
        return None
    if len(halves[0]) != len(halves[1]):
        return None
    return bytes(a ^ b for a, b in zip(*halves, strict=True)).decode(errors="replace")


def _session_row(token: object) -> UserSession | None:
    if not isinstance(token, str) or not token:
        return None
    return db.session.get(UserSession, token_digest(token))
