"""Who may see whom, read from the database: a person's chain of managers for the pure rules of
domain/permissions.py, and the same scope as SQL (one recursive query, whatever the size of the
team) for every list of the people someone looks after (services/team.py builds on it)."""

from __future__ import annotations

from collections.abc import Iterator

from sqlalchemy import Select, false, select

from ..domain import permissions
from ..extensions import db
from ..models import Attempt, User


def chain_of(person: User) -> Iterator[int]:
    """The ids of ``person``'s managers, nearest first, up to the top (or round a loop once).
    Lazy: each manager is read only when the rule asks about them, so an admin's check reads
    none and a manager's stops at themselves (a page's cost does not grow with the lines)."""
    seen: set[int] = set()
    boss = person.manager
    while boss is not None and boss.id not in seen:
        seen.add(boss.id)
        yield boss.id
        boss = boss.manager


def manages(manager: User, user: User) -> bool:
    """True when ``user`` reports to ``manager`` directly or indirectly (whatever the roles)."""
    return permissions.reports_to(chain_of(user), manager.id)


def in_scope(viewer: User, person: User) -> bool:
    """Whether ``viewer`` looks after ``person`` (domain/permissions.in_scope)."""
    return permissions.in_scope(viewer, person.id, chain_of(person))


def can_view_user(viewer: User, user: User) -> bool:
    return permissions.can_view(viewer, user.id, chain_of(user))


def can_view_attempt(viewer: User, attempt: Attempt) -> bool:
    return can_view_user(viewer, attempt.user)


def can_hear_attempt(viewer: User, attempt: Attempt) -> bool:
    """Whether ``viewer`` may play the kept recordings of ``attempt`` (domain/permissions.py)."""
    return permissions.can_hear(viewer, attempt.user_id, chain_of(attempt.user))


def review_refusal(actor: User, attempt: Attempt) -> str | None:
    """Why ``actor`` may not review (confirm or override) ``attempt``'s scores, or None."""
    return permissions.override_refusal(actor, attempt.user_id, chain_of(attempt.user))


def grant_refusal(actor: User, person: User, action: str = "grant") -> str | None:
    """Why ``actor`` may not grant (or revoke) a clearance of ``person``, or None."""
    return permissions.grant_refusal(actor.id, actor.is_admin, person.id,
                                     in_scope(actor, person), action)


def scope_ids(viewer: User) -> list[int] | None:
    """The ids of the people whose attempts ``viewer`` reviews: None means everyone (an admin,
    whose own attempts the caller still leaves out); a manager has their team; others nobody."""
    if viewer.is_admin:
        return None
    return list(db.session.scalars(scope_query(viewer))) if viewer.is_manager else []


def scope_query(viewer: User) -> Select | None:
    """domain/permissions.in_scope as SQL, to put inside another query
    (``User.id.in_(scope_query(viewer))``): None means everyone (callers leave out the viewer);
    a manager's team is everyone below them in the reporting lines, found by one recursive query
    (UNION, not UNION ALL, so a loop in the lines ends), deactivated people included."""
    if viewer.is_admin:
        return None
    return _below(viewer) if viewer.is_manager else select(User.id).where(false())


def _below(person: User) -> Select:
    below = select(User.id).where(User.manager_id == person.id).cte("below", recursive=True)
    below = below.union(select(User.id).join(below, User.manager_id == below.c.id))
    return select(below.c.id).where(below.c.id != person.id)


def team_of(manager: User) -> list[User]:
    """Everyone below ``manager`` in the reporting lines, by name."""
    return list(db.session.scalars(
        select(User).where(User.id.in_(_below(manager))).order_by(User.name, User.id)))
