"""Writing and verifying the hash-chained, append-only audit log."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import UTC
from typing import Any

from sqlalchemy import select, text

from ..extensions import db
from ..models import AuditEvent, User
from ..models._types import utcnow

GENESIS = "0" * 64


def event_hash(prev_hash: str, event: AuditEvent) -> str:
    payload = json.dumps({"prev": prev_hash, "at": event.at.astimezone(UTC).isoformat(),
                          "actor": event.actor_id,
                          "action": event.action, "subject": event.subject,
                          "reason": event.reason, "detail": event.detail, "ip": event.ip},
                         sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(payload.encode()).hexdigest()


def record(action: str, actor: User | None = None, subject: str = "", reason: str = "",
           detail: dict[str, Any] | None = None, ip: str | None = None) -> AuditEvent:
    """Append an event in the caller's transaction (the caller commits)."""
    if db.engine.dialect.name == "postgresql":  # serialise writers so the chain never forks
        db.session.execute(text("SELECT pg_advisory_xact_lock(727274)"))
    last = db.session.scalar(select(AuditEvent).order_by(AuditEvent.id.desc()).limit(1))
    event = AuditEvent(at=utcnow(), actor_id=actor.id if actor else None, action=action,
                       subject=subject, reason=reason, detail=detail or {}, ip=ip)
    event.prev_hash = last.hash if last else GENESIS
    event.hash = event_hash(event.prev_hash, event)
    db.session.add(event)
    db.session.flush()
    return event


@dataclass(frozen=True)
class ChainReport:
    checked: int
    first_bad_id: int | None = None
    problem: str = ""

    @property
    def ok(self) -> bool:
        return self.first_bad_id is None


def verify_chain() -> ChainReport:
    """Walk the log in order; report the first event that was altered or follows a missing one."""
    prev = GENESIS
    count = 0
    for event in db.session.scalars(select(AuditEvent).order_by(AuditEvent.id)):
        count += 1
        if event.prev_hash != prev:
            return ChainReport(count, event.id, f"event {event.id} does not follow the event "
                                                "before it: an event was removed or reordered")
        if event_hash(prev, event) != event.hash:
            return ChainReport(count, event.id, f"event {event.id} ({event.action}) was altered")
        prev = event.hash
    return ChainReport(count)
