"""Logging in and out: generic errors, fresh server-side sessions that end at logout, on
deactivation and when idle or old, and safe redirects."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import select, update

from trainer.extensions import db
from trainer.models import AuditEvent, UserSession
from trainer.models._types import utcnow
from trainer.services import auth as auth_service
from trainer.web.security import SESSION_TOKEN_KEY

from ... import factories
from ...conftest import csrf_token, post_form
from .conftest import BAD, PRIVATE, failures, logged_in_elsewhere, logout


def test_login_page_has_labelled_autocompleting_fields(client):
    response = client.get("/login")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert '<label for="email">' in html and '<label for="password">' in html
    assert 'autocomplete="username"' in html and 'autocomplete="current-password"' in html
    [email_input] = re.findall(r'<input[^>]*id="email"[^>]*>', html)
    assert "autofocus" in email_input
    assert 'name="csrf_token"' in html
    assert response.headers["Cache-Control"] == "no-store"


def test_login_starts_a_server_side_session(client, trainee):
    response = post_form(client, "/login", data={"email": "pat.lee@example.com",
                                                 "password": factories.PASSWORD},
                         headers={"User-Agent": "TestBrowser/1.0"})
    assert response.status_code == 302
    assert response.headers["Location"] == "/"  # the trainee dashboard
    with client.session_transaction() as sess:
        token = sess[SESSION_TOKEN_KEY]
    row = db.session.get(UserSession, auth_service.token_digest(token))
    assert row.user_id == trainee.id and row.ip == "127.0.0.1"
    assert row.user_agent == "TestBrowser/1.0"
    assert db.session.get(UserSession, token) is None  # only the hash is stored
    assert client.get(PRIVATE).get_data(as_text=True) == "private page"
    succeeded = db.session.scalars(select(AuditEvent).where(
        AuditEvent.action == "login.succeeded")).all()
    assert [(e.subject, e.actor_id, e.ip) for e in succeeded] == [
        ("pat.lee@example.com", trainee.id, "127.0.0.1")]


def test_email_is_case_insensitive(auth, client, trainee):
    assert auth.login("  Pat.LEE@Example.com ").status_code == 302
    assert client.get(PRIVATE).status_code == 200


def test_login_clears_the_old_session(auth, client, trainee):
    """No session fixation: nothing planted before login survives it, the CSRF token included."""
    before = csrf_token(client, "/login")
    with client.session_transaction() as sess:
        sess["planted"] = "by an attacker"
    auth.login("pat.lee@example.com")
    with client.session_transaction() as sess:
        assert "planted" not in sess
        assert sess.get("csrf_token") is None
    assert csrf_token(client, "/_test/no-such-page") != before


@pytest.mark.parametrize("email, password", [("pat.lee@example.com", "wrong-password-123"),
                                             ("nobody@example.com", factories.PASSWORD)])
def test_wrong_password_and_unknown_email_look_the_same(client, trainee, email, password):
    response = post_form(client, "/login", data={"email": email, "password": password})
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert BAD in html
    assert f'value="{email}"' in html  # what was typed is kept
    assert factories.PASSWORD not in html and "wrong-password-123" not in html
    assert client.get(PRIVATE).status_code == 302
    [event] = failures(email)
    assert event.ip == "127.0.0.1"


def test_unknown_email_still_checks_a_password(client, monkeypatch):
    """The same slow hash check runs for unknown users, so timing does not reveal accounts."""
    checked = []
    real = auth_service.check_password

    def spy(password_hash, password):
        checked.append(password_hash)
        return real(password_hash, password)

    monkeypatch.setattr(auth_service, "check_password", spy)
    post_form(client, "/login", data={"email": "nobody@example.com", "password": "whatever-123"})
    assert len(checked) == 1 and checked[0].startswith("scrypt:")


def test_inactive_user_cannot_log_in(client, ctx):
    factories.user(email="gone@example.com", active=False)
    response = post_form(client, "/login", data={"email": "gone@example.com",
                                                 "password": factories.PASSWORD})
    assert response.status_code == 200 and BAD in response.get_data(as_text=True)
    assert failures("gone@example.com")[0].detail == {"reason": "inactive"}
    assert db.session.scalars(select(UserSession)).all() == []


def test_already_logged_in_goes_to_next(auth, client, trainee):
    auth.login("pat.lee@example.com")
    assert client.get("/login?next=/_test/private").headers["Location"] == PRIVATE


def test_logout_ends_the_server_session(app, auth, client, trainee):
    auth.login("pat.lee@example.com")
    copied = client.get_cookie("session").value
    response = logout(client)
    assert response.status_code == 302 and response.headers["Location"] == "/login"
    assert db.session.scalars(select(UserSession)).all() == []
    assert client.get(PRIVATE).status_code == 302
    replay = app.test_client()  # someone who copied the cookie before logout
    replay.set_cookie("session", copied)
    response = replay.get(PRIVATE)
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login?next=")


def test_logout_is_post_only_and_csrf_protected(auth, client, trainee):
    auth.login("pat.lee@example.com")
    assert client.get("/logout").status_code == 405
    assert client.post("/logout").status_code == 400
    assert client.post("/logout", data={"csrf_token": "forged"}).status_code == 400
    assert client.get(PRIVATE).status_code == 200  # still logged in


def test_login_without_csrf_token_is_refused(client, trainee):
    response = client.post("/login", data={"email": "pat.lee@example.com",
                                           "password": factories.PASSWORD})
    assert response.status_code == 400
    assert client.get(PRIVATE).status_code == 302


def test_end_all_sessions_logs_out_everywhere(app, auth, client, trainee):
    auth.login("pat.lee@example.com")
    other = logged_in_elsewhere(app)
    assert auth_service.end_all_sessions(trainee) == 2
    db.session.commit()
    assert client.get(PRIVATE).status_code == 302
    assert other.get(PRIVATE).status_code == 302


def test_deactivated_user_is_logged_out(auth, client, trainee):
    auth.login("pat.lee@example.com")
    trainee.active = False
    db.session.commit()
    assert client.get(PRIVATE).status_code == 302


def test_last_seen_is_written_at_most_once_a_minute(auth, client, trainee):
    auth.login("pat.lee@example.com")
    row = db.session.scalars(select(UserSession)).one()
    recent, old = utcnow() - timedelta(seconds=30), utcnow() - timedelta(minutes=5)
    for stamp, expect_update in ((recent, False), (old, True)):
        row.last_seen = stamp
        db.session.commit()
        client.get(PRIVATE)
        db.session.expire_all()
        assert (row.last_seen > stamp + timedelta(seconds=60)) is expect_update


def test_the_cookie_is_sent_again_when_the_session_is_seen_again_not_on_every_page(
        auth, client, trainee):
    """Its expiry slides with the server's idle timeout (once a minute at most), and a page
    seen within the minute does not pay for signing it again."""
    auth.login("pat.lee@example.com")
    row = db.session.scalars(select(UserSession)).one()
    for stamp, expect_cookie in ((utcnow() - timedelta(seconds=30), False),
                                 (utcnow() - timedelta(minutes=5), True)):
        row.last_seen = stamp
        db.session.commit()
        cookies = client.get(PRIVATE).headers.getlist("Set-Cookie")
        assert any(c.startswith("session=") and "Expires=" in c for c in cookies) \
            is expect_cookie, cookies
    assert client.get(PRIVATE).status_code == 200  # the re-sent cookie still logs in


@pytest.mark.parametrize("column", ["last_seen", "created_at"])
def test_idle_and_old_sessions_expire(app, auth, client, trainee, column):
    auth.login("pat.lee@example.com")
    limit = app.permanent_session_lifetime if column == "last_seen" else timedelta(hours=24)
    db.session.execute(update(UserSession).values({column: utcnow() - limit
                                                   - timedelta(minutes=1)}))
    db.session.commit()
    assert client.get(PRIVATE).status_code == 302
    assert db.session.scalars(select(UserSession)).all() == []


def test_expired_sessions_are_purged_at_login(app, auth, trainee):
    stale = UserSession(id="0" * 64, user_id=trainee.id,
                        last_seen=utcnow() - app.permanent_session_lifetime
                        - timedelta(minutes=1))
    live = UserSession(id="1" * 64, user_id=trainee.id)
    db.session.add_all([stale, live])
    db.session.commit()
    auth.login("pat.lee@example.com")
    ids = set(db.session.scalars(select(UserSession.id)))
    assert "0" * 64 not in ids and "1" * 64 in ids and len(ids) == 2
