"""Locks for read-check-write steps (a turn allocated, an attempt opened or closed): the row locked
with SELECT ... FOR NO KEY UPDATE on PostgreSQL; on SQLite, whose write lock covers the whole
database, that lock taken before the first read with BEGIN IMMEDIATE (begin_write)."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

from sqlalchemy import Connection, Executable, inspect
from sqlalchemy.exc import OperationalError

from ..domain.errors import TrainerError
from ..extensions import db, execute_plain

log = logging.getLogger(__name__)

T = TypeVar("T")
# How long a request waits for a lock before it is refused with Busy; SQLite's busy_timeout is
# set from it (trainer/__init__.py). Locks here last a read and an insert, a few ms.
LOCK_WAIT_SECONDS = 5
_PG_LOCK_NOT_AVAILABLE = "55P03"


class Busy(TrainerError):
    """Another request held the lock longer than LOCK_WAIT_SECONDS: nothing was changed."""


def begin_write() -> None:
    """On SQLite, take the database's write lock now, so what is read next cannot change before
    this transaction commits. pysqlite opens a transaction only at the first write, so without
    this a check would read a state another process may change before our insert. Already in a
    transaction means a write was made, so this connection holds the lock. Elsewhere a no-op."""
    connection = db.session.connection()
    if connection.dialect.name != "sqlite":
        return
    if not connection.connection.dbapi_connection.in_transaction:
        connection.exec_driver_sql("BEGIN IMMEDIATE")  # waits up to the busy timeout


def lock(instance: T, fresh: tuple[str, ...] = ()) -> T:
    """Lock ``instance``'s row until the transaction ends, and reload it (relationships too, on
    next access) as committed now: all of it, or only the attributes named in ``fresh`` (for a
    caller that reads nothing else that may change). Waits for whoever holds it, up to
    LOCK_WAIT_SECONDS, then raises Busy with the transaction rolled back. Taking it again in the
    same transaction is harmless: commit or roll back to let go."""
    session = db.session
    with _waiting(instance):
        session.flush()  # the caller's own changes survive the reload
        _prepare(session.connection())
        session.expire(instance, fresh or None)
        columns = [name for name in fresh if name in _columns(instance)] or None
        # NO KEY: other rows may still be written pointing at this one (an audit event naming
        # the user, an LLM call naming the attempt) while it is held; SQLite ignores the clause.
        # OF its own table: a refresh repeats the loader options the row was first loaded
        # with (a joined department, say), and PostgreSQL locks no outer join's nullable side.
        # instance.__class__, not type(): current_user is a proxy for the row.
        session.refresh(instance, columns,
                        with_for_update={"key_share": True, "of": instance.__class__})
    return instance


def _columns(instance: object) -> set[str]:
    return set(inspect(instance).mapper.column_attrs.keys())


def update_locked(statement: Executable, params: dict[str, Any], what: str) -> int:
    """Run ``statement``, an UPDATE (which holds the rows it changes until the transaction
    ends), waiting for whoever holds them as ``lock`` does; returns how many rows it changed.
    Cheaper than ``lock`` where the caller needs no reload, only to know the row still was as
    the statement's WHERE says."""
    with _waiting(what):
        _prepare(db.session.connection())
        return execute_plain(statement, params).rowcount


def _prepare(connection: Connection) -> None:
    """Bound the wait for a row lock on PostgreSQL; take SQLite's write lock now."""
    if connection.dialect.name == "postgresql":
        connection.exec_driver_sql(f"SET LOCAL lock_timeout = '{LOCK_WAIT_SECONDS}s'")
    else:
        begin_write()


@contextmanager
def _waiting(what: object) -> Iterator[None]:
    """A lock not had within LOCK_WAIT_SECONDS becomes Busy, the transaction rolled back."""
    try:
        yield
    except OperationalError as exc:
        db.session.rollback()
        if not _is_lock_wait(exc):
            raise
        log.warning("gave up waiting %ss for a lock on %r", LOCK_WAIT_SECONDS, what)
        raise Busy("Another request was saving this at the same moment, so nothing was "
                   "changed. Try again in a moment.") from exc


def _is_lock_wait(exc: OperationalError) -> bool:
    cause = exc.orig
    return getattr(cause, "sqlstate", None) == _PG_LOCK_NOT_AVAILABLE or \
        "database is locked" in str(cause)
