"""Feedback reads as plain sentences: a quoted reply never leaves a stray full stop after its
closing quote (the issue-11 report: "...nothing you did.'.")."""

from __future__ import annotations

import re

from .test_scorer_precision import card

REPLIES = (
    "Sorry, but it was your bank that took it twice, nothing we did. Call them.",
    "That's not my department. You'll have to call your bank.",
    "Sorry for any inconvenience. Someone will look into it.",
)


def test_no_quote_in_feedback_ends_with_a_doubled_full_stop():
    for reply in REPLIES:
        scored = card("billing-double-charge", reply)
        for name, dim in scored.dimensions.items():
            assert not re.search(r"[.!?]['’\"”]\.", dim.feedback), (name, dim.feedback)
            assert ".." not in dim.feedback, (name, dim.feedback)
