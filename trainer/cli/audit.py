"""`trainer audit`: verify the hash chain of the audit log, and list recent events."""

from __future__ import annotations

import json

import click
from flask.cli import with_appcontext
from sqlalchemy import select

from ..extensions import db
from ..models import AuditEvent, User
from ..services.audit import verify_chain


@click.group("audit", help="The append-only, hash-chained audit log.")
def audit_group() -> None:
    pass


@audit_group.command("verify")
@with_appcontext
def verify_command() -> None:
    """Check every event against the one before it; exit 1 at the first tampered or missing one."""
    report = verify_chain()
    if report.ok:
        click.echo(f"OK: {report.checked} events, chain intact")
        return
    intact = report.checked - 1
    click.echo(f"FAIL: {report.problem} ({intact} earlier event{'' if intact == 1 else 's'} "
               f"intact; nothing from event {report.first_bad_id} on can be trusted)")
    click.get_current_context().exit(1)


@audit_group.command("list")
@click.option("--limit", default=20, show_default=True, type=click.IntRange(min=1),
              help="How many of the newest events to show.")
@click.option("--action", help="Only events with this action, e.g. token.created.")
@with_appcontext
def list_command(limit: int, action: str | None) -> None:
    """The newest events first: id, time, actor, action, subject, reason, detail."""
    query = select(AuditEvent, User.email).outerjoin(User, User.id == AuditEvent.actor_id)
    if action:
        query = query.where(AuditEvent.action == action)
    rows = db.session.execute(query.order_by(AuditEvent.id.desc()).limit(limit)).all()
    if not rows:
        click.echo("No events.")
    for event, email in rows:
        detail = json.dumps(event.detail, sort_keys=True, default=str) if event.detail else ""
        click.echo("\t".join([str(event.id), event.at.strftime("%Y-%m-%d %H:%M:%S"),
                              email or "system", event.action, event.subject or "-",
                              event.reason or "-", detail]).rstrip())
