"""The numbers behind the team page's charts and per-person columns, against attempts made here."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from trainer.extensions import db
from trainer.models import Clearance
from trainer.services.team_view import cached_team_charts, recent_scores, standings, team_charts

from .. import factories

NOW = datetime(2026, 6, 17, 12, 0, tzinfo=UTC)  # a Wednesday: its week began on Monday 15 June


def _scored(person, when, levels, overall, mode="assessed"):
    attempt = factories.scored_attempt(person, "billing-double-charge", levels=levels,
                                       finished_at=when, mode=mode)
    attempt.overall = overall
    db.session.commit()
    return attempt


def test_weekly_averages_and_levels_count_the_teams_assessed_attempts_by_week(ctx):
    boss = factories.user("manager")
    ann, bob = factories.user(manager=boss), factories.user(manager=boss)
    stranger = factories.user()  # someone else's report: never counted
    _scored(ann, NOW - timedelta(days=1), {"empathy": 4, "ownership": 2, "accuracy": 3}, 80)
    _scored(bob, NOW - timedelta(days=2), {"empathy": 2, "ownership": 2, "accuracy": 1}, 50)
    _scored(ann, NOW - timedelta(days=9), {"empathy": 1, "ownership": 0, "accuracy": 0}, 10)
    _scored(ann, NOW - timedelta(days=1), {"empathy": 0, "ownership": 0, "accuracy": 0}, 0,
            mode="practice")  # practice: not evidence
    _scored(stranger, NOW - timedelta(days=1), {"empathy": 0, "ownership": 0, "accuracy": 0}, 0)
    _scored(ann, NOW - timedelta(weeks=13), {"empathy": 0, "ownership": 0, "accuracy": 0}, 0)
    charts = team_charts(boss, NOW)
    assert len(charts.weeks) == 12 and charts.since == datetime(2026, 3, 30).date()
    this_week, last_week = charts.weeks[-1], charts.weeks[-2]
    assert this_week.week == datetime(2026, 6, 15).date()
    assert this_week.attempts == 2
    assert this_week.averages == {"empathy": 3.0, "ownership": 2.0, "accuracy": 2.0}
    assert last_week.attempts == 1 and last_week.averages["empathy"] == 1.0
    assert all(w.attempts == 0 and w.averages["empathy"] is None for w in charts.weeks[:-2])
    assert charts.levels["empathy"] == {0: 0, 1: 1, 2: 1, 3: 0, 4: 1}
    assert charts.levels["accuracy"] == {0: 1, 1: 1, 2: 0, 3: 1, 4: 0}


def test_an_empty_team_has_empty_charts(ctx):
    charts = team_charts(factories.user("manager"), NOW)
    assert charts.empty and all(w.averages["empathy"] is None for w in charts.weeks)


def test_each_persons_recent_assessed_scores_tracks_and_clearances(ctx):
    boss = factories.user("manager")
    admin = factories.user("admin")
    ann = factories.user(manager=boss)
    for n in range(12):
        _scored(ann, NOW - timedelta(days=20 - n), {"empathy": 3, "ownership": 3,
                                                     "accuracy": 3}, 50 + n)
    _scored(ann, NOW, {"empathy": 3, "ownership": 3, "accuracy": 3}, 99, mode="practice")
    assert [s for _, s in recent_scores([ann.id])[ann.id]] == [52 + n for n in range(10)]
    db.session.add(Clearance(user_id=ann.id, category="billing-dispute", level=1, limit=50,
                             granted_by_id=admin.id, granted_at=NOW - timedelta(days=10),
                             expires_at=NOW + timedelta(days=20)))
    db.session.add(Clearance(user_id=ann.id, category="faulty-goods", level=1, limit=50,
                             granted_by_id=admin.id, granted_at=NOW - timedelta(days=400),
                             expires_at=NOW - timedelta(days=35)))  # expired: not shown
    db.session.commit()
    standing = standings([ann], NOW)[ann.id]
    assert [s for _, s in standing.recent][-1] == 61
    assert [(c.category, c.level) for c in standing.clearances] == [("billing-dispute", 1)]
    assert {t.track for t in standing.tracks} >= {"rotation"}


def test_the_charts_are_reused_for_five_minutes_then_counted_again(ctx):
    boss = factories.user("manager")
    ann = factories.user(manager=boss)
    first = cached_team_charts(boss, NOW)
    _scored(ann, NOW, {"empathy": 4, "ownership": 4, "accuracy": 4}, 100)
    assert cached_team_charts(boss, NOW + timedelta(minutes=4)) is first  # as of NOW: stale
    again = cached_team_charts(boss, NOW + timedelta(minutes=6))
    assert again.as_of == NOW + timedelta(minutes=6) and again.weeks[-1].attempts == 1
