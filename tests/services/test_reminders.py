"""`trainer remind` against a real SMTP server (aiosmtpd on loopback): tracks due in 14 and 7
days and overdue, clearances expiring in 30 and 7 days (holder and manager), the weekly digest
and its opt-out; each reminder once across runs, a refused mail tried again, and a run whose
cost does not grow with the people who are not due."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from urllib.parse import urlsplit

import pytest
from sqlalchemy import select

from trainer.domain.qualification import add_months
from trainer.extensions import db
from trainer.models import Clearance, ReminderSent, User
from trainer.models._types import utcnow
from trainer.services import reminders
from trainer.services.tracks import get_tracks

from .. import factories, mailserver
from ..conftest import AuthActions, post_form

BASE = "http://localhost"


@pytest.fixture
def mail_app(app, smtp):
    app.config.update(TRAINER_SMTP_URL=smtp.url(), TRAINER_BASE_URL=BASE)
    return app


TODAY = utcnow().date()
NOON = datetime.combine(TODAY, time(12), UTC)  # every run is at a fixed time: no midnight races


def _today() -> date:
    return TODAY


def _at(day: date) -> str:
    return f"{day.isoformat()}T09:00"


def _hire(start: date, **kwargs) -> User:
    person = factories.user("trainee", **kwargs)
    person.start_date = start
    db.session.commit()
    return person


def _subjects(smtp) -> list[str]:
    return [str(m["Subject"]) for m in smtp.messages]


def test_onboarding_is_reminded_at_14_and_7_days_and_once_overdue(mail_app, runner, smtp):
    today = _today()
    with mail_app.app_context():
        _hire(today - timedelta(days=20), email="new@example.com")  # due in 10 days
        _hire(today - timedelta(days=400), email="old@example.com")  # overdue for a year
        _hire(today - timedelta(days=20), email="gone@example.com", active=False)
    first = runner.invoke(args=["remind", "--now", _at(today)])
    assert first.exit_code == 0, first.output
    assert "onboarding: 1 sent" in first.output
    again = runner.invoke(args=["remind", "--now", _at(today)])
    assert again.output.strip().endswith("No reminder was due.")
    assert _subjects(smtp) == ["Your onboarding training is due in 10 days"]
    message = smtp.messages[0]
    assert message["To"].addresses[0].addr_spec == "new@example.com"
    text, html = mailserver.parts(message)
    assert "Still to pass:" in text and "<li>" in html
    assert f"{BASE}/" in mailserver.links(text)
    for days_on, expected in ((5, "is due in 5 days"), (6, None), (11, "is overdue"), (12, None)):
        result = runner.invoke(args=["remind", "--now", _at(today + timedelta(days=days_on))])
        assert result.exit_code == 0, result.output
        if expected:
            assert _subjects(smtp)[-1] == f"Your onboarding training {expected}"
    assert len(smtp.messages) == 3
    with mail_app.app_context():
        rows = db.session.scalars(select(ReminderSent).order_by(ReminderSent.id)).all()
        assert [(r.kind, r.threshold, r.status) for r in rows] == [
            ("onboarding", "14", "sent"), ("onboarding", "7", "sent"),
            ("onboarding", "overdue", "sent")]


def test_the_rotation_is_reminded_a_year_after_its_last_completion(mail_app, smtp):
    today = _today()
    with mail_app.app_context():
        person = _hire(today - timedelta(days=1500), email="veteran@example.com")
        done_on = add_months(today + timedelta(days=9), -12)  # due again in 9 days
        for scenario in get_tracks().rotation.scenarios:
            factories.scored_attempt(person, scenario,
                                     finished_at=datetime.combine(done_on, time(10), UTC))
        report = reminders.remind(NOON)
        assert dict(report.sent) == {"rotation": 1}
        assert reminders.remind(NOON).total_sent == 0
    assert _subjects(smtp) == ["Your annual call-centre rotation is due in 9 days"]


def _clearance(holder: User, granter: User, expires_in: timedelta, **kwargs) -> Clearance:
    now = NOON
    clearance = Clearance(user_id=holder.id, category="billing-dispute", level=1,
                          limit=Decimal("50"), granted_by_id=granter.id,
                          granted_at=now - timedelta(days=300), expires_at=now + expires_in,
                          basis=[], **kwargs)
    db.session.add(clearance)
    db.session.commit()
    return clearance


def test_clearances_expiring_soon_are_reminded_to_holder_and_manager(mail_app, client, smtp):
    with mail_app.app_context():
        boss = factories.user("manager", email="boss@example.com", name="Bo Boss")
        pat = factories.user("trainee", email="pat@example.com", name="Pat Lee", manager=boss)
        loner = factories.user("trainee", email="loner@example.com")
        _clearance(pat, boss, timedelta(days=20, hours=3))
        _clearance(loner, boss, timedelta(days=5, hours=3))
        _clearance(loner, boss, timedelta(days=90))  # not yet
        _clearance(pat, boss, timedelta(days=6), revoked_at=NOON)  # revoked: never
        assert dict(reminders.remind(NOON).sent) == {"clearance": 3}
        assert reminders.remind(NOON).total_sent == 0
        pat_id = pat.id
    got = {(str(m["To"].addresses[0].addr_spec), str(m["Subject"])) for m in smtp.messages}
    assert got == {
        ("pat@example.com", "Your authority to resolve complaints expires in 20 days"),
        ("boss@example.com", "Pat Lee's authority to resolve complaints expires in 20 days"),
        ("loner@example.com", "Your authority to resolve complaints expires in 5 days")}
    to_boss = next(m for m in smtp.messages if "Pat Lee's" in str(m["Subject"]))
    text, _ = mailserver.parts(to_boss)
    assert "level 1" in text
    [link] = [u for u in mailserver.links(text) if "/team/people/" in u]
    assert urlsplit(link).path == f"/team/people/{pat_id}"
    AuthActions(client).login("boss@example.com")
    assert client.get(urlsplit(link).path).status_code == 200  # the link works
    with mail_app.app_context():  # 13 days on, the 20-day one reaches its 7-day threshold
        later = NOON + timedelta(days=13, hours=4)
        assert dict(reminders.remind(later).sent) == {"clearance": 2}


def test_managers_get_a_weekly_digest_unless_they_turn_it_off(mail_app, client, smtp):
    with mail_app.app_context():
        boss = factories.user("manager", email="boss@example.com", name="Bo Boss")
        quiet = factories.user("manager", email="quiet@example.com")
        factories.user("manager", email="alone@example.com")  # nobody reports to them
        pat = _hire(_today() - timedelta(days=45), email="pat@example.com", name="Pat Lee",
                    manager=boss)  # onboarding overdue
        factories.scored_attempt(pat, "billing-double-charge", review_reason="low empathy")
        sam = factories.user("trainee", email="sam@example.com", manager=quiet)
        factories.scored_attempt(sam, "billing-double-charge", review_reason="check")
        quiet.wants_digest = False
        db.session.commit()
        report = reminders.remind(NOON)
        assert report.sent["digest"] == 1
        assert reminders.remind(NOON).total_sent == 0
    [digest] = [m for m in smtp.messages if "this week" in str(m["Subject"])]
    assert digest["Subject"] == "Your team this week: 1 to review, 1 overdue"
    assert digest["To"].addresses[0].addr_spec == "boss@example.com"
    text, html = mailserver.parts(digest)
    assert "Pat Lee" in text and "Pat Lee" in html
    settings = next(u for u in mailserver.links(text) if u.endswith("/account/email"))
    AuthActions(client).login("boss@example.com")
    page = urlsplit(settings).path
    assert "weekly digest" in client.get(page).get_data(as_text=True)
    assert post_form(client, page, data={}).status_code == 302  # the box left unticked
    with mail_app.app_context():
        assert db.session.scalar(select(User.wants_digest).where(
            User.email == "boss@example.com")) is False
        next_week = NOON + timedelta(days=7)
        assert reminders.remind(next_week).sent["digest"] == 0


def test_a_refused_mail_is_tried_again_by_the_next_run(app, runner, smtp):
    app.config.update(TRAINER_SMTP_URL=f"smtp://127.0.0.1:{mailserver.free_port()}",
                      TRAINER_BASE_URL=BASE)
    with app.app_context():
        _hire(_today() - timedelta(days=20), email="new@example.com")
    now = ["remind", "--now", _at(TODAY)]
    failed = runner.invoke(args=now)
    assert failed.exit_code == 1 and "onboarding: 0 sent, 1 not sent" in failed.output
    app.config["TRAINER_SMTP_URL"] = smtp.url()
    assert "onboarding: 1 sent" in runner.invoke(args=now).output
    assert runner.invoke(args=now).output.strip().endswith("No reminder was due.")
    assert len(smtp.messages) == 1
    with app.app_context():
        row = db.session.scalar(select(ReminderSent))
        assert (row.status, row.tries) == ("sent", 2)


def test_without_email_remind_says_what_to_set(runner):
    result = runner.invoke(args=["remind"])
    assert result.exit_code == 1 and "TRAINER_BASE_URL" in result.output
    scheduled = runner.invoke(args=["remind", "--schedule"])
    assert scheduled.exit_code == 1 and "Email is not set up" in scheduled.output


def test_schedule_without_redis_points_to_cron(mail_app, runner):
    result = runner.invoke(args=["remind", "--schedule"])
    assert result.exit_code == 1 and "0 * * * * trainer remind" in result.output


def test_a_run_costs_the_same_however_many_people_are_not_due(mail_app, count_sql, smtp):
    today = _today()
    with mail_app.app_context():
        boss = factories.user("manager", email="boss@example.com")
        _hire(today - timedelta(days=20), email="due@example.com", manager=boss)
        reminders.remind(NOON)  # the due reminder and the digest go out

        def statements() -> int:
            with count_sql() as sql:
                assert reminders.remind(NOON).total_sent == 0
            return sql.count

        few = statements()
        for n in range(40):
            _hire(today - timedelta(days=100 + n), email=f"bystander{n}@example.com",
                  manager=boss)
        assert statements() == few


@pytest.fixture
def queued(app):
    from .test_jobs import queue_of_its_own

    yield from queue_of_its_own(app)


def test_schedule_queues_an_hourly_job_that_queues_its_next_run(mail_app, runner, queued,
                                                                 smtp):
    from rq.registry import ScheduledJobRegistry

    from trainer.services.queue import get_queue

    result = runner.invoke(args=["remind", "--schedule"])
    assert result.exit_code == 0 and "Reminders scheduled hourly" in result.output
    noon = datetime.combine(_today() + timedelta(days=1), time(12, 30), UTC)
    with mail_app.app_context():
        queue = get_queue()
        first = reminders.schedule_next(queue, noon)
        assert first == f"{queued}-remind-{noon:%Y%m%d}13"
        assert reminders.schedule_next(queue, noon) is None  # queued once, however often asked
        scheduled = ScheduledJobRegistry(queue=queue).get_job_ids()
        assert first in scheduled and len(scheduled) == 2  # the command's hour, and 13:00
        _hire(_today() - timedelta(days=20), email="new@example.com")
        assert reminders.remind_job() == "1 sent"  # what the worker runs at the hour
        assert len(ScheduledJobRegistry(queue=queue).get_job_ids()) >= 2
    assert len(smtp.wait_for(1)) == 1
