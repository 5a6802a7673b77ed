"""The lists over trainee feedback and disputes: the authors' page (negative first, a page at a
time, with its CSV) and a manager's disputes. Scope as everywhere (access.scope_query): an admin
sees everyone's, a manager their people's; nobody their own (like the review queue).

"Negative first", the one order of the authors' list: unhandled before handled, then the lowest
rating total (domain/feedback.py: yes 2, partly 1, no 0, summed over the three questions), then
the newest. Two statements a page whatever the number of rows: a count and the page."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Select, case, select
from sqlalchemy.orm import aliased

from ..domain.feedback import ANSWER_OF, QUESTIONS, answered, is_negative
from ..extensions import db
from ..models import Attempt, Dispute, Feedback, User
from .access import scope_query
from .library import get_library
from .paging import Page, paginate

PAGE_SIZE = 50
# ?status= on the authors' page: which feedback is listed.
STATUSES = {"open": "Not handled yet", "handled": "Handled", "all": "All"}
DEFAULT_STATUS = "open"


@dataclass(frozen=True)
class FeedbackLine:
    """One row of the authors' list: the feedback with its trainee, scenario and attempt."""

    feedback: Feedback
    trainee: str
    scenario: str  # the title (the id when it left the library)
    mode: str
    overall: float | None
    passed: bool | None
    handled_by: str | None

    @property
    def answers(self) -> list[tuple[str, str]]:
        """(short heading, yes / partly / no) for each question."""
        return answered(self.feedback)

    @property
    def is_negative(self) -> bool:
        return is_negative(self.feedback.rating_total)


@dataclass(frozen=True)
class DisputeLine:
    dispute: Dispute
    trainee: str
    scenario: str


def _title(scenario_id: str) -> str:
    scenarios = get_library().scenarios
    return scenarios[scenario_id].title if scenario_id in scenarios else scenario_id


def _scoped(query: Select, owner, viewer: User) -> Select:
    """``query`` narrowed to rows whose ``owner`` column is someone ``viewer`` looks after."""
    query = query.where(owner != viewer.id)
    scope = scope_query(viewer)
    return query if scope is None else query.where(owner.in_(scope))


def status_of(raw: str | None) -> str:
    return raw if raw in STATUSES else DEFAULT_STATUS


def _feedback_query(viewer: User, status: str, scenario: str) -> Select:
    handler = aliased(User)
    query = (select(Feedback, User.name, Attempt.mode, Attempt.overall, Attempt.passed,
                    handler.name)
             .join(User, User.id == Feedback.user_id)
             .join(Attempt, Attempt.id == Feedback.attempt_id)
             .outerjoin(handler, handler.id == Feedback.handled_by_id))
    query = _scoped(query, Feedback.user_id, viewer)
    if status == "open":
        query = query.where(Feedback.handled_at.is_(None))
    elif status == "handled":
        query = query.where(Feedback.handled_at.is_not(None))
    if scenario:
        query = query.where(Feedback.scenario_id == scenario)
    negative_first = (Feedback.rating_total, Feedback.created_at.desc(), Feedback.id.desc())
    if status != "all":  # one kind only: the index serves the order
        return query.order_by(*negative_first)
    return query.order_by(case((Feedback.handled_at.is_(None), 0), else_=1), *negative_first)


def _line(row) -> FeedbackLine:
    feedback, trainee, mode, overall, passed, handled_by = row
    return FeedbackLine(feedback, trainee, _title(feedback.scenario_id), mode, overall, passed,
                        handled_by)


def feedback_page(viewer: User, number: int = 1, status: str = DEFAULT_STATUS,
                  scenario: str = "", size: int = PAGE_SIZE) -> Page[FeedbackLine]:
    """Page ``number`` of the feedback ``viewer`` may see, negative first (module docstring)."""
    page = paginate(_feedback_query(viewer, status_of(status), scenario), number, size,
                    rows=True)
    return page.map(lambda rows: [_line(row) for row in rows])


CSV_COLUMNS = ("given_at", "scenario_id", "scenario", "trainee", "attempt", "mode", "overall",
               *(q.field for q in QUESTIONS), "rating_total", "comment", "handled_at",
               "handled_by", "handled_note")


def feedback_rows(viewer: User, status: str = DEFAULT_STATUS,
                  scenario: str = "") -> Iterator[dict]:
    """The whole list as the page orders it, one mapping per row for csv_out (one statement,
    read in batches)."""
    query = _feedback_query(viewer, status_of(status), scenario).execution_options(yield_per=500)
    for row in db.session.execute(query):
        line = _line(row)
        fb = line.feedback
        yield {"given_at": fb.created_at.strftime("%Y-%m-%d %H:%M"),
               "scenario_id": fb.scenario_id, "scenario": line.scenario,
               "trainee": line.trainee, "attempt": fb.attempt_id, "mode": line.mode,
               "overall": line.overall,
               **{q.field: ANSWER_OF[getattr(fb, q.field)] for q in QUESTIONS},
               "rating_total": fb.rating_total, "comment": fb.comment,
               "handled_at": _minute(fb.handled_at), "handled_by": line.handled_by,
               "handled_note": fb.handled_note}


def _minute(when: datetime | None) -> str:
    return when.strftime("%Y-%m-%d %H:%M") if when else ""


def scenario_choices() -> list[tuple[str, str]]:
    """The scenarios to filter by: the library's, by title (no query: the library is loaded)."""
    return sorted(((s.id, s.title) for s in get_library().scenarios.values()),
                  key=lambda pair: pair[1].lower())


def disputes_page(viewer: User, number: int = 1, size: int = PAGE_SIZE) -> Page[DisputeLine]:
    """Disputes of the people ``viewer`` looks after: open ones first (oldest waiting longest
    first), then resolved ones, newest first."""
    query = (select(Dispute, User.name, Attempt.scenario_id)
             .join(User, User.id == Dispute.user_id)
             .join(Attempt, Attempt.id == Dispute.attempt_id))
    query = _scoped(query, Dispute.user_id, viewer)
    is_open = Dispute.resolved_at.is_(None)
    query = query.order_by(case((is_open, 0), else_=1),
                           case((is_open, Dispute.created_at)),
                           Dispute.created_at.desc(), Dispute.id.desc())
    page = paginate(query, number, size, rows=True)
    return page.map(lambda rows: [DisputeLine(d, name, _title(sid)) for d, name, sid in rows])
