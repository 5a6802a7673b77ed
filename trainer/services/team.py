"""A manager's view of their team: who is in it, and progress and weakest skill per person."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from ..domain.library import DIMENSIONS
from ..extensions import db
from ..models import Attempt, User
from ..models.attempt import ABANDONED, SCORED
from .access import scope_ids


@dataclass(frozen=True)
class PersonProgress:
    user: User
    attempts: int  # abandoned ones left out: they count neither way
    passed: int  # assessed passes (practice never counts)
    averages: dict[str, float | None]  # mean level per dimension over scored attempts
    weakest: str | None
    last_active: object | None
    practice_passed: int = 0


def people_of(viewer: User) -> list[User]:
    """The people ``viewer`` looks after (access.scope_ids: a manager's team, everyone for an
    admin), never themselves, by name."""
    ids = scope_ids(viewer)
    if ids == []:
        return []
    query = select(User).where(User.id != viewer.id)
    if ids is not None:
        query = query.where(User.id.in_(ids))
    return list(db.session.scalars(query.order_by(User.name, User.id)))


def team_progress(manager: User) -> list[PersonProgress]:
    people = people_of(manager)
    if not people:
        return []
    attempts = db.session.scalars(
        select(Attempt).where(Attempt.user_id.in_([p.id for p in people]))
        .options(selectinload(Attempt.scores)))
    by_user: dict[int, list[Attempt]] = defaultdict(list)
    for attempt in attempts:
        by_user[attempt.user_id].append(attempt)
    return [_progress(person, by_user[person.id]) for person in people]


def _progress(person: User, attempts: list[Attempt]) -> PersonProgress:
    scored = [a for a in attempts if a.status == SCORED]
    averages: dict[str, float | None] = {}
    for dim in DIMENSIONS:
        levels = [s.level for a in scored for s in a.scores
                  if s.dimension == dim and s.level is not None]
        averages[dim] = round(sum(levels) / len(levels), 1) if levels else None
    judged = {d: v for d, v in averages.items() if v is not None}
    return PersonProgress(
        user=person, attempts=sum(1 for a in attempts if a.status != ABANDONED),
        passed=sum(1 for a in scored if a.passed and a.is_assessed),
        practice_passed=sum(1 for a in scored if a.passed and not a.is_assessed),
        averages=averages, weakest=min(judged, key=judged.get) if judged else None,
        last_active=max((a.started_at for a in attempts), default=None))
