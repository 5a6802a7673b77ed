"""Forgot your password? Against a real SMTP server (aiosmtpd on loopback): the mail arrives
with both parts and a working link, the reset completes and ends other sessions, unknown emails
get the same answer, and expired, reused or deactivated links are refused."""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from sqlalchemy import select, update

from trainer.extensions import db
from trainer.models import AuditEvent, PasswordToken, User
from trainer.models._types import utcnow
from trainer.services import mail
from trainer.services.password_reset import RESETS_PER_WINDOW

from .. import factories, mailserver
from ..conftest import AuthActions, post_form

BASE = "http://localhost"
NEW = "a-brand-new-passphrase-77"


@pytest.fixture
def mail_app(app, smtp):
    app.config.update(TRAINER_SMTP_URL=smtp.url(), TRAINER_BASE_URL=BASE)
    with app.app_context():
        factories.user("trainee", email="pat@example.com", name="Pat Lee")
    return app


def _ask(client, email: str):
    return post_form(client, "/password/forgot", data={"email": email})


def _settle(app) -> None:
    with app.app_context():
        assert mail.wait_for_background(10)


def _reset_link(smtp, count: int = 1) -> str:
    message = smtp.wait_for(count)[count - 1]
    text, html = mailserver.parts(message)
    [link] = [u for u in mailserver.links(text) if "/password/reset/" in u]
    assert f'href="{link}"' in html
    assert message["To"] == "Pat Lee <pat@example.com>"
    return link


def test_without_email_the_link_is_hidden_and_the_page_says_so(app, client):
    assert "Forgot your password?" not in client.get("/login").get_data(as_text=True)
    page = client.get("/password/forgot").get_data(as_text=True)
    assert "Email is not set up" in page and "<form" not in page


def test_a_reset_by_email_from_start_to_finish(mail_app, client, smtp):
    login = client.get("/login").get_data(as_text=True)
    assert 'href="/password/forgot"' in login and "Forgot your password?" in login
    other = mail_app.test_client()
    AuthActions(other).login("pat@example.com")
    assert other.get("/").status_code == 200
    answer = _ask(client, "  PAT@example.com ")
    assert answer.status_code == 302 and answer.location.endswith("/password/forgot/sent")
    link = _reset_link(smtp)
    assert link.startswith(f"{BASE}/password/reset/")
    page = client.get(urlsplit(link).path)
    assert page.status_code == 200 and "pat@example.com" in page.get_data(as_text=True)
    assert page.headers["Cache-Control"] == "no-store"
    # the link never leaks to another site: the page's own policy, not the site-wide one
    assert page.headers.getlist("Referrer-Policy") == ["no-referrer"]
    assert page.headers["X-Frame-Options"] == "DENY"  # the rest of the site-wide headers
    done = post_form(client, urlsplit(link).path, data={"password": NEW, "confirm": NEW})
    assert done.status_code == 302 and done.location.endswith("/login")
    assert other.get("/").status_code == 302  # the other session was ended
    auth = AuthActions(client)
    assert "incorrect" in auth.login("pat@example.com").get_data(as_text=True)  # old password
    assert auth.login("pat@example.com", NEW).status_code == 302
    with mail_app.app_context():
        actions = [e.action for e in db.session.scalars(select(AuditEvent))]
        assert "user.password_reset_requested" in actions and "user.password_reset" in actions
        token = db.session.scalar(select(PasswordToken))
        assert token.digest not in link and len(token.digest) == 64 and token.mailed is True


def test_an_unknown_email_gets_the_same_answer_and_no_mail(mail_app, client, smtp):
    known, unknown = _ask(client, "pat@example.com"), _ask(client, "nobody@example.com")
    assert (known.status_code, known.location) == (unknown.status_code, unknown.location)
    assert client.get(known.location).get_data() == client.get(unknown.location).get_data()
    _settle(mail_app)
    assert len(smtp.wait_for(1)) == 1


def test_a_used_link_is_refused_the_second_time(mail_app, client, smtp):
    _ask(client, "pat@example.com")
    path = urlsplit(_reset_link(smtp)).path
    assert post_form(client, path, data={"password": NEW, "confirm": NEW}).status_code == 302
    again = client.get(path)
    assert again.status_code == 410 and "already been used" in again.get_data(as_text=True)
    late = post_form(client, "/password/forgot", path,
                     data={"password": "another-passphrase-9", "confirm": "another-passphrase-9"})
    assert late.status_code == 410


def test_an_expired_link_is_refused(mail_app, client, smtp):
    _ask(client, "pat@example.com")
    path = urlsplit(_reset_link(smtp)).path
    with mail_app.app_context():
        db.session.execute(update(PasswordToken).values(expires_at=utcnow()
                                                        - timedelta(seconds=1)))
        db.session.commit()
    page = client.get(path)
    assert page.status_code == 410 and "expired" in page.get_data(as_text=True)


def test_a_new_password_follows_the_rules_and_the_link_survives_a_refusal(mail_app, client,
                                                                          smtp):
    _ask(client, "pat@example.com")
    path = urlsplit(_reset_link(smtp)).path
    weak = post_form(client, path, data={"password": "password", "confirm": "password"})
    assert weak.status_code == 400 and "too common" in weak.get_data(as_text=True)
    differ = post_form(client, path, data={"password": NEW, "confirm": NEW + "x"})
    assert differ.status_code == 400 and "differ" in differ.get_data(as_text=True)
    assert post_form(client, path, data={"password": NEW, "confirm": NEW}).status_code == 302


def test_a_password_changed_meanwhile_ends_the_link(mail_app, client, smtp):
    _ask(client, "pat@example.com")
    path = urlsplit(_reset_link(smtp)).path
    with mail_app.app_context():
        from trainer.services.passwords import hash_password

        user = db.session.scalar(select(User).where(User.email == "pat@example.com"))
        user.password_hash = hash_password("changed-some-other-way-5")
        db.session.commit()
    assert client.get(path).status_code == 410


def test_deactivated_people_get_nothing_and_their_links_stop(mail_app, client, smtp):
    _ask(client, "pat@example.com")
    path = urlsplit(_reset_link(smtp)).path
    with mail_app.app_context():
        db.session.execute(update(User).values(active=False))
        db.session.commit()
    assert client.get(path).status_code == 410
    _ask(client, "pat@example.com")
    _settle(mail_app)
    assert len(smtp.messages) == 1


def test_one_person_cannot_be_flooded_with_links(mail_app, client, smtp):
    for _ in range(RESETS_PER_WINDOW + 2):
        assert _ask(client, "pat@example.com").status_code == 302
    _settle(mail_app)
    assert len(smtp.wait_for(RESETS_PER_WINDOW)) == RESETS_PER_WINDOW


def test_the_form_needs_its_csrf_token_and_an_email(mail_app, client):
    assert client.post("/password/forgot", data={"email": "pat@example.com"}).status_code == 400
    empty = post_form(client, "/password/forgot", data={"email": ""})
    assert empty.status_code == 400
    assert client.get("/password/reset/not-a-token").status_code == 410


@pytest.fixture
def queued(app):
    from ..services.test_jobs import queue_of_its_own

    yield from queue_of_its_own(app)


def test_with_a_queue_the_worker_sends_the_link(mail_app, client, smtp, queued):
    from ..services.test_jobs import run_burst_worker

    assert _ask(client, "pat@example.com").status_code == 302
    assert _ask(client, "nobody@example.com").status_code == 302
    assert smtp.messages == []  # nothing happens in the request
    with mail_app.app_context():  # the job runs in the test's app, as in `trainer worker`
        run_burst_worker(mail_app)
    assert len(smtp.wait_for(1)) == 1 and "/password/reset/" in _reset_link(smtp)
