"""Importing staff from CSV without HTTP: a job that creates the users a batch at a time (managers
first), resumes without doubles, and fails with a message that says what was not imported. The
check of the file before it is test_user_import_checks.py."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from tests import factories
from trainer.extensions import db
from trainer.models import AuditEvent, User, UserImport, UserImportRow
from trainer.models._types import utcnow
from trainer.services import import_jobs, passwords
from trainer.services.audit import verify_chain
from trainer.services.passwords import check_password
from trainer.services.user_csv import check_csv
from trainer.services.user_import import fail_import, queue_import, run_import

HEADER = "email,name,department,role,manager_email\n"
WITH_PASSWORD = "email,name,department,role,manager_email,password\n"


def user_count() -> int:
    return db.session.scalar(select(func.count(User.id)))


def events(action: str) -> list[AuditEvent]:
    return list(db.session.scalars(select(AuditEvent).where(AuditEvent.action == action)))


def queued(csv_text: str, actor=None, **kwargs):
    return queue_import(check_csv(csv_text), actor, source="staff.csv", **kwargs)


def staff(n: int, password: bool = False) -> str:
    head = WITH_PASSWORD if password else HEADER
    return head + "".join(f"p{i}@example.com,Person {i},billing,trainee,"
                          + (f",a long passphrase {i}" if password else "") + "\n"
                          for i in range(n))


class Crash(Exception):
    """The process running the job dies (as far as the job can tell)."""


def test_managers_in_the_file_are_created_before_their_reports(ctx):
    # a chain thousands deep is walked, not recursed
    chain = "".join(f"m{i}@example.com,M {i},hr,manager,m{i + 1}@example.com\n"
                    for i in range(3000))
    rows = check_csv(HEADER + chain + "m3000@example.com,Top,hr,admin,\n")
    assert [row.email for row in rows[:2]] == ["m3000@example.com", "m2999@example.com"]
    assert rows[-1].email == "m0@example.com"


def test_an_import_creates_everyone_with_a_manager_defined_later_in_the_file(ctx):
    admin = factories.user("admin")
    factories.department("billing")
    job = queued(HEADER
                 + "ann@example.com,Ann Lee,billing,trainee,mo@example.com\n"
                 + "\n"
                 + "mo@example.com,Mo Khan,Support,manager,\n"
                 + "Bo@Example.com,Bo,support,,mo@example.com\n", admin)
    done = run_import(job.job_id, job.pads)
    assert (done.status, done.total, done.done, done.created) == ("done", 3, 3, 3)
    assert done.departments_created == ["Support"] and done.without_password == 3
    ann = db.session.scalar(select(User).where(User.email == "ann@example.com"))
    assert ann.manager.email == "mo@example.com" and ann.password_hash is None
    bo = db.session.scalar(select(User).where(User.email == "bo@example.com"))
    assert bo.role == "trainee" and bo.department.name == "Support"
    assert {e.detail["line"] for e in events("user.created")} == {2, 4, 5}
    assert all(e.actor_id == admin.id for e in events("user.created"))
    [summary] = events("users.imported")
    assert summary.actor_id == admin.id and summary.detail["departments_created"] == ["Support"]
    assert events("users.import_queued")[0].detail["rows"] == 3
    assert verify_chain().ok


def test_a_manager_created_in_the_same_batch_is_the_manager(ctx):
    job = queued(HEADER + "ann@example.com,Ann,Stores,trainee,bo@example.com\n"
                 + "bo@example.com,Bo,Stores,manager,\n")
    assert run_import(job.job_id, job.pads).problems == []
    ann = db.session.scalar(select(User).where(User.email == "ann@example.com"))
    assert ann.manager.email == "bo@example.com"


def test_passwords_are_stored_only_masked_and_only_until_the_job_ends(ctx):
    job = queued("email,name,department,role,manager_email,start_date,password\n"
                 "a@example.com,A,hr,trainee,,2026-01-05,a long passphrase here\n"
                 "b@example.com,B,hr,trainee,,,\n")
    stored = db.session.scalars(select(UserImportRow.password)).all()
    assert None in stored and all("passphrase" not in (p or "") for p in stored)
    assert b"a long passphrase here".hex() not in stored
    run_import(job.job_id, job.pads)
    assert db.session.scalar(select(func.count(UserImportRow.id))) == 0
    a = db.session.scalar(select(User).where(User.email == "a@example.com"))
    assert check_password(a.password_hash, "a long passphrase here")
    assert a.start_date == date(2026, 1, 5)
    b = db.session.scalar(select(User).where(User.email == "b@example.com"))
    assert b.password_hash is None and b.start_date is None


def test_generated_one_time_passwords_work(ctx):
    job = queued(HEADER + "b@example.com,B,hr,trainee,\n", generate_passwords=True)
    run_import(job.job_id, job.pads)
    [password] = job.generated.values()
    stored = db.session.scalar(select(User.password_hash).where(User.email == "b@example.com"))
    assert check_password(stored, password)


def test_running_a_job_twice_imports_each_row_once(ctx):
    job = queued(staff(5))
    first = run_import(job.job_id, job.pads, batch_size=2)
    again = run_import(job.job_id, job.pads, batch_size=2)
    assert (again.status, again.created, again.done) == ("done", 5, 5)
    assert first.finished_at == again.finished_at
    assert user_count() == 5 and len(events("user.created")) == 5
    assert len(events("users.imported")) == 1


def test_a_job_whose_process_died_resumes_without_doubles(ctx):
    job = queued(staff(5))

    def die(progress, lines):
        raise Crash

    with pytest.raises(Crash):
        run_import(job.job_id, job.pads, batch_size=2, on_progress=die)
    db.session.rollback()
    half = db.session.get(UserImport, job.job_id, populate_existing=True)
    assert (half.status, half.done, user_count()) == ("running", 2, 2)
    finished = run_import(job.job_id, job.pads, batch_size=2)
    assert (finished.status, finished.created) == ("done", 5)
    assert user_count() == 5 and len(events("user.created")) == 5


def test_a_run_that_lost_the_job_writes_nothing_more(ctx):
    job = queued(staff(4))

    def taken_over(progress, lines):  # a second run claims the job after our first batch
        db.session.get(UserImport, job.job_id).runner = "someone-else"
        db.session.commit()

    result = run_import(job.job_id, job.pads, batch_size=2, on_progress=taken_over)
    assert (result.status, result.done) == ("running", 2)
    assert user_count() == 2


def test_rows_that_changed_since_the_check_are_skipped_or_noted(ctx):
    boss = factories.user("manager", email="boss@example.com")
    job = queued(HEADER + "late@example.com,Late,hr,trainee,\n"
                 + "rep@example.com,Rep,hr,trainee,boss@example.com\n")
    factories.user(email="late@example.com")  # added while the job waited
    boss.active = False
    db.session.commit()
    done = run_import(job.job_id, job.pads)
    assert (done.status, done.created, done.skipped, done.done) == ("done", 1, 1, 2)
    assert done.problem_lines == [
        "line 2: email already exists: late@example.com (added after the file was checked); "
        "skipped",
        "line 3: manager 'boss@example.com' is no longer an active manager or admin: created "
        "without a manager"]
    rep = db.session.scalar(select(User).where(User.email == "rep@example.com"))
    assert rep.manager is None


def test_a_failed_job_says_which_lines_were_not_imported(ctx):
    admin = factories.user("admin")
    job = queued(staff(5, password=True), admin)

    def die(progress, lines):
        raise Crash

    with pytest.raises(Crash):
        run_import(job.job_id, job.pads, batch_size=2, on_progress=die)
    failed = fail_import(job.job_id, "The worker was stopped.")
    assert failed.status == "failed" and failed.finished_at is not None
    assert failed.message == ("The worker was stopped. Users created: 2 of 5. Not imported: "
                              "lines 4-6; upload a file with only those rows to import them.")
    assert db.session.scalar(select(func.count(UserImportRow.id))) == 0  # no masked passwords
    assert events("users.import_failed")[0].actor_id == admin.id
    assert fail_import(job.job_id, "again").message == failed.message  # once finished, stays
    assert run_import(job.job_id, job.pads).status == "failed" and user_count() == 3


def test_an_error_in_the_job_fails_it_with_a_message(ctx, monkeypatch):
    job = queued(staff(2, password=True))

    def broken(password):
        raise RuntimeError("hasher exploded")

    monkeypatch.setattr(passwords, "hash_password", broken)
    result = import_jobs.run_here(job.job_id, job.pads)
    assert result.status == "failed"
    assert result.message.startswith("The import stopped at an unexpected error (RuntimeError)")
    assert "Not imported: lines 2-3;" in result.message
    assert user_count() == 0


def test_passwords_without_their_pads_fail_the_job_clearly(ctx):
    job = queued(staff(1, password=True))
    result = import_jobs.run_here(job.job_id, {})
    assert result.status == "failed"
    assert "passwords in this import can no longer be read" in result.message


def test_a_job_left_running_is_failed_when_viewed(ctx):
    job = queued(staff(3))
    stuck = db.session.get(UserImport, job.job_id)
    stuck.status, stuck.heartbeat_at = "running", utcnow() - timedelta(minutes=10)
    db.session.commit()
    assert import_jobs.refresh(stuck).status == "failed"
    assert stuck.message.startswith(import_jobs.STALLED)
    assert "Not imported: lines 2-4;" in stuck.message


def test_a_recent_job_is_left_to_run_and_the_sweep_fails_only_dead_ones(ctx):
    alive, dead = queued(staff(1)), queued(HEADER + "z@example.com,Z,hr,trainee,\n")
    db.session.get(UserImport, dead.job_id).created_at = utcnow() - timedelta(hours=1)
    db.session.commit()
    assert [job.id for job in import_jobs.fail_stalled_imports()] == [dead.job_id]
    assert db.session.get(UserImport, alive.job_id).status == "queued"


def test_a_worker_job_missing_from_the_queue_is_failed(ctx):
    job = queue_import(check_csv(staff(1)), runs_in="worker")  # no REDIS_URL: no queue has it
    result = import_jobs.refresh(db.session.get(UserImport, job.job_id))
    assert result.status == "failed" and result.message.startswith(import_jobs.LOST)


def test_a_long_file_name_is_cut_to_fit(ctx):
    job = queue_import(check_csv(staff(1)), source="n" * 300 + ".csv")
    assert db.session.get(UserImport, job.job_id).source == "n" * 255


def test_trainer_sweep_marks_a_dead_import_failed_for_cron(app, runner, ctx):
    dead = queued(staff(2))
    db.session.get(UserImport, dead.job_id).created_at = utcnow() - timedelta(hours=1)
    db.session.commit()
    result = runner.invoke(args=["sweep"])
    assert result.exit_code == 0, result.output
    assert f"user import {dead.job_id}: stalled, marked failed" in result.output
    db.session.expire_all()
    assert db.session.get(UserImport, dead.job_id).status == "failed"
