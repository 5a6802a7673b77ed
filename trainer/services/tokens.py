"""API bearer tokens for routing systems: created once, stored only as a sha256, revocable."""

from __future__ import annotations

import hashlib
import hmac
import logging
import secrets
from datetime import datetime, timedelta
from functools import cache
from typing import NamedTuple

from sqlalchemy import Select, Update, bindparam, select, update

from ..domain.errors import TrainerError
from ..extensions import db, execute_plain
from ..models import ApiToken, User
from ..models._types import utcnow
from . import audit

log = logging.getLogger(__name__)

PREFIX = "trn_"  # makes a leaked token easy to recognise in logs and secret scanners
HINT_LENGTH = len(PREFIX) + 6  # what lists show: enough to tell tokens apart, useless to guess
MAX_NAME = 120
MAX_RAW = 200  # far longer than any token we issue; anything longer is not one of ours
TOUCH_EVERY = timedelta(minutes=1)  # last_used_at is written at most this often per token


class TokenError(TrainerError):
    """A token cannot be created or revoked as asked."""


def hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def create_token(name: str, actor: User | None = None, ip: str | None = None
                 ) -> tuple[ApiToken, str]:
    """A new token and its raw value: the only time the raw value exists outside the caller."""
    name = " ".join((name or "").split())
    if not name:
        raise TokenError("give the token a name, e.g. the system that will use it")
    if len(name) > MAX_NAME:
        raise TokenError(f"the name is too long (at most {MAX_NAME} characters)")
    raw = PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(name=name, token_hash=hash_token(raw), hint=raw[:HINT_LENGTH],
                     created_by_id=actor.id if actor else None, created_at=utcnow())
    db.session.add(token)
    db.session.flush()
    audit.record("token.created", actor, subject=name, ip=ip,
                 detail={"token_id": token.id, "hint": token.hint})
    db.session.commit()
    log.info("api token %s (%s) created", token.id, token.hint)
    return token, raw


def revoke_token(token: ApiToken, actor: User | None, ip: str | None = None) -> None:
    """Stop a token working, at once and for good."""
    if token.revoked_at is not None:
        raise TokenError(f"token '{token.name}' is already revoked")
    token.revoked_at = utcnow()
    token.revoked_by_id = actor.id if actor else None
    audit.record("token.revoked", actor, subject=token.name, ip=ip,
                 detail={"token_id": token.id, "hint": token.hint})
    db.session.commit()
    log.info("api token %s (%s) revoked", token.id, token.hint)


class LiveToken(NamedTuple):
    """What an API request needs of its token: which one, and when it was last used."""

    id: int
    last_used_at: datetime


def live_token(raw: str | None) -> LiveToken | None:
    """The live token with this raw value, or None (unknown, malformed or revoked); its use is
    recorded (at most once every TOUCH_EVERY). Reads one row's few columns: every API request
    asks."""
    if not raw or len(raw) > MAX_RAW:
        return None
    digest = hash_token(raw)
    # The lookup is by a hash of the secret, so its timing tells nothing about the secret;
    # compare_digest keeps the final check constant-time all the same.
    row = execute_plain(_by_hash(), {"digest": digest}).first()
    if row is None or not hmac.compare_digest(row.token_hash, digest):
        return None
    if row.revoked_at is not None:
        return None
    return LiveToken(row.id, _touch(row.id, row.last_used_at))


def token_for(raw: str | None) -> ApiToken | None:
    """The live token with this raw value as a model (see ``live_token``), or None."""
    live = live_token(raw)
    return None if live is None else db.session.get(ApiToken, live.id)


@cache
def _by_hash() -> Select:
    """Built once per process: every API request runs it."""
    return select(ApiToken.id, ApiToken.token_hash, ApiToken.revoked_at,
                  ApiToken.last_used_at).where(ApiToken.token_hash == bindparam("digest"))


@cache
def _touching() -> Update:
    return update(ApiToken).where(ApiToken.id == bindparam("token_id")).values(
        last_used_at=bindparam("now")).execution_options(synchronize_session=False)


def _touch(token_id: int, last_used_at: datetime | None) -> datetime:
    """When the token was last used, written now unless it was within TOUCH_EVERY."""
    now = utcnow()
    if last_used_at is not None and now - last_used_at < TOUCH_EVERY:
        return last_used_at
    execute_plain(_touching(), {"token_id": token_id, "now": now})
    db.session.commit()
    return now


def get_token(token_id: int) -> ApiToken | None:
    return db.session.get(ApiToken, token_id)


def list_tokens() -> list[ApiToken]:
    """Every token, live ones first, newest first within each group."""
    return list(db.session.scalars(
        select(ApiToken).order_by(ApiToken.revoked_at.is_not(None), ApiToken.id.desc())))
