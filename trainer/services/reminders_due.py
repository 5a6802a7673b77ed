"""What reminders fall due now, found by date windows (never by loading everyone): tracks due in
14 and 7 days or just overdue, clearances expiring in 30 and 7 days, and each manager's weekly
digest. services/reminders.py sends them, once each."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import and_, exists, or_, select
from sqlalchemy.orm import aliased, joinedload

from ..domain.qualification import EXPIRY_WARNING_DAYS, add_months
from ..domain.tracks import DONE
from ..extensions import db
from ..models import Attempt, Clearance, ReminderSent, User
from ..models.attempt import SCORED
from ..models.mail import FAILED
from .access import team_of
from .reviews import review_count, review_queue
from .team import acted_on
from .tracks import get_tracks, overdue_people, statuses_of

TRACK_DAYS = (7, 14)  # reminders this many days before a track's due date
CLEARANCE_DAYS = (7, EXPIRY_WARNING_DAYS)  # ...and before a clearance expires
OVERDUE = "overdue"
# An overdue reminder goes out only this many days after the due date at most: turning reminders
# on must not mail everyone who has been overdue for years.
OVERDUE_GRACE_DAYS = 7
WEEKLY = "weekly"
DIGEST_ITEMS = 10  # reviews and overdue people listed in a digest (the counts cover them all)
MAX_TRIES = 3  # sends of one reminder that the mail server refused, before giving up on it
SLACK_DAYS = 3  # add_months clamps month ends: candidates are read a little wide, then checked
CHUNK = 500  # ids in one IN (...) list


@dataclass(frozen=True)
class Due:
    """One reminder to one person: its key (kind, subject_id, recipient, threshold, due_on) and
    what the mail says."""

    kind: str  # onboarding, rotation, clearance, digest
    subject_id: int
    recipient: User
    threshold: str
    due_on: date
    context: dict[str, Any] = field(default_factory=dict, compare=False)


def threshold_for(due_on: date, today: date, days: tuple[int, ...],
                  overdue: bool = True) -> str | None:
    """The nearest threshold reached: "7" six days before, "14" ten days before, "overdue" the
    days after the due date (for OVERDUE_GRACE_DAYS), None otherwise."""
    left = (due_on - today).days
    if left < 0:
        return OVERDUE if overdue and -left <= OVERDUE_GRACE_DAYS else None
    reached = [d for d in sorted(days) if left <= d]
    return str(reached[0]) if reached else None


def _not_done(kind: str, subject, user, threshold: str, since: date):
    """SQL: no reminder of this kind and threshold for this subject and person since ``since``
    (except one the server refused that may be tried again)."""
    return ~exists().where(
        ReminderSent.kind == kind, ReminderSent.subject_id == subject,
        ReminderSent.user_id == user, ReminderSent.threshold == threshold,
        ReminderSent.due_on >= since,
        or_(ReminderSent.status != FAILED, ReminderSent.tries >= MAX_TRIES))


# --- tracks ----------------------------------------------------------------------------------

def track_dues(today: date) -> Iterator[Due]:
    """Onboarding and rotation reminders to the person: candidates read by date window (start
    dates, rotation passes a cycle ago), then each person's status worked out exactly."""
    tracks = get_tracks()
    soonest, latest = today - timedelta(days=OVERDUE_GRACE_DAYS), \
        today + timedelta(days=max(TRACK_DAYS))
    candidates: list[Any] = []  # who may be due: by start date, or by a rotation pass
    if tracks.onboarding is not None:
        days = timedelta(days=tracks.onboarding.due_days)
        candidates.append(User.start_date.between(soonest - days, latest - days))
    if tracks.rotation is not None:
        months, slack = tracks.rotation.every_months, timedelta(days=SLACK_DAYS)
        first, last = add_months(soonest, -months) - slack, add_months(latest, -months) + slack
        candidates.append(User.start_date.between(first, last))
        candidates.append(User.id.in_(select(Attempt.user_id).where(
            Attempt.scenario_id.in_(tracks.rotation.scenarios), Attempt.status == SCORED,
            Attempt.passed.is_(True), Attempt.finished_at >= _midnight(first),
            Attempt.finished_at < _midnight(last + timedelta(days=1)))))
    if not candidates:
        return
    people = list(db.session.scalars(
        select(User).options(joinedload(User.department))
        .where(User.active.is_(True), or_(*candidates))))
    statuses = statuses_of(people, today)
    done = _reminded(("onboarding", "rotation"), [p.id for p in people], soonest)
    for person in people:
        for status in statuses[person.id]:
            if status.state == DONE or status.due_date is None:
                continue
            threshold = threshold_for(status.due_date, today, TRACK_DAYS)
            key = (status.track, person.id, threshold, status.due_date)
            if threshold is not None and key not in done:
                yield Due(status.track, person.id, person, threshold, status.due_date,
                          {"status": status, "days_left": (status.due_date - today).days})


def _reminded(kinds: tuple[str, ...], people: list[int],
              since: date) -> set[tuple[str, int, str, date]]:
    """(kind, person, threshold, due_on) of the track reminders these people have had (or that
    are given up on), a chunk of people a statement."""
    found: set[tuple[str, int, str, date]] = set()
    for start in range(0, len(people), CHUNK):
        found.update(db.session.execute(select(
            ReminderSent.kind, ReminderSent.subject_id, ReminderSent.threshold,
            ReminderSent.due_on).where(
            ReminderSent.kind.in_(kinds), ReminderSent.user_id.in_(people[start:start + CHUNK]),
            ReminderSent.due_on >= since,
            or_(ReminderSent.status != FAILED, ReminderSent.tries >= MAX_TRIES))).all())
    return found


def _midnight(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, tzinfo=UTC)


# --- clearances ------------------------------------------------------------------------------

def clearance_dues(now: datetime) -> Iterator[Due]:
    """Current clearances expiring within the thresholds, to the holder and their manager: a
    range of the expiry index per threshold, less those whose reminders have all gone out."""
    today = now.astimezone(UTC).date()
    for days in sorted(CLEARANCE_DAYS):
        window_start, window_end = now + timedelta(days=_previous(days)), now + timedelta(days=days)
        holder_left = _not_done("clearance", Clearance.id, Clearance.user_id, str(days), today)
        manager_left = and_(User.manager_id.is_not(None), _not_done(
            "clearance", Clearance.id, User.manager_id, str(days), today))
        found = db.session.scalars(
            select(Clearance).join(User, User.id == Clearance.user_id)
            .options(joinedload(Clearance.user).joinedload(User.manager))
            .where(Clearance.revoked_at.is_(None), Clearance.granted_at <= now,
                   Clearance.expires_at > window_start, Clearance.expires_at <= window_end,
                   User.active.is_(True), or_(holder_left, manager_left))
            .order_by(Clearance.expires_at, Clearance.id))
        for clearance in found:
            expires_on = clearance.expires_at.astimezone(UTC).date()
            context = {"clearance": clearance, "holder": clearance.user,
                       "days_left": max((expires_on - today).days, 0)}
            yield Due("clearance", clearance.id, clearance.user, str(days), expires_on, context)
            manager = clearance.user.manager
            if manager is not None and manager.active:
                yield Due("clearance", clearance.id, manager, str(days), expires_on,
                          {**context, "for_manager": True})


def _previous(days: int) -> int:
    """The threshold below ``days`` (0 for the smallest): each window starts where it ends."""
    below = [d for d in CLEARANCE_DAYS if d < days]
    return max(below) if below else 0


# --- the weekly digest -----------------------------------------------------------------------

def week_of(today: date) -> date:
    """The Monday of ``today``'s week: a digest's due_on."""
    return today - timedelta(days=today.weekday())


def digest_dues(today: date) -> Iterator[Due]:
    """This week's digest for each active manager or admin with active direct reports who has
    not turned it off and has not had it yet."""
    monday = week_of(today)
    report = aliased(User)
    managers = db.session.scalars(select(User).where(
        User.role.in_(("manager", "admin")), User.active.is_(True),
        User.wants_digest.is_(True),
        exists().where(report.manager_id == User.id, report.active.is_(True)),
        _not_done("digest", User.id, User.id, WEEKLY, monday)).order_by(User.id))
    for manager in managers:
        yield Due("digest", manager.id, manager, WEEKLY, monday, {"monday": monday})


def digest_context(manager: User, today: date) -> dict[str, Any]:
    """What a manager's digest lists: their review queue and the people below them who are
    overdue (their own reporting line, for an admin too)."""
    team = acted_on(team_of(manager))
    overdue = overdue_people(manager, today, people=team)
    return {"to_review": review_count(manager),
            "queue": review_queue(manager, limit=DIGEST_ITEMS),
            "overdue": overdue[:DIGEST_ITEMS], "overdue_count": len(overdue)}


def is_empty(context: dict[str, Any]) -> bool:
    return not context["to_review"] and not context["overdue_count"]
