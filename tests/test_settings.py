"""Settings: read from the environment and checked once, when the app is built; a bad value stops
the start with a message naming the variable, the problem and the value (for the app and for the
`trainer` command); what the factory is given overrides the environment and is checked the same."""

from __future__ import annotations

import pytest

from trainer import create_app
from trainer.config import TestConfig
from trainer.keys import ConfigError
from trainer.settings import load_settings

BASE = {k: getattr(TestConfig, k) for k in dir(TestConfig) if k.isupper()}


def test_the_defaults_hold_without_any_variable(monkeypatch):
    for name in ("TRAINER_LOGIN_MAX_FAILURES", "TRAINER_SESSION_HOURS", "TRAINER_SMTP_TLS"):
        monkeypatch.delenv(name, raising=False)
    settings = load_settings()
    assert settings.LOGIN_MAX_FAILURES == 5
    assert settings.as_config()["PERMANENT_SESSION_LIFETIME"] == 8 * 3600
    assert settings.TRAINER_SMTP_TLS is None


def test_the_environment_is_read_when_the_app_is_built(monkeypatch):
    monkeypatch.setenv("TRAINER_LOGIN_MAX_FAILURES", "7")
    monkeypatch.setenv("TRAINER_SESSION_HOURS", "2")
    monkeypatch.setenv("TRAINER_SMTP_TLS", "STARTTLS")
    app = create_app(BASE)
    assert app.config["LOGIN_MAX_FAILURES"] == 7
    assert app.permanent_session_lifetime.total_seconds() == 2 * 3600  # the idle timeout
    assert app.config["TRAINER_SMTP_TLS"] == "starttls"


def test_a_postgres_url_gets_the_psycopg_driver(monkeypatch):
    monkeypatch.setenv("DATABASE_URL", "postgres://u@db.internal/trainer")
    assert load_settings().SQLALCHEMY_DATABASE_URI == "postgresql+psycopg://u@db.internal/trainer"


def test_every_bad_variable_is_named_with_its_value(monkeypatch):
    monkeypatch.setenv("TRAINER_LOGIN_MAX_FAILURES", "five")
    monkeypatch.setenv("TRAINER_SESSION_HOURS", "-1")
    monkeypatch.setenv("TRAINER_OUTBOUND_RETRY_INTERVALS", "30,soon")
    with pytest.raises(ConfigError) as caught:
        create_app(BASE)
    message = str(caught.value)
    assert "TRAINER_LOGIN_MAX_FAILURES: input should be a valid integer" in message
    assert "'five'" in message
    assert "TRAINER_SESSION_HOURS: input should be greater than 0 (got '-1')" in message
    assert "TRAINER_OUTBOUND_RETRY_INTERVALS: must be seconds separated by commas" in message


def test_what_the_factory_is_given_wins_and_is_checked_too(monkeypatch):
    monkeypatch.setenv("TRAINER_ORG_NAME", "From the environment")
    app = create_app({**BASE, "TRAINER_ORG_NAME": "Given", "TRAINER_SMTP_PORT": "2525"})
    assert app.config["TRAINER_ORG_NAME"] == "Given"
    assert app.config["TRAINER_SMTP_PORT"] == 2525
    with pytest.raises(ConfigError, match=r"TRAINER_SMTP_TLS: input should be 'none', "
                                          r"'starttls' or 'ssl' \(got 'maybe'\)"):
        create_app({**BASE, "TRAINER_SMTP_TLS": "maybe"})


def test_keys_that_are_not_settings_pass_through(monkeypatch):
    app = create_app({**BASE, "SESSION_MAX_SECONDS": 5, "SOMETHING_OF_A_TEST": 1})
    assert app.config["SESSION_MAX_SECONDS"] == 5
    assert app.config["SOMETHING_OF_A_TEST"] == 1


def test_the_command_says_what_is_wrong_without_a_traceback(monkeypatch, capsys):
    from trainer.cli import main

    monkeypatch.setenv("TRAINER_LOGIN_MAX_FAILURES", "many")
    monkeypatch.setattr("sys.argv", ["trainer", "users", "--help"])
    with pytest.raises(SystemExit) as caught:
        main()
    assert str(caught.value).startswith("Error: Bad settings: TRAINER_LOGIN_MAX_FAILURES:")
    assert "Traceback" not in capsys.readouterr().err
