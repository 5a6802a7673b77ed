"""`trainer worker`: a scoring worker on the Redis queue (cli/worker.py); `trainer sweep`: the
sweep of stuck attempts alone, for cron. Redis and RQ are imported only when a worker starts."""

from __future__ import annotations

from uuid import uuid4

import click
from flask import current_app
from flask.cli import with_appcontext

from ..services import import_jobs, jobs, voice


@click.command("worker")
@click.option("--burst", is_flag=True, help="Exit once the queue is empty.")
@click.option("--queue", "queue_name", metavar="NAME",
              help="The queue to work on (default: TRAINER_QUEUE, 'trainer').")
@with_appcontext
def worker_command(burst: bool, queue_name: str | None) -> None:
    """Run a scoring worker on REDIS_URL (start several for more throughput)."""
    config = current_app.config
    if not config.get("REDIS_URL"):
        raise click.ClickException("REDIS_URL is not set: the worker needs Redis (e.g. "
                                   "REDIS_URL=redis://127.0.0.1:6379/0). Without it, scoring "
                                   "runs inside the web app and no worker is needed.")
    from redis import Redis
    from redis.exceptions import RedisError

    from .worker import TrainerWorker

    sweep = max(int(config["TRAINER_SWEEP_SECONDS"]), 1)
    try:
        connection = Redis.from_url(config["REDIS_URL"])
        # worker_ttl - 15 is how long an idle worker blocks waiting for a job, so the
        # sweeper still runs every `sweep` seconds when nothing comes in.
        queue = queue_name or config["TRAINER_QUEUE"]
        worker = TrainerWorker([queue], name=f"{queue}-{uuid4().hex[:12]}", connection=connection,
                               maintenance_interval=sweep, worker_ttl=sweep + 15)
    except (RedisError, ValueError) as exc:
        raise click.ClickException(f"Redis at {jobs.redis_location()} does not answer "
                                   f"({exc}).") from exc
    click.echo(f"Worker on {jobs.redis_location()}, queue {worker.queues[0].name}"
               + (" (burst)" if burst else ""))
    worker.work(burst=burst, with_scheduler=True, logging_level="INFO")


@click.command("sweep")
@click.option("--older-than", type=click.FloatRange(min=0), metavar="SECONDS",
              help="Stuck after this long (default: TRAINER_SCORING_STUCK_SECONDS, 300).")
@with_appcontext
def sweep_command(older_than: float | None) -> None:
    """Score attempts left "scoring" (their worker or web request died): queued again with
    REDIS_URL, scored here without; mark user imports that stopped making progress failed; delete
    kept voice recordings past their retention. For cron when no `trainer worker` runs."""
    done = jobs.requeue_stuck_attempts(older_than)
    for attempt_id, what in done.items():
        click.echo(f"attempt {attempt_id}: {what}")
    click.echo(f"{len(done)} attempt(s) were stuck in scoring." if done else
               "No attempt is stuck in scoring.")
    for job in import_jobs.fail_stalled_imports():
        click.echo(f"user import {job.id}: stalled, marked failed")
    deleted = voice.sweep_clips()
    if deleted:
        click.echo(f"{deleted} audio clip(s) past their retention or never sent: deleted.")
