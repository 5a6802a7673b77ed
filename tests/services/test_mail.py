"""Email over SMTP against a real server (aiosmtpd on loopback): settings, messages with both
parts, logging in, and failures that are recorded and never raised."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from trainer.extensions import db
from trainer.models import MailLog
from trainer.services import mail

from .. import mailserver

BASE = "http://trainer.test"


def test_settings_from_a_url_or_separate_values():
    parse = mail.parse_settings
    assert parse({}) is None
    plain = parse({"TRAINER_SMTP_URL": "smtp://relay.internal"})
    assert (plain.host, plain.port, plain.tls, plain.user) == ("relay.internal", 25, "none", None)
    login = parse({"TRAINER_SMTP_URL": "smtp://me%40corp:p%3Ass@mail.corp:2525",
                   "TRAINER_BASE_URL": "https://trainer.corp"})
    assert (login.user, login.password, login.port, login.tls) == ("me@corp", "p:ss", 2525,
                                                                   "starttls")
    assert login.sender == "Trainer <no-reply@trainer.corp>"
    assert parse({"TRAINER_SMTP_URL": "smtps://u:p@mail.corp"}).tls == "ssl"
    assert parse({"TRAINER_SMTP_URL": "smtps://u:p@mail.corp"}).port == 465
    separate = parse({"TRAINER_SMTP_HOST": "mail.corp", "TRAINER_SMTP_USER": "u",
                      "TRAINER_SMTP_PASSWORD": "p", "TRAINER_SMTP_TLS": "SSL",
                      "TRAINER_MAIL_FROM": "Training <training@corp>",
                      "TRAINER_SMTP_TIMEOUT": "3"})
    assert (separate.port, separate.tls, separate.timeout, separate.sender) == (
        465, "ssl", 3.0, "Training <training@corp>")
    for bad in ({"TRAINER_SMTP_URL": "http://mail.corp"},
                {"TRAINER_SMTP_URL": "smtp://mail.corp:port"},
                {"TRAINER_SMTP_HOST": "mail.corp", "TRAINER_SMTP_TLS": "maybe"},
                {"TRAINER_SMTP_HOST": "mail.corp", "TRAINER_SMTP_PORT": "x"}):
        with pytest.raises(mail.MailConfigError):
            parse(bad)


def test_mail_is_off_without_a_base_url_or_with_bad_settings(app, caplog):
    with app.app_context():
        assert not mail.is_enabled()  # the test configuration: nothing set
        app.config["TRAINER_SMTP_HOST"] = "127.0.0.1"
        assert not mail.is_enabled()
        assert "TRAINER_BASE_URL must be set" in caplog.text
        app.config["TRAINER_BASE_URL"] = BASE
        assert mail.is_enabled()
        app.config["TRAINER_SMTP_TLS"] = "sometimes"
        assert not mail.is_enabled()


def test_links_are_absolute_under_the_base_url_and_its_path(app):
    with app.app_context():
        app.config["TRAINER_BASE_URL"] = "https://intranet.corp/trainer/"
        assert mail.absolute_url("password_reset.reset", token="abc") == \
            "https://intranet.corp/trainer/password/reset/abc"
        app.config["TRAINER_BASE_URL"] = BASE
        assert mail.absolute_url("auth.login") == f"{BASE}/login"


def _configure(app, url: str) -> None:
    app.config.update(TRAINER_SMTP_URL=url, TRAINER_BASE_URL=BASE, TRAINER_SMTP_TIMEOUT="5")


def test_a_message_arrives_with_a_text_and_an_html_part(app, smtp):
    _configure(app, smtp.url())
    with app.app_context():
        message = mail.compose("ann@example.com", "Ann\r\nBcc: evil@example.com",
                               "Reset\nyour password", "password_reset",
                               link=f"{BASE}/password/reset/xyz", minutes=60)
        assert mail.send(message, "reset") is True
        logged = db.session.scalars(select(MailLog)).all()
        assert [(m.kind, m.ok, m.recipient) for m in logged] == [
            ("reset", True, "ann@example.com")]
    received = smtp.wait_for(1)[0]
    assert received["Subject"] == "Reset your password"  # no header smuggled in
    assert received["Bcc"] is None and smtp.collector.envelopes[0][1] == ["ann@example.com"]
    assert received["Auto-Submitted"] == "auto-generated"
    text, html = mailserver.parts(received)
    assert f"{BASE}/password/reset/xyz" in text and f'href="{BASE}/password/reset/xyz"' in html
    assert "Hello Ann" in text and "<p" in html


def test_a_login_is_used_and_a_refused_login_is_recorded_not_raised(app):
    with mailserver.running(user="trainer", password="s3cret") as server:
        _configure(app, server.url("trainer", "s3cret"))
        app.config["TRAINER_SMTP_TLS"] = "none"  # loopback test server without TLS
        with app.app_context():
            message = mail.compose("bo@example.com", "Bo", "Hi", "password_reset", link=BASE,
                                   minutes=60)
            assert mail.send(message, "reset") is True
            server.wait_for(1)
            app.config["TRAINER_SMTP_URL"] = server.url("trainer", "wrong")
            assert mail.send(message, "reset") is False
            failed = db.session.scalar(select(MailLog).where(MailLog.ok.is_(False)))
            assert "SMTPAuthenticationError" in failed.error
        assert len(server.messages) == 1


def test_a_server_that_is_not_there_fails_quickly_and_is_recorded(app):
    _configure(app, f"smtp://127.0.0.1:{mailserver.free_port()}")
    with app.app_context():
        message = mail.compose("cy@example.com", "Cy", "Hi", "password_reset", link=BASE,
                               minutes=60)
        with mail.Mailer() as mailer:
            assert mailer.send(message, "reset", None) is False
            assert mailer.send(message, "reset", None) is False  # tries a new connection
        logged = db.session.scalars(select(MailLog)).all()
        assert [m.ok for m in logged] == [False, False]
        assert "ConnectionRefusedError" in logged[0].error
