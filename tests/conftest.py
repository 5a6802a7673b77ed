"""Shared fixtures: an app on a real database (SQLite, or PostgreSQL when
TRAINER_TEST_DATABASE_URL is set), a client, a CLI runner and an auth helper."""

from __future__ import annotations

import os
import re

import pytest
from sqlalchemy import text

from trainer import create_app
from trainer.config import TestConfig
from trainer.extensions import db
from trainer.services.import_jobs import wait_for_imports
from trainer.services.mail import wait_for_background

from .factories import PASSWORD

PG_URL = os.environ.get("TRAINER_TEST_DATABASE_URL")
_pg_schema_ready = False


def _reset_postgres() -> None:
    global _pg_schema_ready
    if not _pg_schema_ready:
        db.drop_all()
        db.create_all()
        _pg_schema_ready = True
        return
    tables = ", ".join(f'"{t.name}"' for t in db.metadata.sorted_tables)
    db.session.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
    db.session.commit()


@pytest.fixture
def app(tmp_path):
    from trainer.config import database_url

    url = database_url(PG_URL) if PG_URL else f"sqlite:///{tmp_path / 'test.db'}"
    app = create_app({**{k: getattr(TestConfig, k) for k in dir(TestConfig) if k.isupper()},
                      "SQLALCHEMY_DATABASE_URI": url})
    with app.app_context():
        if PG_URL:
            _reset_postgres()
        else:
            db.create_all()
    yield app
    with app.app_context():
        # Mail sent after the response (services/mail.py) or an import run in a thread may still
        # be running: a connection it hands back after the dispose would be closed only by the
        # garbage collector, whose ResourceWarning then fails whichever test runs at that moment.
        assert wait_for_background(10), "background mail jobs still running after 10 s"
        assert wait_for_imports(10), "user imports still running after 10 s"
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def ctx(app):
    """An application context for service-level tests."""
    with app.app_context():
        yield


CSRF_RE = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


def csrf_token(client, page: str) -> str:
    """The CSRF token from a real page's form, as a browser would send it."""
    html = client.get(page).get_data(as_text=True)
    match = CSRF_RE.search(html)
    assert match, f"no CSRF token in the form on {page}"
    return match.group(1)


def post_form(client, page: str, action: str | None = None, data=None, **kwargs):
    """Open ``page``, then submit its form to ``action`` (default: the page) with its CSRF token."""
    token = csrf_token(client, page)
    return client.post(action or page, data={"csrf_token": token, **(data or {})}, **kwargs)


class AuthActions:
    def __init__(self, client):
        self.client = client

    def login(self, email: str, password: str = PASSWORD, next_url: str | None = None):
        page = "/login" + (f"?next={next_url}" if next_url else "")
        return post_form(self.client, page, data={"email": email, "password": password})

    def logout(self):
        return post_form(self.client, "/", "/logout")


@pytest.fixture
def auth(client):
    return AuthActions(client)


@pytest.fixture
def count_sql(app):
    """``with count_sql() as sql: client.get(...)``, then ``sql.count`` (tests/sqlcount.py): the
    statements the app's database engine ran inside the block."""
    from .sqlcount import count_statements

    with app.app_context():
        engine = db.engine
    return lambda: count_statements(engine)


@pytest.fixture
def smtp():
    """A real SMTP server (aiosmtpd) on a free loopback port, keeping what it receives."""
    from . import mailserver

    with mailserver.running() as server:
        yield server
