"""Outbound events: the outbox of domain events, their deliveries (to the xAPI LRS or a webhook
endpoint), the webhook endpoints themselves, and which clearance expiries have been announced."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from ._types import UTCDateTime, utcnow
from .user import User

PENDING, DELIVERED, FAILED = "pending", "delivered", "failed"
XAPI, WEBHOOK = "xapi", "webhook"


class OutboxEvent(db.Model):
    """A domain event (a grant, a scored attempt...), written in the transaction that made it
    happen: if the change is committed, so is the event, and its deliveries with it."""

    id: Mapped[int] = mapped_column(primary_key=True)
    uuid: Mapped[str] = mapped_column(String(36), unique=True)  # the event id receivers see
    kind: Mapped[str] = mapped_column(String(40))  # e.g. clearance.granted, attempt.scored
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # What happened, as it was then (names, amounts, levels): later edits never change an event.
    payload: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)

    deliveries: Mapped[list[OutboundDelivery]] = relationship(back_populates="event")


class WebhookEndpoint(db.Model):
    """Where a routing system wants clearance events POSTed, and the secret that signs them."""

    id: Mapped[int] = mapped_column(primary_key=True)
    url: Mapped[str] = mapped_column(String(2000))
    description: Mapped[str] = mapped_column(String(120), default="")
    # Kept as given: the app needs it to sign every delivery (shown once, when created).
    secret: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"), index=True)
    # Removed endpoints stay, so their deliveries can still be listed; they get no new ones.
    removed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    removed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"), index=True)

    created_by: Mapped[User | None] = relationship(foreign_keys=[created_by_id])


class OutboundDelivery(db.Model):
    """One event to one target, with how its tries went."""

    # The sweep's question: pending deliveries whose next try is due; the admin's list of one
    # status, newest first a page at a time (migration 0022).
    __table_args__ = (Index("ix_outbound_delivery_status_next_attempt_at",
                            "status", "next_attempt_at"),
                      Index("ix_outbound_delivery_status_id", "status", "id"))

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("outbox_event.id", ondelete="CASCADE"),
                                          index=True)
    target: Mapped[str] = mapped_column(String(16))  # xapi or webhook
    endpoint_id: Mapped[int | None] = mapped_column(ForeignKey("webhook_endpoint.id"),
                                                    index=True)
    status: Mapped[str] = mapped_column(String(16), default=PENDING)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    retries_left: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_attempt_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    delivered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    response_code: Mapped[int | None] = mapped_column(Integer)
    last_error: Mapped[str] = mapped_column(Text, default="")

    event: Mapped[OutboxEvent] = relationship(back_populates="deliveries")
    endpoint: Mapped[WebhookEndpoint | None] = relationship()


class ExpiryNotice(db.Model):
    """A clearance whose expiry has been published, so that it is published once."""

    clearance_id: Mapped[int] = mapped_column(ForeignKey("clearance.id", ondelete="CASCADE"),
                                              primary_key=True)
    # The clearance's expiry, copied: the latest one is where the next run starts looking.
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    published_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
