"""One decision for the app's keys (trainer/keys.py), jobs only inside the worker's app
(services/queue.job_context), and the checks of one user value on their own
(services/user_checks.py)."""

from __future__ import annotations

from datetime import date

import pytest
from flask import Flask

from trainer.keys import DEV_AUDIT_KEY, DEV_SECRET, ConfigError, settle_keys
from trainer.services.queue import job_context
from trainer.services.user_checks import (
    Invalid,
    check_email,
    check_role,
    check_start_date,
    collect_problem,
)


def bare_app(**config) -> Flask:
    app = Flask(__name__)
    app.config.update(config)
    return app


def test_served_keys_are_required_unless_the_development_keys_are_lent():
    with pytest.raises(ConfigError, match="SECRET_KEY is not set"):
        settle_keys(bare_app(TRAINER_AUDIT_KEY="a"), None, dev_keys=False)
    with pytest.raises(ConfigError, match="TRAINER_AUDIT_KEY is not set"):
        settle_keys(bare_app(), "s", dev_keys=False)
    given = bare_app(TRAINER_AUDIT_KEY="a")
    settle_keys(given, "s", dev_keys=True)  # what was given wins over the development keys
    assert (given.config["SECRET_KEY"], given.config["TRAINER_AUDIT_KEY"]) == ("s", "a")
    lent = bare_app()
    settle_keys(lent, None, dev_keys=True)
    assert (lent.config["SECRET_KEY"], lent.config["TRAINER_AUDIT_KEY"]) == (DEV_SECRET,
                                                                            DEV_AUDIT_KEY)


def test_a_job_outside_an_app_is_refused_and_says_where_jobs_run():
    with pytest.raises(RuntimeError, match="trainer worker"), job_context():
        pass


def test_a_job_inside_the_app_runs(app):
    ran = []
    with app.app_context(), job_context():
        ran.append(True)
    assert ran == [True]


def test_the_value_checks_need_no_database():
    assert check_email(" Ana@Example.COM ") == "ana@example.com"
    assert check_start_date("2026-03-01") == date(2026, 3, 1)
    with pytest.raises(Invalid, match="unknown role 'boss'"):
        check_role("boss")
    problems: dict[str, str] = {}
    assert collect_problem(problems, "start_date", check_start_date, "1 March") is None
    assert problems == {"start_date": "start_date '1 March' is not a date (use YYYY-MM-DD)"}
