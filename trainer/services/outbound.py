"""The one place domain events leave the app: ``publish`` writes the event and one delivery per
target (the xAPI LRS, each webhook endpoint) in the caller's transaction, so a committed change
always has its event; after the commit each delivery goes to the job queue (RQ on REDIS_URL),
or without Redis is sent here and now within TRAINER_OUTBOUND_TIMEOUT, never failing the
request. A failed try is retried with backoff (TRAINER_OUTBOUND_RETRY_INTERVALS) until
TRAINER_OUTBOUND_RETRIES are used up; then the delivery is "failed" until an admin retries it.
Sending is in outbound_delivery.py; expiry, which has no moment of its own, is published by
``trainer events deliver`` (publish_expired)."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Mapping
from datetime import datetime, timedelta
from typing import Any
from uuid import uuid4

from flask import current_app, has_app_context
from sqlalchemy import event, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, joinedload

from ..domain import xapi as xapi_statements
from ..extensions import db
from ..models import Attempt, Clearance, User
from ..models._types import utcnow
from ..models.outbound import (
    PENDING,
    WEBHOOK,
    XAPI,
    ExpiryNotice,
    OutboundDelivery,
    OutboxEvent,
)
from . import webhooks, xapi

log = logging.getLogger(__name__)

GRANTED, REVOKED = "clearance.granted", "clearance.revoked"
RENEWED, EXPIRED = "clearance.renewed", "clearance.expired"
ATTEMPT_SCORED = "attempt.scored"
WEBHOOK_KINDS = frozenset({GRANTED, REVOKED, RENEWED, EXPIRED})  # what routing systems get
PENDING_KEY = "trainer.outbound.pending"  # session.info: deliveries to send after the commit
EXPIRY_SLACK = timedelta(days=1)  # looked back past the latest published expiry (clock skew)
EXPIRY_BATCH = 200


def publish(kind: str, build: Callable[[], Mapping[str, Any]],
            occurred_at: datetime | None = None,
            targets: list[tuple[str, int | None]] | None = None) -> OutboxEvent | None:
    """Add the event and its deliveries to the session (the caller commits); nothing at all
    when no target wants it. ``build`` makes the payload, only when it is needed."""
    targets = event_targets(kind) if targets is None else targets
    if not targets:
        return None
    when = occurred_at or utcnow()
    retries = int(current_app.config["TRAINER_OUTBOUND_RETRIES"])
    record = OutboxEvent(uuid=str(uuid4()), kind=kind, occurred_at=when, payload=dict(build()))
    for target, endpoint_id in targets:
        record.deliveries.append(OutboundDelivery(
            target=target, endpoint_id=endpoint_id, status=PENDING, attempts=0,
            retries_left=retries, next_attempt_at=when, last_error=""))
    db.session.add(record)
    db.session.flush()
    send_after_commit(d.id for d in record.deliveries)
    return record


def event_targets(kind: str) -> list[tuple[str, int | None]]:
    targets: list[tuple[str, int | None]] = []
    if kind in xapi_statements.KINDS and xapi.is_enabled():
        targets.append((XAPI, None))
    if kind in WEBHOOK_KINDS:
        targets += [(WEBHOOK, endpoint_id) for endpoint_id in webhooks.active_endpoint_ids()]
    return targets


def send_after_commit(delivery_ids: Iterable[int]) -> None:
    db.session.info.setdefault(PENDING_KEY, []).extend(delivery_ids)


def clearance_event(kind: str, clearance: Clearance, actor: User | None = None,
                    previous_expires_at: datetime | None = None) -> OutboxEvent | None:
    """The hook in services/clearances.py: a grant, revocation or renewal (``actor``: who granted
    or revoked it)."""
    return publish(kind, lambda: clearance_payload(clearance, actor, previous_expires_at))


def attempt_scored(attempt: Attempt) -> OutboxEvent | None:
    """The hook in services/scoring.py: an attempt was scored (xAPI only)."""
    return publish(ATTEMPT_SCORED, lambda: attempt_payload(attempt))


def _person(user: User | None) -> dict[str, str] | None:
    return {"email": user.email, "name": user.name} if user is not None else None


def _when(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def clearance_payload(clearance: Clearance, actor: User | None,
                      previous_expires_at: datetime | None = None) -> dict[str, Any]:
    from .library import get_library

    category = get_library().categories.get(clearance.category)
    data = {"id": clearance.id, "person": _person(clearance.user),
            "category": clearance.category, "category_title": category.title if category else None,
            "level": clearance.level, "limit": float(clearance.limit),
            "granted_at": _when(clearance.granted_at), "expires_at": _when(clearance.expires_at),
            "revoked_at": _when(clearance.revoked_at), "reason": clearance.revoke_reason or None,
            "is_exception": bool(clearance.is_exception)}
    if previous_expires_at is not None:
        data["previous_expires_at"] = _when(previous_expires_at)
    return {"clearance": data, "actor": _person(actor)}


def attempt_payload(attempt: Attempt) -> dict[str, Any]:
    from .library import get_library

    category = get_library().categories.get(attempt.category)
    tops = {d["name"]: len(d.get("levels") or ()) - 1
            for d in (attempt.rubric_snapshot or {}).get("dimensions", ())}
    return {
        "person": _person(attempt.user),
        "attempt": {"id": attempt.id, "scenario_id": attempt.scenario_id,
                    "scenario_title": (attempt.scenario_snapshot or {}).get("title")
                    or attempt.scenario_id,
                    "category": attempt.category,
                    "category_title": category.title if category else None,
                    "difficulty": attempt.difficulty, "mode": attempt.mode,
                    "overall": attempt.overall, "passed": bool(attempt.passed),
                    "needs_review": bool(attempt.needs_review),
                    "started_at": _when(attempt.started_at),
                    "finished_at": _when(attempt.finished_at)},
        "dimensions": {s.dimension: {"level": s.level, "max": tops.get(s.dimension)}
                       for s in attempt.scores}}


@event.listens_for(Session, "after_commit")
def _after_commit(session: Session) -> None:
    """The change and its event are committed: send the deliveries now (never raises)."""
    ids = session.info.pop(PENDING_KEY, None)
    if not ids or not has_app_context():
        return
    from .outbound_delivery import dispatch

    try:
        dispatch(ids)
    except Exception:  # the user's change is committed: a delivery problem must not undo that
        log.exception("outbound deliveries %s could not be started; the sweep sends them", ids)


@event.listens_for(Session, "after_soft_rollback")
def _after_rollback(session: Session, previous_transaction) -> None:
    if previous_transaction.parent is None:  # the whole transaction, events and all, is gone
        session.info.pop(PENDING_KEY, None)


def publish_expired(now: datetime | None = None) -> int:
    """Publish ``clearance.expired`` once for each unrevoked clearance whose expiry has passed.
    Looks only past the latest expiry already published (the expires_at index), so a run costs
    what expired since the last one."""
    now = now or utcnow()
    latest = db.session.scalar(select(func.max(ExpiryNotice.expires_at)))
    query = (select(Clearance).outerjoin(ExpiryNotice, ExpiryNotice.clearance_id == Clearance.id)
             .where(ExpiryNotice.clearance_id.is_(None), Clearance.revoked_at.is_(None),
                    Clearance.expires_at <= now)
             .options(joinedload(Clearance.user))
             .order_by(Clearance.expires_at, Clearance.id).limit(EXPIRY_BATCH))
    if latest is not None:
        query = query.where(Clearance.expires_at >= latest - EXPIRY_SLACK)
    targets = event_targets(EXPIRED)
    published = 0
    while batch := list(db.session.scalars(query)):
        for clearance in batch:
            db.session.add(ExpiryNotice(clearance_id=clearance.id,
                                        expires_at=clearance.expires_at, published_at=now))
            publish(EXPIRED, lambda c=clearance: clearance_payload(c, None),
                    occurred_at=clearance.expires_at, targets=targets)
        try:
            db.session.commit()
        except IntegrityError:  # another run published these at the same time
            db.session.rollback()
            log.info("clearance expiries were being published by another run")
            break
        published += len(batch)
    return published
