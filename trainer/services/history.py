"""Reading attempts back: a person's history as light lines for a list (no snapshot, no
transcript: only the pages that show one attempt load those)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from functools import cache

from sqlalchemy import Integer, Select, bindparam, func, select

from ..models import Attempt, User
from ..models.attempt import IN_PROGRESS
from .paging import Page, paginate_built

LINES_PAGE = 50  # attempts a page of a person's history


@dataclass(frozen=True)
class AttemptLine:
    """One attempt as a list shows it: no transcript, no snapshot but the scenario's title as it
    was played."""

    id: int
    started_at: datetime
    title: str
    mode: str
    status: str
    outcome: str | None
    passed: bool | None
    overall: float | None
    copied_from: str | None
    reviewed_at: datetime | None

    @property
    def is_finished(self) -> bool:
        """As Attempt.is_finished: a finished attempt links to its scorecard, else to play on."""
        return self.status != IN_PROGRESS


# The title is read out of the snapshot by the database: the rest of the document stays there.
_LINE_COLUMNS = (Attempt.id, Attempt.started_at,
                 func.coalesce(Attempt.scenario_snapshot["title"].as_string(), Attempt.scenario_id),
                 Attempt.mode, Attempt.status, Attempt.outcome, Attempt.passed, Attempt.overall,
                 Attempt.copied_from, Attempt.reviewed_at)


def attempt_lines(user: User, number: int = 1, size: int = LINES_PAGE) -> Page[AttemptLine]:
    """Page ``number`` of ``user``'s attempts, newest first (out-of-range numbers read as the
    nearest page): two statements, whatever the history's length."""
    count, page = _lines_statements()
    return paginate_built(count, page, {"user_id": user.id}, number, size, rows=True).map(
        lambda rows: [AttemptLine(*row) for row in rows])


@cache
def _lines_statements() -> tuple[Select, Select]:
    """The count and the page of a person's history, built once per process: every dashboard
    runs them. The page's ids are found first, then only their rows are read: PostgreSQL works
    out a row's columns before OFFSET skips it, and the title read out of each skipped
    snapshot made page 10 cost twice page 1."""
    mine = Attempt.user_id == bindparam("user_id")
    newest = (Attempt.started_at.desc(), Attempt.id.desc())
    shown = (select(Attempt.id).where(mine).order_by(*newest)
             .limit(bindparam("limit", type_=Integer)).offset(bindparam("offset", type_=Integer))
             .subquery())
    return (select(func.count()).select_from(Attempt).where(mine),
            select(*_LINE_COLUMNS).join(shown, shown.c.id == Attempt.id).order_by(*newest))
