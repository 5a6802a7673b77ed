"""`trainer remind`: send the reminders due now (for cron, hourly), or `--schedule` them as a job
that `trainer worker` runs every hour."""

from __future__ import annotations

from datetime import UTC, datetime

import click
from flask.cli import with_appcontext

from ..services import reminders


@click.command("remind")
@click.option("--schedule", is_flag=True,
              help="Instead of sending now, queue a job on REDIS_URL that `trainer worker` runs "
                   "at the top of every hour (it queues its own next run).")
@click.option("--now", "now_text", metavar="YYYY-MM-DD[THH:MM]", hidden=True,
              help="Pretend it is this UTC time (for trying it out).")
@with_appcontext
def remind_command(schedule: bool, now_text: str | None) -> None:
    """Email the reminders that are due now, each once: onboarding and rotation due in 14 and
    7 days or overdue, clearances expiring in 30 and 7 days (to the holder and their manager),
    and managers' weekly digest. Safe to run as often as you like, from several hosts too."""
    if schedule:
        _schedule()
        return
    now = None
    if now_text:
        try:
            now = datetime.fromisoformat(now_text).replace(tzinfo=UTC)
        except ValueError:
            raise click.BadParameter("use YYYY-MM-DD or YYYY-MM-DDTHH:MM", param_hint="--now") \
                from None
    try:
        report = reminders.remind(now)
    except reminders.MailOff as exc:
        raise click.ClickException(str(exc)) from None
    for kind in sorted(set(report.sent) | set(report.failed)):
        failed = report.failed[kind]
        click.echo(f"{kind}: {report.sent[kind]} sent" + (f", {failed} not sent" if failed
                                                           else ""))
    if report.empty:
        click.echo(f"digest: {report.empty} with nothing to report, not sent")
    click.echo(f"{report.total_sent} reminder(s) sent." if report.total_sent
               else "No reminder was due.")
    if report.failed:
        click.echo("Some mails were refused (see the log); the next run tries them again.",
                   err=True)
        click.get_current_context().exit(1)


def _schedule() -> None:
    from redis.exceptions import RedisError

    from ..services.queue import get_queue, redis_location

    if not reminders.mail.is_enabled():
        raise click.ClickException("Email is not set up: set TRAINER_SMTP_URL (or "
                                   "TRAINER_SMTP_HOST) and TRAINER_BASE_URL first.")
    queue = get_queue()
    if queue is None:
        raise click.ClickException("REDIS_URL is not set: run `trainer remind` from cron "
                                   "every hour instead (e.g. `0 * * * * trainer remind`).")
    try:
        job_id = reminders.schedule_next(queue)
    except RedisError as exc:
        raise click.ClickException(f"Redis at {redis_location()} does not answer ({exc}).") \
            from None
    click.echo(f"Reminders scheduled hourly on queue {queue.name} (job {job_id}); "
               "`trainer worker` runs them." if job_id else
               "Reminders are already scheduled for the next hour.")
