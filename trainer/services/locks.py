"""Locks for read-check-write steps (a turn allocated, an attempt opened or closed): the row locked
with SELECT ... FOR NO KEY UPDATE on PostgreSQL; on SQLite, whose write lock covers the whole
database, that lock taken before the first read with BEGIN IMMEDIATE (begin_write)."""

from __future__ import annotations

import logging
from typing import TypeVar

from sqlalchemy.exc import OperationalError

from ..domain.errors import TrainerError
from ..extensions import db

log = logging.getLogger(__name__)

T = TypeVar("T")
# How long a request waits for a lock before it is refused with Busy: SQLite's busy_timeout
# (trainer/__init__.py) is the same 5 s. Locks here last a read and an insert, a few ms.
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


def lock(instance: T) -> T:
    """Lock ``instance``'s row until the transaction ends, and reload it (relationships too, on
    next access) as committed now. Waits for whoever holds it, up to LOCK_WAIT_SECONDS, then
    raises Busy with the transaction rolled back. Taking it again in the same transaction is
    harmless: commit or roll back to let go."""
    session = db.session
    try:
        session.flush()  # the caller's own changes survive the reload
        connection = session.connection()
        if connection.dialect.name == "postgresql":
            connection.exec_driver_sql(f"SET LOCAL lock_timeout = '{LOCK_WAIT_SECONDS}s'")
        else:
            begin_write()
        session.expire(instance)
        # NO KEY: other rows may still be written pointing at this one (an audit event naming
        # the user, an LLM call naming the attempt) while it is held; SQLite ignores the clause.
        # OF its own table: a refresh repeats the loader options the row was first loaded
        # with (a joined department, say), and PostgreSQL locks no outer join's nullable side.
        # instance.__class__, not type(): current_user is a proxy for the row.
        session.refresh(instance, with_for_update={"key_share": True, "of": instance.__class__})
    except OperationalError as exc:
        session.rollback()
        if not _is_lock_wait(exc):
            raise
        log.warning("gave up waiting %ss for a lock on %r", LOCK_WAIT_SECONDS, instance)
        raise Busy("Another request was saving this at the same moment, so nothing was "
                   "changed. Try again in a moment.") from exc
    return instance


def _is_lock_wait(exc: OperationalError) -> bool:
    cause = exc.orig
    return getattr(cause, "sqlstate", None) == _PG_LOCK_NOT_AVAILABLE or \
        "database is locked" in str(cause)
