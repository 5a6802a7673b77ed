"""`trainer events`: publish clearance expiries and send outbound events that are due (xAPI and
webhooks, services/outbound.py), for cron; and a look at the deliveries."""

from __future__ import annotations

from collections import Counter

import click
from flask.cli import with_appcontext
from sqlalchemy import func, select

from ..extensions import db
from ..models.outbound import OutboundDelivery
from ..services import outbound, outbound_delivery

NO_BUDGET = float("inf")  # a cron run may take as long as its deliveries need


@click.group("events", help="Outbound events: xAPI statements and signed webhooks.")
def events_group() -> None:
    pass


@events_group.command("expire")
@with_appcontext
def expire_command() -> None:
    """Publish an `expired` event once for each clearance that has passed its expiry."""
    count = outbound.publish_expired()
    click.echo(f"{count} clearance expir{'y' if count == 1 else 'ies'} published.")


@events_group.command("deliver")
@click.option("--no-expire", is_flag=True, help="Only send; do not publish expiries first.")
@with_appcontext
def deliver_command(no_expire: bool) -> None:
    """Publish expiries, then send every delivery whose try is due (queued for the workers
    when REDIS_URL is set). Run it from cron every few minutes."""
    if not no_expire:
        count = outbound.publish_expired()
        click.echo(f"{count} clearance expir{'y' if count == 1 else 'ies'} published.")
    results = outbound_delivery.deliver_due(budget=NO_BUDGET)
    tally = Counter(results.values())
    summary = ", ".join(f"{n} {status}" for status, n in sorted(tally.items())) or "none due"
    click.echo(f"Deliveries: {summary}.")


@events_group.command("status")
@with_appcontext
def status_command() -> None:
    """How many deliveries are pending, delivered and failed."""
    rows = db.session.execute(select(OutboundDelivery.status, func.count())
                              .group_by(OutboundDelivery.status)).all()
    counts = dict(rows)
    click.echo(", ".join(f"{counts.get(s, 0)} {s}" for s in ("pending", "delivered", "failed")))
