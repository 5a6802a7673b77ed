"""Who may do what to whom: pure rules over plain values (an actor's id and role flags, the
person's id and their chain of managers, nearest first, which may be a lazy iterator read only
as far as a rule needs it), in the manner of redash's permissions.py. The services
read the chain (services/access.py) and ask these; the same scope as SQL, for lists, is
services/access.scope_query, whose tests check it against this rule.

The scope: the people an actor looks after. Never themselves; everyone else for an admin; for a
manager, whoever reports to them directly or indirectly (a loop in the reporting lines ends, and
never puts them in their own scope); nobody for a trainee.

Deactivated people stay in scope: their records are history that their manager (and an admin)
may still open, and the team page lists them, marked deactivated. But nobody acts on them: the
lists that ask for action (who is ready for a higher level, who is overdue with training, the
tracks report, reminders, who may resolve a complaint) and granting a clearance take active
people only. services/team.py applies this once, for every list: ``people_query(...,
active_only=True)`` in SQL, ``acted_on(people)`` for a page of people already read."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Protocol


class Actor(Protocol):
    """Whoever acts (a models.User fits): their id and role flags, nothing read from elsewhere."""

    @property
    def id(self) -> int: ...

    @property
    def is_admin(self) -> bool: ...

    @property
    def is_manager(self) -> bool: ...  # managers and admins


def reports_to(chain: Iterable[int], manager_id: int) -> bool:
    """Whether someone whose managers are ``chain`` (nearest first) reports to ``manager_id``,
    directly or indirectly: the reporting line alone, whatever anyone's role."""
    return manager_id in chain


def in_scope(actor: Actor, person_id: int, chain: Iterable[int]) -> bool:
    """Whether ``actor`` looks after the person ``person_id`` whose managers are ``chain``."""
    if person_id == actor.id:
        return False
    return actor.is_admin or (actor.is_manager and reports_to(chain, actor.id))


def can_view(actor: Actor, person_id: int, chain: Iterable[int]) -> bool:
    """One's own records, and those of the people in one's scope."""
    return person_id == actor.id or in_scope(actor, person_id, chain)


def can_hear(actor: Actor, person_id: int, chain: Iterable[int]) -> bool:
    """A kept recording of the person's voice (TRAINER_KEEP_AUDIO): the person themselves and
    the managers they report to, and nobody else, admins included (a voice is more personal
    than a transcript; an admin reads the words)."""
    return person_id == actor.id or (actor.is_manager and reports_to(chain, actor.id))


def grant_refusal(granter_id: int, granter_is_admin: bool, grantee_id: int, in_scope: bool,
                  action: str = "grant") -> str | None:
    """Why ``granter`` may not grant (or revoke) a clearance of ``grantee``, or None when allowed.

    ``in_scope``: the grantee is in the granter's scope (``in_scope`` above)."""
    if granter_id == grantee_id:
        return (f"Nobody can {action} a clearance of their own, admins included: ask your "
                "manager or another admin.")
    if granter_is_admin or in_scope:
        return None
    return (f"You can only {action} clearances for people in your team "
            "(your direct or indirect reports).")


def can_grant(actor: Actor, grantee_id: int, chain: Iterable[int], action: str = "grant") -> bool:
    """Grant (or revoke) a clearance: someone in one's scope, never oneself."""
    return grant_refusal(actor.id, actor.is_admin, grantee_id,
                         in_scope(actor, grantee_id, chain), action) is None


def override_refusal(actor: Actor, person_id: int, chain: Iterable[int]) -> str | None:
    """Why ``actor`` may not review (confirm or override) the scores of an attempt by
    ``person_id``, or None: their manager or an admin may, never on one's own attempt."""
    if person_id == actor.id:
        return "Nobody can review or override a score on their own attempt, admins included."
    if in_scope(actor, person_id, chain):
        return None
    return "You can only review scores of people in your team (direct or indirect reports)."


def can_override(actor: Actor, person_id: int, chain: Iterable[int]) -> bool:
    """Review (confirm or override) the scores of an attempt by ``person_id``."""
    return override_refusal(actor, person_id, chain) is None
