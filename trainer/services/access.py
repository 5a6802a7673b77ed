"""Who may see whom: permission predicates over users and their reporting lines, and the same
scope as SQL (one recursive query, whatever the size of the team)."""

from __future__ import annotations

from sqlalchemy import Select, false, select

from ..extensions import db
from ..models import Attempt, User


def manages(manager: User, user: User) -> bool:
    """True when ``user`` reports to ``manager`` directly or indirectly."""
    seen: set[int] = set()
    boss = user.manager
    while boss is not None and boss.id not in seen:
        if boss.id == manager.id:
            return True
        seen.add(boss.id)
        boss = boss.manager
    return False


def can_view_user(viewer: User, user: User) -> bool:
    return viewer.id == user.id or viewer.is_admin or (viewer.is_manager and manages(viewer, user))


def can_view_attempt(viewer: User, attempt: Attempt) -> bool:
    return can_view_user(viewer, attempt.user)


def review_refusal(actor: User, attempt: Attempt) -> str | None:
    """Why ``actor`` may not review (confirm or override) ``attempt``'s scores, or None: its
    person's manager or an admin may, never on one's own attempt."""
    if actor.id == attempt.user_id:
        return "Nobody can review or override a score on their own attempt, admins included."
    if actor.is_admin or (actor.is_manager and manages(actor, attempt.user)):
        return None
    return "You can only review scores of people in your team (direct or indirect reports)."


def scope_ids(viewer: User) -> list[int] | None:
    """The ids of the people whose attempts ``viewer`` reviews: None means everyone (an admin,
    whose own attempts the caller still leaves out); a manager has their team; others nobody."""
    if viewer.is_admin:
        return None
    return list(db.session.scalars(scope_query(viewer))) if viewer.is_manager else []


def scope_query(viewer: User) -> Select | None:
    """scope_ids as SQL, to put inside another query (``User.id.in_(scope_query(viewer))``):
    None means everyone; a manager's team is everyone below them in the reporting lines, found
    by one recursive query (UNION, not UNION ALL, so a loop in the lines ends)."""
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
