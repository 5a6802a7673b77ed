"""`trainer audit`: verify the audit log's MAC chain, write checkpoints of its head, list events."""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import UTC, datetime
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext

from ..extensions import db
from ..services import audit


@click.group("audit", help="The append-only, MAC-chained audit log.")
def audit_group() -> None:
    pass


def format_checkpoint(report: audit.ChainReport, at: datetime | None = None) -> str:
    """The line `checkpoint` prints: the head's id and MAC, how many events, when."""
    stamp = (at or datetime.now(UTC)).astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    return (f"audit-checkpoint event={report.head_id} mac={report.head_hash} "
            f"events={report.checked} at={stamp}")


def parse_checkpoints(lines: Iterable[str], source: str) -> list[audit.Checkpoint]:
    """Lines as ``format_checkpoint`` writes them; blank lines and # comments are skipped. Any
    other line raises ValueError naming ``source:line``."""
    points = []
    for number, line in enumerate(lines, 1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        fields = dict(part.split("=", 1) for part in line.split()[1:] if "=" in part)
        event_id, mac = fields.get("event", ""), fields.get("mac", "").lower()
        if not (line.startswith("audit-checkpoint ") and event_id.isascii()
                and event_id.isdigit() and len(mac) == 64
                and all(ch in "0123456789abcdef" for ch in mac)):
            raise ValueError(f"{source}:{number}: not a checkpoint line (expected "
                             "'audit-checkpoint event=N mac=HEX64 ...')")
        points.append(audit.Checkpoint(int(event_id), mac,
                                       f"the checkpoint at {source}:{number}"))
    return points


def _checkpoints_from(path: str | None) -> list[audit.Checkpoint]:
    if path is None:
        return []
    try:
        with open(path, encoding="utf-8") as lines:
            return parse_checkpoints(lines, path)
    except OSError as exc:
        raise click.ClickException(f"cannot read the checkpoints: {exc}") from None
    except ValueError as exc:
        raise click.ClickException(str(exc)) from None


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


@audit_group.command("verify")
@click.option("--checkpoints", "checkpoint_file", type=click.Path(dir_okay=False),
              help="A file of checkpoint lines (`trainer audit checkpoint`): each event they name "
                   "must still be there with the same MAC. Default: "
                   "TRAINER_AUDIT_CHECKPOINT_FILE, when set and present.")
@with_appcontext
def verify_command(checkpoint_file: str | None) -> None:
    """Check every event's MAC and link from the start, and the checkpoints; exit 1 at the first
    tampered or missing event, or when events a checkpoint names were removed."""
    default = current_app.config.get("TRAINER_AUDIT_CHECKPOINT_FILE")
    if checkpoint_file is None and default and Path(default).is_file():
        checkpoint_file = default
    points = _checkpoints_from(checkpoint_file)
    report = _run(lambda: audit.verify_chain(points))
    against = f", {_plural(len(points), 'checkpoint')} matched" if points else ""
    if report.ok:
        click.echo(f"OK: {_plural(report.checked, 'event')}, chain intact{against}")
        if report.unkeyed:
            click.echo(f"Note: the first {_plural(report.unkeyed, 'event')} predate the audit "
                       "key (plain SHA-256): the MAC of the first keyed event after them "
                       "protects them; with no keyed event yet, only checkpoints do.")
        return
    if report.first_bad_id is None:
        click.echo(f"FAIL: {report.problem}")
    else:
        intact = report.checked - 1
        click.echo(f"FAIL: {report.problem} ({_plural(intact, 'earlier event')} intact; nothing "
                   f"from event {report.first_bad_id} on can be trusted)")
    click.get_current_context().exit(1)


@audit_group.command("checkpoint")
@with_appcontext
def checkpoint_command() -> None:
    """Verify the events since the last checkpoint, then print the head's id and MAC (and append
    it to TRAINER_AUDIT_CHECKPOINT_FILE when set). Keep these lines away from the database, e.g.
    in your log system: `verify --checkpoints` then catches the removal of the newest events."""
    report = _run(lambda: audit.verify_recent(store=False))
    if not report.ok:
        click.echo(f"FAIL: {report.problem}: no checkpoint written. Run `trainer audit verify`.")
        click.get_current_context().exit(1)
    if report.head_id is None:
        click.echo("No events yet: nothing to checkpoint.")
        return
    _run(lambda: audit.store_checkpoint(report))
    db.session.commit()
    line = format_checkpoint(report)
    click.echo(line)
    target = current_app.config.get("TRAINER_AUDIT_CHECKPOINT_FILE")
    if target:
        try:
            with open(target, "a", encoding="utf-8") as out:
                out.write(line + "\n")
        except OSError as exc:
            raise click.ClickException(f"cannot append to {target}: {exc}") from None


def _run(step):
    try:
        return step()
    except audit.AuditKeyMissing as exc:
        raise click.ClickException(str(exc)) from None


@audit_group.command("list")
@click.option("--limit", default=20, show_default=True, type=click.IntRange(min=1),
              help="How many of the newest events to show.")
@click.option("--action", help="Only events with this action, e.g. token.created.")
@with_appcontext
def list_command(limit: int, action: str | None) -> None:
    """The newest events first: id, time, actor, action, subject, reason, detail."""
    rows = audit.newest_events(limit, action or "")
    if not rows:
        click.echo("No events.")
    for event, email in rows:
        detail = json.dumps(event.detail, sort_keys=True, default=str) if event.detail else ""
        click.echo("\t".join([str(event.id), event.at.strftime("%Y-%m-%d %H:%M:%S"),
                              email or "system", event.action, event.subject or "-",
                              event.reason or "-", detail]).rstrip())
