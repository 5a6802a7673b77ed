"""Failed logins: the per-email and per-address limits (also under 40 parallel guesses), kept in
memory or in Redis, and what a locked login does not do (check the password)."""

from __future__ import annotations

import os
import re
import time

import pytest

from trainer.extensions import db
from trainer.services import auth as auth_service

from ... import factories
from ...conftest import post_form
from ..isolated import IsolatedClient
from .conftest import PRIVATE, failures, logout


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
