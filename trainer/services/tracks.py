"""Onboarding and rotation tracks for people: statuses, overdue lists, the report, renewals."""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Iterable
from datetime import UTC, date, datetime
from functools import cache

from sqlalchemy import Select, bindparam, select

from ..domain.modes import is_admissible
from ..domain.tracks import (
    OVERDUE,
    Pass,
    Tracks,
    TrackStatus,
    onboarding_status,
    rotation_completions,
    rotation_status,
)
from ..extensions import db, execute_plain
from ..models import Attempt, Clearance, User
from ..models._types import utcnow
from ..models.attempt import SCORED
from .clearances import renew_for_rotation
from .library import get_library
from .team import acted_on, people_of, people_query

log = logging.getLogger(__name__)
REPORT_COLUMNS = ("email", "name", "department", "manager_email", "track", "state", "due_date",
                  "completed_at", "missing")


def get_tracks() -> Tracks:
    """The app's tracks, as the library loader read them (none without scenarios/tracks.yaml)."""
    return get_library().tracks or Tracks()


def _day(when: datetime) -> date:
    return when.astimezone(UTC).date()


@cache
def _passes_statement() -> Select:
    """Built once per process: every dashboard runs it."""
    return (select(Attempt.user_id, Attempt.scenario_id, Attempt.finished_at, Attempt.id,
                   Attempt.mode, Attempt.copied_from, Attempt.reviewed_at)
            .where(Attempt.user_id.in_(bindparam("user_ids", expanding=True)),
                   Attempt.status == SCORED, Attempt.passed.is_(True),
                   Attempt.finished_at.is_not(None))
            .order_by(Attempt.finished_at, Attempt.id))


def passes_of(user_ids: Iterable[int]) -> dict[int, list[Pass]]:
    """Each user's passed attempts, oldest first, each marked admissible or not (a track that
    asks for assessed passes counts only those)."""
    found: dict[int, list[Pass]] = defaultdict(list)
    rows = execute_plain(_passes_statement(), {"user_ids": list(user_ids)})
    for user_id, scenario_id, finished_at, attempt_id, mode, copied_from, reviewed_at in rows:
        found[user_id].append(Pass(scenario_id, _day(finished_at), attempt_id,
                                   is_admissible(mode, copied_from, reviewed_at is not None)))
    return found


def _statuses(tracks: Tracks, person: User, passes: list[Pass], today: date) -> list[TrackStatus]:
    statuses = []
    department = person.department.name if person.department else None
    if tracks.onboarding is not None:
        status = onboarding_status(tracks.onboarding, person.start_date, department, passes, today)
        if status is not None:
            statuses.append(status)
    if tracks.rotation is not None:
        statuses.append(rotation_status(tracks.rotation, person.start_date, passes, today))
    return statuses


def statuses_for(user: User, today: date | None = None) -> list[TrackStatus]:
    """The user's onboarding (when their department has one) and rotation status."""
    return _statuses(get_tracks(), user, passes_of([user.id])[user.id], today or _day(utcnow()))


def statuses_of(people: Iterable[User], today: date | None = None) -> dict[int, list[TrackStatus]]:
    """Each person's track statuses (one statement for everyone's passes)."""
    people = list(people)
    today = today or _day(utcnow())
    tracks, passes = get_tracks(), passes_of(p.id for p in people)
    return {p.id: _statuses(tracks, p, passes[p.id], today) for p in people}


def overdue_people(manager: User, today: date | None = None,
                   people: Iterable[User] | None = None) -> list[tuple[User, TrackStatus]]:
    """The manager's people (everyone, for an admin; only ``people``, e.g. the page shown, when
    given) with an overdue track, by name; active people only (domain/permissions.py)."""
    people = people_of(manager, active_only=True) if people is None else acted_on(people)
    statuses = statuses_of(people, today)
    return [(person, status) for person in people for status in statuses[person.id]
            if status.state == OVERDUE]


def track_report_rows(today: date | None = None,
                      viewer: User | None = None) -> list[dict[str, str]]:
    """One row per active person per track, by email (the `trainer tracks report` CSV, and the
    team page's download): everyone, or the people ``viewer`` looks after."""
    query = select(User).where(User.active.is_(True)) if viewer is None \
        else people_query(viewer, active_only=True)
    people = list(db.session.scalars(query.order_by(None).order_by(User.email)))
    statuses = statuses_of(people, today)
    rows = []
    for person in people:
        for status in statuses[person.id]:
            rows.append({
                "email": person.email, "name": person.name,
                "department": person.department.name if person.department else "",
                "manager_email": person.manager.email if person.manager else "",
                "track": status.track, "state": status.state,
                "due_date": status.due_date.isoformat() if status.due_date else "",
                "completed_at": status.completed_at.isoformat() if status.completed_at else "",
                "missing": " ".join(status.missing)})
    return rows


def after_attempt_scored(attempt: Attempt) -> list[Clearance]:
    """Call after an attempt's score is stored (or overridden): when this attempt completed the
    rotation, renew the person's clearances that the rotation covers."""
    rotation = get_tracks().rotation
    if (rotation is None or attempt.status != SCORED or not attempt.passed
            or attempt.finished_at is None or attempt.scenario_id not in rotation.scenarios):
        return []
    completions = rotation_completions(rotation, passes_of([attempt.user_id])[attempt.user_id])
    if not any(p.attempt_id == attempt.id for p in completions):
        return []
    log.info("rotation completed by attempt %s; renewing clearances", attempt.id)
    return renew_for_rotation(attempt.user, attempt.finished_at, rotation.renews)
