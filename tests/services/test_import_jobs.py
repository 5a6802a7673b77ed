"""Where a staff import runs: on the RQ worker with REDIS_URL, in a thread of the web process
without it (or when Redis does not answer); a worker job is harmless to run twice."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select
from werkzeug.security import generate_password_hash

from trainer.extensions import db
from trainer.models import ImportPasswordSheet, User, UserImport
from trainer.models._types import utcnow
from trainer.services import import_jobs, passwords
from trainer.services.password_sheets import SHEET_KEPT_FOR
from trainer.services.passwords import check_password
from trainer.services.user_csv import check_csv
from trainer.services.user_import import QueuedImport, queue_import

from .. import factories
from .test_jobs import queue_of_its_own, run_burst_worker

CSV = ("email,name,department,role,manager_email,password\n"
       "ann@example.com,Ann,Stores,trainee,bo@example.com,a long passphrase\n"
       "bo@example.com,Bo,Stores,manager,,\n")


@pytest.fixture(autouse=True)
def cheap_hashes(monkeypatch):
    monkeypatch.setattr(passwords, "hash_password",
                        lambda password: generate_password_hash(password, "scrypt:1024:8:1"))


@pytest.fixture
def queued(app):
    yield from queue_of_its_own(app)


def users() -> int:
    return db.session.scalar(select(func.count(User.id)))


def reloaded(job: UserImport) -> UserImport:
    return db.session.get(UserImport, job.id, populate_existing=True)


def test_with_redis_a_worker_imports_the_file(app, queued, ctx):
    admin = factories.user("admin")
    job = import_jobs.start_import(CSV, admin, source="staff.csv")
    assert (job.status, job.runs_in) == ("queued", "worker")
    assert import_jobs.refresh(job).status == "queued"  # on the queue: left to wait
    run_burst_worker(app)
    done = reloaded(job)
    assert (done.status, done.created) == ("done", 2)
    ann = db.session.scalar(select(User).where(User.email == "ann@example.com"))
    assert check_password(ann.password_hash, "a long passphrase")
    assert ann.manager.email == "bo@example.com"


def test_the_worker_job_run_twice_imports_each_row_once(app, queued, ctx):
    job = import_jobs.start_import(CSV, None)
    run_burst_worker(app)
    assert import_jobs.import_users_job(job.id, {}) == "done"  # a late second delivery
    assert users() == 2 and reloaded(job).created == 2


def test_a_worker_job_that_fails_is_failed_with_its_message(app, queued, ctx):
    stored = queue_import(check_csv(CSV), runs_in="worker")
    lost_pads = QueuedImport(stored.job_id, {})  # as if the pads were lost
    assert import_jobs._enqueue(import_jobs.get_queue(), lost_pads)
    run_burst_worker(app)
    job = db.session.get(UserImport, stored.job_id, populate_existing=True)
    assert job.status == "failed"
    assert "passwords in this import can no longer be read" in job.message
    assert users() == 0


def test_without_an_answering_redis_the_import_runs_in_the_web_process(app, ctx, caplog):
    app.config["REDIS_URL"] = "redis://127.0.0.1:1/0"  # nothing listens there
    try:
        job = import_jobs.start_import(CSV, None)
        assert import_jobs.wait_for_imports(timeout=300)
    finally:
        app.extensions.pop("trainer.redis", None)
        app.config["REDIS_URL"] = None
    done = reloaded(job)
    assert (done.status, done.runs_in, done.created) == ("done", "web", 2)
    assert "runs in the web process" in caplog.text


def test_the_sweep_deletes_generated_passwords_nobody_downloaded_in_time(ctx):
    admin = factories.user("admin")
    old, fresh = (UserImport(status="done", created_by_id=admin.id) for _ in range(2))
    db.session.add_all([old, fresh])
    db.session.flush()
    db.session.add_all([
        ImportPasswordSheet(import_id=old.id, owner_id=admin.id, entries=[],
                            created_at=utcnow() - SHEET_KEPT_FOR - timedelta(minutes=1)),
        ImportPasswordSheet(import_id=fresh.id, owner_id=admin.id, entries=[])])
    db.session.commit()
    import_jobs.fail_stalled_imports()
    db.session.expire_all()
    left = db.session.scalars(select(ImportPasswordSheet.import_id)).all()
    assert left == [fresh.id]
