"""Resolution authority: granting, revoking and renewing clearances, and who may resolve what."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal, InvalidOperation
from typing import NamedTuple

from sqlalchemy import Select, and_, func, or_, select
from sqlalchemy.orm import contains_eager, joinedload

from ..domain.errors import TrainerError
from ..domain.library import AuthorityLevel, Category
from ..domain.qualification import (
    Eligibility,
    default_expiry,
    eligibility,
    expiry_allowed,
    grant_refusal,
    levels_for,
)
from ..extensions import db
from ..models import Clearance, User
from ..models._types import utcnow
from . import audit
from .access import manages
from .eligibility import eligibility_for, records_of  # noqa: F401 (eligibility_for re-exported)
from .library import get_library
from .team import people_of

CENT = Decimal("0.01")


class GrantError(TrainerError):
    """A grant or revoke that cannot be made as asked (unknown category, limit too high...)."""


class UnknownCategory(GrantError):
    """No such complaint category in categories.yaml (the routing API answers 404)."""


class GrantRefused(TrainerError):
    """The actor may not grant or revoke this person's clearance (the web answers 403)."""


@dataclass(frozen=True)
class Readiness:
    """Someone eligible for a level above the one they hold in a category (None: no clearance)."""

    user: User
    category: Category
    eligibility: Eligibility
    held_level: int | None


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
    check = eligibility(records_of([grantee.id])[grantee.id], category, authority, now,
                        granter_id=granter.id)
    justification = (justification or "").strip()
    if not check.eligible and not justification:
        raise GrantError(f"{grantee.name} is not eligible for {category.id} level {level} "
                         f"({check.reason}); granting it anyway needs a written justification")
    for old in db.session.scalars(_current_query(now).where(
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


def _check_allowed(actor: User, person: User, action: str) -> None:
    refusal = grant_refusal(actor.id, actor.is_admin, person.id,
                            actor.is_manager and manages(actor, person), action)
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


def current_where(clearance: type[Clearance], now: datetime) -> tuple:
    """SQL for Clearance.is_current (of ``clearance``, the entity or an alias of it)."""
    now = now.astimezone(UTC)
    return (clearance.revoked_at.is_(None), clearance.granted_at <= now,
            clearance.expires_at > now)


def _current_query(now: datetime):
    return select(Clearance).where(*current_where(Clearance, now))


def current_clearances(user: User, now: datetime | None = None) -> list[Clearance]:
    """The user's clearances that count right now, by category."""
    query = _current_query(now or utcnow()).where(Clearance.user_id == user.id)
    return list(db.session.scalars(query.order_by(Clearance.category, Clearance.level.desc())))


def current_of(user_ids: Iterable[int], now: datetime | None = None) -> dict[int, list[Clearance]]:
    """Each person's clearances that count now, by category (one statement)."""
    found: dict[int, list[Clearance]] = {}
    for c in db.session.scalars(_current_query(now or utcnow()).where(
            Clearance.user_id.in_(list(user_ids))).order_by(Clearance.category, Clearance.level)):
        found.setdefault(c.user_id, []).append(c)
    return found


def clearances_of(user: User) -> list[Clearance]:
    """Every clearance the user ever held, newest first (expired and revoked ones included), with
    who granted each (pages show the name)."""
    return list(db.session.scalars(select(Clearance).where(Clearance.user_id == user.id)
                                   .options(joinedload(Clearance.granted_by))
                                   .order_by(Clearance.granted_at.desc(), Clearance.id.desc())))


def list_clearances(category_id: str | None = None, include_all: bool = False,
                    now: datetime | None = None) -> list[Clearance]:
    """Current clearances (every one with ``include_all``), by category, level and name."""
    if category_id is not None:
        category_of(category_id)
    query = select(Clearance) if include_all else _current_query(now or utcnow())
    if category_id is not None:
        query = query.where(Clearance.category == category_id)
    return list(db.session.scalars(
        query.join(Clearance.user).options(contains_eager(Clearance.user))
        .order_by(Clearance.category, Clearance.level.desc(), User.name, Clearance.id)))


class ResolverKey(NamedTuple):
    """Where a resolver sits in the answer's order, so the next page can start after it."""

    level: int
    name: str
    clearance_id: int

    @classmethod
    def of(cls, clearance: Clearance) -> ResolverKey:
        return cls(clearance.level, clearance.user.name, clearance.id)


def resolvers_query(category_id: str, amount: Decimal | float | int | str = 0,
                    now: datetime | None = None) -> Select:
    """Who may resolve a complaint of this category and amount right now, with their user and
    department: highest level first, then by name and clearance; one clearance per person (their
    highest level). Ordered, so it pages (by number or after a ResolverKey)."""
    category_of(category_id)
    value, now = as_amount(amount, "amount"), now or utcnow()
    # Each person's clearances that count, best first: one pass, where a correlated "is there a
    # better one" would look at every clearance of the category once per clearance.
    ranked = (select(Clearance.id, func.row_number().over(
        partition_by=Clearance.user_id, order_by=(Clearance.level.desc(), Clearance.id))
        .label("rank"))
        .where(*current_where(Clearance, now), Clearance.category == category_id,
               Clearance.limit >= value).subquery())
    return (select(Clearance).join(ranked, and_(ranked.c.id == Clearance.id, ranked.c.rank == 1))
            .join(Clearance.user).outerjoin(User.department).where(User.active.is_(True))
            .options(contains_eager(Clearance.user).contains_eager(User.department))
            .order_by(Clearance.level.desc(), User.name, Clearance.id))


def resolvers(category_id: str, amount: Decimal | float | int | str = 0,
              now: datetime | None = None, limit: int | None = None,
              after: ResolverKey | None = None) -> list[Clearance]:
    """The resolvers_query's clearances: all of them, or at most ``limit`` after ``after``."""
    query = resolvers_query(category_id, amount, now)
    if after is not None:  # strictly after it in resolvers_query's order
        level, name, clearance_id = after
        query = query.where(or_(Clearance.level < level, and_(Clearance.level == level, or_(
            User.name > name, and_(User.name == name, Clearance.id > clearance_id)))))
    return list(db.session.scalars(query.limit(limit)))


def ready_team(manager: User, now: datetime | None = None,
               people: Iterable[User] | None = None) -> list[Readiness]:
    """Who in the manager's team (everyone, for an admin; only ``people``, e.g. the page shown,
    when given) is eligible for a level above the one they hold: the highest such level per
    person and category."""
    now = now or utcnow()
    people = [p for p in (people_of(manager) if people is None else people) if p.active]
    records = records_of(p.id for p in people)
    held: dict[tuple[int, str], int] = {}
    for c in db.session.scalars(_current_query(now).where(
            Clearance.user_id.in_([p.id for p in people]))):
        held[c.user_id, c.category] = max(c.level, held.get((c.user_id, c.category), 0))
    ready = []
    for person in people:
        for category in get_library().categories.values():
            top = held.get((person.id, category.id))
            eligible = [e for e in levels_for(records[person.id], category, now, manager.id)
                        if e.eligible and e.level > (top or 0)]
            if eligible:
                ready.append(Readiness(person, category, eligible[-1], top))
    return ready


def expiring_for(users: Iterable[User], now: datetime | None = None,
                 days: int = 30) -> list[Clearance]:
    """Current clearances of ``users`` that stop within ``days`` days, soonest first."""
    now = now or utcnow()
    ids = [u.id for u in users]
    soon = now + timedelta(days=days)
    return list(db.session.scalars(_current_query(now).where(
        Clearance.user_id.in_(ids), Clearance.expires_at <= soon.astimezone(UTC))
        .order_by(Clearance.expires_at)))


def renew_for_rotation(user: User, completed_at: datetime,
                       categories: Iterable[str] | None = None,
                       now: datetime | None = None) -> list[Clearance]:
    """Extend the user's current clearances in the rotation's categories to 12 months after the
    completion (never shortening one); each renewal is audited."""
    if categories is None:
        from .tracks import get_tracks  # tracks call back into this module

        rotation = get_tracks().rotation
        categories = rotation.renews if rotation else ()
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
        renewed.append(clearance)
    db.session.commit()
    return renewed
