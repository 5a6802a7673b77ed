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
from .extensions import csrf, db, login_manager, migrate
from .keys import settle_keys
from .services.locks import LOCK_WAIT_SECONDS
from .settings import app_config

log = logging.getLogger(__name__)

def create_app(config: type[Config] | dict[str, Any] | None = None) -> Flask:
    app = Flask(__name__, template_folder=str(PACKAGE_DIR / "templates"),
                static_folder=str(PACKAGE_DIR / "static"), instance_path=_instance_path())
    app.config.from_object(Config)
    app.config.update(app_config(_given(config)))  # the environment, checked, under the given
    _check_keys(app)
    if not app.config.get("SQLALCHEMY_DATABASE_URI"):
        Path(app.instance_path).mkdir(parents=True, exist_ok=True)
        database = Path(app.instance_path) / "trainer.db"
        app.config["SQLALCHEMY_DATABASE_URI"] = f"sqlite:///{database}"
        app.config["TRAINER_DEFAULT_DATABASE"] = True  # the demo's file: `demo --reset` may wipe it
    _ping_server_databases(app)
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


def _given(config: type[Config] | dict[str, Any] | None) -> dict[str, Any]:
    """A config given to the factory (a class or a dict) as a dict of its upper-case keys."""
    if config is None:
        return {}
    if isinstance(config, dict):
        return dict(config)
    return {key: getattr(config, key) for key in dir(config) if key.isupper()}


def _instance_path() -> str:
    """TRAINER_INSTANCE_PATH (a relative one is taken from the current directory: Flask wants
    it absolute), else instance/ in a checkout or the user's data folder."""
    return os.path.abspath(os.environ.get("TRAINER_INSTANCE_PATH") or default_instance_path())


def _may_use_dev_keys(app: Flask) -> bool:
    """Only `trainer demo` (TRAINER_DEMO) and tests fall back to the public development keys;
    `trainer run --debug` asks for them itself (settle_keys). Never FLASK_DEBUG: a WSGI server
    would take it."""
    return bool(app.config.get("TRAINER_DEMO") or app.testing)


def _check_keys(app: Flask) -> None:
    """Commands that serve nothing need no stable secret and write no audit event until asked
    (services/audit.py then says what is missing); anything that serves settles both keys."""
    if app.config.get("TRAINER_CLI"):
        app.config["SECRET_KEY"] = app.config.get("SECRET_KEY") or os.urandom(32).hex()
        return
    settle_keys(app, app.config.get("SECRET_KEY"), dev_keys=_may_use_dev_keys(app))


def _ping_server_databases(app: Flask) -> None:
    """The pool checks a server database's connection before a request uses it: a restarted
    PostgreSQL leaves the pool's connections dead. A SQLite connection is a file this process
    opened, with nothing to check (the check was one of a routing API request's three
    statements)."""
    options = dict(app.config.get("SQLALCHEMY_ENGINE_OPTIONS") or {})
    options.setdefault("pool_pre_ping",
                       not app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"))
    app.config["SQLALCHEMY_ENGINE_OPTIONS"] = options


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
        cursor.execute(f"PRAGMA busy_timeout={LOCK_WAIT_SECONDS * 1000}")  # as long as a lock
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.close()
