"""Webhook endpoints for routing systems (added and removed by admins, each with its own signing
secret), sending one signed event to one endpoint, and the HTTP POST that xAPI shares."""

from __future__ import annotations

import http.client
import logging
import secrets
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload

from ..domain.errors import TrainerError
from ..domain.webhook_signing import (
    EVENT_ID_HEADER,
    EVENT_TYPE_HEADER,
    SIGNATURE_HEADER,
    event_body,
    signature_header,
)
from ..extensions import db
from ..models import User
from ..models._types import utcnow
from ..models.outbound import OutboundDelivery, WebhookEndpoint
from . import audit
from .paging import LogPage, log_page

log = logging.getLogger(__name__)

MAX_URL = 2000
MAX_DESCRIPTION = 120
SECRET_PREFIX = "whsec_"  # makes a leaked secret easy to recognise
USER_AGENT = "trainer-webhooks/1"
ERROR_CHARS = 500  # of a receiver's answer kept with a failed delivery
DELIVERIES_PER_PAGE = 25


class WebhookError(TrainerError):
    """An endpoint that cannot be added or removed as asked."""


@dataclass(frozen=True)
class Response:
    """How one POST went: the HTTP status (None: no answer at all) and what went wrong."""

    code: int | None
    error: str = ""
    ok: bool = False


def checked_url(raw: str) -> str:
    """An absolute http(s) URL with a host, or WebhookError saying what is wrong."""
    url = (raw or "").strip()
    if not url:
        raise WebhookError("give the URL the events are POSTed to")
    if len(url) > MAX_URL:
        raise WebhookError(f"the URL is too long (at most {MAX_URL} characters)")
    if any(ch.isspace() for ch in url):
        raise WebhookError("the URL cannot contain spaces")
    try:
        parts = urlsplit(url)
        host, _ = parts.hostname, parts.port  # port raises ValueError when not a number
    except ValueError:
        raise WebhookError("that is not a valid URL") from None
    if parts.scheme not in {"http", "https"} or not host:
        raise WebhookError("the URL must start with http:// or https:// and name a host")
    return url


def add_endpoint(url: str, description: str = "", actor: User | None = None,
                 ip: str | None = None) -> tuple[WebhookEndpoint, str]:
    """A new endpoint and its signing secret: the only time the app hands the secret out."""
    url = checked_url(url)
    description = " ".join((description or "").split())
    if len(description) > MAX_DESCRIPTION:
        raise WebhookError(f"the description is too long (at most {MAX_DESCRIPTION} characters)")
    secret = SECRET_PREFIX + secrets.token_urlsafe(32)
    endpoint = WebhookEndpoint(url=url, description=description, secret=secret,
                               created_by_id=actor.id if actor else None, created_at=utcnow())
    db.session.add(endpoint)
    db.session.flush()
    audit.record("webhook.added", actor, subject=url, ip=ip,
                 detail={"endpoint": endpoint.id, "description": description})
    db.session.commit()
    log.info("webhook endpoint %s (%s) added", endpoint.id, url)
    return endpoint, secret


def remove_endpoint(endpoint: WebhookEndpoint, actor: User | None = None,
                    ip: str | None = None) -> None:
    """No new events for it; its pending deliveries fail on their next try."""
    if endpoint.removed_at is not None:
        raise WebhookError("this endpoint was already removed")
    endpoint.removed_at, endpoint.removed_by_id = utcnow(), actor.id if actor else None
    audit.record("webhook.removed", actor, subject=endpoint.url, ip=ip,
                 detail={"endpoint": endpoint.id})
    db.session.commit()
    log.info("webhook endpoint %s (%s) removed", endpoint.id, endpoint.url)


def active_endpoint_ids(session: Session | None = None) -> list[int]:
    session = session or db.session
    return list(session.scalars(select(WebhookEndpoint.id).where(
        WebhookEndpoint.removed_at.is_(None)).order_by(WebhookEndpoint.id)))


def list_endpoints() -> list[WebhookEndpoint]:
    """Active endpoints first, newest first within each group."""
    return list(db.session.scalars(select(WebhookEndpoint).options(
        joinedload(WebhookEndpoint.created_by)).order_by(
        WebhookEndpoint.removed_at.is_not(None), WebhookEndpoint.id.desc())))


def delivery_page(status: str = "", before: int | None = None,
                  after: int | None = None) -> LogPage:
    """Deliveries newest first, with their event and endpoint: the newest page, or the one just
    older than delivery ``before`` or newer than ``after`` (services/paging.log_page)."""
    query = select(OutboundDelivery).options(joinedload(OutboundDelivery.event),
                                             joinedload(OutboundDelivery.endpoint))
    if status:
        query = query.where(OutboundDelivery.status == status)
    return log_page(query, OutboundDelivery.id, DELIVERIES_PER_PAGE, before, after)


def send(url: str, secret: str, event_id: str, kind: str, occurred_at: str,
         payload: dict[str, Any], timeout: float) -> Response:
    """POST one event to one endpoint, signed with its secret as of now."""
    body = event_body(event_id, kind, occurred_at, payload)
    headers = {"Content-Type": "application/json", "User-Agent": USER_AGENT,
               EVENT_ID_HEADER: event_id, EVENT_TYPE_HEADER: kind,
               SIGNATURE_HEADER: signature_header(secret, int(time.time()), body)}
    return post(url, body, headers, timeout)


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    """A redirect is an answer, not a place to send the body to again."""

    def redirect_request(self, *args, **kwargs):
        return None


_OPENER = urllib.request.build_opener(_NoRedirects)


def post(url: str, body: bytes, headers: dict[str, str], timeout: float) -> Response:
    """One POST; any 2xx answer is a success. Never raises for a network or HTTP failure."""
    request = urllib.request.Request(url, data=body, headers=headers, method="POST")
    try:
        with _OPENER.open(request, timeout=timeout) as reply:
            reply.read(ERROR_CHARS)
            return Response(reply.status, ok=200 <= reply.status < 300)
    except urllib.error.HTTPError as exc:
        text = exc.read(ERROR_CHARS).decode("utf-8", "replace").strip() if exc.fp else ""
        return Response(exc.code, f"HTTP {exc.code} {exc.reason}" + (f": {text}" if text else ""))
    except (urllib.error.URLError, OSError, http.client.HTTPException, ValueError) as exc:
        reason = getattr(exc, "reason", None) or exc
        return Response(None, f"{exc.__class__.__name__}: {reason}"[:ERROR_CHARS])
