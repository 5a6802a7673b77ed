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
from ..services.clearances import resolvers
from ..services.library import get_library
from ..services.tokens import token_for
from .routing import parse_amount

log = logging.getLogger(__name__)
bp = Blueprint("api", __name__, url_prefix="/api/v1")
csrf.exempt(bp)  # bearer tokens only: no cookie ever authenticates here, so no CSRF to forge

REALM = 'Bearer realm="trainer"'


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
    category_id = request.args.get("category", "").strip()
    if not category_id:
        abort(400, description="the category parameter is required, e.g. ?category=billing-dispute")
    if category_id not in get_library().categories:
        abort(404, description=f"unknown category '{category_id}'")
    try:
        amount = parse_amount(request.args.get("amount"))
    except ValueError as exc:
        abort(400, description=str(exc))
    found = resolvers(category_id, amount, utcnow())  # one per person, highest level first
    return jsonify(category=category_id, resolvers=[_resolver(c) for c in found])


def _resolver(clearance: Clearance) -> dict[str, Any]:
    user = clearance.user
    expires = clearance.expires_at.astimezone(UTC).isoformat(timespec="seconds")
    return {"email": user.email, "name": user.name,
            "department": user.department.name if user.department else None,
            "level": clearance.level, "limit": float(clearance.limit),
            "expires_at": expires.replace("+00:00", "Z")}
