"""Sending outbound deliveries: one try of one delivery (claimed first, so two senders do not both
send it), the RQ job that retries with backoff, the in-process sending used without Redis, and
the sweep that picks up whatever is due (`trainer events deliver`, and web requests without
Redis once a try has failed in this process)."""

from __future__ import annotations

import logging
import re
import time
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from flask import current_app
from sqlalchemy import select, update
from sqlalchemy.orm import Session, joinedload

from ..domain.errors import TrainerError
from ..extensions import db
from ..models._types import utcnow
from ..models.outbound import DELIVERED, FAILED, PENDING, XAPI, OutboundDelivery
from . import webhooks, xapi
from .outbound import send_after_commit
from .queue import FAILED_JOB_TTL, LIVE, SweepClock, get_queue, job_context, redis_location
from .webhooks import Response

if TYPE_CHECKING:
    from rq import Queue

log = logging.getLogger(__name__)

LEASE_SECONDS = 60  # past the HTTP timeout: a claimed delivery is left alone meanwhile
WEB_SWEEP_BATCH = 5  # the most deliveries one web request sends
_DUE_KEY = "trainer.outbound.due"  # app.extensions: a try failed here, a retry will be due
_CLOCK_KEY = "trainer.outbound.clock"


class DeliveryFailed(TrainerError):
    """Raised by the job after a failed try, so that RQ retries it after its interval."""


@dataclass(frozen=True)
class Outgoing:
    """What one try sends, read before the transaction ends (nothing is held over the network)."""

    target: str
    event_id: str
    kind: str
    occurred_at: str
    payload: dict[str, Any]
    url: str | None = None
    secret: str | None = None
    removed: bool = False


def retry_intervals() -> list[int]:
    raw = str(current_app.config["TRAINER_OUTBOUND_RETRY_INTERVALS"])
    return [int(part) for part in raw.split(",") if part.strip()] or [0]


def _timeout() -> float:
    return float(current_app.config["TRAINER_OUTBOUND_TIMEOUT"])


def attempt(session: Session, delivery_id: int, due_only: bool = True) -> str:
    """Send one delivery once and record how it went; returns its status afterwards, or
    "skipped" when it is not pending (or not due, or another sender holds it)."""
    now = utcnow()
    claim = update(OutboundDelivery).where(OutboundDelivery.id == delivery_id,
                                           OutboundDelivery.status == PENDING)
    if due_only:
        claim = claim.where(OutboundDelivery.next_attempt_at <= now)
    claimed = session.execute(claim.values(next_attempt_at=now + timedelta(
        seconds=LEASE_SECONDS)).execution_options(synchronize_session=False))
    if claimed.rowcount != 1:
        session.rollback()
        return "skipped"
    delivery = session.scalar(select(OutboundDelivery).where(OutboundDelivery.id == delivery_id)
                              .options(joinedload(OutboundDelivery.event),
                                       joinedload(OutboundDelivery.endpoint))
                              .execution_options(populate_existing=True))
    outgoing = _outgoing(delivery)
    session.commit()
    return _record(session, delivery_id, outgoing, _send(outgoing))


def _outgoing(delivery: OutboundDelivery) -> Outgoing:
    event, endpoint = delivery.event, delivery.endpoint
    common = {"target": delivery.target, "event_id": event.uuid, "kind": event.kind,
              "occurred_at": event.occurred_at.isoformat(), "payload": dict(event.payload)}
    if endpoint is None:
        return Outgoing(**common)
    return Outgoing(**common, url=endpoint.url, secret=endpoint.secret,
                    removed=endpoint.removed_at is not None)


def _send(out: Outgoing) -> Response:
    try:
        if out.target == XAPI:
            return xapi.send(out.event_id, out.kind, out.occurred_at, out.payload, _timeout())
        if out.removed or not out.url or not out.secret:
            return Response(None, "The endpoint was removed.")
        return webhooks.send(out.url, out.secret, out.event_id, out.kind, out.occurred_at,
                             out.payload, _timeout())
    except Exception as exc:  # a bug must still leave the delivery's state recorded
        log.exception("sending outbound event %s failed", out.event_id)
        return Response(None, f"{exc.__class__.__name__}: {exc}"[:webhooks.ERROR_CHARS])


def _record(session: Session, delivery_id: int, out: Outgoing, response: Response) -> str:
    delivery = session.get(OutboundDelivery, delivery_id, populate_existing=True)
    now = utcnow()
    delivery.attempts += 1
    delivery.last_attempt_at, delivery.response_code = now, response.code
    delivery.last_error = response.error
    if response.ok:
        delivery.status, delivery.delivered_at = DELIVERED, now
    elif delivery.retries_left > 0 and not out.removed:
        intervals = retry_intervals()
        used = max(0, int(current_app.config["TRAINER_OUTBOUND_RETRIES"]) - delivery.retries_left)
        delivery.retries_left -= 1
        delivery.next_attempt_at = now + timedelta(seconds=intervals[min(used,
                                                                          len(intervals) - 1)])
    else:
        delivery.status = FAILED
    status = delivery.status
    session.commit()
    if status != DELIVERED:
        log.warning("outbound delivery %s (%s %s) is %s: %s", delivery_id, out.kind,
                    out.url or out.target, status, response.error)
    return status


def dispatch(delivery_ids: Iterable[int], budget: float | None = None) -> dict[int, str]:
    """To the queue, or sent here without Redis (see deliver_now for ``budget``)."""
    ids = list(delivery_ids)

    queue = get_queue()
    if queue is not None:
        from redis.exceptions import RedisError

        try:
            return {delivery_id: _enqueue(queue, delivery_id) for delivery_id in ids}
        except RedisError as exc:
            log.warning("Redis at %s did not answer (%s): sending events in-process",
                        redis_location(), exc)
    return deliver_now(ids, budget)


def deliver_now(delivery_ids: Iterable[int], budget: float | None = None) -> dict[int, str]:
    """Send in this process, in a session of its own (the caller's may have just committed):
    the first delivery always, the next ones only while ``budget`` seconds (default
    TRAINER_OUTBOUND_TIMEOUT) are not spent; the rest wait for the sweep."""
    stop = time.monotonic() + (_timeout() if budget is None else budget)
    results: dict[int, str] = {}
    with Session(bind=db.engine, expire_on_commit=False) as session:
        for delivery_id in delivery_ids:
            if results and time.monotonic() > stop:
                results[delivery_id] = "later"
                continue
            results[delivery_id] = attempt(session, delivery_id)
    if any(status in {PENDING, "later"} for status in results.values()):
        current_app.extensions[_DUE_KEY] = True
    return results


def _job_id(queue_name: str, delivery_id: int) -> str:
    return f"{re.sub(r'[^A-Za-z0-9_-]', '_', queue_name)}-outbound-{delivery_id}"


def _enqueue(queue: Queue, delivery_id: int) -> str:
    from rq import Retry


    jid = _job_id(queue.name, delivery_id)
    existing = queue.fetch_job(jid)
    if existing is not None:
        if existing.get_status(refresh=False) in LIVE:
            return "waiting"
        existing.delete()
    retries = int(current_app.config["TRAINER_OUTBOUND_RETRIES"])
    queue.enqueue_call(deliver_job, args=(delivery_id,), job_id=jid,
                       timeout=int(_timeout() * 2) + 10, failure_ttl=FAILED_JOB_TTL,
                       retry=Retry(max=retries, interval=retry_intervals()) if retries else None,
                       description=f"outbound delivery {delivery_id}")
    return "enqueued"


def deliver_job(delivery_id: int) -> str:
    """The queued job: one try; a failure that may be retried raises, and RQ retries it."""

    with job_context():
        status = attempt(db.session, delivery_id, due_only=False)
        if status == PENDING:
            raise DeliveryFailed(f"outbound delivery {delivery_id} failed; it will be retried")
        return status


def due_ids(now: datetime | None = None, limit: int | None = None) -> list[int]:
    return list(db.session.scalars(select(OutboundDelivery.id).where(
        OutboundDelivery.status == PENDING, OutboundDelivery.next_attempt_at <= (now or utcnow()))
        .order_by(OutboundDelivery.next_attempt_at, OutboundDelivery.id).limit(limit)))


def deliver_due(limit: int | None = None, budget: float | None = None) -> dict[int, str]:
    """Every pending delivery whose try is due: queued again, or sent here without Redis."""
    ids = due_ids(limit=limit)
    db.session.commit()  # end the read: the sends run in sessions of their own
    return dispatch(ids, budget) if ids else {}


def retry(delivery: OutboundDelivery) -> None:
    """An admin's "retry": pending again with a fresh round of retries, sent after the commit."""
    delivery.status = PENDING
    delivery.retries_left = int(current_app.config["TRAINER_OUTBOUND_RETRIES"])
    delivery.next_attempt_at = utcnow()
    send_after_commit([delivery.id])
    db.session.commit()


def sweep_if_due() -> None:
    """For every web request, without Redis: once a try has failed in this process, at most
    every TRAINER_SWEEP_SECONDS one request sends a few due deliveries. Never raises."""
    app = current_app
    if app.config.get("REDIS_URL") or not app.extensions.get(_DUE_KEY):
        return

    clock = app.extensions.setdefault(_CLOCK_KEY, SweepClock())
    if not clock.take_turn(app.config["TRAINER_SWEEP_SECONDS"]):
        return
    try:
        deliver_due(limit=WEB_SWEEP_BATCH)
        if db.session.scalar(select(OutboundDelivery.id).where(
                OutboundDelivery.status == PENDING).limit(1)) is None:
            app.extensions[_DUE_KEY] = False
        db.session.commit()
    except Exception:
        db.session.rollback()
        log.exception("sending due outbound deliveries failed; the next sweep tries again")
