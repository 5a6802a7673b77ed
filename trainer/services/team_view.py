"""What a manager's team page shows beyond each person's totals (services/team.py): each person's
recent assessed scores, track states and current clearances, and for the whole team each
dimension's weekly average and the spread of levels over the last weeks.

Everything comes from SQL aggregates (or one windowed query for the recent scores) over the
people asked about or the viewer's scope, never from loading attempts: the cost depends on the
page and the window shown, not on how many attempts the company has made."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from flask import current_app
from sqlalchemy import func, select

from ..domain.library import DIMENSIONS
from ..domain.modes import ASSESSED
from ..domain.tracks import TrackStatus
from ..extensions import execute_plain, on_postgresql
from ..models import Attempt, Clearance, Score, User
from ..models._types import utcnow
from ..models.attempt import SCORED
from .clearance_lists import current_of
from .team import people_ids, team_page
from .tracks import statuses_of

RECENT_SCORES = 10  # assessed attempts drawn per person: enough to see a trend in a table cell
CHART_WEEKS = 12  # the team charts' window
LEVELS = (0, 1, 2, 3, 4)  # every level a dimension can be given
CHARTS_KEPT_FOR = timedelta(minutes=5)  # how stale the team charts may be ("as of" on the page)
CHARTS_CACHE, CHARTS_CACHE_SIZE = "trainer.team_charts", 500  # viewers held per process


@dataclass(frozen=True)
class PersonStanding:
    """One person's row beyond their totals: latest assessed scores, oldest first (overall %),
    training track states and clearances that count now."""

    recent: list[tuple[datetime, float]]
    tracks: list[TrackStatus]
    clearances: list[Clearance]


@dataclass(frozen=True)
class WeekAverages:
    week: date  # its Monday
    averages: dict[str, float | None]  # per dimension; None when nothing was scored that week
    attempts: int


@dataclass(frozen=True)
class TeamCharts:
    weeks: list[WeekAverages]  # oldest first, every week of the window (empty ones too)
    levels: dict[str, dict[int, int]]  # dimension -> level -> how many scores
    since: date
    as_of: datetime

    @property
    def empty(self) -> bool:
        return not any(w.attempts for w in self.weeks)


def standings(people: Sequence[User], now: datetime | None = None) -> dict[int, PersonStanding]:
    """Each of ``people``'s standing (three statements, whatever their number)."""
    now = now or utcnow()
    ids = [p.id for p in people]
    recent = recent_scores(ids)
    tracks = statuses_of(people, now.astimezone(UTC).date())
    held = current_of(ids, now)
    return {p.id: PersonStanding(recent.get(p.id, []), tracks.get(p.id, []), held.get(p.id, []))
            for p in people}


def recent_scores(ids: list[int], count: int = RECENT_SCORES) -> dict[int, list]:
    """Per person, the overall score of their latest ``count`` scored assessed attempts, oldest
    first (one windowed statement)."""
    if not ids:
        return {}
    newest = func.row_number().over(partition_by=Attempt.user_id,
                                    order_by=(Attempt.finished_at.desc(), Attempt.id.desc()))
    ranked = (select(Attempt.user_id, Attempt.finished_at, Attempt.overall,
                     newest.label("n"))
              .where(Attempt.user_id.in_(ids), Attempt.status == SCORED,
                     Attempt.mode == ASSESSED, Attempt.overall.is_not(None))
              .subquery())
    found: dict[int, list] = defaultdict(list)
    for user_id, finished_at, overall in execute_plain(
            select(ranked.c.user_id, ranked.c.finished_at, ranked.c.overall)
            .where(ranked.c.n <= count).order_by(ranked.c.user_id, ranked.c.finished_at)):
        found[user_id].append((finished_at, round(overall, 1)))
    return found


def team_charts(viewer: User, now: datetime | None = None, weeks: int = CHART_WEEKS) -> TeamCharts:
    """Over the last ``weeks`` weeks of scored assessed attempts by the people ``viewer`` looks
    after: each dimension's average level per week, and how many of each level were given (two
    statements; the rows are weeks and levels, not attempts)."""
    now = now or utcnow()
    today = now.astimezone(UTC).date()
    monday = today - timedelta(days=today.weekday())
    since = monday - timedelta(weeks=weeks - 1)
    where = _team_scores(viewer, since)
    week = _week_start(Attempt.finished_at).label("week")
    by_week: dict[date, dict[str, float]] = defaultdict(dict)
    attempts: dict[date, int] = defaultdict(int)
    for started, dimension, average, n in execute_plain(
            select(week, Score.dimension, func.avg(Score.level),
                   func.count(func.distinct(Attempt.id)))
            .join(Score, Score.attempt_id == Attempt.id).where(*where)
            .group_by(week, Score.dimension)):
        day = _as_date(started)
        by_week[day][dimension] = round(float(average), 2)
        attempts[day] = max(attempts[day], n)
    levels: dict[str, dict[int, int]] = {d: dict.fromkeys(LEVELS, 0) for d in DIMENSIONS}
    for dimension, level, n in execute_plain(
            select(Score.dimension, Score.level, func.count())
            .join(Attempt, Attempt.id == Score.attempt_id).where(*where)
            .group_by(Score.dimension, Score.level)):
        levels[dimension][level] = n
    days = [since + timedelta(weeks=n) for n in range(weeks)]
    return TeamCharts(
        weeks=[WeekAverages(d, {dim: by_week[d].get(dim) for dim in DIMENSIONS}, attempts[d])
               for d in days],
        levels=levels, since=since, as_of=now)


def cached_team_charts(viewer: User, now: datetime | None = None) -> TeamCharts:
    """team_charts, reused for CHARTS_KEPT_FOR in this process: its aggregates read every
    assessed attempt of the viewer's people in the window, so the team page fetches the charts
    after it has shown (htmx), and a manager reloading the page pays for them once."""
    now = now or utcnow()
    held = current_app.extensions.setdefault(CHARTS_CACHE, {})
    found = held.get(viewer.id)
    if found is None or now - found[0] > CHARTS_KEPT_FOR or found[0] > now:
        if len(held) >= CHARTS_CACHE_SIZE:
            held.clear()
        found = held[viewer.id] = (now, team_charts(viewer, now))
    return found[1]


def _team_scores(viewer: User, since: date) -> tuple:
    """The scores the charts count: levels given to scored assessed attempts finished since
    ``since`` by the people ``viewer`` looks after (never the viewer's own)."""
    start = datetime(since.year, since.month, since.day, tzinfo=UTC)
    return (Attempt.user_id.in_(people_ids(viewer)), Attempt.status == SCORED,
            Attempt.mode == ASSESSED, Attempt.finished_at >= start, Score.dimension.in_(DIMENSIONS),
            Score.level.is_not(None))


def _week_start(column):
    """The Monday of ``column``'s (UTC) week, in SQL: PostgreSQL's date_trunc, SQLite's date
    arithmetic (back six days, then forward to the next Monday)."""
    if on_postgresql():
        return func.date(func.date_trunc("week", func.timezone("UTC", column)))
    return func.date(column, "-6 days", "weekday 1")


def _as_date(value) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value)[:10])


EXPORT_COLUMNS = ("name", "email", "department", "active", "attempts", "assessed_passes",
                  "practice_passes", *DIMENSIONS, "weakest", "last_active", "recent_scores",
                  "onboarding", "rotation", "clearances")
EXPORT_PAGE = 200  # people read at a time while the download streams


def team_rows(viewer: User, search: str = "", now: datetime | None = None):
    """The team page as rows for a download: everyone ``viewer`` looks after (matching
    ``search``), a page of people at a time, so memory stays flat however big the team."""
    now = now or utcnow()
    number, pages = 1, 1
    while number <= pages:
        page = team_page(viewer, number, search, size=EXPORT_PAGE)
        found = standings([row.user for row in page], now)
        for row in page:
            yield _export_row(row, found[row.user.id])
        number, pages = number + 1, page.pages


def _export_row(row, standing: PersonStanding) -> dict:
    person = row.user
    tracks = {t.track: t for t in standing.tracks}

    def track(name: str) -> str:
        t = tracks.get(name)
        if t is None:
            return ""
        when = t.completed_at or t.due_date
        return f"{t.state} {when:%Y-%m-%d}" if when else t.state

    return {"name": person.name, "email": person.email,
            "department": person.department.name if person.department else "",
            "active": "yes" if person.active else "no", "attempts": row.attempts,
            "assessed_passes": row.passed, "practice_passes": row.practice_passed,
            **row.averages, "weakest": row.weakest or "",
            "last_active": f"{row.last_active:%Y-%m-%d}" if row.last_active else "",
            "recent_scores": " ".join(f"{s:g}" for _, s in standing.recent),
            "onboarding": track("onboarding"), "rotation": track("rotation"),
            "clearances": "; ".join(f"{c.category} level {c.level} limit {c.limit} until "
                                    f"{c.expires_at:%Y-%m-%d}" for c in standing.clearances)}


CHART_COLUMNS = ("week_of", *(f"average_{d}" for d in DIMENSIONS), "attempts",
                 *(f"level_{n}_{d}" for n in LEVELS for d in DIMENSIONS))


def chart_rows(charts: TeamCharts):
    """The charts' two tables as one download: a row per week (the averages), then a row holding
    the spread of levels over the whole window."""
    for w in charts.weeks:
        yield {"week_of": w.week.isoformat(), "attempts": w.attempts,
               **{f"average_{d}": w.averages[d] for d in DIMENSIONS}}
    yield {"week_of": f"{charts.since.isoformat()} to {charts.weeks[-1].week.isoformat()}",
           "attempts": sum(w.attempts for w in charts.weeks),
           **{f"level_{n}_{d}": charts.levels[d][n] for n in LEVELS for d in DIMENSIONS}}
