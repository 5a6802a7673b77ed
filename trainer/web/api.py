"""The routing API (DESIGN contract): who may resolve a complaint, for helpdesk systems."""

from __future__ import annotations

import logging
from datetime import UTC
from typing import Any

from flask import Blueprint, Response, abort, jsonify, request
from flask_httpauth import HTTPTokenAuth

from ..extensions import csrf
from ..models._types import utcnow
from ..services.clearance_lists import Resolver, ResolverKey, resolvers
from ..services.library import get_library
from ..services.tokens import LiveToken, live_token
from . import cursors
from .routing import parse_amount

log = logging.getLogger(__name__)
PREFIX = "/api/"  # every version's: bearer tokens only, no session (web/security.py)
bp = Blueprint("api", __name__, url_prefix=PREFIX + "v1")
csrf.exempt(bp)  # bearer tokens only: no cookie ever authenticates here, so no CSRF to forge
auth = HTTPTokenAuth(scheme="Bearer", realm="trainer")

DEFAULT_LIMIT = 50  # resolvers a page: a routing system needs the first few, rarely all
MAX_LIMIT = 200
CURSOR = "resolvers"


@auth.verify_token
def _live_token(raw: str) -> LiveToken | None:
    """The live token sent as ``Authorization: Bearer TOKEN`` (the library reads the header and
    its scheme, any case); a browser's session cookie counts for nothing here."""
    token = live_token(raw)
    if token is None:
        log.info("api: refused a bad or revoked token from %s", request.remote_addr)
    return token


@auth.error_handler
def _unauthorized(status: int) -> Response:
    """401 with the RFC 6750 challenge; ``error`` only when credentials were actually sent."""
    sent = "Authorization" in request.headers
    response = jsonify(error="the API token is malformed, unknown or revoked" if sent else
                       "an API token is required: Authorization: Bearer TOKEN")
    response.status_code = status
    challenge = auth.authenticate_header()  # Bearer realm="trainer"
    response.headers["WWW-Authenticate"] = f'{challenge}, error="invalid_token"' if sent else \
        challenge
    return response


@bp.after_request
def _no_store(response: Response) -> Response:
    response.headers["Cache-Control"] = "no-store"  # who holds authority changes at any moment
    return response


@bp.get("/health")
def health():
    return jsonify(status="ok")


@bp.get("/resolvers")
@auth.login_required
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


def _resolver(found: Resolver) -> dict[str, Any]:
    expires = found.expires_at.astimezone(UTC).isoformat(timespec="seconds")
    return {"email": found.email, "name": found.name, "department": found.department,
            "level": found.level, "limit": float(found.limit),
            "expires_at": expires.replace("+00:00", "Z")}
