"""The MAC-chained audit log: record builds a chain, verify (and the CLI's exit code) finds
edits, gaps and forks; writers in several processes never collide. The key is tested in
test_audit_key.py, checkpoints in test_audit_checkpoints.py."""

from __future__ import annotations

import pytest
from sqlalchemy import delete, select, text, update
from sqlalchemy.exc import IntegrityError

from trainer.extensions import db
from trainer.models import AuditEvent
from trainer.services.audit import (
    GENESIS,
    event_mac,
    verify_chain,
)

from .audit_forgery import (
    reread,
    three_events,
)


def test_record_builds_a_chain(ctx):
    three_events()
    events = db.session.scalars(select(AuditEvent).order_by(AuditEvent.id)).all()
    assert events[0].prev_hash == GENESIS
    for before, event in zip(events, events[1:], strict=False):
        assert event.prev_hash == before.hash
    for event in events:
        assert event.hash == event_mac(event.prev_hash, event)
    assert verify_chain().ok and verify_chain().checked == 3


def test_an_empty_log_verifies(ctx):
    report = verify_chain()
    assert report.ok and report.checked == 0


def test_a_reason_changed_in_the_database_is_found(ctx):
    first, middle, last = three_events()
    db.session.execute(text("UPDATE audit_event SET reason = 'typo' WHERE id = :id"),
                       {"id": middle})
    reread()
    report = verify_chain()
    assert not report.ok and report.first_bad_id == middle
    assert "altered" in report.problem


def test_a_detail_changed_in_the_database_is_found(ctx):
    first, middle, last = three_events()
    db.session.execute(update(AuditEvent).where(AuditEvent.id == first)
                       .values(detail={"token_id": 2}))
    reread()
    assert verify_chain().first_bad_id == first


def test_a_deleted_middle_event_is_reported_at_the_event_after_the_gap(ctx):
    first, middle, last = three_events()
    db.session.execute(delete(AuditEvent).where(AuditEvent.id == middle))
    reread()
    report = verify_chain()
    assert report.first_bad_id == last and "removed" in report.problem


def test_a_recomputed_hash_does_not_hide_an_edit(ctx):
    """Rewriting an event's own hash to match still breaks the link to the next one."""
    first, middle, last = three_events()
    event = db.session.get(AuditEvent, middle)
    event.reason = "rewritten"
    event.hash = event_mac(event.prev_hash, event)
    reread()
    assert verify_chain().first_bad_id == last


def test_the_unique_prev_hash_stops_a_fork(ctx):
    first, *_ = three_events()
    head = db.session.get(AuditEvent, first)
    fork = AuditEvent(at=head.at, action="token.created", subject="fork", detail={},
                      prev_hash=head.prev_hash, hash="f" * 64)
    db.session.add(fork)
    with pytest.raises(IntegrityError):
        db.session.flush()
    db.session.rollback()


def test_verify_exits_0_on_an_intact_chain(app, runner):
    with app.app_context():
        three_events()
    result = runner.invoke(args=["audit", "verify"])
    assert result.exit_code == 0
    assert result.stdout.strip() == "OK: 3 events, chain intact"


def test_verify_exits_1_and_names_the_tampered_event(app, runner):
    with app.app_context():
        _, middle, _ = three_events()
        db.session.execute(text("UPDATE audit_event SET subject = 'x' WHERE id = :id"),
                           {"id": middle})
        db.session.commit()
    result = runner.invoke(args=["audit", "verify"])
    assert result.exit_code == 1
    assert result.stdout.startswith(f"FAIL: event {middle} (login.failed) was altered")
    assert "1 earlier event intact" in result.stdout


def test_verify_exits_1_at_a_missing_event(app, runner):
    with app.app_context():
        first, middle, last = three_events()
        db.session.execute(delete(AuditEvent).where(AuditEvent.id == first))
        db.session.commit()
    result = runner.invoke(args=["audit", "verify"])
    assert result.exit_code == 1
    assert f"event {middle} does not follow" in result.stdout



# --- concurrent writers -----------------------------------------------------------------------

WRITER = """
import sys, time
from pathlib import Path
from sqlalchemy import func, select
from trainer import create_app
from trainer.config import TestConfig
from trainer.extensions import db
from trainer.models import AuditEvent
from trainer.services.audit import record

url, name, writes, ready, go = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4], sys.argv[5]
config = {k: getattr(TestConfig, k) for k in dir(TestConfig) if k.isupper()}
app = create_app({**config, "SQLALCHEMY_DATABASE_URI": url})
errors = 0
with app.app_context():
    db.session.scalar(select(func.count(AuditEvent.id)))  # connect before the start line
    db.session.rollback()
    Path(ready).touch()
    while not Path(go).exists():
        time.sleep(0.005)
    for n in range(writes):
        try:
            db.session.scalar(select(func.count(AuditEvent.id)))  # a read first, as views do
            record("login.failed", subject=f"{name}-{n}@example.com", detail={"n": n})
            db.session.commit()
        except Exception as exc:  # every failure is counted and shown, none is fatal
            db.session.rollback()
            errors += 1
            print(f"{name}-{n}: {type(exc).__name__}: {exc}", file=sys.stderr)
    db.engine.dispose()
sys.exit(min(errors, 100))
"""


def test_concurrent_writers_from_several_processes_keep_one_chain(app, tmp_path):
    """N processes x M audited writes on one database at the same moment: no write fails (the
    appends are serialised, on SQLite as on PostgreSQL) and the chain stays one intact line."""
    import subprocess
    import sys
    import time

    processes, writes = 4, 20
    url = app.config["SQLALCHEMY_DATABASE_URI"]
    go = tmp_path / "go"
    children = []
    for p in range(processes):
        ready = tmp_path / f"ready-{p}"
        children.append((ready, subprocess.Popen(
            [sys.executable, "-c", WRITER, url, f"w{p}", str(writes), str(ready), str(go)],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)))
    deadline = time.monotonic() + 120
    while not all(ready.exists() for ready, _ in children):  # a start line, not a sleep
        assert time.monotonic() < deadline, "writers did not start"
        assert all(child.poll() is None for _, child in children), \
            [child.communicate() for _, child in children if child.poll() is not None]
        time.sleep(0.01)
    go.touch()
    failures = []
    for _, child in children:
        _, stderr = child.communicate(timeout=300)
        if child.returncode:
            failures.append(stderr.strip())
    assert failures == []
    with app.app_context():
        report = verify_chain()
        assert report.ok, report.problem
        assert report.checked == processes * writes
