"""A manager's view of their team: who is in it, and progress and weakest skill per person.

Progress comes from SQL aggregates over the attempts and scores of the people asked about (a
page of the team), never from loading attempts: a page costs the same few statements for a
team of 3 as for the whole company."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Select, and_, case, func, select
from sqlalchemy.orm import joinedload

from ..domain.library import DIMENSIONS
from ..domain.modes import ASSESSED
from ..extensions import db, execute_plain
from ..models import Attempt, Score, User
from ..models.attempt import ABANDONED, SCORED
from .access import scope_query
from .paging import Page, paginate, where_contains

PAGE_SIZE = 50  # people a page: a screenful of rows, and a bounded IN list for the aggregates


@dataclass(frozen=True)
class PersonProgress:
    user: User
    attempts: int  # abandoned ones left out: they count neither way
    passed: int  # assessed passes (practice never counts)
    averages: dict[str, float | None]  # mean level per dimension over scored attempts
    weakest: str | None
    last_active: datetime | None
    practice_passed: int = 0


def people_query(viewer: User, search: str = "", active_only: bool = False) -> Select:
    """The people ``viewer`` looks after (access.scope_query: a manager's team, everyone for an
    admin), never themselves, by name; with ``search``, those whose name or email contains it.
    Every list of someone's people starts here. Deactivated people are in scope (their records
    are history), but ``active_only`` lists, the ones that ask for action, leave them out
    (domain/permissions.py)."""
    query = select(User).where(User.id != viewer.id)
    scope = scope_query(viewer)
    if scope is not None:
        query = query.where(User.id.in_(scope))
    if active_only:
        query = query.where(User.active.is_(True))
    return where_contains(query, search, User.name, User.email).order_by(User.name, User.id)


def people_ids(viewer: User, active_only: bool = False) -> Select:
    """people_query's ids alone, unordered: to put inside another query."""
    return people_query(viewer, active_only=active_only).with_only_columns(User.id).order_by(None)


def people_of(viewer: User, active_only: bool = False) -> list[User]:
    """Everyone ``viewer`` looks after, by name (one statement; the whole list)."""
    return list(db.session.scalars(people_query(viewer, active_only=active_only)))


def acted_on(people: Iterable[User]) -> list[User]:
    """Of ``people`` already read (a page shown), those a list asking for action takes: the
    active ones, as ``people_query(..., active_only=True)`` (domain/permissions.py)."""
    return [person for person in people if person.active]


def team_page(viewer: User, number: int = 1, search: str = "",
              size: int = PAGE_SIZE) -> Page[PersonProgress]:
    """Page ``number`` of ``viewer``'s people (out-of-range numbers read as the nearest page),
    each with their progress."""
    query = people_query(viewer, search).options(joinedload(User.department))
    return paginate(query, number, size).map(lambda people: team_progress(viewer, people))


def team_progress(viewer: User, people: Sequence[User] | None = None) -> list[PersonProgress]:
    """Progress of ``people`` (default: everyone ``viewer`` looks after), in the order given."""
    people = people_of(viewer) if people is None else people
    if not people:
        return []
    ids = [p.id for p in people]
    counts = _counts(ids)
    levels = _levels(ids)
    return [_progress(person, counts.get(person.id), levels.get(person.id, {}))
            for person in people]


def _counts(ids: list[int]) -> dict[int, tuple[int, int, int, datetime | None]]:
    """Per person: attempts (abandoned ones left out), assessed and practice passes, the last
    attempt started."""
    passed = and_(Attempt.status == SCORED, Attempt.passed.is_(True))
    rows = execute_plain(
        select(Attempt.user_id,
               func.count(case((Attempt.status != ABANDONED, 1))),
               func.count(case((and_(passed, Attempt.mode == ASSESSED), 1))),
               func.count(case((and_(passed, Attempt.mode != ASSESSED), 1))),
               func.max(Attempt.started_at))
        .where(Attempt.user_id.in_(ids)).group_by(Attempt.user_id))
    return {user_id: (attempts, assessed, practice, last)
            for user_id, attempts, assessed, practice, last in rows}


def _levels(ids: list[int]) -> dict[int, dict[str, tuple[int, int]]]:
    """Per person and dimension: the sum and number of the levels of their scored attempts."""
    rows = execute_plain(
        select(Attempt.user_id, Score.dimension, func.sum(Score.level), func.count(Score.level))
        .join(Score, Score.attempt_id == Attempt.id)
        .where(Attempt.user_id.in_(ids), Attempt.status == SCORED,
               Score.dimension.in_(DIMENSIONS), Score.level.is_not(None))
        .group_by(Attempt.user_id, Score.dimension))
    found: dict[int, dict[str, tuple[int, int]]] = {}
    for user_id, dimension, total, n in rows:
        found.setdefault(user_id, {})[dimension] = (int(total), n)
    return found


def _progress(person: User, counts: tuple | None,
              levels: dict[str, tuple[int, int]]) -> PersonProgress:
    attempts, passed, practice_passed, last_active = counts or (0, 0, 0, None)
    averages: dict[str, float | None] = {
        dim: round(levels[dim][0] / levels[dim][1], 1) if dim in levels else None
        for dim in DIMENSIONS}
    judged = {d: v for d, v in averages.items() if v is not None}
    return PersonProgress(
        user=person, attempts=attempts, passed=passed, practice_passed=practice_passed,
        averages=averages, weakest=min(judged, key=judged.get) if judged else None,
        last_active=last_active)
