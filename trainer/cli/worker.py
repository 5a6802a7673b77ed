"""`trainer worker`: an RQ worker for the scoring queue that also re-queues stuck attempts."""

from __future__ import annotations

import logging
from uuid import uuid4

import click
from flask import current_app
from flask.cli import with_appcontext
from redis import Redis
from redis.exceptions import RedisError
from rq import Worker

from ..extensions import db
from ..services import jobs

log = logging.getLogger(__name__)
# How long the command listener may sleep: the longest a stopping worker waits for it. Each
# wake-up is one cheap read on an idle socket.
LISTENER_WAKE_SECONDS = 1.0


def _release_database() -> None:
    """No pooled connection may cross a fork: the work horse opens its own."""
    db.session.remove()
    db.engine.dispose()


class TrainerWorker(Worker):
    """RQ's forking worker, plus the sweeper at start-up and at every maintenance round
    (every TRAINER_SWEEP_SECONDS), so an attempt whose worker died is scored in the end."""

    def run_maintenance_tasks(self) -> None:
        super().run_maintenance_tasks()
        if not self._take_sweep_turn():
            return
        try:
            done = jobs.requeue_stuck_attempts()
        except Exception:  # a database hiccup must not stop the worker; the next round retries
            log.exception("sweeping attempts stuck in scoring failed")
        else:
            if done:
                log.warning("attempts stuck in scoring: %s", done)
        finally:
            _release_database()

    def _take_sweep_turn(self) -> bool:
        """One sweep per round however many workers run: the first to take the lock sweeps."""
        lock = f"trainer:sweep:{self.queues[0].name}"
        ttl = max(int(self.maintenance_interval) - 1, 1)
        try:
            return bool(self.connection.set(lock, self.name, nx=True, ex=ttl))
        except RedisError as exc:
            log.warning("cannot sweep stuck attempts now: Redis did not answer (%s)", exc)
            return False

    def subscribe(self) -> None:
        """RQ's listener for its commands (stop a job, shut down), waking every
        LISTENER_WAKE_SECONDS instead of RQ's 60. RQ counts on the UNSUBSCRIBE reply to wake the
        thread at exit; when the reply came before the worker asked the thread to stop (likely
        on a busy machine), the thread went back to sleep and redis-py's stop(), which waits
        for it, held every worker at exit for up to a minute. Same three calls as RQ's own."""
        self.log.info("Worker %s: subscribing to channel %s", self.name, self.pubsub_channel_name)
        self.pubsub = self.connection.pubsub()
        self.pubsub.subscribe(**{self.pubsub_channel_name: self.handle_payload})
        self.pubsub_thread = self.pubsub.run_in_thread(
            sleep_time=LISTENER_WAKE_SECONDS, daemon=True,
            exception_handler=self._pubsub_exception_handler)

    def fork_work_horse(self, job, queue) -> None:
        _release_database()
        super().fork_work_horse(job, queue)


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
