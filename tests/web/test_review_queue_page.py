"""The review queue shows a page of the oldest waiting attempts: flagged and disputed ones
together, in one order, whatever the cut; and it reads the flagged ones in order from their index,
so a page costs what it shows, not every flagged attempt of the company."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import event

from trainer.extensions import db
from trainer.models._types import utcnow
from trainer.services.feedback import dispute_score
from trainer.services.reviews import review_count, review_queue

from .. import factories

SCENARIO = "billing-double-charge"


def _scored(person, days_ago: int, reason: str = ""):
    attempt = factories.scored_attempt(person, SCENARIO, review_reason=reason)
    attempt.scored_at = utcnow() - timedelta(days=days_ago)
    db.session.commit()
    return attempt


def test_a_short_page_is_the_oldest_waiting_flagged_or_disputed(ctx):
    boss = factories.user("manager")
    person = factories.user(manager=boss)
    flagged = [_scored(person, days, "judge 4, rules 1") for days in (9, 7, 5, 3, 1)]
    disputed_oldest = _scored(person, 10)  # not flagged: waiting for its dispute only
    dispute_score(person, disputed_oldest, "empathy", "I named her worry")
    disputed_newest = _scored(person, 0)
    dispute_score(person, disputed_newest, "accuracy", "The date was right")
    outsider = factories.user(manager=factories.user("manager"))
    _scored(outsider, 20, "judge 0, rules 3")  # older, but not this manager's

    page = review_queue(boss, limit=3)
    assert [i.attempt_id for i in page] == [disputed_oldest.id, flagged[0].id, flagged[1].id]
    assert page[0].reason == "disputed empathy: I named her worry"
    everything = review_queue(boss)
    assert [i.attempt_id for i in everything] == [
        disputed_oldest.id, *(a.id for a in flagged), disputed_newest.id]
    assert review_count(boss) == 7  # the count covers them all, not the page


def test_an_admins_queue_reads_flagged_attempts_in_order_without_sorting_them_all(ctx):
    """SQLite's plan: an admin's queue (everyone's) walks ix_attempt_review_queue oldest first
    and stops at the page; only the page's few rows are sorted afterwards. (A manager's reads
    their team's person by person: tests/web/test_query_plans.py.)"""
    boss = factories.user("admin")
    person = factories.user()
    _scored(person, 1, "judge 4, rules 1")
    db.session.refresh(boss)  # loaded before listening, not inside
    ran: list[tuple[str, object]] = []

    def keep(conn, cursor, statement, parameters, context, executemany):
        ran.append((statement, parameters))

    engine = db.engine
    event.listen(engine, "before_cursor_execute", keep)
    try:
        assert len(review_queue(boss)) == 1
    finally:
        event.remove(engine, "before_cursor_execute", keep)
    [(statement, parameters)] = ran
    if engine.dialect.name != "sqlite":
        return  # the plan below is SQLite's; PostgreSQL plans by its statistics
    with engine.connect() as conn:
        plan = [row[3] for row in conn.exec_driver_sql("EXPLAIN QUERY PLAN " + statement,
                                                       parameters)]
    assert any("ix_attempt_review_queue" in step for step in plan), plan
    assert not any(step.startswith("SCAN attempt") for step in plan), plan
