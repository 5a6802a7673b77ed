"""Reading ``?page=N`` alike on every paged page: a number past the end shows the last page (the
services bring any number within range), anything but a whole number shows the first. A log's
pages (audit, deliveries) are read by ``?before=ID`` / ``?after=ID`` instead, alike too."""

from __future__ import annotations

from flask import request

PAST_ANY_END = 10**18  # more digits than this are past the end of any list, and not int()ed
LARGEST_ID = 2**31 - 1  # ids are 32-bit integers on PostgreSQL: a larger one is past them all


def page_number(arg: str = "page") -> int:
    number = _whole_number(arg)
    return 1 if number is None else max(1, number)


def log_position() -> tuple[int | None, int | None]:
    """``?before=ID`` and ``?after=ID`` of a log's page (services/paging.log_page): an id, or
    None for anything but a whole number (a stale or hand-edited link shows the newest page);
    ``after`` wins when both are given."""
    after, before = _an_id("after"), _an_id("before")
    return (None, after) if after is not None else (before, None)


def _an_id(arg: str) -> int | None:
    number = _whole_number(arg)
    return None if number is None else min(number, LARGEST_ID)


def _whole_number(arg: str) -> int | None:
    """``?arg=`` as a whole number (PAST_ANY_END when too long to be one), or None."""
    raw = request.args.get(arg, "").strip()
    if not (raw.isascii() and raw.isdigit()):
        return None
    digits = raw.lstrip("0")
    return int(digits or "0") if len(digits) <= 18 else PAST_ANY_END
