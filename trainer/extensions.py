"""Flask extensions, created unbound here and bound to the app in the factory."""

from __future__ import annotations

from functools import cached_property
from typing import TYPE_CHECKING, Any

from flask import Flask
from flask_login import LoginManager
from flask_sqlalchemy import SQLAlchemy
from flask_wtf.csrf import CSRFProtect
from sqlalchemy import ColumnElement, Executable, Integer, MetaData, Result, any_, bindparam
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.orm import DeclarativeBase

from .config import PACKAGE_DIR

if TYPE_CHECKING:
    from flask_migrate import Migrate

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class DeferredMigrate:
    """Flask-Migrate, bound to the app without importing it: it imports Alembic, which only the
    schema commands need, never a web worker serving pages.

    ``init_app`` leaves in ``app.extensions["migrate"]`` what Flask-Migrate's own would: the
    attributes that its functions (``flask_migrate.upgrade``...) and ``migrations/env.py`` read.
    Its ``migrate``, a real ``flask_migrate.Migrate``, is made on first use, by a caller that has
    imported Flask-Migrate already. The ``db`` commands are registered by ``trainer.cli``."""

    def __init__(self, directory: str, **configure_args: Any):
        self.directory = directory
        self.configure_args = configure_args  # Alembic's context.configure() arguments

    def init_app(self, app: Flask, db: SQLAlchemy) -> None:
        app.extensions["migrate"] = _MigrateConfig(self, db)

    @cached_property
    def migrate(self) -> Migrate:
        from flask_migrate import Migrate

        return Migrate(directory=self.directory, **self.configure_args)


class _MigrateConfig:
    """The shape of Flask-Migrate's ``_MigrateConfig``, one per app."""

    def __init__(self, deferred: DeferredMigrate, db: SQLAlchemy):
        self._deferred = deferred
        self.db = db
        self.directory = deferred.directory
        self.configure_args = dict(deferred.configure_args)  # env.py may add to it

    @property
    def migrate(self) -> Migrate:
        return self._deferred.migrate

    @property
    def metadata(self) -> MetaData:
        return self.db.metadata


db = SQLAlchemy(model_class=Base)


def execute_plain(statement: Executable, params: dict[str, Any] | None = None) -> Result:
    """The rows of a statement that loads no models (columns, a count, an UPDATE), run on the
    session's connection, in its transaction, after the same autoflush the session would do.
    It skips the ORM's own per-statement work, which costs more than a small indexed read:
    for the statements every request runs (the routing API, the dashboard, a turn)."""
    if db.session.autoflush:
        db.session.flush()
    return db.session.connection().execute(statement, params)


def among(column: Any, ids: list[int] | None = None, name: str | None = None,
          array: bool | None = None) -> ColumnElement[bool]:
    """``column IN ids`` for a list of ids that may be long (read by an earlier statement, or
    everyone's for an admin): on PostgreSQL one array parameter (``= ANY``), since sending 2,000
    ids as 2,000 parameters cost more than running the statement; SQLite binds parameters in C
    and takes the plain ``IN``. ``name``: a bind parameter to fill in later, in a statement
    built once, for the database ``array`` says (PostgreSQL when true; default: this one)."""
    if array is None:
        array = on_postgresql()
    if array:
        return column == any_(bindparam(name, ids, type_=ARRAY(Integer)))
    return column.in_(bindparam(name, ids, expanding=True))


def on_postgresql() -> bool:
    """Whether the session's database is PostgreSQL (else SQLite)."""
    return db.session.get_bind().dialect.name == "postgresql"


# Flask-Migrate's defaults: compare column types; batch mode, so SQLite can alter tables.
migrate = DeferredMigrate(str(PACKAGE_DIR / "migrations"), compare_type=True, render_as_batch=True)
login_manager = LoginManager()
csrf = CSRFProtect()
