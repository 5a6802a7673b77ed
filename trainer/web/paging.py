"""Reading ``?page=N`` alike on every paged page: a number past the end shows the last page (the
services bring any number within range), anything but a whole number shows the first."""

from __future__ import annotations

from flask import request

PAST_ANY_END = 10**18  # more digits than this are past the end of any list, and not int()ed


def page_number(arg: str = "page") -> int:
    raw = request.args.get(arg, "").strip()
    if not (raw.isascii() and raw.isdigit()):
        return 1
    digits = raw.lstrip("0")
    return max(1, int(digits or "0")) if len(digits) <= 18 else PAST_ANY_END
