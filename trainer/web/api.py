"""The routing API (DESIGN contract): who may resolve a complaint, for helpdesk systems."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import UTC
from functools import wraps
from typing import Any

from flask import Blueprint, Response, abort, g, jsonify, request

from ..extensions import csrf
from ..models import Clearance
from ..models._types import utcnow
from ..services.clearances import ResolverKey, resolvers
from ..services.library import get_library
from ..services.tokens import token_for
from . import cursors
from .routing import parse_amount

log = logging.getLogger(__name__)
bp = Blueprint("api", __name__, url_prefix="/api/v1")
csrf.exempt(bp)  # bearer tokens only: no cookie ever authenticates here, so no CSRF to forge

REALM = 'Bearer realm="trainer"'
DEFAULT_LIMIT = 50  # resolvers a page: a routing system needs the first few, rarely all
MAX_LIMIT = 200
CURSOR = "resolvers"


def _unauthorized(message: str, bad_token: bool) -> Response:
    """401 with the RFC 6750 challenge; ``error`` only when credentials were actually sent."""
    challenge = f'{REALM}, error="invalid_token"' if bad_token else REALM
    response = jsonify(error=message)
    response.status_code = 401
    response.headers["WWW-Authenticate"] = challenge
    return response


def _bearer() -> str | None:
    """The token from ``Authorization: Bearer TOKEN``; "" for a malformed header, None for none."""
    header = request.headers.get("Authorization")
    if header is None:
        return None
    scheme, _, token = header.strip().partition(" ")
    token = token.strip()
    if scheme.lower() != "bearer" or not token or " " in token:
        return ""
    return token


def token_required(view: Callable) -> Callable:
    """Only a live bearer token gets in; a browser's session cookie counts for nothing here."""

    @wraps(view)
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        raw = _bearer()
        if raw is None:
            return _unauthorized("an API token is required: Authorization: Bearer TOKEN", False)
        token = token_for(raw) if raw else None
        if token is None:
            log.info("api: refused a bad or revoked token from %s", request.remote_addr)
            return _unauthorized("the API token is malformed, unknown or revoked", True)
        g.api_token_id = token.id
        return view(*args, **kwargs)

    return wrapped


@bp.after_request
def _no_store(response: Response) -> Response:
    response.headers["Cache-Control"] = "no-store"  # who holds authority changes at any moment
    return response


@bp.get("/health")
def health():
    return jsonify(status="ok")


@bp.get("/resolvers")
@token_required
def list_resolvers():
    """One page of the people cleared right now, highest level first (README, "The routing
    API"): ``limit`` a page, the next page after ``cursor``, ``next_cursor`` null on the last."""
    category_id = request.args.get("category", "").strip()
    if not category_id:
        abort(400, description="the category parameter is required, e.g. ?category=billing-dispute")
    if category_id not in get_library().categories:
        abort(404, description=f"unknown category '{category_id}'")
    try:
        amount = parse_amount(request.args.get("amount"))
        limit = parse_limit(request.args.get("limit"))
        after = _after(request.args.get("cursor"))
    except ValueError as exc:
        abort(400, description=str(exc))
    # One more than the page: whether it exists says if there is a next page.
    found = resolvers(category_id, amount, utcnow(), limit=limit + 1, after=after)
    page = found[:limit]
    more = len(found) > limit
    return jsonify(category=category_id, resolvers=[_resolver(c) for c in page],
                   next_cursor=cursors.encode(CURSOR, list(ResolverKey.of(page[-1])))
                   if more else None)


def parse_limit(raw: str | None) -> int:
    """How many resolvers a page holds: DEFAULT_LIMIT unless a whole number from 1 to MAX_LIMIT
    is given; ValueError says what is wrong."""
    text = (raw or "").strip()
    if not text:
        return DEFAULT_LIMIT
    if not (text.isascii() and text.isdigit() and len(text) <= 3  # never int() a huge one
            and 1 <= int(text) <= MAX_LIMIT):
        raise ValueError(f"limit must be a whole number from 1 to {MAX_LIMIT}")
    return int(text)


def _after(cursor: str | None) -> ResolverKey | None:
    if not cursor:
        return None
    return ResolverKey(*cursors.decode(CURSOR, cursor, (int, str, int)))


def _resolver(clearance: Clearance) -> dict[str, Any]:
    user = clearance.user
    expires = clearance.expires_at.astimezone(UTC).isoformat(timespec="seconds")
    return {"email": user.email, "name": user.name,
            "department": user.department.name if user.department else None,
            "level": clearance.level, "limit": float(clearance.limit),
            "expires_at": expires.replace("+00:00", "Z")}
