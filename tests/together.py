"""Race-test helpers: run calls at the same moment from several threads (each with its own
session and connection), hold a call inside the customer engine, and read a transcript back."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from sqlalchemy import select

from trainer.extensions import db
from trainer.models import Turn

WAIT = 30  # seconds: only a broken lock ever waits this long; the tests then fail, not hang


def run_together(count: int, work: Callable[[int], Any]) -> list[Any]:
    """Call ``work(0..count-1)`` in ``count`` threads released by one barrier; what each returned,
    or the exception it raised."""
    barrier = threading.Barrier(count)
    results: list[Any] = [None] * count

    def run(i: int) -> None:
        try:
            barrier.wait(WAIT)
            results[i] = work(i)
        except BaseException as exc:  # recorded for the test to assert on, never lost
            results[i] = exc

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(WAIT)
    assert not any(t.is_alive() for t in threads), "a racing call never finished"
    return results


def wait_for_locks(monkeypatch) -> None:
    """Let this thread's session wait up to WAIT for a lock, so a test that holds one while it
    works never sees the waiter give up: SQLite's busy timeout, PostgreSQL's lock_timeout."""
    from trainer.services import locks

    monkeypatch.setattr(locks, "LOCK_WAIT_SECONDS", WAIT)
    connection = db.session.connection()
    if connection.dialect.name == "sqlite":
        connection.exec_driver_sql(f"PRAGMA busy_timeout = {WAIT * 1000}")


def in_background(work: Callable[[], Any]) -> tuple[threading.Thread, list[Any]]:
    """Start ``work()`` in a thread; the list receives what it returned or raised."""
    outcome: list[Any] = []

    def run() -> None:
        try:
            outcome.append(work())
        except BaseException as exc:
            outcome.append(exc)

    thread = threading.Thread(target=run)
    thread.start()
    return thread, outcome


class HeldEngine:
    """Wraps a customer engine's ``respond`` so that a reply to an answer containing ``marker``
    waits, inside the engine, until the test calls ``release()``: the answer is then stored and
    its reply is not, exactly as while a slow LLM thinks."""

    def __init__(self, monkeypatch, marker: str):
        from trainer.domain.customer.scripted import ScriptedCustomer

        self.entered, self.released, self.marker = threading.Event(), threading.Event(), marker
        original = ScriptedCustomer.respond

        def respond(engine, scenario, transcript):
            if marker in transcript[-1].text:
                self.entered.set()
                assert self.released.wait(WAIT), "the held reply was never released"
            return original(engine, scenario, transcript)

        monkeypatch.setattr(ScriptedCustomer, "respond", respond)

    def wait_until_held(self) -> None:
        assert self.entered.wait(WAIT), "the answer never reached the customer engine"

    def release(self) -> None:
        self.released.set()


def transcript(attempt_id: int) -> list[Turn]:
    """The attempt's turns as committed, read afresh."""
    db.session.expire_all()
    return list(db.session.scalars(select(Turn).where(Turn.attempt_id == attempt_id)
                                   .order_by(Turn.index)))


def assert_alternates(turns: list[Turn]) -> None:
    """Customer first, then trainee and customer in turn, numbered without gaps."""
    assert [t.index for t in turns] == list(range(len(turns)))
    roles = [t.role for t in turns]
    assert roles == ["customer", "trainee"] * (len(roles) // 2) + ["customer"] * (len(roles) % 2), \
        f"turns out of order: {roles}"
