"""What the audit-log tests do to a chain: write three events, and forge it as someone with write
access to the table would (every later link recomputed, with a guessed key, no key or the real
one), or as it was before the chain had a key."""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import delete, select

from trainer.extensions import db
from trainer.models import AuditEvent
from trainer.models._types import utcnow
from trainer.services.audit import GENESIS, event_mac, record, unkeyed_hash

Link = Callable[[str, AuditEvent], str]


def three_events() -> list[int]:
    ids = [record("token.created", subject="a", detail={"token_id": 1}).id,
           record("login.failed", subject="b@example.com", reason="bad password").id,
           record("token.revoked", subject="a", detail={"token_id": 1}).id]
    db.session.commit()
    return ids


def reread() -> None:
    db.session.commit()
    db.session.expire_all()


def guessed_key_link(prev: str, event: AuditEvent) -> str:
    return event_mac(prev, event, key=b"a guess at the key")


def rechain_from(event_id: int, forge, link: Link = guessed_key_link) -> None:
    """What someone with write access to the table but not the key can do: replace the events
    from ``event_id`` on with copies (``forge`` may change each), every link recomputed with
    ``link`` (a guessed key unless told)."""
    events = db.session.scalars(select(AuditEvent).where(AuditEvent.id >= event_id)
                                .order_by(AuditEvent.id)).all()
    copies = [dict(at=e.at, actor_id=e.actor_id, action=e.action, subject=e.subject,
                   reason=e.reason, detail=e.detail, ip=e.ip) for e in events]
    prev = db.session.get(AuditEvent, event_id).prev_hash
    db.session.execute(delete(AuditEvent).where(AuditEvent.id >= event_id))
    db.session.flush()
    for fields in forge(copies):
        event = AuditEvent(**fields, prev_hash=prev, hash="")
        event.hash = link(prev, event)
        db.session.add(event)
        db.session.flush()
        prev = event.hash
    reread()


def with_forged_grant(copies: list[dict]) -> list[dict]:
    forged = dict(copies[0], action="clearance.granted", subject="mallory@example.com",
                  reason="looks routine", detail={"category": "billing-dispute", "limit": 5000})
    return [copies[0], forged, *copies[1:]]


def unkeyed_chain(count: int) -> None:
    """A log written before the chain had a key: each event carries a plain SHA-256."""
    prev = GENESIS
    for n in range(count):
        event = AuditEvent(at=utcnow(), action="user.created", subject=f"old{n}@example.com",
                           reason="", detail={}, prev_hash=prev, hash="")
        event.hash = unkeyed_hash(prev, event)
        db.session.add(event)
        db.session.flush()
        prev = event.hash
    db.session.commit()
