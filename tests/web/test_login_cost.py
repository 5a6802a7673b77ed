"""A login finds its user through the unique email index and expires old sessions through the
indexes on their timestamps, never by reading the whole user or session table (SQLite's EXPLAIN
QUERY PLAN on a SQLite file, whatever database the suite runs on)."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import event, select

from trainer import create_app
from trainer.config import TestConfig
from trainer.extensions import db
from trainer.models import UserSession
from trainer.models._types import utcnow

from .. import factories
from ..conftest import CSRF_RE

FULL_SCAN = re.compile(r"SCAN (user|user_session)\b(?! USING (COVERING )?INDEX)")


@pytest.fixture
def site(tmp_path):
    app = create_app({**{k: getattr(TestConfig, k) for k in dir(TestConfig) if k.isupper()},
                      "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'login.db'}"})
    with app.app_context():
        db.create_all()
        person = factories.user(email="pat.lee@example.com")
        old = utcnow() - timedelta(days=30)
        db.session.add_all([UserSession(id=f"{n:064}", user_id=person.id, created_at=old,
                                        last_seen=old) for n in range(3)])
        db.session.commit()
    yield app
    with app.app_context():
        db.engine.dispose()


def login_statements(app, email: str) -> list[tuple[str, object]]:
    client = app.test_client()
    token = CSRF_RE.search(client.get("/login").get_data(as_text=True)).group(1)
    with app.app_context():
        engine = db.engine
    ran: list[tuple[str, object]] = []

    def keep(conn, cursor, statement, parameters, context, executemany):
        ran.append((statement, parameters))

    event.listen(engine, "before_cursor_execute", keep)
    try:
        response = client.post("/login", data={"csrf_token": token, "email": email,
                                               "password": factories.PASSWORD})
    finally:
        event.remove(engine, "before_cursor_execute", keep)
    assert response.status_code == 302
    return ran


def test_a_login_reads_no_whole_user_or_session_table(site):
    statements = login_statements(site, "  Pat.LEE@Example.com ")
    scans = []
    with site.app_context(), db.engine.connect() as conn:
        # The new session, and none of the 3 that expired long ago.
        assert len(conn.scalars(select(UserSession.id)).all()) == 1
        for statement, parameters in statements:
            if statement.lstrip().upper().startswith(("SELECT", "DELETE", "UPDATE", "WITH")):
                plan = conn.exec_driver_sql("EXPLAIN QUERY PLAN " + statement, parameters)
                scans += [f"{' '.join(statement.split())[:200]} -> {row[3]}" for row in plan
                          if FULL_SCAN.match(row[3])]
    assert scans == [], "\n".join(scans)
