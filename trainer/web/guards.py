"""Route guards: every view states who may use it, checked on the server. A page of a role one
does not hold, and another team's record, answer exactly like missing ones (404), so neither
pages nor ids tell anything; 403 is kept for an action refused on something one may see."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from flask import abort
from flask_login import current_user, login_required

from ..extensions import db
from ..models import Attempt, Clearance, User
from ..services.access import in_scope


def role_required(*roles: str) -> Callable:
    """Logged in, and holding one of ``roles`` (an admin passes every role check); for anyone
    else the page does not exist (404)."""

    def decorator(view: Callable) -> Callable:
        @wraps(view)
        @login_required
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            if current_user.role not in roles and not current_user.is_admin:
                abort(404)
            return view(*args, **kwargs)

        return wrapped

    return decorator


def managed_person(person: User | None) -> User:
    """Someone the current manager (or admin) looks after (domain/permissions.in_scope); anyone
    else, oneself included, and nobody at all are the same 404: a 403 would confirm that the
    record exists."""
    if person is None or not in_scope(current_user, person):
        abort(404)
    return person


def managed_person_or_404(user_id: int) -> User:
    return managed_person(db.session.get(User, user_id))


def managed_attempt_or_404(attempt_id: int) -> Attempt:
    """An attempt of someone the current manager looks after (never their own), else 404."""
    attempt = db.session.get(Attempt, attempt_id)
    managed_person(attempt.user if attempt else None)
    return attempt


def managed_clearance_or_404(clearance_id: int) -> Clearance:
    """A clearance of someone the current manager looks after (never their own), else 404."""
    clearance = db.session.get(Clearance, clearance_id)
    managed_person(clearance.user if clearance else None)
    return clearance
