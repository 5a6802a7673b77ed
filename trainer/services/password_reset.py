"""Links that set a password, sent by email: "forgot your password" resets (an hour) and
invitations for people created without a password (a week). Single-use, time-limited, stored as
sha256 only, and tied to the password as it was when sent: any change of password ends every
older link. Deactivated people get nothing, and a link of theirs stops working."""

from __future__ import annotations

import hashlib
import logging
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import timedelta

from flask import current_app
from sqlalchemy import func, select, update

from ..domain.errors import TrainerError
from ..extensions import db
from ..models import PasswordToken, User
from ..models._types import utcnow
from ..models.mail import INVITE, RESET
from . import audit, locks, mail
from .auth import end_all_sessions, normalise_email, token_digest
from .passwords import hash_password, password_problems

log = logging.getLogger(__name__)

RESET_LIFETIME = timedelta(hours=1)
INVITE_LIFETIME = timedelta(days=7)
LIFETIMES = {RESET: RESET_LIFETIME, INVITE: INVITE_LIFETIME}
# Reset links one person can be sent within RESET_WINDOW: the form is open to anyone, and must
# not become a way to flood someone's inbox.
RESETS_PER_WINDOW = 3
RESET_WINDOW = timedelta(hours=1)
TOKEN_BYTES = 32


class LinkInvalid(TrainerError):
    """The link is unknown, used, expired, superseded, or its person was deactivated."""


class PasswordRefused(TrainerError):
    """The new password breaks the rules; the message says which."""


class InviteRefused(TrainerError):
    """This person cannot be invited (the message says why)."""


def password_stamp(user: User) -> str:
    """A fingerprint of the user's password hash (or of having none): a link remembers it."""
    return hashlib.sha256(f"trainer-password:{user.password_hash or ''}".encode()).hexdigest()


def is_available() -> bool:
    """Links by email need mail, and passwords (not with single sign-on only)."""
    return bool(current_app.config.get("TRAINER_PASSWORD_LOGIN", True)) and mail.is_enabled()


def issue(user: User, purpose: str, actor: User | None = None,
          import_id: int | None = None) -> tuple[PasswordToken, str]:
    """A new link for ``user`` (the row is added, not committed) and its token: only the
    token's digest is stored, so the token must go straight into the mail."""
    token = secrets.token_urlsafe(TOKEN_BYTES)
    now = utcnow()
    row = PasswordToken(user_id=user.id, purpose=purpose, digest=token_digest(token),
                        stamp=password_stamp(user), created_at=now,
                        expires_at=now + LIFETIMES[purpose], import_id=import_id,
                        created_by_id=actor.id if actor else None)
    db.session.add(row)
    return row, token


def _mailed(row: PasswordToken, ok: bool) -> bool:
    row.mailed = ok
    db.session.commit()
    return ok


# --- "forgot your password?" -------------------------------------------------------------------

def request_reset(email: str, ip: str | None = None) -> bool:
    """What the form's answer hides: when ``email`` is an active person's, and they have not
    been sent too many links lately, store a link and mail it. True when a mail was sent."""
    user = db.session.scalar(select(User).where(User.email == normalise_email(email)))
    if user is None or not user.active:
        log.info("password reset asked for %s: no active user", "an unknown email"
                 if user is None else f"user {user.id}")
        return False
    locks.lock(user)  # one request at a time per person: the count below cannot go stale
    since = utcnow() - RESET_WINDOW
    recent = db.session.scalar(select(func.count()).select_from(PasswordToken).where(
        PasswordToken.user_id == user.id, PasswordToken.purpose == RESET,
        PasswordToken.created_at > since)) or 0
    if recent >= RESETS_PER_WINDOW:
        log.warning("password reset for user %s refused: %s links in the last %s", user.id,
                    recent, RESET_WINDOW)
        db.session.rollback()  # lets go of the lock
        return False
    row, token = issue(user, RESET)
    audit.record("user.password_reset_requested", None, subject=user.email, ip=ip)
    db.session.commit()
    minutes = int(RESET_LIFETIME.total_seconds() // 60)
    return _mailed(row, mail.send(mail.compose(
        user.email, user.name, "Reset your Trainer password", "password_reset",
        link=_link(token), minutes=minutes), "reset", user.id))


def request_reset_job(email: str, ip: str | None = None) -> bool:
    """request_reset as a queued job (`trainer worker`) or a mail thread."""
    from .queue import job_context

    with job_context():
        return request_reset(email, ip)


def _link(token: str) -> str:
    return mail.absolute_url("password_reset.reset", token=token)


# --- following a link ------------------------------------------------------------------------

@dataclass(frozen=True)
class Link:
    token: PasswordToken
    user: User

    @property
    def is_invitation(self) -> bool:
        return self.token.purpose == INVITE


def check_link(raw: object) -> Link:
    """The link behind ``raw`` if it may still set a password, else LinkInvalid."""
    if not isinstance(raw, str) or not raw or len(raw) > 200:
        raise LinkInvalid("This link is not valid.")
    found = db.session.execute(select(PasswordToken, User).join(
        User, User.id == PasswordToken.user_id).where(
        PasswordToken.digest == token_digest(raw))).first()
    if found is None:
        raise LinkInvalid("This link is not valid.")
    token, user = found
    if token.used_at is not None or token.stamp != password_stamp(user):
        raise LinkInvalid("This link has already been used.")
    if token.expires_at <= utcnow():
        raise LinkInvalid("This link has expired.")
    if not user.active:
        raise LinkInvalid("This account is deactivated.")
    return Link(token, user)


def use_link(raw: object, password: str, ip: str | None = None) -> User:
    """Set the password through the link, once: the same rules as everywhere, every session of
    the person ended, audited. LinkInvalid or PasswordRefused when nothing was changed."""
    link = check_link(raw)
    user = link.user
    problems = password_problems(password or "", user.email, user.name)
    if problems:
        raise PasswordRefused(" ".join(problems))
    new_hash = hash_password(password)  # the slow part, before the link is claimed
    claimed = db.session.execute(
        update(PasswordToken).where(PasswordToken.id == link.token.id,
                                    PasswordToken.used_at.is_(None))
        .values(used_at=utcnow()).execution_options(synchronize_session=False))
    if claimed.rowcount != 1:  # another request used it meanwhile
        db.session.rollback()
        raise LinkInvalid("This link has already been used.")
    user.password_hash = new_hash
    ended = end_all_sessions(user)
    action = "user.invitation_accepted" if link.is_invitation else "user.password_reset"
    audit.record(action, user, subject=user.email, ip=ip, detail={"sessions_ended": ended})
    db.session.commit()
    log.info("user %s set their password by %s link; %s session(s) ended", user.id,
             link.token.purpose, ended)
    return user


# --- invitations -----------------------------------------------------------------------------

def invite_refusal(user: User) -> str:
    """Why ``user`` cannot be invited now ("" when they can)."""
    if not is_available():
        return "Email is not set up."
    if not user.active:
        return f"{user.name} is deactivated."
    if user.password_hash:
        return f"{user.name} already has a password."
    return ""


def invite(user: User, actor: User | None = None, ip: str | None = None,
           mailer: mail.Mailer | None = None, import_id: int | None = None) -> bool:
    """Mail ``user`` a link to set their password (InviteRefused when they cannot be invited).
    True when the server took the mail; a failure is logged and recorded in MailLog."""
    refusal = invite_refusal(user)
    if refusal:
        raise InviteRefused(refusal)
    row, token = issue(user, INVITE, actor, import_id)
    audit.record("user.invited", actor, subject=user.email, ip=ip,
                 detail={"import": import_id} if import_id else None)
    db.session.commit()
    days = INVITE_LIFETIME.days
    message = mail.compose(user.email, user.name, "You are invited to Trainer", "invitation",
                           link=_link(token), days=days,
                           inviter=actor.name if actor else "",
                           department=user.department.name if user.department else "")
    if mailer is not None:
        return _mailed(row, mailer.send(message, "invite", user.id))
    return _mailed(row, mail.send(message, "invite", user.id))


@dataclass(frozen=True)
class InviteCount:
    sent: int = 0
    failed: int = 0


def invite_users(user_ids: Iterable[int], actor_id: int | None = None,
                 import_id: int | None = None) -> InviteCount:
    """Invite each of these people who can be (no password, active), on one SMTP connection."""
    ids = list(user_ids)
    if not ids or not is_available():
        return InviteCount()
    actor = db.session.get(User, actor_id) if actor_id else None
    people = db.session.scalars(select(User).where(
        User.id.in_(ids), User.password_hash.is_(None), User.active.is_(True)).order_by(User.id))
    sent = failed = 0
    with mail.Mailer() as mailer:
        for person in list(people):
            if invite(person, actor, mailer=mailer, import_id=import_id):
                sent += 1
            else:
                failed += 1
    return InviteCount(sent, failed)


def import_invitations(import_id: int) -> InviteCount:
    """How many invitations an import's mails got through, and how many the server refused."""
    rows = db.session.execute(select(PasswordToken.mailed, func.count()).where(
        PasswordToken.import_id == import_id, PasswordToken.purpose == INVITE)
        .group_by(PasswordToken.mailed))
    counts = dict(rows.all())
    return InviteCount(counts.get(True, 0), counts.get(False, 0))


def last_invitation(user: User) -> PasswordToken | None:
    """The newest invitation sent to ``user``, for their admin page."""
    return db.session.scalar(select(PasswordToken).where(
        PasswordToken.user_id == user.id, PasswordToken.purpose == INVITE)
        .order_by(PasswordToken.id.desc()).limit(1))
