"""Where a staff import runs: on `trainer worker` through RQ when REDIS_URL is set, otherwise in a
thread of the web process after the response, or in the CLI's own process; and how a job whose
process died is failed with a message instead of being left running."""

from __future__ import annotations

import logging
import re
import sys
import threading
from dataclasses import dataclass, field
from datetime import timedelta
from typing import IO, TYPE_CHECKING, Any

from flask import Flask, current_app
from sqlalchemy import select

from ..domain.errors import TrainerError
from ..extensions import db
from ..models import User, UserImport
from ..models._types import utcnow
from ..models.user_import import FAILED, QUEUED, RUNNING
from . import password_sheets
from .queue import FAILED_JOB_TTL, LIVE, get_queue, job_context, redis_location
from .user_csv import CheckedRow, check_csv
from .user_import import Progress, QueuedImport, fail_import, queue_import, run_import

if TYPE_CHECKING:  # redis and rq are imported where a queue is used: only with REDIS_URL set
    from redis import Redis
    from rq import Queue
    from rq.job import Job

log = logging.getLogger(__name__)

STALLED = ("The import stopped: the process running it ended (a restart, a crash or a time "
           "limit) and nothing has run it since.")
LOST = "The import's job is no longer on the queue (Redis was emptied or restarted)."
_THREADS_KEY = "trainer.import_threads"


def start_import(data: str | bytes | IO[Any], actor: User | None, *, source: str = "",
                 ip: str | None = None, invite: bool = False) -> UserImport:
    """Check the whole file here and now (ImportRejected lists every problem, and nothing is
    stored), then queue the job: for a worker with REDIS_URL, else for a thread started now.
    With ``invite``, each user created without a password is mailed an invitation to set one
    (services/password_reset.py) as their batch is committed."""
    return _start(check_csv(data), actor, source, ip, invite=invite)[0]


def start_import_generating_passwords(data: str | bytes | IO[Any], actor: User, *,
                                      source: str = "", ip: str | None = None,
                                      ) -> tuple[UserImport, str | None]:
    """As start_import, and each row without a password gets a one-time password; those are
    sealed for ``actor`` alone (services/password_sheets.py; the sheet opens only once the job
    has finished, so sealing it after the start is in time). The job, and the key that opens the
    sheet, for the actor's session only (None when every row had a password)."""
    rows = check_csv(data)
    job, queued = _start(rows, actor, source, ip, generate_passwords=True)
    if not queued.generated:
        return job, None
    emails = {row.line: row.email for row in rows}
    return job, password_sheets.seal(job.id, actor, emails, queued.generated)


def _start(rows: list[CheckedRow], actor: User | None, source: str, ip: str | None, *,
           generate_passwords: bool = False,
           invite: bool = False) -> tuple[UserImport, QueuedImport]:
    queue = get_queue()
    queued = queue_import(rows, actor, source=source, ip=ip,
                          runs_in="worker" if queue is not None else "web",
                          generate_passwords=generate_passwords)
    job = db.session.get(UserImport, queued.job_id)
    if queue is not None:
        if _enqueue(queue, queued, invite):
            return job, queued
        job.runs_in = "web"
        db.session.commit()
    _start_thread(current_app._get_current_object(), queued, invite)
    return job, queued


@dataclass
class ImportedHere:
    """An import run to its end in this process (the CLI): the job, the checked rows, the
    one-time passwords generated for them (by line) and the lines whose users were created."""

    job: UserImport
    rows: list[CheckedRow]
    generated: dict[int, str]
    created_lines: list[int] = field(default_factory=list)


def import_here(data: str | bytes | IO[Any], *, source: str = "",
                generate_passwords: bool = False, invite: bool = False,
                on_progress: Progress | None = None) -> ImportedHere:
    """Check, queue and run the whole import in this process, as the CLI does."""
    rows = check_csv(data)
    queued = queue_import(rows, None, source=source, runs_in="cli",
                          generate_passwords=generate_passwords)
    result = ImportedHere(db.session.get(UserImport, queued.job_id), rows, queued.generated)

    def progress(job: UserImport, lines: list[int]) -> None:
        result.created_lines.extend(lines)
        if on_progress is not None:
            on_progress(job, lines)

    result.job = run_here(queued.job_id, queued.pads, progress, invite=invite) or result.job
    return result


def run_here(import_id: int, pads: dict[int, str], on_progress: Progress | None = None, *,
             invite: bool = False) -> UserImport | None:
    """Run the job in this process; any error fails it with a message, never leaves it running."""
    try:
        return run_import(import_id, pads, on_progress=on_progress,
                          on_created=_inviter(import_id) if invite else None)
    except Exception as exc:
        log.exception("import %s stopped at an error", import_id)
        return fail_import(import_id, failure_reason(exc))


def failure_reason(exc: BaseException) -> str:
    """What the admin reads: our own errors say what to do; others are named, the log has more."""
    timeouts = sys.modules.get("rq.timeouts")  # not imported: no job can have timed out
    if timeouts is not None and isinstance(exc, timeouts.JobTimeoutException):
        return (f"The import ran out of time on the worker ({_job_timeout()} s, "
                "TRAINER_IMPORT_JOB_TIMEOUT).")
    if isinstance(exc, TrainerError):
        return str(exc)
    return (f"The import stopped at an unexpected error ({exc.__class__.__name__}); the server "
            "log has the details.")


# --- on the worker -------------------------------------------------------------------------

def rq_job_id(import_id: int, queue_name: str) -> str:
    return f"{re.sub(r'[^A-Za-z0-9_-]', '_', queue_name)}-import-users-{import_id}"


def _enqueue(queue: Queue, queued: QueuedImport, invite: bool = False) -> bool:
    from redis.exceptions import RedisError
    from rq import Callback

    try:
        queue.enqueue_call(
            import_users_job, args=(queued.job_id, queued.pads, invite),
            job_id=rq_job_id(queued.job_id, queue.name), timeout=_job_timeout(),
            on_failure=Callback(on_import_failure), result_ttl=0, failure_ttl=FAILED_JOB_TTL,
            description=f"import users {queued.job_id}")
    except RedisError as exc:
        log.warning("Redis at %s did not answer (%s): import %s runs in the web process",
                    redis_location(), exc, queued.job_id)
        return False
    return True


def import_users_job(import_id: int, pads: dict[int, str], invite: bool = False) -> str:
    """The queued job. Running it again is harmless: a finished import is left as it is."""
    with job_context():
        try:
            job = run_import(import_id, pads,
                             on_created=_inviter(import_id) if invite else None)
        except Exception as exc:
            fail_import(import_id, failure_reason(exc))
            raise  # and RQ keeps the failed job, with its traceback, for a while
        return job.status if job is not None else "gone"


def on_import_failure(job: Job, connection: Redis, exc_type, exc_value, traceback) -> None:
    """RQ calls this when the job failed outside our own handling (its work horse killed)."""
    with job_context():
        fail_import(job.args[0], failure_reason(exc_value))


# --- in a thread of the web process --------------------------------------------------------

def _start_thread(app: Flask, queued: QueuedImport, invite: bool = False) -> None:
    thread = threading.Thread(target=_run_in_thread,
                              args=(app, queued.job_id, queued.pads, invite),
                              name=f"trainer-import-{queued.job_id}", daemon=True)
    threads = app.extensions.setdefault(_THREADS_KEY, [])
    threads[:] = [t for t in threads if t.is_alive()]
    threads.append(thread)
    thread.start()


def _run_in_thread(app: Flask, import_id: int, pads: dict[int, str],
                   invite: bool = False) -> None:
    with app.app_context():
        try:
            run_here(import_id, pads, invite=invite)
        finally:
            db.session.remove()


def wait_for_imports(timeout: float | None = None) -> bool:
    """Wait for this app's import threads (tests; a clean shutdown). True if none still runs."""
    threads = list(current_app.extensions.get(_THREADS_KEY, []))
    for thread in threads:
        thread.join(timeout)
    return not any(thread.is_alive() for thread in threads)


def _inviter(import_id: int):
    """What an inviting import does after each batch: mail the users it created without a
    password an invitation. A failure here never fails the import (the users exist; each
    invitation not sent shows on the import's page and can be sent again from the person's)."""
    def invite_created(user_ids: list[int]) -> None:
        from .password_reset import invite_users

        try:
            job = db.session.get(UserImport, import_id)
            invite_users(user_ids, job.created_by_id if job else None, import_id=import_id)
        except Exception:
            db.session.rollback()
            log.exception("import %s: inviting users %s failed", import_id, user_ids)
    return invite_created


# --- a job nobody runs any more ------------------------------------------------------------

def refresh(job: UserImport) -> UserImport:
    """For every view of a job: one whose process died is failed, with a message, there and
    then. A job still queued for a live RQ job waits however long the queue takes."""
    if job.is_finished:
        return job
    reason = _why_stalled(job)
    if reason is None:
        return job
    log.warning("import %s: %s", job.id, reason)
    return fail_import(job.id, reason) or job


def fail_stalled_imports() -> list[UserImport]:
    """The sweep: every unfinished job checked as if viewed, and generated passwords nobody
    downloaded in time deleted. Returns the jobs it failed."""
    unfinished = db.session.scalars(select(UserImport).where(
        UserImport.status.in_((QUEUED, RUNNING))))
    failed = [job for job in list(unfinished) if refresh(job).status == FAILED]
    if password_sheets.discard_old_sheets():
        db.session.commit()
    return failed


def recent_imports(limit: int = 5) -> list[UserImport]:
    """The newest jobs, for the import page, once any stalled one has been failed."""
    fail_stalled_imports()
    return list(db.session.scalars(
        select(UserImport).order_by(UserImport.id.desc()).limit(limit)))


def _why_stalled(job: UserImport) -> str | None:
    if job.runs_in == "worker" and job.status == QUEUED:
        from redis.exceptions import RedisError

        try:
            return LOST if not _on_the_queue(job.id) else None
        except RedisError:
            return None  # cannot tell: a queue that is away may yet run it
    since = utcnow() - timedelta(seconds=_stall_seconds())
    last = job.heartbeat_at or job.created_at
    return STALLED if last <= since else None


def _on_the_queue(import_id: int) -> bool:
    queue = get_queue()
    if queue is None:  # REDIS_URL unset since: no worker will come for it
        return False
    rq_job = queue.fetch_job(rq_job_id(import_id, queue.name))
    return rq_job is not None and rq_job.get_status(refresh=False) in LIVE


def _job_timeout() -> int:
    return int(current_app.config["TRAINER_IMPORT_JOB_TIMEOUT"])


def _stall_seconds() -> float:
    return float(current_app.config["TRAINER_IMPORT_STALL_SECONDS"])
