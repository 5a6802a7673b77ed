"""Resolution authority: granting, revoking and renewing clearances. What makes one current is
domain/qualification.py's rule (Clearance.is_current, in Python and SQL); who may grant is
domain/permissions.py's. Reading them (a team's, who may resolve what, who is ready) is
services/clearance_lists.py."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation

from sqlalchemy import select

from ..domain.errors import TrainerError
from ..domain.library import AuthorityLevel, Category
from ..domain.qualification import (
    Eligibility,
    default_expiry,
    eligibility,
    expiry_allowed,
)
from ..extensions import db
from ..models import Clearance, User
from ..models._types import utcnow
from . import audit, outbound
from .access import grant_refusal, manages
from .eligibility import records_of
from .library import get_library

CENT = Decimal("0.01")


class GrantError(TrainerError):
    """A grant or revoke that cannot be made as asked (unknown category, limit too high...)."""


class UnknownCategory(GrantError):
    """No such complaint category in categories.yaml (the routing API answers 404)."""


class GrantRefused(TrainerError):
    """The actor may not grant or revoke this person's clearance (the web answers 403)."""


def category_of(category_id: str) -> Category:
    categories = get_library().categories
    if category_id not in categories:
        raise UnknownCategory(f"unknown category '{category_id}' (known: "
                              f"{', '.join(sorted(categories))})")
    return categories[category_id]


def grant_clearance(granter: User, grantee: User, category_id: str, level: int,
                    limit: Decimal | float | int | str, expires_at: datetime | None = None,
                    justification: str = "", ip: str | None = None) -> Clearance:
    """Grant a clearance; one granted to someone not eligible needs a written justification and
    is marked as an exception. A current clearance in the same category is replaced."""
    _check_allowed(granter, grantee, "grant")
    category, authority = _authority(category_id, level)
    if not grantee.active:
        raise GrantError(f"{grantee.email} is deactivated and cannot hold a clearance")
    amount = _limit(limit, authority)
    now = utcnow()
    expires_at = _expiry(now, expires_at)
    check = eligibility(records_of([grantee.id], now)[grantee.id], category, authority, now,
                        granter_id=granter.id)
    justification = (justification or "").strip()
    if not check.eligible and not justification:
        raise GrantError(f"{grantee.name} is not eligible for {category.id} level {level} "
                         f"({check.reason}); granting it anyway needs a written justification")
    for old in db.session.scalars(current_query(now).where(
            Clearance.user_id == grantee.id, Clearance.category == category.id)):
        _revoke(granter, old, now, f"Replaced by a new grant of level {level}", ip)
    clearance = Clearance(user_id=grantee.id, category=category.id, level=authority.level,
                          limit=amount, granted_by_id=granter.id, granted_at=now,
                          expires_at=expires_at,
                          basis=list(check.attempt_ids), is_exception=not check.eligible,
                          overridden_by_granter=_lifted(check), justification=justification)
    db.session.add(clearance)
    db.session.flush()
    _audit_grant(granter, grantee, clearance, check, ip)
    outbound.clearance_event(outbound.GRANTED, clearance, granter)
    db.session.commit()
    return clearance


def _authority(category_id: str, level: int) -> tuple[Category, AuthorityLevel]:
    category = category_of(category_id)
    try:
        authority = category.level(int(level))
    except (TypeError, ValueError):
        raise GrantError(f"the level must be a whole number, got '{level}'") from None
    if authority is None:
        raise GrantError(f"category '{category.id}' has no level {level} (levels "
                         f"{', '.join(str(lv.level) for lv in category.levels)})")
    return category, authority


def _lifted(check: Eligibility) -> list[int]:
    """The attempts passed only by the granter's own override, when the grant needed them."""
    return [] if check.eligible else list(check.overridden_by_granter)


def _audit_grant(granter: User, grantee: User, clearance: Clearance, check: Eligibility,
                 ip: str | None) -> None:
    detail = {"clearance": clearance.id, "category": clearance.category,
              "level": clearance.level, "limit": str(clearance.limit),
              "expires_at": clearance.expires_at.isoformat(), "basis": list(check.attempt_ids),
              "overridden_by_granter": _lifted(check), "exception": not check.eligible,
              "as_admin": granter.is_admin and not manages(granter, grantee)}
    audit.record("clearance.granted", granter, grantee.email, clearance.justification, detail, ip)
    if not check.eligible:
        audit.record("clearance.exception", granter, grantee.email, clearance.justification,
                     {**detail, "eligibility": check.reason}, ip)


def revoke_clearance(actor: User, clearance: Clearance, reason: str,
                     ip: str | None = None) -> Clearance:
    reason = (reason or "").strip()
    if not reason:
        raise GrantError("Say why the clearance is revoked: a reason is required.")
    _check_allowed(actor, clearance.user, "revoke")
    if clearance.revoked_at is not None:
        raise GrantError("This clearance was already revoked.")
    _revoke(actor, clearance, utcnow(), reason, ip)
    db.session.commit()
    return clearance


def _revoke(actor: User, clearance: Clearance, now: datetime, reason: str,
            ip: str | None) -> None:
    clearance.revoked_at, clearance.revoked_by_id, clearance.revoke_reason = now, actor.id, reason
    audit.record("clearance.revoked", actor, clearance.user.email, reason,
                 {"clearance": clearance.id, "category": clearance.category,
                  "level": clearance.level, "limit": str(clearance.limit)}, ip)
    outbound.clearance_event(outbound.REVOKED, clearance, actor)


def _check_allowed(actor: User, person: User, action: str) -> None:
    refusal = grant_refusal(actor, person, action)
    if refusal:
        raise GrantRefused(refusal)


def as_amount(value: Decimal | float | int | str, what: str) -> Decimal:
    """``value`` as a finite amount of 0 or more; GrantError names ``what`` otherwise."""
    try:
        amount = Decimal(str(value).strip())
    except InvalidOperation:
        amount = Decimal("NaN")
    if not amount.is_finite() or amount < 0:
        raise GrantError(f"the {what} must be an amount of 0 or more, like 50 or 49.99, "
                         f"got '{value}'")
    return amount


def _limit(value: Decimal | float | int | str, authority: AuthorityLevel) -> Decimal:
    amount = as_amount(value, "limit")
    # The ceiling first: quantizing a 41-digit amount needs more than Decimal's 28 digits.
    if amount > Decimal(str(authority.max_limit)):
        raise GrantError(f"the limit {value} is above what level {authority.level} "
                         f"({authority.title}) allows: at most {authority.max_limit:g}")
    if amount != amount.quantize(CENT):
        raise GrantError(f"the limit can have at most 2 decimal places, got '{value}'")
    return amount.quantize(CENT)


def _expiry(now: datetime, expires_at: datetime | None) -> datetime:
    if expires_at is None:
        return default_expiry(now)
    if expires_at.tzinfo is None:
        raise GrantError("the expiry must be a timezone-aware (UTC) time")
    expires_at = expires_at.astimezone(UTC)
    if not expiry_allowed(now, expires_at):
        raise GrantError(f"the expiry must be after now and no later than "
                         f"{default_expiry(now):%Y-%m-%d %H:%M} UTC (12 months)")
    return expires_at


def current_query(now: datetime):
    """The clearances current at ``now``."""
    return select(Clearance).where(Clearance.is_current(now))


def current_clearances(user: User, now: datetime | None = None) -> list[Clearance]:
    """The user's clearances that count right now, by category."""
    query = current_query(now or utcnow()).where(Clearance.user_id == user.id)
    return list(db.session.scalars(query.order_by(Clearance.category, Clearance.level.desc())))


def renew_for_rotation(user: User, completed_at: datetime, categories: Iterable[str],
                       now: datetime | None = None) -> list[Clearance]:
    """Extend the user's current clearances in ``categories`` (those the rotation renews) to 12
    months after the completion (never shortening one); each renewal is audited."""
    wanted = set(categories)
    new_expiry = default_expiry(completed_at.astimezone(UTC))
    renewed = []
    for clearance in current_clearances(user, now):
        if clearance.category not in wanted or clearance.expires_at >= new_expiry:
            continue
        old = clearance.expires_at
        clearance.expires_at, clearance.renewed_at = new_expiry, completed_at.astimezone(UTC)
        audit.record("clearance.renewed", None, user.email, "Completed the annual rotation",
                     {"clearance": clearance.id, "category": clearance.category,
                      "level": clearance.level, "old_expires_at": old.isoformat(),
                      "expires_at": new_expiry.isoformat()})
        outbound.clearance_event(outbound.RENEWED, clearance, previous_expires_at=old)
        renewed.append(clearance)
    db.session.commit()
    return renewed
