"""Admin token pages (create shows the token once, revoke closes the API); the audit log's page
is tested in test_audit_page.py."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from trainer.extensions import db
from trainer.models import ApiToken, AuditEvent
from trainer.services import tokens as token_service

from .. import factories
from ..conftest import post_form

TOKEN_RE = re.compile(r"trn_[A-Za-z0-9_-]{43}")


@pytest.fixture
def people(app):
    with app.app_context():
        factories.user("admin", email="admin@example.com", name="Ada Admin")
        factories.user("manager", email="mo@example.com", name="Mo Manager")
        factories.user("trainee", email="tara@example.com", name="Tara Trainee")


def token_urls(app) -> list[tuple[str, str]]:
    """(method, url) for every route of the blueprint, so a new one cannot escape the 404 test."""
    urls = []
    for rule in app.url_map.iter_rules():
        if rule.endpoint.startswith("admin_tokens."):
            url = rule.rule.replace("<int:token_id>", "1")
            urls += [(method, url) for method in sorted(rule.methods & {"GET", "POST"})]
    assert len(urls) >= 4
    return urls


def create(client, name="Helpdesk router", **kwargs):
    return post_form(client, "/admin/tokens", data={"name": name}, **kwargs)


def created_token(client, name="Helpdesk router") -> str:
    return TOKEN_RE.search(create(client, name, follow_redirects=True)
                           .get_data(as_text=True)).group(0)


@pytest.mark.parametrize("email", ["tara@example.com", "mo@example.com"])
def test_non_admins_find_no_token_page(app, client, auth, people, email):
    with app.app_context():
        token_service.create_token("existing")
    auth.login(email)
    for method, url in token_urls(app):
        response = client.get(url) if method == "GET" else post_form(client, "/", url,
                                                                      data={"name": "x"})
        assert response.status_code == 404, (method, url)
    with app.app_context():
        assert db.session.scalar(select(ApiToken)).revoked_at is None
        assert len(db.session.scalars(select(ApiToken)).all()) == 1


def test_anonymous_visitors_are_sent_to_log_in(app, client, people):
    for method, url in token_urls(app):
        response = client.get(url) if method == "GET" else post_form(client, "/login", url)
        assert response.status_code == 302, (method, url)
        assert response.headers["Location"].startswith("/login"), (method, url)


def test_the_token_is_shown_once_and_only_its_hash_is_stored(app, client, auth, people):
    auth.login("admin@example.com")
    posted = create(client)
    assert posted.status_code == 302 and posted.headers["Location"] == "/admin/tokens/created"
    assert not TOKEN_RE.search(posted.get_data(as_text=True))  # never in the POST's answer
    response = client.get("/admin/tokens/created")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    raw = TOKEN_RE.search(html).group(0)
    assert "will not be shown again" in html
    assert response.headers["Cache-Control"] == "no-store"
    listing = client.get("/admin/tokens").get_data(as_text=True)
    assert raw not in listing and raw[:10] in listing and "Helpdesk router" in listing
    with app.app_context():
        token = db.session.scalar(select(ApiToken))
        assert token.token_hash == token_service.hash_token(raw) and raw not in token.token_hash
        event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "token.created"))
        assert event.subject == "Helpdesk router" and raw not in str(event.detail)


def test_refreshing_the_created_page_makes_no_second_token(app, client, auth, people):
    auth.login("admin@example.com")
    raw = created_token(client)
    again = client.get("/admin/tokens/created")
    assert again.status_code == 302 and again.headers["Location"] == "/admin/tokens"
    listing = client.get("/admin/tokens").get_data(as_text=True)
    assert "shown only once" in listing and raw not in listing
    with app.app_context():
        assert len(db.session.scalars(select(ApiToken)).all()) == 1


def test_the_token_never_sits_whole_in_the_cookie_or_the_session_row(app, client, auth,
                                                                      people):
    from trainer.models import UserSession

    auth.login("admin@example.com")
    create(client)
    cookie = client.get_cookie("session").value
    with app.app_context():
        stored = app.session_interface.get_signing_serializer(app).loads(cookie)
        [row] = db.session.scalars(select(UserSession)).all()
        pending = row.pending_secret
    replay = app.test_client()  # someone who copied the cookie before the page was shown
    replay.set_cookie("session", cookie)
    raw = TOKEN_RE.search(client.get("/admin/tokens/created").get_data(as_text=True)).group(0)
    assert raw not in str(stored) and raw not in pending and raw.encode().hex() not in pending
    with app.app_context():
        assert db.session.scalars(select(UserSession)).one().pending_secret is None
    assert replay.get("/admin/tokens/created").status_code == 302  # shown once, to one page


def test_a_blank_name_is_a_form_error(app, client, auth, people):
    auth.login("admin@example.com")
    response = create(client, name="  ")
    assert response.status_code == 400
    assert 'class="field-error"' in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(ApiToken)) is None


def test_revoking_stops_api_access(app, client, auth, people):
    auth.login("admin@example.com")
    raw = created_token(client)
    api = {"query_string": {"category": "billing-dispute"},
           "headers": {"Authorization": f"Bearer {raw}"}}
    assert client.get("/api/v1/resolvers", **api).status_code == 200
    response = post_form(client, "/admin/tokens", "/admin/tokens/1/revoke",
                         follow_redirects=True)
    assert "revoked" in response.get_data(as_text=True)
    assert client.get("/api/v1/resolvers", **api).status_code == 401
    again = post_form(client, "/admin/tokens", "/admin/tokens/1/revoke", follow_redirects=True)
    assert "already revoked" in again.get_data(as_text=True)
    with app.app_context():
        actions = db.session.scalars(select(AuditEvent.action)).all()
        assert actions.count("token.revoked") == 1


def test_revoking_needs_a_csrf_token(app, client, auth, people):
    with app.app_context():
        token_service.create_token("existing")
    auth.login("admin@example.com")
    assert client.post("/admin/tokens/1/revoke").status_code == 400
    with app.app_context():
        assert db.session.scalar(select(ApiToken)).revoked_at is None
