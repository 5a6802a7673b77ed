"""The job queue every kind of job shares: RQ on REDIS_URL when it is set (None otherwise: the
caller then works in-process), the check that a job runs in the worker's app, and a per-process
clock for sweeps."""

from __future__ import annotations

import logging
import re
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

from flask import current_app, has_app_context

if TYPE_CHECKING:  # redis and rq are imported where a queue is used: only with REDIS_URL set
    from redis import Redis
    from rq import Queue

log = logging.getLogger(__name__)

# Job states, as rq.job.JobStatus values (a JobStatus is a str and equals its value).
# A job in one of these states will still run: enqueuing it again would run it twice.
LIVE = frozenset({"queued", "started", "deferred", "scheduled"})
# Every try has been used up (a worker killed mid-job may not have run the failure callback).
GAVE_UP = frozenset({"failed", "stopped", "canceled"})
FAILED_JOB_TTL = 7 * 24 * 3600  # long enough to look into, short enough not to pile up
_REDIS_KEY = "trainer.redis"


def redis_connection() -> Redis | None:
    """The app's Redis client (one pool per app), or None when REDIS_URL is not set."""
    url = current_app.config.get("REDIS_URL")
    if not url:
        return None
    client = current_app.extensions.get(_REDIS_KEY)
    if client is None:
        from redis import Redis

        try:  # short timeouts: a web request must not hang on a Redis that does not answer
            client = Redis.from_url(url, socket_connect_timeout=2, socket_timeout=5)
        except ValueError as exc:
            log.error("REDIS_URL is not a Redis URL (%s): scoring runs in-process", exc)
            return None
        current_app.extensions[_REDIS_KEY] = client
    return client


def get_queue(name: str | None = None) -> Queue | None:
    connection = redis_connection()
    if connection is None:
        return None
    from rq import Queue

    return Queue(name or current_app.config["TRAINER_QUEUE"], connection=connection)


def redis_location() -> str:
    """REDIS_URL without its password, for messages and the admin page."""
    return re.sub(r"//[^@/]*@", "//***@", current_app.config.get("REDIS_URL") or "")


@contextmanager
def job_context() -> Iterator[None]:
    """Where a job runs: in the app of the worker that took it. `trainer worker` builds the app
    and runs each job in a context of it (cli/worker.py); the tests' workers run in the test's
    app. A job that reached a worker without an app (a plain `rq worker`) stops here and says
    so, instead of building an app from below."""
    if not has_app_context():
        raise RuntimeError("trainer jobs run in the app that `trainer worker` builds: start "
                           "workers with `trainer worker`, not `rq worker`")
    yield


class SweepClock:
    """When this process may sweep next; one request at a time takes the turn."""

    def __init__(self) -> None:
        self._next = 0.0
        self._lock = threading.Lock()

    def take_turn(self, every: float) -> bool:
        now = time.monotonic()
        with self._lock:
            if now < self._next:
                return False
            self._next = now + max(float(every), 1.0)
            return True
