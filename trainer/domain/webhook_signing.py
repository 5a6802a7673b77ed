"""Webhook bodies and their signatures: what a routing system receives, and how it checks that
the trainer sent it.

The signature is HMAC-SHA256, keyed with the endpoint's secret, over ``f"{t}.{body}"`` where
``t`` is the Unix time of sending and ``body`` the exact bytes of the request body. It travels as
``Trainer-Signature: t=<t>,v1=<hex digest>``; a receiver recomputes it, compares in constant
time, and refuses a ``t`` too far from its own clock (a replayed old request)."""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Mapping
from typing import Any

SIGNATURE_HEADER = "Trainer-Signature"
EVENT_ID_HEADER = "Trainer-Event-Id"
EVENT_TYPE_HEADER = "Trainer-Event-Type"
SCHEME = "v1"
TOLERANCE_SECONDS = 300  # how old a signed request a receiver should still accept


def event_body(event_id: str, kind: str, occurred_at: str, payload: Mapping[str, Any]) -> bytes:
    """The JSON body of a webhook: the same bytes on every try of the same event."""
    body = {"id": event_id, "type": kind, "occurred_at": occurred_at, **payload}
    return json.dumps(body, sort_keys=True, separators=(",", ":"),
                      ensure_ascii=False).encode("utf-8")


def signature(secret: str, timestamp: int, body: bytes) -> str:
    """The hex HMAC-SHA256 of ``timestamp.body`` under ``secret``."""
    message = str(int(timestamp)).encode() + b"." + body
    return hmac.new(secret.encode("utf-8"), message, hashlib.sha256).hexdigest()


def signature_header(secret: str, timestamp: int, body: bytes) -> str:
    return f"t={int(timestamp)},{SCHEME}={signature(secret, timestamp, body)}"


def parse_header(header: str) -> tuple[int | None, list[str]]:
    """The timestamp and the v1 signatures of a header (several during a secret's rotation)."""
    timestamp, found = None, []
    for part in (header or "").split(","):
        key, _, value = part.strip().partition("=")
        if key == "t" and value.isdigit():
            timestamp = int(value)
        elif key == SCHEME and value:
            found.append(value)
    return timestamp, found


def is_valid(secret: str, header: str, body: bytes, now: float,
             tolerance: int = TOLERANCE_SECONDS) -> bool:
    """What a receiver checks: a signature of this body by this secret, sent recently."""
    timestamp, signatures = parse_header(header)
    if timestamp is None or not signatures or abs(now - timestamp) > tolerance:
        return False
    expected = signature(secret, timestamp, body)
    return any(hmac.compare_digest(expected, candidate) for candidate in signatures)
