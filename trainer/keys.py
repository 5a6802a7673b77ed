"""The two keys an app needs to serve, SECRET_KEY and TRAINER_AUDIT_KEY, decided in one place
for the factory (trainer/__init__.py) and for `trainer run` and `trainer demo` (cli/app.py)."""

from __future__ import annotations

import logging

from flask import Flask

from .domain.errors import TrainerError

log = logging.getLogger(__name__)
DEV_SECRET = "trainer-demo-secret-do-not-use-in-production"
DEV_AUDIT_KEY = "trainer-demo-audit-key-do-not-use-in-production"


class ConfigError(TrainerError):
    """The app cannot start with these settings."""


def settle_keys(app: Flask, secret: str | None, *, dev_keys: bool) -> None:
    """The one decision about the two keys an app needs to serve: ``secret`` (the SECRET_KEY it
    was given) and its TRAINER_AUDIT_KEY, each required; where one is missing, the public
    development key instead only when ``dev_keys`` (`trainer demo`, `trainer run --debug`,
    tests), else ConfigError saying what to set. The factory decides for a served app, and
    `trainer run` and `trainer demo` for the app they serve."""
    if not secret and not dev_keys:
        raise ConfigError("SECRET_KEY is not set. Set it in the environment (e.g. "
                          "SECRET_KEY=$(python -c 'import secrets; print(secrets.token_hex(32))'))"
                          " or use `trainer demo` for a local demo.")
    if not app.config.get("TRAINER_AUDIT_KEY") and not dev_keys:
        raise ConfigError("TRAINER_AUDIT_KEY is not set. It keys the audit log's chain: set it "
                          "in the environment to a long random secret, different from "
                          "SECRET_KEY, and keep it (events written with another key no longer "
                          "verify).")
    if not secret:
        log.warning("SECRET_KEY is not set: using the built-in demo secret (never in production)")
    app.config["SECRET_KEY"] = secret or DEV_SECRET
    app.config["TRAINER_AUDIT_KEY"] = app.config.get("TRAINER_AUDIT_KEY") or DEV_AUDIT_KEY
