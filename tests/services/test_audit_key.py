"""The audit chain's key: a forgery linked with a guessed key, or with no key after keyed events,
fails; a log from before the key verifies as the chain's start; without the key nothing is
written or verified."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from trainer.extensions import db
from trainer.models import AuditEvent
from trainer.services.audit import (
    AuditKeyMissing,
    record,
    store_checkpoint,
    unkeyed_hash,
    verify_chain,
    verify_recent,
)

from .audit_forgery import (
    rechain_from,
    reread,
    three_events,
    unkeyed_chain,
    with_forged_grant,
)


def test_a_forged_event_with_every_later_link_recomputed_fails(ctx):
    first, middle, last = three_events()
    rechain_from(middle, with_forged_grant)
    report = verify_chain()
    assert not report.ok
    rewritten = db.session.scalar(select(func.min(AuditEvent.id)).where(AuditEvent.id > first))
    assert report.first_bad_id == rewritten  # (SQLite reuses the ids, PostgreSQL does not)
    assert "another TRAINER_AUDIT_KEY" in report.problem


def test_a_forgery_as_plain_sha256_after_keyed_events_fails(ctx):
    """Plain SHA-256 links are accepted only at the start of a chain, before any keyed event."""
    first, middle, last = three_events()
    rechain_from(middle, with_forged_grant, link=unkeyed_hash)
    rewritten = db.session.scalar(select(func.min(AuditEvent.id)).where(AuditEvent.id > first))
    assert verify_chain().first_bad_id == rewritten


def test_the_chain_does_not_verify_with_another_key(app, ctx):
    three_events()
    app.config["TRAINER_AUDIT_KEY"] = "some-other-key"
    report = verify_chain()
    assert report.first_bad_id == 1 and "another TRAINER_AUDIT_KEY" in report.problem

def test_events_from_before_the_key_verify_as_the_start_of_the_chain(app, ctx, runner):
    unkeyed_chain(3)
    record("token.created", subject="after the upgrade")
    db.session.commit()
    report = verify_chain()
    assert report.ok and report.checked == 4 and report.unkeyed == 3
    result = runner.invoke(args=["audit", "verify"])
    assert result.exit_code == 0
    assert "OK: 4 events, chain intact" in result.stdout
    assert "the first 3 events predate the audit key" in result.stdout


def test_a_checkpoint_among_the_unkeyed_events_verifies(ctx):
    unkeyed_chain(2)
    store_checkpoint(verify_recent(store=False))
    record("token.created", subject="after the upgrade")
    db.session.commit()
    report = verify_recent()
    assert report.ok and (report.checked, report.unkeyed, report.walked) == (3, 2, 1)


def test_an_edit_among_the_unkeyed_events_is_caught_by_the_first_keyed_one(ctx):
    unkeyed_chain(3)
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
