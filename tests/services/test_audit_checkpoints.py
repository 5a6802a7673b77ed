"""Audit checkpoints: a head kept elsewhere (a file, or the database) catches truncation and a
chain rewritten even with the key; verify --recent walks only what came after the last one; the
list command."""

from __future__ import annotations

import pytest
from sqlalchemy import delete, select, update

from trainer.extensions import db
from trainer.models import AuditCheckpoint, AuditEvent
from trainer.services.audit import (
    event_mac,
    record,
    store_checkpoint,
    verify_chain,
    verify_recent,
)

from .audit_forgery import (
    rechain_from,
    reread,
    three_events,
)


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


def test_a_chain_rewritten_with_the_key_fails_against_a_checkpoint(app, runner, tmp_path):
    """Even someone holding the key (say, it leaked) cannot rewrite what a checkpoint kept
    elsewhere has seen."""
    target = tmp_path / "elsewhere.log"
    with app.app_context():
        first, middle, last = three_events()
    target.write_text(runner.invoke(args=["audit", "checkpoint"]).stdout)
    with app.app_context():
        db.session.execute(delete(AuditCheckpoint))
        rechain_from(middle, lambda copies: [dict(copies[0], reason="never happened"),
                                             *copies[1:]], link=event_mac)  # the real key
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


def test_verify_recent_walks_at_most_its_limit_and_says_whether_it_reached_the_head(ctx):
    first, middle, last = three_events()
    report = verify_recent(store=False, limit=2)
    assert report.ok and report.walked == 2 and report.head_id == middle
    assert not report.complete  # the last event is left for the next walk
    store_checkpoint(report)
    db.session.commit()
    report = verify_recent(store=False, limit=2)
    assert report.ok and report.walked == 1 and report.head_id == last and report.complete
    assert (report.checked, report.since_event_id) == (3, middle)
    store_checkpoint(report)
    db.session.commit()
    report = verify_recent(store=False, limit=2)  # nothing new: complete, nothing walked
    assert report.ok and report.walked == 0 and report.complete
