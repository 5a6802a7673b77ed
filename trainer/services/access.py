"""Who may see whom: pure permission predicates over users and their reporting lines."""

from __future__ import annotations

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
    return [p.id for p in team_of(viewer)] if viewer.is_manager else []


def team_of(manager: User) -> list[User]:
    """Everyone below ``manager`` in the reporting lines, nearest first."""
    team: list[User] = []
    frontier = list(manager.reports)
    seen = {manager.id}
    while frontier:
        person = frontier.pop(0)
        if person.id in seen:
            continue
        seen.add(person.id)
        team.append(person)
        frontier.extend(person.reports)
    return team
