"""What the login tests share: an app with one login-protected page, a client whose every
request has its own app context, a trainee, and the failed logins recorded for an address."""

from __future__ import annotations

import pytest
from flask_login import login_required
from sqlalchemy import select

from trainer.extensions import db
from trainer.models import AuditEvent

from ... import factories
from ...conftest import post_form
from ..isolated import IsolatedClient

PRIVATE = "/_test/private"
BAD = "Email or password is incorrect"


@pytest.fixture
def app(app):
    """The app with one plain login-protected page, independent of other blueprints."""

    @app.get(PRIVATE)
    @login_required
    def private():
        return "private page"

    return app


@pytest.fixture
def client(app):
    app.test_client_class = IsolatedClient
    return app.test_client()


@pytest.fixture
def trainee(ctx):
    return factories.user("trainee", email="pat.lee@example.com")


def logout(client, **kwargs):
    """Log out with the token from the nav's logout form (any page that extends base.html)."""
    return post_form(client, "/_test/no-such-page", "/logout", **kwargs)


def failures(email: str) -> list[AuditEvent]:
    return list(db.session.scalars(select(AuditEvent).where(AuditEvent.action == "login.failed",
                                                            AuditEvent.subject == email)))


def logged_in_elsewhere(app):
    """Another browser with the trainee logged in: a second live session of theirs."""
    other = app.test_client()
    post_form(other, "/login", data={"email": "pat.lee@example.com",
                                     "password": factories.PASSWORD})
    assert other.get(PRIVATE).status_code == 200
    return other
