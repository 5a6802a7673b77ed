"""Logging in and out: generic errors, fresh server-side sessions, throttling (also under 40
parallel guesses), safe redirects; changing one's own password."""

from __future__ import annotations

import os
import re
import time
from datetime import timedelta

import pytest
from flask.testing import FlaskClient
from flask_login import login_required
from sqlalchemy import select, update

from trainer.extensions import db
from trainer.models import AuditEvent, UserSession
from trainer.models._types import utcnow
from trainer.services import auth as auth_service
from trainer.web.security import SESSION_TOKEN_KEY

from .. import factories
from ..conftest import csrf_token, post_form

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


class IsolatedClient(FlaskClient):
    """Each request in its own app context, as in production. (With the ``ctx`` fixture's context
    pushed, Flask would reuse it, so ``g`` - the cached current_user and CSRF token - would leak
    from one request into the next.)"""

    def open(self, *args, **kwargs):
        with self.application.app_context():
            return super().open(*args, **kwargs)


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
    other = app.test_client()
    post_form(other, "/login", data={"email": "pat.lee@example.com",
                                     "password": factories.PASSWORD})
    assert other.get(PRIVATE).status_code == 200
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


def _fail(client, email: str, times: int, **kwargs) -> None:
    for _ in range(times):
        response = post_form(client, "/login", data={"email": email, "password": "not-it-123"},
                             **kwargs)
        assert response.status_code == 200


@pytest.fixture
def clock(monkeypatch):
    """The failed-login counters' clock, moved only by the test (no sleeping, no luck)."""
    import limits.storage.memory

    from trainer.services import login_limits

    class Clock:
        now = time.time()

        def time(self) -> float:
            return self.now

        def advance(self, seconds: float) -> None:
            self.now += seconds

    fake = Clock()
    monkeypatch.setattr(limits.storage.memory, "time", fake)
    monkeypatch.setattr(login_limits, "time", fake)
    return fake


def test_lockout_after_repeated_failures(app, client, trainee, caplog, clock):
    _fail(client, "PAT.LEE@example.com", app.config["LOGIN_MAX_FAILURES"])
    assert "login failed" in caplog.text
    good = {"email": "pat.lee@example.com", "password": factories.PASSWORD}
    response = post_form(client, "/login", data=good)
    assert response.status_code == 429
    assert "Too many failed attempts" in response.get_data(as_text=True)
    assert "try again in 15 minutes" in response.get_data(as_text=True)
    assert client.get(PRIVATE).status_code == 302
    clock.advance(app.config["LOGIN_WINDOW_SECONDS"] - 1)
    assert post_form(client, "/login", data=good).status_code == 429
    clock.advance(2)
    assert post_form(client, "/login", data=good).status_code == 302


def test_locked_attempts_do_not_check_the_password(app, client, trainee, monkeypatch):
    _fail(client, "pat.lee@example.com", app.config["LOGIN_MAX_FAILURES"])

    def must_not_run(*args):
        raise AssertionError("password checked while locked out")

    monkeypatch.setattr(auth_service, "check_password", must_not_run)
    response = post_form(client, "/login", data={"email": "pat.lee@example.com",
                                                 "password": factories.PASSWORD})
    assert response.status_code == 429
    assert len(failures("pat.lee@example.com")) == app.config["LOGIN_MAX_FAILURES"]


def test_lockout_follows_the_configured_settings(app, client, trainee, clock):
    app.config.update(LOGIN_MAX_FAILURES=2, LOGIN_WINDOW_SECONDS=60)
    _fail(client, "pat.lee@example.com", 2)
    good = {"email": "pat.lee@example.com", "password": factories.PASSWORD}
    response = post_form(client, "/login", data=good)
    assert response.status_code == 429 and "try again in 1 minute." in response.get_data(
        as_text=True)
    clock.advance(61)
    assert post_form(client, "/login", data=good).status_code == 302


def test_a_failed_login_that_errors_still_counts(app, client, trainee, monkeypatch):
    """The slot is taken before the check, so a failure that ends in a 500 is no free guess."""
    def broken_record(*args, **kwargs):
        raise RuntimeError("the audit log is unavailable")

    monkeypatch.setattr(auth_service.audit, "record", broken_record)
    for _ in range(app.config["LOGIN_MAX_FAILURES"]):
        response = post_form(client, "/login", data={"email": "pat.lee@example.com",
                                                     "password": "not-it-123"})
        assert response.status_code == 500
    response = post_form(client, "/login", data={"email": "pat.lee@example.com",
                                                 "password": factories.PASSWORD})
    assert response.status_code == 429


def test_unknown_emails_lock_the_same_way(client, ctx):
    _fail(client, "nobody@example.com", 5)
    response = post_form(client, "/login", data={"email": "nobody@example.com",
                                                 "password": "not-it-123"})
    assert response.status_code == 429


def test_success_resets_the_count_for_that_email(auth, client, trainee):
    _fail(client, "pat.lee@example.com", 4)
    assert auth.login("pat.lee@example.com").status_code == 302
    logout(client)
    _fail(client, "pat.lee@example.com", 4)
    assert auth.login("pat.lee@example.com").status_code == 302


def test_one_address_is_locked_after_twenty_failures(client, trainee):
    for n in range(4):
        _fail(client, f"guess{n}@example.com", 5, environ_base={"REMOTE_ADDR": "203.0.113.9"})
    response = post_form(client, "/login", data={"email": "pat.lee@example.com",
                                                 "password": factories.PASSWORD},
                         environ_base={"REMOTE_ADDR": "203.0.113.9"})
    assert response.status_code == 429
    response = post_form(client, "/login", data={"email": "pat.lee@example.com",
                                                 "password": factories.PASSWORD})
    assert response.status_code == 302  # the same account from another address still works


def test_parallel_wrong_passwords_get_no_more_checks_than_the_limit(app, trainee, monkeypatch):
    """40 browsers guess one account's password at the same moment, against a real threaded
    server: the password is checked at most the limit of times, and every other guess is told
    to wait (no 500, and no check that the count has not seen)."""
    import http.cookiejar
    import threading
    import urllib.error
    import urllib.parse
    import urllib.request

    from werkzeug.serving import make_server

    guesses, limit = 40, app.config["LOGIN_MAX_FAILURES"]
    lock, checks, statuses = threading.Lock(), [], []
    real_check = auth_service.check_password

    def counted_check(password_hash, password):
        with lock:
            checks.append(password)
        return real_check(password_hash, password)

    monkeypatch.setattr(auth_service, "check_password", counted_check)
    server = make_server("127.0.0.1", 0, app, threaded=True)
    serving = threading.Thread(target=server.serve_forever, daemon=True)
    serving.start()
    base = f"http://127.0.0.1:{server.server_port}"
    start_line = threading.Barrier(guesses)

    def guess(n: int) -> None:
        browser = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))
        html = browser.open(f"{base}/login", timeout=60).read().decode()
        token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html).group(1)
        form = urllib.parse.urlencode({"csrf_token": token, "email": "pat.lee@example.com",
                                       "password": f"wrong-guess-{n}"}).encode()
        start_line.wait(timeout=120)
        try:
            status = browser.open(f"{base}/login", data=form, timeout=120).status
        except urllib.error.HTTPError as exc:
            status = exc.code
        with lock:
            statuses.append(status)

    threads = [threading.Thread(target=guess, args=(n,)) for n in range(guesses)]
    try:
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=300)
    finally:
        server.shutdown()
        serving.join(timeout=10)
    assert sorted(statuses) == [200] * limit + [429] * (guesses - limit)
    assert len(checks) == limit
    db.session.expire_all()
    assert len(failures("pat.lee@example.com")) == limit


def _app_with(app, **settings):
    from trainer import create_app
    from trainer.config import TestConfig

    config = {k: getattr(TestConfig, k) for k in dir(TestConfig) if k.isupper()}
    return create_app({**config, "SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"],
                       **settings})


def test_the_counts_live_in_redis_when_redis_url_is_set(app):
    from limits.storage import MemoryStorage, RedisStorage

    from trainer.services.login_limits import EXTENSION

    url = "redis://127.0.0.1:6379/8"
    with_redis = _app_with(app, REDIS_URL=url, RATELIMIT_STORAGE_URI=None)
    assert with_redis.config["RATELIMIT_STORAGE_URI"] == url
    assert isinstance(with_redis.extensions[EXTENSION].storage, RedisStorage)
    without = _app_with(app, REDIS_URL=None, RATELIMIT_STORAGE_URI=None)
    assert isinstance(without.extensions[EXTENSION].storage, MemoryStorage)


@pytest.mark.skipif(not os.environ.get("TRAINER_TEST_REDIS_URL"),
                    reason="set TRAINER_TEST_REDIS_URL to count failed logins in a real Redis")
def test_lockout_with_redis_storage(app, trainee):
    import uuid

    shared = _app_with(app, REDIS_URL=os.environ["TRAINER_TEST_REDIS_URL"],
                       RATELIMIT_STORAGE_URI=None,
                       RATELIMIT_KEY_PREFIX=f"trainer-test-{uuid.uuid4().hex}")
    shared.test_client_class = IsolatedClient
    two_workers = [shared.test_client(), shared.test_client()]  # one count, whoever answers
    try:
        for n in range(shared.config["LOGIN_MAX_FAILURES"]):
            _fail(two_workers[n % 2], "pat.lee@example.com", 1)
        good = {"email": "pat.lee@example.com", "password": factories.PASSWORD}
        assert post_form(two_workers[0], "/login", data=good).status_code == 429
    finally:
        with shared.app_context():
            from trainer.services import login_limits

            login_limits.forget("pat.lee@example.com", "127.0.0.1")
            db.engine.dispose()


# --- changing one's own password -----------------------------------------------------------

PASSWORD_PAGE = "/account/password"
NEW_PASSWORD = "another-long-passphrase-77"


def change(client, current=factories.PASSWORD, new=NEW_PASSWORD, confirm=None):
    return post_form(client, PASSWORD_PAGE, data={"current_password": current,
                                                  "new_password": new,
                                                  "confirm": new if confirm is None else confirm})


def test_the_password_page_is_linked_in_the_header_and_needs_a_login(auth, client, trainee):
    assert client.get(PASSWORD_PAGE).headers["Location"].startswith("/login?next=")
    auth.login("pat.lee@example.com")
    assert f'href="{PASSWORD_PAGE}"' in client.get("/_test/no-such-page").get_data(as_text=True)
    html = client.get(PASSWORD_PAGE).get_data(as_text=True)
    assert 'autocomplete="current-password"' in html and 'autocomplete="new-password"' in html


def test_changing_the_password_ends_the_other_sessions(app, auth, client, trainee):
    auth.login("pat.lee@example.com")
    other = app.test_client()
    post_form(other, "/login", data={"email": "pat.lee@example.com",
                                     "password": factories.PASSWORD})
    assert other.get(PRIVATE).status_code == 200
    response = change(client)
    assert response.status_code == 302
    assert client.get(PRIVATE).status_code == 200  # this browser goes on, in a new session
    assert other.get(PRIVATE).status_code == 302
    assert len(db.session.scalars(select(UserSession)).all()) == 1
    [event] = db.session.scalars(select(AuditEvent).where(
        AuditEvent.action == "user.password_changed")).all()
    assert event.actor_id == trainee.id and event.detail == {"sessions_ended": 2}
    logout(client)
    assert auth.login("pat.lee@example.com").status_code == 200  # the old one is refused
    assert auth.login("pat.lee@example.com", NEW_PASSWORD).status_code == 302


@pytest.mark.parametrize("current, new, confirm, message", [
    ("not-my-password", NEW_PASSWORD, None, "That is not your current password."),
    (factories.PASSWORD, "password", None, "too common or too easy to guess"),
    (factories.PASSWORD, "short", None, "Use at least 8 characters."),
    (factories.PASSWORD, "pat.lee@example.com", None, "too common or too easy to guess"),
    (factories.PASSWORD, factories.PASSWORD, None, "different from the current one"),
    (factories.PASSWORD, NEW_PASSWORD, "a-typo-in-the-copy", "The two new passwords differ."),
])
def test_a_refused_change_keeps_the_password(auth, client, trainee, current, new, confirm,
                                             message):
    auth.login("pat.lee@example.com")
    response = change(client, current, new, confirm)
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    db.session.expire_all()
    assert auth_service.check_password(trainee.password_hash, factories.PASSWORD)
    assert client.get(PRIVATE).status_code == 200


def test_wrong_current_passwords_count_as_failed_logins(app, auth, client, trainee):
    auth.login("pat.lee@example.com")
    for _ in range(app.config["LOGIN_MAX_FAILURES"]):
        assert change(client, current="not-my-password").status_code == 400
    response = change(client)  # even the right one waits now
    assert response.status_code == 429
    assert "Too many failed attempts" in response.get_data(as_text=True)
    db.session.expire_all()
    assert auth_service.check_password(trainee.password_hash, factories.PASSWORD)
    actions = db.session.scalars(select(AuditEvent.action)).all()
    assert actions.count("user.password_change_failed") == app.config["LOGIN_MAX_FAILURES"]


def test_an_admin_changes_their_own_password_on_the_password_page(auth, client, ctx):
    admin = factories.user("admin", email="root@example.com")
    auth.login("root@example.com")
    response = client.get(f"/admin/users/{admin.id}/password")
    assert response.status_code == 302 and response.headers["Location"] == PASSWORD_PAGE
    response = post_form(client, PASSWORD_PAGE, f"/admin/users/{admin.id}/password",
                         data={"password": NEW_PASSWORD})
    assert response.headers["Location"] == PASSWORD_PAGE  # no change without the current one
    db.session.expire_all()
    assert auth_service.check_password(admin.password_hash, factories.PASSWORD)
