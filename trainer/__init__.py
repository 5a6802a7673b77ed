"""trainer: a staff training and empowerment simulator. ``create_app`` builds the Flask app."""

from __future__ import annotations

import logging
import os
from pathlib import Path
from typing import Any

from flask import Flask
from sqlalchemy import event
from sqlalchemy.engine import Engine

from .config import PACKAGE_DIR, Config, default_instance_path
from .domain.errors import TrainerError
from .extensions import csrf, db, login_manager, migrate

log = logging.getLogger(__name__)
DEV_SECRET = "trainer-demo-secret-do-not-use-in-production"
DEV_AUDIT_KEY = "trainer-demo-audit-key-do-not-use-in-production"


class ConfigError(TrainerError):
    """The app cannot start with these settings."""


def create_app(config: type[Config] | dict[str, Any] | None = None) -> Flask:
    app = Flask(__name__, template_folder=str(PACKAGE_DIR / "templates"),
                static_folder=str(PACKAGE_DIR / "static"), instance_path=_instance_path())
    app.config.from_object(Config)
    if isinstance(config, dict):
        app.config.update(config)
    elif config is not None:
        app.config.from_object(config)
    _check_secret(app)
    _check_audit_key(app)
    if not app.config.get("SQLALCHEMY_DATABASE_URI"):
        Path(app.instance_path).mkdir(parents=True, exist_ok=True)
        database = Path(app.instance_path) / "trainer.db"
        app.config["SQLALCHEMY_DATABASE_URI"] = f"sqlite:///{database}"
        app.config["TRAINER_DEFAULT_DATABASE"] = True  # the demo's file: `demo --reset` may wipe it

    db.init_app(app)
    migrate.init_app(app, db)
    csrf.init_app(app)
    login_manager.init_app(app)

    from .services.library import init_library
    from .web import register_web

    init_library(app)
    from .services.login_limits import init_login_limits

    init_login_limits(app)
    from .llm import configure as configure_llm

    configure_llm(app)  # registers the "llm" engines; says whether an LLM is configured
    register_web(app)
    from .cli import register_cli

    register_cli(app)
    return app


def _instance_path() -> str:
    return os.environ.get("TRAINER_INSTANCE_PATH") or default_instance_path()


def _may_use_dev_keys(app: Flask) -> bool:
    """Only `trainer demo` (TRAINER_DEMO) and tests fall back to the public development keys;
    `trainer run --debug` sets them itself. Never FLASK_DEBUG: a WSGI server would take it."""
    return bool(app.config.get("TRAINER_DEMO") or app.testing)


def _check_secret(app: Flask) -> None:
    if app.config.get("SECRET_KEY"):
        return
    if app.config.get("TRAINER_CLI"):  # commands that serve nothing need no stable secret
        app.config["SECRET_KEY"] = os.urandom(32).hex()
        return
    if _may_use_dev_keys(app):
        app.config["SECRET_KEY"] = DEV_SECRET
        log.warning("SECRET_KEY is not set: using the built-in demo secret (never in production)")
        return
    raise ConfigError("SECRET_KEY is not set. Set it in the environment (e.g. "
                      "SECRET_KEY=$(python -c 'import secrets; print(secrets.token_hex(32))')) "
                      "or use `trainer demo` for a local demo.")


def _check_audit_key(app: Flask) -> None:
    """The audit log's MAC key: required to serve, like SECRET_KEY. Commands go without it until
    they write or verify the log, which then fails with a clear message (services/audit.py)."""
    if app.config.get("TRAINER_AUDIT_KEY") or app.config.get("TRAINER_CLI"):
        return
    if _may_use_dev_keys(app):
        app.config["TRAINER_AUDIT_KEY"] = DEV_AUDIT_KEY
        return
    raise ConfigError("TRAINER_AUDIT_KEY is not set. It keys the audit log's chain: set it in "
                      "the environment to a long random secret, different from SECRET_KEY, and "
                      "keep it (events written with another key no longer verify).")


@event.listens_for(Engine, "connect")
def _sqlite_pragmas(dbapi_connection, connection_record) -> None:  # noqa: ARG001
    """WAL and a busy timeout let several workers share the SQLite file without 'locked' errors.
    With WAL, synchronous=NORMAL syncs the disk at checkpoints, not at every commit (SQLite's
    advice for WAL): a power cut may lose the last commits, a crashed process none, and the file
    stays consistent either way."""
    if type(dbapi_connection).__module__.startswith("sqlite3"):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")  # per connection, so set on each
        cursor.execute("PRAGMA busy_timeout=5000")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.close()
