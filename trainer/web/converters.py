"""URL converters: an id in a path is ASCII digits that fit the database's id column, so a huge
number is simply not found (404) instead of overflowing the query (a 500 on PostgreSQL)."""

from __future__ import annotations

from werkzeug.routing import IntegerConverter, ValidationError

MAX_ID = 2**31 - 1  # ids are INTEGER columns: 32 bits on PostgreSQL (SQLite's go further)


class IdConverter(IntegerConverter):
    """``<int:...>`` for every route: 0 to MAX_ID, ASCII digits only ("١" is no id here)."""

    regex = r"[0-9]+"

    def __init__(self, url_map, *args, **kwargs) -> None:
        kwargs.setdefault("max", MAX_ID)
        super().__init__(url_map, *args, **kwargs)

    def to_python(self, value: str) -> int:
        if len(value.lstrip("0")) > len(str(MAX_ID)):  # never int() thousands of digits
            raise ValidationError()
        return super().to_python(value)
