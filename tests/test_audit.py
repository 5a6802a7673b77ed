"""The hash-chained audit log: record builds a chain, verify finds tampering and gaps."""

from __future__ import annotations

import pytest
from sqlalchemy import delete, select, text, update
from sqlalchemy.exc import IntegrityError

from trainer.extensions import db
from trainer.models import AuditEvent
from trainer.services.audit import GENESIS, event_hash, record, verify_chain


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
        assert event.hash == event_hash(event.prev_hash, event)
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
    event.hash = event_hash(event.prev_hash, event)
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
