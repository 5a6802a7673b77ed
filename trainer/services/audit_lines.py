"""The audit page's lines: each event as a sentence (domain/audit_text.py), with the people and
attempts it names fetched for the whole page in two queries, and linked only where the viewer may
open them (access.scope_query: an admin everyone, a manager their team; never oneself, whose
attempts link to one's own scorecard instead)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import ColumnElement, literal, or_, select

from ..domain.audit_text import describe, wanted
from ..domain.audit_words import AttemptInfo, Names, Person, Sentence, Words
from ..extensions import db
from ..models import Attempt, AuditEvent, User
from .access import scope_query
from .library import get_library


@dataclass(frozen=True)
class AuditLine:
    event: AuditEvent
    actor: Sentence  # who, as a name (a link where the viewer may open their page) or "system"
    sentence: Sentence


def describe_events(events: Sequence[AuditEvent], viewer: User) -> list[AuditLine]:
    names = page_names(events, viewer)
    words = Words(names)
    return [AuditLine(e, (words.by_id(e.actor_id, "system"),), describe(e, names))
            for e in events]


def page_names(events: Sequence[AuditEvent], viewer: User) -> Names:
    need = wanted(events)
    people: dict[int, Person] = {}
    if need.user_ids or need.emails:
        rows = db.session.execute(
            select(User.id, User.name, User.email, _in_scope(User.id, viewer).label("linked"))
            .where(or_(User.id.in_(need.user_ids), User.email.in_(need.emails))))
        people = {r.id: Person(r.id, r.name, r.email, bool(r.linked) and r.id != viewer.id)
                  for r in rows}
    attempts: dict[int, AttemptInfo] = {}
    if need.attempt_ids:
        scenarios = get_library().scenarios
        rows = db.session.execute(
            select(Attempt.id, Attempt.user_id, Attempt.scenario_id,
                   _in_scope(Attempt.user_id, viewer).label("linked"))
            .where(Attempt.id.in_(need.attempt_ids)))
        for r in rows:
            scenario = scenarios.get(r.scenario_id)
            link = "own" if r.user_id == viewer.id else ("attempt" if r.linked else "")
            attempts[r.id] = AttemptInfo(r.id, r.user_id,
                                         scenario.title if scenario else r.scenario_id, link)
    return Names(people, {p.email.lower(): p for p in people.values()}, attempts,
                 get_library().categories)


def _in_scope(user_id: ColumnElement[int], viewer: User) -> ColumnElement[bool]:
    """Whether the viewer may open that person's pages, as a column of the same query."""
    scope = scope_query(viewer)
    return literal(True) if scope is None else user_id.in_(scope)  # None: an admin
