"""Text that is only recorded (a client address, a file name, a browser's name) is cut to its
column's length, read from the model, so a long header or file name can never fail the write
(PostgreSQL refuses text longer than a VARCHAR; SQLite would keep it whole)."""

from __future__ import annotations

from sqlalchemy.orm import InstrumentedAttribute


def fit(column: InstrumentedAttribute, value: str | None) -> str | None:
    """``value`` cut to ``column``'s length (None and "" are kept as they are)."""
    length = getattr(column.type, "length", None)
    return value[:length] if value and length else value
