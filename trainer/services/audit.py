"""Writing and verifying the append-only audit log: a chain of HMAC-SHA256 MACs keyed by
TRAINER_AUDIT_KEY, appended by one writer at a time, with checkpoints that remember how far the
chain was verified and catch the removal of its newest events."""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import Any

from flask import current_app
from sqlalchemy import ScalarResult, Select, func, select, text

from ..domain.errors import TrainerError
from ..extensions import db
from ..models import AuditCheckpoint, AuditEvent, User
from ..models._types import utcnow
from .columns import fit
from .locks import begin_write
from .paging import LogPage, log_page

log = logging.getLogger(__name__)

GENESIS = "0" * 64
# The audit page stores a checkpoint once it has verified this many events past the last one:
# a page load then walks at most this many events, and the table gains a row only now and then.
MARK_EVERY = 500
# The audit page verifies at most this many events a load (38-86 ms on SQLite, large set): a
# longer backlog since the last checkpoint is walked on over the next loads (a walk stopped at
# its limit always stores its checkpoint), or at once by `trainer audit checkpoint`.
WALK_LIMIT = 1000
PG_LOCK_ID = 727274  # pg_advisory_xact_lock key that serialises appends on PostgreSQL


class AuditKeyMissing(TrainerError):
    """TRAINER_AUDIT_KEY is not set where an event must be written or verified."""


def audit_key() -> bytes:
    key = current_app.config.get("TRAINER_AUDIT_KEY")
    if not key:
        raise AuditKeyMissing(
            "TRAINER_AUDIT_KEY is not set: the audit log cannot be written or verified. Set it "
            "to the same secret as the web app's (README, 'The audit log').")
    return key.encode()


def _payload(prev_hash: str, event: AuditEvent) -> bytes:
    return json.dumps({"prev": prev_hash, "at": event.at.astimezone(UTC).isoformat(),
                       "actor": event.actor_id, "action": event.action,
                       "subject": event.subject, "reason": event.reason,
                       "detail": event.detail, "ip": event.ip},
                      sort_keys=True, separators=(",", ":"), default=str).encode()


def event_mac(prev_hash: str, event: AuditEvent, key: bytes | None = None) -> str:
    """The event's MAC: only a holder of the audit key can make one that verifies."""
    return hmac.new(key or audit_key(), _payload(prev_hash, event), hashlib.sha256).hexdigest()


def unkeyed_hash(prev_hash: str, event: AuditEvent) -> str:
    """What events carried before the chain had a key (accepted only as the chain's start)."""
    return hashlib.sha256(_payload(prev_hash, event)).hexdigest()


def _lock_the_log() -> None:
    """Take the database's write lock before reading the head, so two writers never chain onto
    the same event (the unique prev_hash would refuse the second with an error)."""
    connection = db.session.connection()
    dialect = connection.dialect.name
    if dialect == "postgresql":
        connection.execute(text("SELECT pg_advisory_xact_lock(:id)"), {"id": PG_LOCK_ID})
    else:  # SQLite: its write lock, taken before the head is read
        begin_write()


def record(action: str, actor: User | None = None, subject: str = "", reason: str = "",
           detail: dict[str, Any] | None = None, ip: str | None = None) -> AuditEvent:
    """Append an event in the caller's transaction (the caller commits)."""
    key = audit_key()  # refuse before touching the transaction
    _lock_the_log()
    last = db.session.scalar(select(AuditEvent.hash).order_by(AuditEvent.id.desc()).limit(1))
    # The subject (an email, a file name) and the address are only recorded: cut, never fatal.
    event = AuditEvent(at=utcnow(), actor_id=actor.id if actor else None, action=action,
                       subject=fit(AuditEvent.subject, subject or ""), reason=reason,
                       detail=detail or {}, ip=fit(AuditEvent.ip, ip))
    event.prev_hash = last or GENESIS
    event.hash = event_mac(event.prev_hash, event, key)
    db.session.add(event)
    db.session.flush()
    return event


@dataclass(frozen=True)
class Checkpoint:
    """The chain's head at some moment: that event must still be there, with that MAC."""

    event_id: int
    mac: str
    source: str = "a checkpoint"


@dataclass(frozen=True)
class ChainReport:
    checked: int  # events read from the start, the first bad one included
    first_bad_id: int | None = None
    problem: str = ""
    unkeyed: int = 0  # events at the start of the chain written before it had a key
    head_id: int | None = None
    head_hash: str | None = None
    walked: int = 0  # events read this time; the others were verified before (since_event_id)
    complete: bool = True  # False: the walk stopped at its limit, newer events are unverified
    since_event_id: int | None = None
    since_at: datetime | None = None

    @property
    def ok(self) -> bool:
        return not self.problem


def checkpoint_mac(event_id: int, event_hash: str, events: int, unkeyed: int,
                   key: bytes | None = None) -> str:
    message = f"audit-checkpoint|{event_id}|{event_hash}|{events}|{unkeyed}".encode()
    return hmac.new(key or audit_key(), message, hashlib.sha256).hexdigest()


def _is_genuine(mark: AuditCheckpoint, key: bytes) -> bool:
    expected = checkpoint_mac(mark.event_id, mark.event_hash, mark.events, mark.unkeyed, key)
    return hmac.compare_digest(mark.mac, expected)


def _walk(events: Iterable[AuditEvent], key: bytes, expected: dict[int, Checkpoint], *,
          prev: str = GENESIS, count: int = 0, unkeyed: int = 0, **since: Any) -> ChainReport:
    """Check each event's link and MAC from ``prev`` on, and each checkpoint's event on the way."""
    keyed_seen, walked, head, seen = count > unkeyed, 0, None, set()

    def broken(event_id: int | None, problem: str) -> ChainReport:
        return ChainReport(count, event_id, problem, unkeyed, head and head.id,
                           head and head.hash, walked, **since)

    for event in events:
        count, walked = count + 1, walked + 1
        if event.prev_hash != prev:
            return broken(event.id, f"event {event.id} does not follow the event before it: an "
                                    "event was removed or reordered")
        if hmac.compare_digest(event.hash, event_mac(prev, event, key)):
            keyed_seen = True
        elif not keyed_seen and event.hash == unkeyed_hash(prev, event):
            unkeyed += 1  # from before the key; the first keyed event's MAC covers them all
        else:
            return broken(event.id, f"event {event.id} ({event.action}) was altered, or written "
                                    "with another TRAINER_AUDIT_KEY")
        point = expected.get(event.id)
        if point is not None:
            if not hmac.compare_digest(point.mac, event.hash):
                return broken(event.id, f"event {event.id} is not the one {point.source} "
                                        "recorded: the chain was rewritten from there")
            seen.add(event.id)
        prev, head = event.hash, event
    for point in sorted(expected.values(), key=lambda p: p.event_id):
        if point.event_id not in seen:
            how = "the newest events were removed" if head is None or point.event_id > head.id \
                else "the chain was rewritten around it"
            return broken(None, f"event {point.event_id}, recorded by {point.source}, is gone: "
                                f"{how}")
    return ChainReport(count, None, "", unkeyed, head and head.id, head and head.hash, walked,
                       **since)


def _events_after(event_id: int, limit: int | None = None) -> ScalarResult[AuditEvent]:
    """Read in batches (a server-side cursor on PostgreSQL), at most ``limit``: use it as a
    context manager, so a walk that stops early closes the cursor."""
    query = select(AuditEvent).where(AuditEvent.id > event_id).order_by(AuditEvent.id)
    return db.session.scalars(query.limit(limit).execution_options(yield_per=1000))


def _has_events_after(event_id: int | None) -> bool:
    return event_id is not None and db.session.scalar(
        select(select(AuditEvent.id).where(AuditEvent.id > event_id).exists()))


def verify_chain(checkpoints: Iterable[Checkpoint] = ()) -> ChainReport:
    """Walk the whole log from the start; also check that the event of every given checkpoint,
    and of every checkpoint stored in the database, is still there with the same MAC."""
    key = audit_key()
    expected = {point.event_id: point for point in checkpoints}
    for mark in db.session.scalars(select(AuditCheckpoint).order_by(AuditCheckpoint.id)):
        if not _is_genuine(mark, key):
            return ChainReport(0, None, f"stored checkpoint {mark.id} was altered or forged")
        expected.setdefault(mark.event_id, Checkpoint(mark.event_id, mark.event_hash,
                                                      f"stored checkpoint {mark.id}"))
    with _events_after(0) as events:
        return _walk(events, key, expected)


def latest_checkpoint() -> AuditCheckpoint | None:
    return db.session.scalar(select(AuditCheckpoint).order_by(AuditCheckpoint.id.desc()).limit(1))


def verify_recent(store: bool = True, limit: int | None = None) -> ChainReport:
    """Verify only the events after the last stored checkpoint (checking that its event is
    unchanged), at most ``limit`` of them (the report then says it is not ``complete``); store
    a new checkpoint when many events were verified (``store``)."""
    key = audit_key()
    mark = latest_checkpoint()
    if mark is None:
        with _events_after(0, limit) as events:
            report = _walk(events, key, {})
    else:
        since = {"since_event_id": mark.event_id, "since_at": mark.created_at}
        anchor = db.session.get(AuditEvent, mark.event_id)
        if not _is_genuine(mark, key):
            problem = f"stored checkpoint {mark.id} was altered or forged"
        elif anchor is None:
            problem = f"event {mark.event_id}, verified before, has been removed"
        elif anchor.hash != mark.event_hash or anchor.hash != (
                unkeyed_hash(anchor.prev_hash, anchor) if mark.unkeyed == mark.events
                else event_mac(anchor.prev_hash, anchor, key)):
            problem = f"event {mark.event_id} ({anchor.action}), verified before, was altered"
        else:
            problem = ""
        if problem:
            return ChainReport(mark.events, mark.event_id, problem, **since)
        with _events_after(mark.event_id, limit) as events:
            report = _walk(events, key, {}, prev=mark.event_hash, count=mark.events,
                           unkeyed=mark.unkeyed, **since)
    if report.ok and limit is not None and report.walked == limit:
        report = replace(report, complete=not _has_events_after(report.head_id))
    if store and report.ok and (report.walked >= MARK_EVERY or not report.complete):
        store_checkpoint(report)
        db.session.commit()
    return report


def store_checkpoint(report: ChainReport) -> AuditCheckpoint | None:
    """Remember that the chain was verified up to the report's head (the caller commits)."""
    if not report.ok or report.head_id is None:
        return None
    latest = latest_checkpoint()
    if latest is not None and latest.event_id == report.head_id:
        return latest
    mark = AuditCheckpoint(event_id=report.head_id, event_hash=report.head_hash,
                           events=report.checked, unkeyed=report.unkeyed, created_at=utcnow())
    mark.mac = checkpoint_mac(mark.event_id, mark.event_hash, mark.events, mark.unkeyed)
    db.session.add(mark)
    log.info("audit chain verified up to event %s (%s events)", mark.event_id, mark.events)
    return mark


def _of_action(query: Select, action: str = "") -> Select:
    """``query`` over the log, of one action when one is given."""
    return query.where(AuditEvent.action == action) if action else query


def event_page(per_page: int, action: str = "", before: int | None = None,
               after: int | None = None) -> LogPage[AuditEvent]:
    """The log newest first, one page: the newest, or the one just older than event ``before``
    or newer than event ``after`` (services/paging.log_page: no count, no offset)."""
    return log_page(_of_action(select(AuditEvent), action), AuditEvent.id, per_page, before,
                    after)


def newest_events(limit: int, action: str = "") -> list[tuple[AuditEvent, str | None]]:
    """The newest ``limit`` events, each with its actor's email (None: the system)."""
    query = _of_action(select(AuditEvent, User.email).outerjoin(
        User, User.id == AuditEvent.actor_id), action)
    return [tuple(row) for row in db.session.execute(
        query.order_by(AuditEvent.id.desc()).limit(limit))]


def recorded_actions() -> list[str]:
    """Every action the log holds, in order: the choices of the audit page's filter. Found a
    step at a time along ix_audit_event_action_id (each step the first action after the last
    one: one probe per action, a recursive query), where DISTINCT read the whole log."""
    found = select(func.min(AuditEvent.action).label("action")).cte("actions", recursive=True)
    after = (select(func.min(AuditEvent.action)).where(AuditEvent.action > found.c.action)
             .scalar_subquery())
    found = found.union_all(select(after).where(found.c.action.is_not(None)))
    return list(db.session.scalars(select(found.c.action).where(found.c.action.is_not(None))
                                   .order_by(found.c.action)))
