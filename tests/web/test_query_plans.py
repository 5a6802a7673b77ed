"""No main page reads a whole table that grows with the company's history: every statement a page
runs finds its rows through an index (SQLite's EXPLAIN QUERY PLAN, on a SQLite file whatever
database the suite runs on, since the plan is SQLite's). Without ANALYZE, SQLite plans as if the
tables were large, which is the case this guards."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import event, select

from trainer import create_app
from trainer.config import TestConfig
from trainer.extensions import db
from trainer.models import ApiToken, Attempt

from .. import factories
from ..conftest import CSRF_RE
from .teams import build_team, clearance

# Tables that grow with people and their history.
GROWING = ("attempt", "turn", "score", "audit_event", "llm_call", "clearance", "user_session",
           "user", "outbound_delivery")
_FULL_SCAN = re.compile(rf"SCAN ({'|'.join(GROWING)})\b(?! USING (COVERING )?INDEX)")
# Newest first, a page at a time, no filter: walking the primary key backwards and stopping at
# the limit is what an index would do.
_NEWEST_FIRST = re.compile(r"^SELECT (?:(?!WHERE).)* ORDER BY \w+\.id DESC LIMIT \?", re.DOTALL)


@pytest.fixture
def site(tmp_path):
    """A manager with 12 reports (each with a scored history), an admin, some clearances."""
    app = create_app({**{k: getattr(TestConfig, k) for k in dir(TestConfig) if k.isupper()},
                      "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'plans.db'}"})
    with app.app_context():
        db.create_all()
        boss = factories.user("manager", email="boss@example.com")
        admin = factories.user("admin", email="admin@example.com")
        people = build_team(boss, 12, "Report")
        for person in people[:3]:
            clearance(person, boss, "billing-dispute")
        person = people[0]
        attempt = db.session.scalar(select(Attempt.id).where(Attempt.user_id == person.id))
        db.session.add(ApiToken(name="router", token_hash="0" * 64, hint="0000",
                                created_by_id=admin.id))
        db.session.commit()
        pages = {
            person.email: ["/", f"/attempts/{attempt}/scorecard"],
            boss.email: ["/team/", "/team/review", "/team/calibration", "/insight/",
                         f"/team/people/{person.id}", f"/team/attempts/{attempt}"],
            admin.email: ["/team/", "/insight/", "/admin/users", "/admin/audit",
                          "/admin/audit?action=login.failed", "/admin/audit?before=3",
                          "/admin/webhooks", "/admin/webhooks?status=failed&before=3",
                          "/admin/tokens", "/admin/llm",
                          "/resolve?category=billing-dispute"],
        }
    yield app, pages
    with app.app_context():
        db.engine.dispose()


def _logged_in(app, email: str):
    client = app.test_client()
    token = CSRF_RE.search(client.get("/login").get_data(as_text=True)).group(1)
    client.post("/login", data={"csrf_token": token, "email": email,
                                "password": factories.PASSWORD})
    return client


def _statements(app, client, url: str) -> list[tuple[str, object]]:
    with app.app_context():
        engine = db.engine
    ran: list[tuple[str, object]] = []

    def keep(conn, cursor, statement, parameters, context, executemany):
        if statement.lstrip().upper().startswith(("SELECT", "WITH")):
            ran.append((statement, parameters))

    event.listen(engine, "before_cursor_execute", keep)
    try:
        assert client.get(url).status_code == 200, url
    finally:
        event.remove(engine, "before_cursor_execute", keep)
    return ran


def _full_scans(app, statements) -> list[str]:
    found = []
    with app.app_context(), db.engine.connect() as conn:
        for statement, parameters in statements:
            if _NEWEST_FIRST.match(" ".join(statement.split())):
                continue
            plan = conn.exec_driver_sql("EXPLAIN QUERY PLAN " + statement, parameters).all()
            scans = [row[3] for row in plan if _FULL_SCAN.match(row[3])]
            if scans:
                found.append(f"{' '.join(statement.split())[:400]}\n    -> {scans}")
    return found


def test_no_main_page_reads_a_whole_growing_table(site):
    app, pages = site
    problems = []
    for email, urls in pages.items():
        client = _logged_in(app, email)
        for url in urls:
            problems += [f"{url}: {scan}" for scan in _full_scans(app, _statements(app, client,
                                                                                   url))]
    assert problems == [], "\n".join(problems)


def test_the_team_pages_levels_per_skill_are_read_from_indexes_alone(site):
    """The average level per skill sums many attempts' scores: both sides come from covering
    indexes, never from the attempt rows (with their snapshots) or the score rows."""
    app, pages = site
    client = _logged_in(app, "boss@example.com")
    sums = [(s, p) for s, p in _statements(app, client, "/team/") if "sum(score.level)" in s]
    assert len(sums) == 1
    with app.app_context(), db.engine.connect() as conn:
        plan = [row[3] for row in conn.exec_driver_sql("EXPLAIN QUERY PLAN " + sums[0][0],
                                                       sums[0][1])]
    reads = [step for step in plan if re.match(r"(SEARCH|SCAN) (attempt|score)\b", step)]
    assert len(reads) == 2 and all("USING COVERING INDEX" in step for step in reads), plan


def test_a_managers_review_queue_and_count_read_their_teams_waiting_attempts_by_person(site):
    """The queue and its count find the team's flagged attempts person by person, never by
    walking every flagged attempt of the company (which grows with everyone else's)."""
    app, pages = site
    client = _logged_in(app, "boss@example.com")
    waiting = [(s, p) for s, p in _statements(app, client, "/team/review")
               if "needs_review IS 1" in s]
    assert len(waiting) == 2  # the queue and the count
    with app.app_context(), db.engine.connect() as conn:
        for statement, parameters in waiting:
            plan = [row[3] for row in conn.exec_driver_sql("EXPLAIN QUERY PLAN " + statement,
                                                           parameters)]
            reads = [step for step in plan if re.match(r"(SEARCH|SCAN) attempt\b", step)]
            assert any("ix_attempt_waiting_by_person (user_id=?" in step for step in reads), plan
            assert not any(re.search(r"ix_attempt_(review_queue|status_scored_at)", step)
                           for step in reads), plan


def test_whether_a_pass_rests_on_an_override_is_read_from_the_overridden_scores_alone(site):
    """Everyone's passes are checked for overrides for library insight's ready counts: by the
    partial index of overridden scores, whose WHERE must stay the query's to be used (without
    it PostgreSQL read every score of the company to answer)."""
    app, pages = site
    client = _logged_in(app, "admin@example.com")
    asked = [(s, p) for s, p in _statements(app, client, "/insight/")
             if "EXISTS" in s and "score.overridden_at IS NOT NULL" in s]
    assert len(asked) == 1  # the people's deciding passes (services/eligibility.records_of)
    with app.app_context(), db.engine.connect() as conn:
        plan = [row[3] for row in conn.exec_driver_sql("EXPLAIN QUERY PLAN " + asked[0][0],
                                                       asked[0][1])]
    probes = [step for step in plan if step.startswith("SEARCH score")]
    overrides = [step for step in probes if "overridden_at" in step]
    assert overrides and all("USING INDEX ix_score_overridden" in s for s in overrides), plan


def test_a_page_of_one_status_of_deliveries_walks_an_index_in_order(site):
    """Deliveries only grow: a page of one status (newest first, from where it starts) reads
    that status along an index in id order and stops at the page, never sorting every delivery
    of that status (migration 0022)."""
    app, pages = site
    client = _logged_in(app, "admin@example.com")
    for url in ("/admin/webhooks?status=failed", "/admin/webhooks?status=failed&before=3"):
        listed = [(s, p) for s, p in _statements(app, client, url)
                  if "FROM outbound_delivery" in s and "ORDER BY outbound_delivery.id" in s]
        assert listed, url
        with app.app_context(), db.engine.connect() as conn:
            for statement, parameters in listed:
                plan = [row[3] for row in conn.exec_driver_sql("EXPLAIN QUERY PLAN " + statement,
                                                               parameters)]
                assert any("ix_outbound_delivery_status_id (status=?" in step for step in plan), \
                    plan
                assert not any("TEMP B-TREE" in step for step in plan), plan
