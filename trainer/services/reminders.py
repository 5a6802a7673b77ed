"""Sending the reminders that are due (services/reminders_due.py finds them), each exactly once:
a reminder is claimed by inserting its unique key before it is sent, so two overlapping runs
never both send it. A mail the server refused is marked failed and tried again by the next
runs (MAX_TRIES in all); a run that died between claim and send leaves the reminder unsent
rather than risk sending it twice.

Run it from cron (`trainer remind`, hourly) or let `trainer worker` run it: `trainer remind
--schedule` queues a job that runs the reminders and queues itself again for the next hour."""

from __future__ import annotations

import logging
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from email.message import EmailMessage
from typing import TYPE_CHECKING

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from ..domain.authority_text import authority_phrase
from ..domain.errors import TrainerError
from ..extensions import db
from ..models import ReminderSent
from ..models._types import utcnow
from ..models.mail import EMPTY, FAILED, SENDING, SENT
from . import mail
from .library import get_library
from .reminders_due import (
    MAX_TRIES,
    OVERDUE,
    Due,
    clearance_dues,
    digest_context,
    digest_dues,
    is_empty,
    track_dues,
)

if TYPE_CHECKING:
    from rq import Queue

log = logging.getLogger(__name__)

SCHEDULE_EVERY = timedelta(hours=1)
TRACK_NAMES = {"onboarding": "onboarding training", "rotation": "annual call-centre rotation"}


class MailOff(TrainerError):
    """Reminders need email to be set up."""


@dataclass
class RemindReport:
    """What one run did, by kind."""

    sent: Counter = field(default_factory=Counter)
    failed: Counter = field(default_factory=Counter)
    empty: int = 0  # digests with nothing to say, not sent

    @property
    def total_sent(self) -> int:
        return sum(self.sent.values())


def remind(now: datetime | None = None) -> RemindReport:
    """Send every reminder due at ``now`` that has not gone out yet, on one SMTP connection."""
    if not mail.is_enabled():
        raise MailOff("Email is not set up: set TRAINER_SMTP_URL (or TRAINER_SMTP_HOST) and "
                      "TRAINER_BASE_URL to send reminders.")
    now = now or utcnow()
    today = now.astimezone(UTC).date()
    dues = [*track_dues(today), *clearance_dues(now), *digest_dues(today)]  # what is due now
    report = RemindReport()
    with mail.Mailer() as mailer:
        for due in dues:
            _deliver(due, today, mailer, report)
    log.info("reminders: %s sent, %s failed, %s empty digests", dict(report.sent),
             dict(report.failed), report.empty)
    return report


def _deliver(due: Due, today: date, mailer: mail.Mailer, report: RemindReport) -> None:
    claim = _claim(due)
    if claim is None:
        return
    try:
        message = _message(due, today)
    except Exception:
        log.exception("reminder %s for user %s could not be written", due.kind, due.recipient.id)
        _settle(claim, FAILED)
        report.failed[due.kind] += 1
        return
    if message is None:
        _settle(claim, EMPTY)
        report.empty += 1
        return
    ok = mailer.send(message, f"remind-{due.kind}", due.recipient.id)
    _settle(claim, SENT if ok else FAILED)
    (report.sent if ok else report.failed)[due.kind] += 1


def _key(due: Due) -> dict:
    return {"kind": due.kind, "subject_id": due.subject_id, "user_id": due.recipient.id,
            "threshold": due.threshold, "due_on": due.due_on}


def _claim(due: Due) -> int | None:
    """The reminder's row id if this run may send it: a new row, or one the server refused
    before with tries left. None when it is sent, being sent, or given up on."""
    key = _key(due)
    db.session.commit()  # nothing else rides on the claim's transaction
    row = ReminderSent(**key, status=SENDING, tries=1, sent_at=utcnow())
    db.session.add(row)
    try:
        db.session.flush()
        claimed = row.id
        db.session.commit()
        return claimed
    except IntegrityError:
        db.session.rollback()
    where = [getattr(ReminderSent, name) == value for name, value in key.items()]
    retried = db.session.execute(
        update(ReminderSent).where(*where, ReminderSent.status == FAILED,
                                   ReminderSent.tries < MAX_TRIES)
        .values(status=SENDING, tries=ReminderSent.tries + 1, sent_at=utcnow())
        .execution_options(synchronize_session=False))
    claimed = db.session.scalar(select(ReminderSent.id).where(*where)) \
        if retried.rowcount == 1 else None
    db.session.commit()
    return claimed


def _settle(claim: int, status: str) -> None:
    db.session.execute(update(ReminderSent).where(ReminderSent.id == claim)
                       .values(status=status).execution_options(synchronize_session=False))
    db.session.commit()


# --- the messages ----------------------------------------------------------------------------

def _when(days_left: int) -> str:
    if days_left < 0:
        return "is overdue"
    if days_left == 0:
        return "is due today"
    return f"is due in {days_left} day{'' if days_left == 1 else 's'}"


def _message(due: Due, today: date) -> EmailMessage | None:
    person = due.recipient
    if due.kind in TRACK_NAMES:
        status, library = due.context["status"], get_library()
        missing = [library.scenarios[s].title if s in library.scenarios else s
                   for s in status.missing]
        subject = f"Your {TRACK_NAMES[due.kind]} {_when(due.context['days_left'])}"
        return mail.compose(person.email, person.name, subject, "track_reminder",
                            track=TRACK_NAMES[due.kind], due_date=status.due_date,
                            overdue=due.threshold == OVERDUE, when=_when(
                                due.context["days_left"]), missing=missing,
                            link=mail.absolute_url("trainee.dashboard"))
    if due.kind == "clearance":
        return _clearance_message(due)
    context = digest_context(person, today)
    if is_empty(context):
        return None
    subject = (f"Your team this week: {context['to_review']} to review, "
               f"{context['overdue_count']} overdue")
    return mail.compose(person.email, person.name, subject, "digest", **context,
                        week=due.due_on, review_link=mail.absolute_url("manager.review"),
                        team_link=mail.absolute_url("manager.team"),
                        settings_link=mail.absolute_url("preferences.email"))


def _clearance_message(due: Due) -> EmailMessage:
    clearance, holder = due.context["clearance"], due.context["holder"]
    category = get_library().categories.get(clearance.category)
    authority = authority_phrase(category, clearance.category, clearance.level, clearance.limit)
    days = due.context["days_left"]
    when = "today" if days == 0 else f"in {days} day{'' if days == 1 else 's'}"
    for_manager = due.context.get("for_manager", False)
    whose = f"{holder.name}'s" if for_manager else "Your"
    link = (mail.absolute_url("manager.person", user_id=holder.id) if for_manager
            else mail.absolute_url("trainee.dashboard"))
    return mail.compose(due.recipient.email, due.recipient.name,
                        f"{whose} authority to resolve complaints expires {when}",
                        "clearance_reminder", holder=holder.name, for_manager=for_manager,
                        authority=authority, expires_on=due.due_on, when=when, link=link)


# --- on the worker, every hour ---------------------------------------------------------------

def schedule_job_id(queue_name: str, slot: datetime) -> str:
    return f"{queue_name}-remind-{slot:%Y%m%d%H}"


def schedule_next(queue: Queue, now: datetime | None = None) -> str | None:
    """Queue the reminders job for the top of the next hour, unless it is queued already (the
    job id names the hour, so running this twice queues it once). The job id, or None."""
    slot = ((now or utcnow()) + SCHEDULE_EVERY).astimezone(UTC).replace(
        minute=0, second=0, microsecond=0)
    job_id = schedule_job_id(queue.name, slot)
    if queue.fetch_job(job_id) is not None:
        return None
    queue.enqueue_at(slot, remind_job, job_id=job_id, result_ttl=3600, failure_ttl=86400,
                     description="send the reminders that are due")
    return job_id


def remind_job() -> str:
    """The scheduled job: send what is due, then queue the next run (whatever happened)."""
    from .queue import get_queue, job_context

    with job_context():
        try:
            report = remind()
            outcome = f"{report.total_sent} sent"
        except MailOff as exc:
            log.warning("reminders not sent: %s", exc)
            outcome = "mail off"
        finally:
            queue = get_queue()
            if queue is not None:
                schedule_next(queue)
        return outcome


def set_wants_digest(user, wants: bool) -> bool:
    """Turn ``user``'s weekly digest on or off; True when that changed anything."""
    if user.wants_digest == wants:
        return False
    user.wants_digest = wants
    db.session.commit()
    log.info("user %s turned the weekly digest %s", user.id, "on" if wants else "off")
    return True
