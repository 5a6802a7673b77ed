"""Reading clearances: a person's, a team's, the company's; who may resolve a complaint (the
routing API and page); who in a team is ready for a higher level; what expires soon. Granting,
revoking and renewing are in services/clearances.py; what "current" and "expiring soon" mean is
domain/qualification.py (Clearance.is_current and is_expiring_soon carry it into SQL)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from functools import cache
from typing import NamedTuple

from sqlalchemy import Integer, Select, and_, bindparam, func, or_, select
from sqlalchemy.orm import contains_eager, joinedload

from ..domain.library import Category
from ..domain.qualification import EXPIRY_WARNING_DAYS, Eligibility, highest_eligible
from ..extensions import among, db, execute_plain
from ..models import Clearance, Department, User
from ..models._types import utcnow
from .clearances import as_amount, category_of, current_query
from .eligibility import records_of
from .library import get_library
from .team import acted_on, people_ids, people_of


@dataclass(frozen=True)
class Readiness:
    """Someone eligible for a level above the one they hold in a category (None: no clearance)."""

    user: User
    category: Category
    eligibility: Eligibility
    held_level: int | None


def current_of(user_ids: Iterable[int], now: datetime | None = None) -> dict[int, list[Clearance]]:
    """Each person's clearances that count now, by category (one statement)."""
    found: dict[int, list[Clearance]] = {}
    for c in db.session.scalars(current_query(now or utcnow()).where(
            Clearance.user_id.in_(list(user_ids))).order_by(Clearance.category, Clearance.level)):
        found.setdefault(c.user_id, []).append(c)
    return found


def clearances_of(user: User) -> list[Clearance]:
    """Every clearance the user ever held, newest first (expired and revoked ones included), with
    who granted each (pages show the name)."""
    return list(db.session.scalars(_clearances_statement(), {"user_id": user.id}))


@cache
def _clearances_statement() -> Select:
    """Built once per process: every dashboard runs it."""
    return (select(Clearance).where(Clearance.user_id == bindparam("user_id"))
            .options(joinedload(Clearance.granted_by))
            .order_by(Clearance.granted_at.desc(), Clearance.id.desc()))


def list_clearances(category_id: str | None = None, include_all: bool = False,
                    now: datetime | None = None) -> list[Clearance]:
    """Current clearances (every one with ``include_all``), by category, level and name."""
    if category_id is not None:
        category_of(category_id)
    query = select(Clearance) if include_all else current_query(now or utcnow())
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
    def of(cls, found: Resolver) -> ResolverKey:
        return cls(found.level, found.name, found.clearance_id)


class Resolver(NamedTuple):
    """One person who may resolve the complaint: their best current clearance of the category
    (what the routing API answers with, read as a row: it asks on every request)."""

    clearance_id: int
    level: int
    limit: Decimal
    expires_at: datetime
    name: str
    email: str
    department: str | None


def resolvers_query(category_id: str, amount: Decimal | float | int | str = 0,
                    now: datetime | None = None) -> Select:
    """Who may resolve a complaint of this category and amount right now, with their user and
    department: highest level first, then by name and clearance; one clearance per person (their
    highest level). Ordered, so it pages (by number or after a ResolverKey)."""
    category_of(category_id)
    value, now = as_amount(amount, "amount"), now or utcnow()
    return _resolvers_select(category_id, value, now.astimezone(UTC))


def _resolvers_select(category, amount, now, rows: bool = False) -> Select:
    """resolvers_query's statement, for values or for bind parameters (``resolvers``): the
    clearances with their user and department, or with ``rows`` a Resolver's columns."""
    # Each person's clearances that count, best first: one pass, where a correlated "is there a
    # better one" would look at every clearance of the category once per clearance.
    ranked = (select(Clearance.id, func.row_number().over(
        partition_by=Clearance.user_id, order_by=(Clearance.level.desc(), Clearance.id))
        .label("rank"))
        .where(Clearance.is_current(now), Clearance.category == category,
               Clearance.limit >= amount).subquery())
    picked = select(Clearance.id, Clearance.level, Clearance.limit, Clearance.expires_at,
                    User.name, User.email, Department.name).select_from(Clearance) if rows \
        else select(Clearance).options(contains_eager(Clearance.user)
                                       .contains_eager(User.department))
    return (picked.join(ranked, and_(ranked.c.id == Clearance.id, ranked.c.rank == 1))
            .join(Clearance.user).outerjoin(User.department).where(User.active.is_(True))
            .order_by(Clearance.level.desc(), User.name, Clearance.id))


@cache
def _resolvers_statement(paged_after: bool, limited: bool) -> Select:
    """resolvers_query with bind parameters, built once per process: the routing API asks on
    every request, and building the statement cost more than running it."""
    query = _resolvers_select(bindparam("category"), bindparam("amount"), bindparam("now"),
                              rows=True)
    if paged_after:  # strictly after a ResolverKey in resolvers_query's order
        level, name, clearance_id = (bindparam("after_level"), bindparam("after_name"),
                                     bindparam("after_id"))
        query = query.where(or_(Clearance.level < level, and_(Clearance.level == level, or_(
            User.name > name, and_(User.name == name, Clearance.id > clearance_id)))))
    return query.limit(bindparam("limit", type_=Integer)) if limited else query


def resolvers(category_id: str, amount: Decimal | float | int | str = 0,
              now: datetime | None = None, limit: int | None = None,
              after: ResolverKey | None = None) -> list[Resolver]:
    """The resolvers_query's people: all of them, or at most ``limit`` after ``after``."""
    category_of(category_id)
    params = {"category": category_id, "amount": as_amount(amount, "amount"),
              "now": (now or utcnow()).astimezone(UTC), "limit": limit}
    if after is not None:
        params.update(after_level=after.level, after_name=after.name, after_id=after.clearance_id)
    statement = _resolvers_statement(after is not None, limit is not None)
    return [Resolver(*row) for row in execute_plain(statement, params)]


def ready_team(manager: User, now: datetime | None = None,
               people: Iterable[User] | None = None) -> list[Readiness]:
    """Who in the manager's team (everyone, for an admin; only ``people``, e.g. the page shown,
    when given) is eligible for a level above the one they hold: the highest such level per
    person and category; active people only (domain/permissions.py)."""
    people = people_of(manager, active_only=True) if people is None else acted_on(people)
    by_id = {person.id: person for person in people}
    return [Readiness(by_id[user_id], category, eligible, top)
            for user_id, category, eligible, top in _ready(manager, list(by_id), now)]


def ready_counts(manager: User, now: datetime | None = None) -> Counter[tuple[str, int]]:
    """How many of the manager's active people ``ready_team`` lists, by category and level:
    their ids alone are read, not the people."""
    ids = list(db.session.scalars(people_ids(manager, active_only=True)))
    return Counter((category.id, eligible.level)
                   for _, category, eligible, _ in _ready(manager, ids, now))


def _ready(manager: User, ids: list[int], now: datetime | None
           ) -> Iterator[tuple[int, Category, Eligibility, int | None]]:
    """The rule of ``ready_team`` for the people of ``ids``, in that order: (id, category, the
    highest level they are eligible for above what they hold, what they hold)."""
    now = now or utcnow()
    records = records_of(ids, now, passes_only=True)
    held: dict[tuple[int, str], int] = {}
    for user_id, category_id, level in execute_plain(  # rows, not models: only levels count
            select(Clearance.user_id, Clearance.category, Clearance.level).where(
                Clearance.is_current(now), among(Clearance.user_id, ids))):
        held[user_id, category_id] = max(level, held.get((user_id, category_id), 0))
    categories = get_library().categories
    for user_id in ids:
        passed: dict[str, list] = {}  # the person's records by category
        for record in records[user_id]:
            passed.setdefault(record.category, []).append(record)
        for category_id, category in categories.items():
            if category_id not in passed:
                continue  # no pass there: nothing could make them eligible
            top = held.get((user_id, category_id))
            eligible = highest_eligible(passed[category_id], category, now, top or 0,
                                        manager.id)
            if eligible is not None:
                yield user_id, category, eligible, top


def expiring_for(users: Iterable[User], now: datetime | None = None,
                 days: int = EXPIRY_WARNING_DAYS) -> list[Clearance]:
    """Current clearances of ``users`` that stop within ``days`` days, soonest first."""
    now = now or utcnow()
    ids = [u.id for u in users]
    return list(db.session.scalars(select(Clearance).where(
        Clearance.user_id.in_(ids), Clearance.is_expiring_soon(now, days))
        .order_by(Clearance.expires_at)))
