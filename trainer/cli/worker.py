"""The RQ worker behind `trainer worker` (cli/queue.py): it also re-queues stuck attempts and
waits out a Redis outage. Only that command imports this module, and with it RQ."""

from __future__ import annotations

import logging
import time

from flask import current_app, has_app_context
from redis import Redis
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import RedisError
from redis.exceptions import TimeoutError as RedisTimeoutError
from rq import Worker, worker_registration
from rq.defaults import DEFAULT_LOGGING_DATE_FORMAT, DEFAULT_LOGGING_FORMAT
from rq.exceptions import StopRequested
from rq.scheduler import RQScheduler

from ..extensions import db
from ..services import import_jobs, jobs, voice

log = logging.getLogger(__name__)
# How long the command listener may sleep: the longest a stopping worker waits for it. Each
# wake-up is one cheap read on an idle socket.
LISTENER_WAKE_SECONDS = 1.0
# While Redis is away, how often the worker (and its scheduler) look for it again.
REDIS_WAIT_SECONDS = 1.0
_LOST = (RedisConnectionError, RedisTimeoutError)


def _release_database() -> None:
    """No pooled connection may cross a fork: the work horse opens its own."""
    db.session.remove()
    db.engine.dispose()


class _OneLinePerOutage(logging.Filter):
    """RQ logs every failed reconnection ("could not connect to Redis instance ... retrying");
    the worker says once that Redis went away, and once that it is back."""

    def filter(self, record: logging.LogRecord) -> bool:
        return "could not connect to Redis" not in record.getMessage()


_QUIET = _OneLinePerOutage()


class PromptListener:
    """A mixin for RQ workers (TrainerWorker; the tests' in-process SimpleWorker too)."""

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


class TrainerWorker(PromptListener, Worker):
    """RQ's forking worker, plus the sweeper at start-up and at every maintenance round
    (every TRAINER_SWEEP_SECONDS), so an attempt whose worker died is scored in the end; and
    when Redis goes away, it waits for it (RQ alone retries some calls and quits on others).
    It holds the app `trainer worker` built, and runs each job in a fresh context of it."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # `trainer worker` makes it inside the app context of the app it built.
        self.app = current_app._get_current_object() if has_app_context() else None

    def perform_job(self, job, queue, execution) -> bool:
        if self.app is None:
            return super().perform_job(job, queue, execution)
        with self.app.app_context():  # the job's own session and g, removed when it ends
            return super().perform_job(job, queue, execution)

    def run_maintenance_tasks(self) -> None:
        try:
            super().run_maintenance_tasks()
        except _LOST as exc:
            self.wait_for_redis(exc)
        if not self._take_sweep_turn():
            return
        try:
            done = jobs.requeue_stuck_attempts()
        except Exception:  # a database hiccup must not stop the worker; the next round retries
            log.exception("sweeping attempts stuck in scoring failed")
        else:
            if done:
                log.warning("attempts stuck in scoring: %s", done)
        try:
            failed = import_jobs.fail_stalled_imports()
        except Exception:
            log.exception("sweeping stalled user imports failed")
        else:
            if failed:
                log.warning("user imports stalled and marked failed: %s", [j.id for j in failed])
        finally:
            _sweep_audio()
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

    def fork_work_horse(self, job, queue) -> None:
        _release_database()
        super().fork_work_horse(job, queue)

    # Redis going away: every call RQ's loop makes outside its own retries waits it out.

    def work(self, burst: bool = False, **options) -> bool:
        logging.getLogger("rq.worker").addFilter(_QUIET)
        try:
            return super().work(burst=burst, **options)
        except _LOST as exc:  # telling Redis it stopped, on the way out: nothing left to do
            log.warning("Worker %s stopped while Redis was away (%s)", self.name, exc)
            return False

    def heartbeat(self, *args, **kwargs) -> None:
        try:
            super().heartbeat(*args, **kwargs)
        except _LOST as exc:
            self.wait_for_redis(exc)
            super().heartbeat(*args, **kwargs)

    def check_for_suspension(self, burst: bool) -> None:
        try:
            super().check_for_suspension(burst)
        except _LOST as exc:
            self.wait_for_redis(exc)

    def dequeue_job_and_maintain_ttl(self, *args, **kwargs):
        while True:
            try:
                return super().dequeue_job_and_maintain_ttl(*args, **kwargs)
            except _LOST as exc:
                self.wait_for_redis(exc)

    def execute_job(self, job, queue) -> None:
        try:
            super().execute_job(job, queue)
        except _LOST as exc:  # the job's fate is unknown: the sweeper finds it if need be
            self.wait_for_redis(exc)

    def _pubsub_exception_handler(self, exc, pubsub, pubsub_thread) -> None:
        if isinstance(exc, _LOST):  # the main loop says so; redis-py resubscribes once back
            time.sleep(REDIS_WAIT_SECONDS)
            return
        super()._pubsub_exception_handler(exc, pubsub, pubsub_thread)

    def wait_for_redis(self, exc: Exception) -> None:
        """Wait until Redis answers again: logged once as it goes and once when it is back.
        A stop request (SIGTERM, Ctrl+C) ends the wait."""
        started = time.monotonic()
        log.warning("Worker %s: Redis at %s went away (%s); waiting for it", self.name,
                    _location(self.connection), exc)
        while not _answers(self.connection):
            if self._stop_requested:
                raise StopRequested()
            time.sleep(REDIS_WAIT_SECONDS)
        log.warning("Worker %s: Redis is back after %.0f s; working again", self.name,
                    time.monotonic() - started)
        self._register_again()

    def _register_again(self) -> None:
        """A Redis that restarted empty no longer lists this worker (the admin page counts
        workers from that list) nor runs its scheduler."""
        try:
            with self.connection.pipeline() as pipeline:
                pipeline.hset(self.key, mapping=self.serialize())
                worker_registration.register(self, pipeline)
                pipeline.expire(self.key, self.worker_ttl + 60)
                pipeline.execute()
            scheduler = self.scheduler
            if scheduler and (not scheduler._process or not scheduler._process.is_alive()):
                scheduler.acquire_locks(auto_start=True)
        except RedisError as exc:  # gone again: the next call waits once more
            log.debug("re-registering worker %s failed: %s", self.name, exc)

    def _start_scheduler(self, burst: bool = False, logging_level: str | None = "INFO",
                         date_format: str = DEFAULT_LOGGING_DATE_FORMAT,
                         log_format: str = DEFAULT_LOGGING_FORMAT) -> None:
        """RQ's own, with a scheduler that waits out an outage instead of dying of it."""
        self.scheduler = _Scheduler(
            self.queues, connection=self.connection, serializer=self.serializer,
            logging_level=logging_level if logging_level is not None else self.log.level,
            date_format=date_format, log_format=log_format)
        self.scheduler.acquire_locks()
        if not self.scheduler.acquired_locks:
            return
        if burst:
            try:
                self.scheduler.register_birth()
                self.scheduler.enqueue_scheduled_jobs()
            finally:
                self.scheduler.release_locks()
                self.scheduler.register_death()
        else:
            self.scheduler.start()


class _Scheduler(RQScheduler):
    """RQ's scheduler process (it moves retries whose interval has passed back to the queue),
    which on a lost Redis waits for it and carries on, instead of dying with a traceback."""

    def work(self) -> None:
        while True:
            try:
                super().work()
                return
            except _LOST:
                while not self._stop_requested and not _answers(self.connection):
                    time.sleep(REDIS_WAIT_SECONDS)
                if self._stop_requested:
                    return


def _answers(connection: Redis) -> bool:
    try:
        return bool(connection.ping())
    except RedisError:
        return False


def _location(connection: Redis) -> str:
    kwargs = connection.connection_pool.connection_kwargs
    return f"{kwargs.get('host', '?')}:{kwargs.get('port', '?')}/{kwargs.get('db', 0)}"


def _sweep_audio() -> None:
    """Delete kept voice recordings past their retention (services/voice.py); never fatal."""
    try:
        voice.sweep_clips()
    except Exception:
        db.session.rollback()
        log.exception("deleting expired audio clips failed; the next sweep tries again")
