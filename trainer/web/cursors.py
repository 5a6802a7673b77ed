"""Opaque cursors for keyset paging: the position after the last row of a page, signed with the
app's secret key, so a client can hand it back but neither forge nor edit one."""

from __future__ import annotations

from typing import Any

from flask import current_app
from itsdangerous import BadData, URLSafeSerializer

MAX_CHARS = 1000  # a real cursor is a few hundred characters; anything longer is not one


class BadCursor(ValueError):
    """A cursor this app did not make (edited, truncated, from another list or another key)."""


def _serializer(kind: str) -> URLSafeSerializer:
    # The salt keeps a cursor of one list from being accepted by another.
    return URLSafeSerializer(current_app.secret_key, salt=f"trainer.cursor.{kind}")


def encode(kind: str, position: list[Any]) -> str:
    return _serializer(kind).dumps(position)


def decode(kind: str, cursor: str, shape: tuple[type, ...]) -> list[Any]:
    """The position inside ``cursor``, whose items must have the types of ``shape``."""
    try:
        if len(cursor) > MAX_CHARS:
            raise BadData("too long")
        position = _serializer(kind).loads(cursor)
    except BadData:
        raise BadCursor("the cursor is not one this API gave out: start again without it, "
                        "and pass next_cursor back unchanged") from None
    if not (isinstance(position, list) and len(position) == len(shape) and all(
            type(item) is kind_ for item, kind_ in zip(position, shape, strict=True))):
        raise BadCursor("the cursor is out of date: start again without it")
    return position
