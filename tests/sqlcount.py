"""Counting SQL statements, so a test can say "this page costs the same for 3 people as for 60"
without timing anything.

    with count_statements(engine) as sql:
        client.get("/team/")
    assert sql.count == 9, sql          # the message lists every statement, numbered

or, through the ``count_sql`` fixture in conftest.py (the test app's engine)::

    with count_sql() as sql:
        client.get("/team/")

Everything the engine sends to the database inside the block counts (SQLAlchemy's
``before_cursor_execute`` event), the statements of the login session included: compare two
counts of the same page, or warm the page up once first, rather than assert a bare number that
any unrelated change moves.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from sqlalchemy import event
from sqlalchemy.engine import Engine


@dataclass(repr=False)
class StatementLog:
    """The statements run inside a ``count_statements`` block, in order."""

    statements: list[str] = field(default_factory=list)

    @property
    def count(self) -> int:
        return len(self.statements)

    def __len__(self) -> int:
        return len(self.statements)

    def matching(self, text: str) -> list[str]:
        """The statements that contain ``text`` (case-insensitive), e.g. a table's name."""
        return [s for s in self.statements if text.lower() in s.lower()]

    def __str__(self) -> str:
        lines = (f"{n}. {' '.join(s.split())[:300]}" for n, s in enumerate(self.statements, 1))
        return f"{self.count} SQL statements:\n" + "\n".join(lines)

    __repr__ = __str__  # what pytest prints for ``assert ..., sql``


@contextmanager
def count_statements(engine: Engine) -> Iterator[StatementLog]:
    """Record every statement ``engine`` executes until the block ends (an executemany counts
    once: it is one round trip)."""
    log = StatementLog()

    def record(conn, cursor, statement, parameters, context, executemany):
        log.statements.append(statement)

    event.listen(engine, "before_cursor_execute", record)
    try:
        yield log
    finally:
        event.remove(engine, "before_cursor_execute", record)
