"""trainer: a staff training and empowerment simulator. ``create_app`` builds the Flask app."""

from __future__ import annotations

import logging
import os
from pathlib import Path
from typing import Any

from flask import Flask
from sqlalchemy import event
from sqlalchemy.engine import Engine

from .config import ROOT, Config
from .domain.errors import TrainerError
from .extensions import csrf, db, login_manager, migrate

log = logging.getLogger(__name__)
DEV_SECRET = "trainer-demo-secret-do-not-use-in-production"


class ConfigError(TrainerError):
    """The app cannot start with these settings."""


def create_app(config: type[Config] | dict[str, Any] | None = None) -> Flask:
    app = Flask(__name__, template_folder=str(ROOT / "templates"),
                static_folder=str(ROOT / "static"), instance_path=_instance_path())
    app.config.from_object(Config)
    if isinstance(config, dict):
        app.config.update(config)
    elif config is not None:
        app.config.from_object(config)
    _check_secret(app)
    if not app.config.get("SQLALCHEMY_DATABASE_URI"):
        Path(app.instance_path).mkdir(parents=True, exist_ok=True)
        database = Path(app.instance_path) / "trainer.db"
        app.config["SQLALCHEMY_DATABASE_URI"] = f"sqlite:///{database}"

    db.init_app(app)
    migrate.init_app(app, db)
    csrf.init_app(app)
    login_manager.init_app(app)

    from .services.library import init_library
    from .web import register_web

    init_library(app)
    from .llm import configure as configure_llm

    configure_llm(app)  # registers the "llm" engines; says whether an LLM is configured
    register_web(app)
    from .cli import register_cli

    register_cli(app)
    return app


def _instance_path() -> str:
    return os.environ.get("TRAINER_INSTANCE_PATH", str(ROOT / "instance"))


def _check_secret(app: Flask) -> None:
    if app.config.get("SECRET_KEY"):
        return
    if app.config.get("TRAINER_CLI"):  # commands that serve nothing need no stable secret
        app.config["SECRET_KEY"] = os.urandom(32).hex()
        return
    if app.debug or app.config.get("TRAINER_DEMO") or app.testing:
        app.config["SECRET_KEY"] = DEV_SECRET
        log.warning("SECRET_KEY is not set: using the built-in demo secret (never in production)")
        return
    raise ConfigError("SECRET_KEY is not set. Set it in the environment (e.g. "
                      "SECRET_KEY=$(python -c 'import secrets; print(secrets.token_hex(32))')) "
                      "or use `trainer demo` for a local demo.")


@event.listens_for(Engine, "connect")
def _sqlite_pragmas(dbapi_connection, connection_record) -> None:  # noqa: ARG001
    """WAL and a busy timeout let several workers share the SQLite file without 'locked' errors."""
    if type(dbapi_connection).__module__.startswith("sqlite3"):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA busy_timeout=5000")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.close()
