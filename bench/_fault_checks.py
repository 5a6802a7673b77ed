"""Reading the database after one fault's run (the app's own models, in this process): answers
stored or lost, replies missing, attempts scored exactly once, fallbacks noted, audit events."""

from __future__ import annotations

import time
from collections import Counter
from dataclasses import dataclass, field

from sqlalchemy import func, select

from bench._fault_work import Run

CUSTOMER_FELL_BACK = "LLM customer unavailable"
JUDGE_FELL_BACK = ("LLM judge unavailable", "the rule scorer was used")
QUOTES_DROPPED = "not the trainee's own words"
SCHEMA_REFUSED = "json_schema refused"


@dataclass
class Row:
    """One line of the table: what was sent, and what the database shows of it."""

    name: str
    requests: int = 0
    failed: int = 0  # 5xx, or no answer at all
    sent: int = 0  # distinct answers posted (or logins tried)
    stored: int = 0  # of those, stored (or audit events written)
    lost: int = 0  # taken by the app (redirected back) but not stored
    dup: int = 0  # stored twice, attempts opened twice
    unanswered: int = 0  # trainee turns with no customer reply after them
    scored: tuple[int, int] | None = None  # (exactly once, attempts ended)
    fallback: tuple[int, int] | None = None  # (noted, expected)
    slowest: float = 0.0
    limit: float = 0.0  # seconds a request may take
    cold: float = 0.0  # the slowest request of the untimed warm-up
    misses: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def judge(self) -> list[str]:
        """What misses the aim: 0 5xx, 0 lost, 0 twice, every reply, every attempt scored once,
        every fallback noted, every request inside the limit."""
        checks = [("5xx", self.failed), ("lost", self.lost), ("twice", self.dup),
                  ("no reply", self.unanswered),
                  ("not scored once", self.scored and self.scored[0] != self.scored[1]),
                  ("fallback", self.fallback and self.fallback[0] != self.fallback[1]),
                  ("slow", self.slowest > self.limit)]
        return [name for name, bad in checks if bad] + self.misses


def attempts_check(app, run: Run, row: Row, fallback: str | None, wait: float = 0.0,
                   one_each: bool = False) -> None:
    """Fill ``row`` from the attempts of the run's trainees. ``fallback``: which notes to expect
    ("both", "judge", "quotes", "schema", "none"), or None for no such column. ``wait``: seconds
    to let queued scoring finish (a Redis worker) before reading. ``one_each``: every trainee
    should have one attempt (any more are counted twice)."""
    from trainer.extensions import db
    from trainer.models import Attempt, LLMCall, User
    from trainer.models.attempt import SCORING

    with app.app_context():
        ids = list(db.session.scalars(select(User.id).where(User.email.in_(run.emails))))
        ends = time.monotonic() + wait
        while run.ended and time.monotonic() < ends and db.session.scalar(
                select(func.count(Attempt.id)).where(Attempt.id.in_(run.ended),
                                                     Attempt.status == SCORING)):
            db.session.rollback()
            time.sleep(0.5)
        attempts = list(db.session.scalars(select(Attempt).where(Attempt.user_id.in_(ids))))
        judged = Counter(db.session.scalars(select(LLMCall.attempt_id).where(
            LLMCall.attempt_id.in_([a.id for a in attempts]), LLMCall.purpose == "judge",
            LLMCall.try_number == 1)))
        refusals = db.session.scalar(select(func.count(LLMCall.id)).where(
            LLMCall.attempt_id.in_([a.id for a in attempts]),
            LLMCall.error.contains(SCHEMA_REFUSED)))
        texts = Counter(t.text for a in attempts for t in a.turns if t.role == "trainee")
        row.sent, row.stored = len(run.answers), sum(1 for text in run.answers if texts[text])
        row.lost = sum(1 for text in run.answers if run.acknowledged(text) and not texts[text])
        row.dup = sum(texts[text] - 1 for text in run.answers if texts[text] > 1)
        row.unanswered = sum(_unanswered(a.turns) for a in attempts)
        refused = {s for text, statuses in run.answers.items() if not texts[text]
                   for s in statuses if 400 <= s < 500}
        if refused:
            count = sum(1 for text in run.answers if not texts[text] and not run.acknowledged(text))
            row.notes.append(f"{count} answer(s) not stored, answered HTTP "
                             f"{'/'.join(map(str, sorted(refused)))}")
        if one_each:
            row.dup += sum(n - 1 for n in Counter(a.user_id for a in attempts).values())
        ended = [a for a in attempts if a.id in run.ended]
        twice = sum(1 for a in ended if judged[a.id] > 1)
        if run.ended:
            row.scored = (sum(1 for a in ended if _scored_once(a, judged[a.id])), len(run.ended))
        if twice:
            row.notes.append(f"{twice} attempt(s) judged twice")
        stuck = Counter(a.status for a in ended if a.status != "scored")
        if stuck:
            row.notes.append("left " + ", ".join(f"{n} {s}" for s, n in stuck.items()))
        if fallback:
            row.fallback = _fallbacks(attempts, fallback, refusals)
            if fallback == "schema" and not refusals:
                row.notes.append("no json_schema refusal recorded")
        db.session.rollback()


def _unanswered(turns) -> int:
    ordered = sorted(turns, key=lambda t: t.index)
    return sum(1 for turn, after in zip(ordered, [*ordered[1:], None], strict=True)
               if turn.role == "trainee" and (after is None or after.role != "customer"))


def _scored_once(attempt, judge_calls: int) -> bool:
    dimensions = len((attempt.rubric_snapshot or {}).get("dimensions", {})) or 3
    return attempt.status == "scored" and len(attempt.scores) == dimensions and judge_calls <= 1


def _fallbacks(attempts, kind: str, refusals: int) -> tuple[int, int]:
    replies = [t for a in attempts for t in a.turns if t.role == "customer" and t.index > 0]
    cards = [a for a in attempts if a.status == "scored"]
    customer = sum(1 for t in replies if CUSTOMER_FELL_BACK in (t.note or ""))
    judge = sum(1 for a in cards if any(m in n for n in a.score_notes for m in JUDGE_FELL_BACK))
    if kind == "both":
        return customer + judge, len(replies) + len(cards)
    if kind == "judge":
        return judge, len(cards)
    if kind == "quotes":
        return sum(1 for a in cards if any(QUOTES_DROPPED in n for n in a.score_notes)), len(cards)
    if kind == "schema":  # the fallback is json_object mode: the LLM still wrote everything
        by_llm = sum(1 for t in replies if CUSTOMER_FELL_BACK not in (t.note or "")) + \
            sum(1 for a in cards if (a.scorer or "").startswith("llm"))
        return (by_llm if refusals else 0), len(replies) + len(cards)
    return customer + judge, 0  # the control: nothing should have fallen back


def audit_check(app, run: Run, row: Row) -> None:
    """One audit event per login tried (login.succeeded or login.failed), none twice."""
    from trainer.extensions import db
    from trainer.models import AuditEvent

    with app.app_context():
        events = db.session.scalar(select(func.count(AuditEvent.id)).where(
            AuditEvent.subject.in_(run.emails),
            AuditEvent.action.in_(("login.succeeded", "login.failed"))))
        db.session.rollback()
    row.sent, row.stored = run.logins, events
    row.lost, row.dup = max(run.logins - events, 0), max(events - run.logins, 0)
