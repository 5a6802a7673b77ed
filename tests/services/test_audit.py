"""The MAC-chained audit log: record builds a chain, verify finds tampering, gaps, forgeries
and truncation (against checkpoints); writers in several processes never collide."""

from __future__ import annotations

import pytest
from sqlalchemy import delete, func, select, text, update
from sqlalchemy.exc import IntegrityError

from trainer.extensions import db
from trainer.models import AuditCheckpoint, AuditEvent
from trainer.models._types import utcnow
from trainer.services.audit import (
    GENESIS,
    AuditKeyMissing,
    event_mac,
    record,
    store_checkpoint,
    unkeyed_hash,
    verify_chain,
    verify_recent,
)


def three_events() -> list[int]:
    ids = [record("token.created", subject="a", detail={"token_id": 1}).id,
           record("login.failed", subject="b@example.com", reason="bad password").id,
           record("token.revoked", subject="a", detail={"token_id": 1}).id]
    db.session.commit()
    return ids


def reread() -> None:
    db.session.commit()
    db.session.expire_all()


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


# --- the key --------------------------------------------------------------------------------

def _rechain_from(event_id: int, forge) -> None:
    """What someone with write access to the table but not the key can do: replace the events
    from ``event_id`` on with copies (``forge`` may change each), every link recomputed."""
    events = db.session.scalars(select(AuditEvent).where(AuditEvent.id >= event_id)
                                .order_by(AuditEvent.id)).all()
    copies = [dict(at=e.at, actor_id=e.actor_id, action=e.action, subject=e.subject,
                   reason=e.reason, detail=e.detail, ip=e.ip) for e in events]
    prev = db.session.get(AuditEvent, event_id).prev_hash
    db.session.execute(delete(AuditEvent).where(AuditEvent.id >= event_id))
    db.session.flush()
    for fields in forge(copies):
        event = AuditEvent(**fields, prev_hash=prev, hash="")
        event.hash = _attacker_hash(prev, event)
        db.session.add(event)
        db.session.flush()
        prev = event.hash
    reread()


def _attacker_hash(prev: str, event: AuditEvent) -> str:
    return event_mac(prev, event, key=b"a guess at the key")


def _with_forged_grant(copies: list[dict]) -> list[dict]:
    forged = dict(copies[0], action="clearance.granted", subject="mallory@example.com",
                  reason="looks routine", detail={"category": "billing-dispute", "limit": 5000})
    return [copies[0], forged, *copies[1:]]


def test_a_forged_event_with_every_later_link_recomputed_fails(ctx):
    first, middle, last = three_events()
    _rechain_from(middle, _with_forged_grant)
    report = verify_chain()
    assert not report.ok
    rewritten = db.session.scalar(select(func.min(AuditEvent.id)).where(AuditEvent.id > first))
    assert report.first_bad_id == rewritten  # (SQLite reuses the ids, PostgreSQL does not)
    assert "another TRAINER_AUDIT_KEY" in report.problem


def test_a_forgery_as_plain_sha256_after_keyed_events_fails(ctx, monkeypatch):
    """Plain SHA-256 links are accepted only at the start of a chain, before any keyed event."""
    from tests.services import test_audit

    first, middle, last = three_events()
    monkeypatch.setattr(test_audit, "_attacker_hash", unkeyed_hash)
    _rechain_from(middle, _with_forged_grant)
    rewritten = db.session.scalar(select(func.min(AuditEvent.id)).where(AuditEvent.id > first))
    assert verify_chain().first_bad_id == rewritten


def test_the_chain_does_not_verify_with_another_key(app, ctx):
    three_events()
    app.config["TRAINER_AUDIT_KEY"] = "some-other-key"
    report = verify_chain()
    assert report.first_bad_id == 1 and "another TRAINER_AUDIT_KEY" in report.problem


def _unkeyed_chain(count: int) -> None:
    """A log written before the chain had a key: each event carries a plain SHA-256."""
    prev = GENESIS
    for n in range(count):
        event = AuditEvent(at=utcnow(), action="user.created", subject=f"old{n}@example.com",
                           reason="", detail={}, prev_hash=prev, hash="")
        event.hash = unkeyed_hash(prev, event)
        db.session.add(event)
        db.session.flush()
        prev = event.hash
    db.session.commit()


def test_events_from_before_the_key_verify_as_the_start_of_the_chain(app, ctx, runner):
    _unkeyed_chain(3)
    record("token.created", subject="after the upgrade")
    db.session.commit()
    report = verify_chain()
    assert report.ok and report.checked == 4 and report.unkeyed == 3
    result = runner.invoke(args=["audit", "verify"])
    assert result.exit_code == 0
    assert "OK: 4 events, chain intact" in result.stdout
    assert "the first 3 events predate the audit key" in result.stdout


def test_a_checkpoint_among_the_unkeyed_events_verifies(ctx):
    _unkeyed_chain(2)
    store_checkpoint(verify_recent(store=False))
    record("token.created", subject="after the upgrade")
    db.session.commit()
    report = verify_recent()
    assert report.ok and (report.checked, report.unkeyed, report.walked) == (3, 2, 1)


def test_an_edit_among_the_unkeyed_events_is_caught_by_the_first_keyed_one(ctx):
    _unkeyed_chain(3)
    keyed = record("token.created", subject="after the upgrade").id
    db.session.commit()
    event = db.session.get(AuditEvent, 2)  # rewritten, its plain hash and every later one redone
    event.subject = "someone-else@example.com"
    prev = event.prev_hash
    for row in db.session.scalars(select(AuditEvent).where(AuditEvent.id >= 2, AuditEvent.id <
                                                           keyed).order_by(AuditEvent.id)):
        row.prev_hash = prev
        row.hash = unkeyed_hash(prev, row)
        prev = row.hash
    db.session.get(AuditEvent, keyed).prev_hash = prev  # linked to the new head: its MAC is not
    reread()
    assert verify_chain().first_bad_id == keyed


def test_without_the_key_the_log_can_be_neither_written_nor_verified(app, ctx, runner):
    app.config["TRAINER_AUDIT_KEY"] = None
    with pytest.raises(AuditKeyMissing):
        record("token.created", subject="x")
    db.session.rollback()
    result = runner.invoke(args=["audit", "verify"])
    assert result.exit_code == 1 and "TRAINER_AUDIT_KEY is not set" in result.output


# --- checkpoints ------------------------------------------------------------------------------

def test_checkpoint_prints_the_head_and_appends_it_to_the_file(app, runner, tmp_path):
    target = tmp_path / "checkpoints.log"
    app.config["TRAINER_AUDIT_CHECKPOINT_FILE"] = str(target)
    assert runner.invoke(args=["audit", "checkpoint"]).stdout.strip() == \
        "No events yet: nothing to checkpoint."
    with app.app_context():
        *_, last = three_events()
        head = db.session.get(AuditEvent, last).hash
    result = runner.invoke(args=["audit", "checkpoint"])
    assert result.exit_code == 0, result.output
    line = result.stdout.strip()
    assert line.startswith(f"audit-checkpoint event={last} mac={head} events=3 at=")
    assert target.read_text() == line + "\n"
    with app.app_context():
        record("token.revoked", subject="later")
        db.session.commit()
    runner.invoke(args=["audit", "checkpoint"])
    assert len(target.read_text().splitlines()) == 2
    assert runner.invoke(args=["audit", "verify"]).stdout.startswith(
        "OK: 4 events, chain intact, 2 checkpoints matched")


def test_removing_the_newest_events_fails_against_a_checkpoint(app, runner, tmp_path):
    target = tmp_path / "elsewhere.log"
    with app.app_context():
        first, middle, last = three_events()
    target.write_text(runner.invoke(args=["audit", "checkpoint"]).stdout)
    with app.app_context():  # the newest events go, and the checkpoints stored with them
        db.session.execute(delete(AuditEvent).where(AuditEvent.id >= middle))
        db.session.execute(delete(AuditCheckpoint))
        db.session.commit()
        assert verify_chain().ok  # what is left is a valid, shorter chain...
    result = runner.invoke(args=["audit", "verify", "--checkpoints", str(target)])
    assert result.exit_code == 1  # ...that the checkpoint kept elsewhere gives away
    assert result.stdout.strip() == (
        f"FAIL: event {last}, recorded by the checkpoint at {target}:1, is gone: the newest "
        "events were removed")


def test_a_checkpoint_stored_in_the_database_also_catches_a_truncation(app, runner):
    with app.app_context():
        first, middle, last = three_events()
    assert runner.invoke(args=["audit", "checkpoint"]).exit_code == 0
    with app.app_context():
        db.session.execute(delete(AuditEvent).where(AuditEvent.id == last))
        db.session.commit()
        report = verify_chain()
    assert not report.ok and f"event {last}, recorded by stored checkpoint 1" in report.problem


def test_a_chain_rewritten_with_the_key_fails_against_a_checkpoint(app, runner, tmp_path,
                                                                  monkeypatch):
    """Even someone holding the key (say, it leaked) cannot rewrite what a checkpoint kept
    elsewhere has seen."""
    from tests.services import test_audit

    target = tmp_path / "elsewhere.log"
    with app.app_context():
        first, middle, last = three_events()
    target.write_text(runner.invoke(args=["audit", "checkpoint"]).stdout)
    monkeypatch.setattr(test_audit, "_attacker_hash", event_mac)  # the real key
    with app.app_context():
        db.session.execute(delete(AuditCheckpoint))
        _rechain_from(middle, lambda copies: [dict(copies[0], reason="never happened"),
                                              *copies[1:]])
        assert verify_chain().ok
    result = runner.invoke(args=["audit", "verify", "--checkpoints", str(target)])
    assert result.exit_code == 1
    # SQLite reuses the ids (event 3 is another event now), PostgreSQL does not (event 3 is gone)
    assert f"the checkpoint at {target}:1" in result.stdout


def test_a_forged_stored_checkpoint_is_reported(app, ctx, runner):
    three_events()
    runner.invoke(args=["audit", "checkpoint"])
    db.session.execute(update(AuditCheckpoint).values(event_id=1))
    reread()
    assert "stored checkpoint 1 was altered or forged" in verify_chain().problem
    assert "stored checkpoint 1 was altered or forged" in verify_recent().problem


def test_checkpoint_refuses_a_broken_chain(app, runner):
    with app.app_context():
        _, middle, _ = three_events()
        db.session.execute(update(AuditEvent).where(AuditEvent.id == middle).values(reason="x"))
        db.session.commit()
    result = runner.invoke(args=["audit", "checkpoint"])
    assert result.exit_code == 1 and "no checkpoint written" in result.stdout
    with app.app_context():
        assert db.session.scalar(select(AuditCheckpoint)) is None


@pytest.mark.parametrize("content", ["not a checkpoint\n", "audit-checkpoint event=x mac=ab\n"])
def test_verify_names_a_bad_checkpoint_line(app, runner, tmp_path, content):
    target = tmp_path / "bad.log"
    target.write_text("# kept by the log system\n\n" + content)
    result = runner.invoke(args=["audit", "verify", "--checkpoints", str(target)])
    assert result.exit_code == 1 and f"{target}:3: not a checkpoint line" in result.output


def test_verify_recent_walks_only_the_events_after_the_last_checkpoint(ctx):
    three_events()
    report = verify_recent(store=False)
    assert report.ok and report.walked == 3 and report.since_event_id is None
    store_checkpoint(report)
    db.session.commit()
    record("token.created", subject="newer")
    db.session.commit()
    report = verify_recent()
    assert report.ok and report.walked == 1 and report.checked == 4
    assert report.since_event_id == 3


def test_verify_recent_finds_an_edit_to_the_checkpointed_event(ctx):
    *_, last = three_events()
    store_checkpoint(verify_recent(store=False))
    db.session.execute(update(AuditEvent).where(AuditEvent.id == last).values(subject="x"))
    reread()
    report = verify_recent()
    assert report.first_bad_id == last and "verified before, was altered" in report.problem


def test_verify_recent_stores_a_checkpoint_after_many_new_events(ctx, monkeypatch):
    from trainer.services import audit

    monkeypatch.setattr(audit, "MARK_EVERY", 3)
    three_events()
    assert verify_recent().ok
    mark = db.session.scalar(select(AuditCheckpoint))
    assert (mark.event_id, mark.events) == (3, 3)


def test_list_shows_the_newest_events_first(app, runner):
    with app.app_context():
        three_events()
    result = runner.invoke(args=["audit", "list", "--limit", "2"])
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert len(lines) == 2
    assert lines[0].startswith("3\t") and "token.revoked" in lines[0] and "system" in lines[0]
    assert "login.failed" in lines[1] and "bad password" in lines[1]
    filtered = runner.invoke(args=["audit", "list", "--action", "login.failed"]).stdout
    assert filtered.count("\n") == 1 and "b@example.com" in filtered


def test_list_on_an_empty_log(app, runner):
    result = runner.invoke(args=["audit", "list"])
    assert result.exit_code == 0 and result.stdout.strip() == "No events."


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
