"""Sending an event's xAPI statements to the Learning Record Store: off unless
TRAINER_XAPI_ENDPOINT is set (with TRAINER_XAPI_USERNAME and TRAINER_XAPI_PASSWORD for HTTP Basic
authentication)."""

from __future__ import annotations

import base64
import json
from typing import Any

from flask import current_app

from ..domain import xapi
from .webhooks import Response, post

CONFLICT = 409  # the LRS holds other statements under these ids: sending again cannot help


def is_enabled() -> bool:
    return bool(current_app.config.get("TRAINER_XAPI_ENDPOINT"))


def statements_url(endpoint: str) -> str:
    """The LRS's statements resource: its endpoint (".../xAPI/") + "statements"."""
    return endpoint.rstrip("/") + "/statements"


def statements(event_id: str, kind: str, occurred_at: str,
               payload: dict[str, Any]) -> list[dict[str, Any]]:
    return xapi.statements_for(event_id, kind, occurred_at, payload,
                               current_app.config.get("TRAINER_BASE_URL"))


def send(event_id: str, kind: str, occurred_at: str, payload: dict[str, Any],
         timeout: float) -> Response:
    """POST the event's statements. Their ids are stable, so an LRS that already stored them
    (a try whose answer was lost) keeps one copy."""
    config = current_app.config
    endpoint = config.get("TRAINER_XAPI_ENDPOINT")
    if not endpoint:
        return Response(None, "xAPI is not configured (TRAINER_XAPI_ENDPOINT is not set)")
    found = statements(event_id, kind, occurred_at, payload)
    if not found:
        return Response(None, ok=True)
    headers = {"Content-Type": "application/json",
               "X-Experience-API-Version": xapi.VERSION, "User-Agent": "trainer-xapi/1"}
    username, password = config.get("TRAINER_XAPI_USERNAME"), config.get("TRAINER_XAPI_PASSWORD")
    if username or password:
        pair = f"{username or ''}:{password or ''}".encode()
        headers["Authorization"] = "Basic " + base64.b64encode(pair).decode("ascii")
    body = json.dumps(found, separators=(",", ":"), ensure_ascii=False).encode("utf-8")
    response = post(statements_url(endpoint), body, headers, timeout)
    if response.code == CONFLICT:
        return Response(CONFLICT, "The LRS already holds different statements with these ids; "
                                  "not sent again.", ok=True)
    return response
