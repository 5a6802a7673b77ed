"""Importing checked staff rows as a stored job: queued with every password masked, then run a
batch of users per transaction (resumable, never creating a row's user twice), and ended as done
or as failed with what was and was not imported."""

from __future__ import annotations

import logging
import secrets
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import delete, func, select, update
from sqlalchemy.exc import IntegrityError

from ..domain.errors import TrainerError
from ..extensions import db
from ..models import User, UserImport, UserImportRow
from ..models._types import utcnow
from ..models.user_import import DONE, FAILED, QUEUED, RUNNING
from . import audit, passwords
from .password_sheets import one_time_password
from .user_csv import CheckedRow
from .user_import_batch import ImportBatch
from .users import created_detail

log = logging.getLogger(__name__)

# Users created per transaction: a few seconds of password hashing (about 0.1 s each), then one
# short write. Progress moves, and a stalled job is noticed, between batches.
BATCH_SIZE = 50
# Tries at a batch that collided with someone else's write (the same user or department added
# at the same moment); the retry finds their row and skips or reuses it.
BATCH_TRIES = 3
SOURCE_MAX = 255  # UserImport.source: a longer file name is cut, it is only recorded

Progress = Callable[[UserImport, list[int]], None]  # the job, and the lines created just now
Created = Callable[[list[int]], None]  # the ids of the users created just now (committed)


class ImportFailed(TrainerError):
    """The job cannot go on; the message says why, for the admin."""


@dataclass(frozen=True)
class QueuedImport:
    """A stored job and what only the process that queued it knows: the pads that unmask the
    passwords (by row position), and the one-time passwords it generated (by line)."""

    job_id: int
    pads: dict[int, str]
    generated: dict[int, str] = field(default_factory=dict)


def queue_import(rows: list[CheckedRow], actor: User | None = None, *, source: str = "",
                 ip: str | None = None, runs_in: str = "web",
                 generate_passwords: bool = False) -> QueuedImport:
    """Store the checked rows as a queued job (committed); nothing is hashed here."""
    job = UserImport(status=QUEUED, source=(source or "")[:SOURCE_MAX], runs_in=runs_in,
                     created_by_id=actor.id if actor else None, total=len(rows),
                     departments_created=[], problems=[], message="")
    db.session.add(job)
    db.session.flush()
    pads: dict[int, str] = {}
    generated: dict[int, str] = {}
    stored = []
    for position, row in enumerate(rows):
        password = row.password
        if password is None and generate_passwords:
            password = generated[row.line] = one_time_password()
        masked = None
        if password:
            masked, pads[position] = passwords.mask(password)
        stored.append(UserImportRow(import_id=job.id, position=position, line=row.line,
                                    data=_data(row), password=masked))
    db.session.add_all(stored)
    audit.record("users.import_queued", actor, subject=job.source, ip=ip, detail={
        "import": job.id, "rows": len(rows), "with_password": len(pads),
        "generated_passwords": len(generated)})  # how many, never the passwords
    db.session.commit()
    return QueuedImport(job.id, pads, generated)


def run_import(import_id: int, pads: dict[int, str], *, batch_size: int | None = None,
               on_progress: Progress | None = None,
               on_created: Created | None = None) -> UserImport | None:
    """Create the job's users a batch at a time. A finished job is left as it is; an unfinished
    one goes on from its remaining rows. Each row is deleted in the transaction that creates its
    user, and a batch commits only while this run still holds the job, so no row is imported
    twice, however often or however many times at once this runs."""
    token = secrets.token_hex(8)
    if not _claim(import_id, token):
        return _reloaded(import_id)
    while rows := _next_batch(import_id, batch_size or BATCH_SIZE):
        created = _import_batch_with_retries(import_id, token, rows, pads)
        if created is None:
            log.warning("import %s: another run took it over, or it was failed", import_id)
            return _reloaded(import_id)
        if on_created is not None and created:
            on_created([user_id for _, user_id in created])
        if on_progress is not None:
            on_progress(_reloaded(import_id), [line for line, _ in created])
    return _finish(import_id, token)


def fail_import(import_id: int, reason: str) -> UserImport | None:
    """End an unfinished job as failed: its remaining rows and their masked passwords are
    deleted, and the message says which lines were not imported. A no-op once finished."""
    db.session.rollback()  # whatever a failed batch left behind
    failed = db.session.execute(
        update(UserImport).where(UserImport.id == import_id,
                                 UserImport.status.in_((QUEUED, RUNNING)))
        .values(status=FAILED, finished_at=utcnow(), runner=None)
        .execution_options(synchronize_session=False))
    if failed.rowcount != 1:
        db.session.rollback()
        return _reloaded(import_id)
    job = _reloaded(import_id)  # the counts as the last batch committed them
    lines = sorted(db.session.scalars(select(UserImportRow.line).where(
        UserImportRow.import_id == import_id)))
    job.message = failure_message(reason, job.created, job.total, lines)
    db.session.execute(delete(UserImportRow).where(UserImportRow.import_id == import_id))
    try:
        audit.record("users.import_failed", job.created_by, subject=job.source, detail={
            "import": job.id, "created": job.created, "not_imported": len(lines),
            "reason": reason})
    except audit.AuditKeyMissing:  # the failure itself must still be recorded on the job
        log.error("import %s failed; no audit event without TRAINER_AUDIT_KEY", import_id)
    db.session.commit()
    log.warning("import %s failed: %s", import_id, job.message)
    return job


def failure_message(reason: str, created: int, total: int, lines: list[int]) -> str:
    message = f"{reason} Users created: {created} of {total}."
    if lines:
        message += (f" Not imported: {'line' if len(lines) == 1 else 'lines'} {_ranges(lines)};"
                    " upload a file with only those rows to import them.")
    return message


def _ranges(lines: list[int]) -> str:
    """2, 3, 4, 7 -> "2-4, 7"."""
    spans: list[list[int]] = []
    for line in lines:
        if spans and line == spans[-1][1] + 1:
            spans[-1][1] = line
        else:
            spans.append([line, line])
    return ", ".join(f"{a}" if a == b else f"{a}-{b}" for a, b in spans)


def _data(row: CheckedRow) -> dict[str, Any]:
    return {"email": row.email, "name": row.name, "role": row.role,
            "department": row.department, "manager": row.manager,
            "manager_key": row.manager_key,
            "start_date": row.start_date.isoformat() if row.start_date else None}


def _unmask(masked: str, pad: str | None) -> str:
    try:
        return passwords.unmask(masked, pad or "")
    except ValueError:
        raise ImportFailed("The passwords in this import can no longer be read: only the run "
                           "that queued it held them.") from None


def _reloaded(import_id: int) -> UserImport | None:
    return db.session.get(UserImport, import_id, populate_existing=True)


def _claim(import_id: int, token: str) -> bool:
    now = utcnow()
    claimed = db.session.execute(
        update(UserImport).where(UserImport.id == import_id,
                                 UserImport.status.in_((QUEUED, RUNNING)))
        .values(status=RUNNING, runner=token, heartbeat_at=now,
                started_at=func.coalesce(UserImport.started_at, now))
        .execution_options(synchronize_session=False))
    db.session.commit()
    return claimed.rowcount == 1


def _next_batch(import_id: int, size: int) -> list[UserImportRow]:
    return list(db.session.scalars(
        select(UserImportRow).where(UserImportRow.import_id == import_id)
        .order_by(UserImportRow.position).limit(size)))


def _import_batch_with_retries(import_id: int, token: str, rows: list[UserImportRow],
                               pads: dict[int, str]) -> list[tuple[int, int]] | None:
    hashes: dict[int, str | None] = {}  # by row id: hashed once, whatever the tries
    for _ in range(BATCH_TRIES):
        for row in rows:  # the slow part, before any write lock is taken
            if row.id not in hashes:
                hashes[row.id] = (passwords.hash_password(_unmask(row.password,
                                                                  pads.get(row.position)))
                                  if row.password else None)
        try:
            return _import_batch(import_id, token, rows, hashes)
        except IntegrityError:
            db.session.rollback()
            log.warning("import %s: a batch collided with another change; trying again",
                        import_id)
            rows = _next_batch(import_id, len(rows))
            if not rows:
                return []
    raise ImportFailed("Other changes to the users kept colliding with this import.")


def _import_batch(import_id: int, token: str, rows: list[UserImportRow],
                  hashes: dict[int, str | None]) -> list[tuple[int, int]] | None:
    """One transaction: the job's heartbeat (refused unless this run holds the job), the users,
    their audit events, the rows deleted and the counts. (line, user id) of each user created,
    or None."""
    held = db.session.execute(
        update(UserImport).where(UserImport.id == import_id, UserImport.runner == token,
                                 UserImport.status == RUNNING)
        .values(heartbeat_at=utcnow()).execution_options(synchronize_session=False))
    if held.rowcount != 1:
        db.session.rollback()
        return None
    job = _reloaded(import_id)
    batch = ImportBatch(job, rows)
    for row in rows:
        batch.add(row, hashes.get(row.id))
    db.session.flush()
    for user, row, department_created in batch.created:
        audit.record("user.created", job.created_by, subject=user.email, detail=created_detail(
            user, department_created, via="import", line=row.line, import_id=job.id))
    db.session.execute(delete(UserImportRow).where(
        UserImportRow.id.in_([row.id for row in rows])))
    batch.count_into(job)
    created = [(row.line, user.id) for user, row, _ in batch.created]  # read before the commit
    db.session.commit()
    return created


def _finish(import_id: int, token: str) -> UserImport | None:
    finished = db.session.execute(
        update(UserImport).where(UserImport.id == import_id, UserImport.runner == token,
                                 UserImport.status == RUNNING)
        .values(status=DONE, finished_at=utcnow(), runner=None)
        .execution_options(synchronize_session=False))
    if finished.rowcount != 1:
        db.session.rollback()
        return _reloaded(import_id)
    job = _reloaded(import_id)
    audit.record("users.imported", job.created_by, subject=job.source, detail={
        "import": job.id, "count": job.created, "skipped": job.skipped,
        "departments_created": job.departments_created})
    db.session.commit()
    log.info("import %s: %s user(s) created, %s skipped", job.id, job.created, job.skipped)
    return job
