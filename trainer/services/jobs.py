"""Scoring jobs on the queue (services/queue.py), and the sweeper that loses nothing."""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, replace
from datetime import timedelta
from typing import TYPE_CHECKING

from flask import current_app
from sqlalchemy import func, or_, select

from ..extensions import db
from ..models import Attempt
from ..models._types import utcnow
from ..models.attempt import SCORING
from . import voice
from .queue import (
    FAILED_JOB_TTL,
    GAVE_UP,
    LIVE,
    SweepClock,
    get_queue,
    job_context,
    redis_location,
)
from .scoring import claim_for_scoring, score_attempt, score_transcript, store_scorecard

if TYPE_CHECKING:  # redis and rq are imported where a queue is used: only with REDIS_URL set
    from redis import Redis
    from rq import Queue, Retry
    from rq.job import Job

log = logging.getLogger(__name__)

FALLBACK_NOTE = "Scoring job failed; the rule scorer was used."
STALLED_NOTE = "Scoring did not finish; the rule scorer was used."
# The most stuck attempts one web request finishes (a few ms each with the rule scorer); any
# more wait for the next sweep, so no page is held up for long.
WEB_SWEEP_BATCH = 20
_SWEEP_KEY = "trainer.web_sweep"


def job_id(attempt_id: int, queue_name: str) -> str:
    """One job id per attempt and queue, so a second enqueue finds the first job."""
    return f"{re.sub(r'[^A-Za-z0-9_-]', '_', queue_name)}-score-attempt-{attempt_id}"


def enqueue_scoring(attempt_id: int) -> bool:
    """Queue the attempt for a worker. False: no REDIS_URL, or Redis did not answer (the
    caller then scores in-process, so the attempt is never lost)."""
    queue = get_queue()
    if queue is None:
        return False
    from redis.exceptions import RedisError

    try:
        _enqueue(queue, attempt_id)
    except RedisError as exc:
        log.warning("Redis at %s did not answer (%s): scoring attempt %s in-process",
                    redis_location(), exc, attempt_id)
        return False
    return True


def _enqueue(queue: Queue, attempt_id: int) -> Job:
    from rq import Callback
    from rq.exceptions import DuplicateJobError

    jid = job_id(attempt_id, queue.name)
    existing = queue.fetch_job(jid)
    if existing is not None:
        if existing.get_status(refresh=False) in LIVE:
            return existing  # queued or running already: enqueuing twice is a no-op
        existing.delete()  # an old finished or failed run: start afresh
    config = current_app.config
    try:
        return queue.enqueue_call(
            score_attempt_job, args=(attempt_id,), job_id=jid, unique=True,
            timeout=config["TRAINER_SCORING_JOB_TIMEOUT"], retry=_retry(),
            on_failure=Callback(on_scoring_failure), failure_ttl=FAILED_JOB_TTL,
            description=f"score attempt {attempt_id}")
    except DuplicateJobError:  # another process queued it between our look and our push
        return queue.fetch_job(jid) or existing


def _retry() -> Retry | None:
    config = current_app.config
    retries = int(config["TRAINER_SCORING_RETRIES"])
    raw = str(config["TRAINER_SCORING_RETRY_INTERVALS"])
    intervals = [int(part) for part in raw.split(",") if part.strip()] or [0]
    from rq import Retry

    return Retry(max=retries, interval=intervals) if retries > 0 else None


def score_attempt_job(attempt_id: int) -> str:
    """The queued job. Idempotent: an attempt that is no longer being scored is left as is."""
    with job_context():
        attempt = db.session.get(Attempt, attempt_id, populate_existing=True)
        if attempt is None or attempt.status != SCORING:
            return "skipped"  # already scored (the job ran twice), or deleted since
        try:
            score_attempt(attempt)
        except Exception:
            db.session.rollback()
            raise
        return "scored"


def on_scoring_failure(job: Job, connection: Redis, exc_type, exc_value, traceback) -> None:
    """RQ calls this after every failed try; after the last one the rule scorer takes over."""
    if job.retries_left:
        log.warning("scoring job %s failed (%s); %s tries left", job.id, exc_value,
                    job.retries_left)
        return
    log.error("scoring job %s failed for good (%s): using the rule scorer", job.id, exc_value)
    with job_context():
        fallback_score(job.args[0])


def fallback_score(attempt_id: int, note: str = FALLBACK_NOTE) -> Attempt | None:
    """Score with the rule scorer and say why; a no-op unless the attempt is still scoring."""
    db.session.rollback()  # whatever the failed try left behind
    attempt = db.session.get(Attempt, attempt_id, populate_existing=True)
    if attempt is None or attempt.status != SCORING:
        return attempt
    if not claim_for_scoring(attempt_id):  # as score_attempt: of two scorers at once, one stores
        db.session.rollback()
        return db.session.get(Attempt, attempt_id, populate_existing=True)
    card = score_transcript(attempt.transcript, attempt.scenario, attempt.rubric, "rules")
    store_scorecard(attempt, replace(card, notes=(*card.notes, note)))
    return attempt


def score_here(attempt_id: int) -> None:
    """Score in this process; if even that fails, the rule scorer still leaves a score."""
    try:
        score_attempt_job(attempt_id)
    except Exception:
        log.exception("scoring attempt %s in-process failed: using the rule scorer", attempt_id)
        fallback_score(attempt_id)


def stuck_attempt_ids(older_than: float, limit: int | None = None) -> list[int]:
    cutoff = utcnow() - timedelta(seconds=older_than)
    return list(db.session.scalars(select(Attempt.id).where(
        Attempt.status == SCORING,
        or_(Attempt.finished_at.is_(None), Attempt.finished_at <= cutoff))
        .order_by(Attempt.id).limit(limit)))


def requeue_stuck_attempts(older_than: float | None = None) -> dict[int, str]:
    """Attempts left in "scoring" for longer than ``older_than`` seconds (default
    TRAINER_SCORING_STUCK_SECONDS), e.g. after a worker died: queue them again, or score them
    here when there is no Redis. Returns what was done to each: waiting/enqueued/fallback/scored."""
    if older_than is None:
        older_than = current_app.config["TRAINER_SCORING_STUCK_SECONDS"]
    return resume_scoring(stuck_attempt_ids(older_than))


def resume_scoring(attempt_ids: list[int]) -> dict[int, str]:
    queue = get_queue() if attempt_ids else None
    if queue is not None:
        from redis.exceptions import RedisError
        from rq.registry import StartedJobRegistry

        try:
            # RQ's own check for jobs whose worker died: retried, or failed with the callback.
            StartedJobRegistry(queue=queue).cleanup()
            return {attempt_id: _resume(queue, attempt_id) for attempt_id in attempt_ids}
        except RedisError as exc:
            log.warning("Redis at %s did not answer (%s): scoring stuck attempts in-process",
                        redis_location(), exc)
    for attempt_id in attempt_ids:
        score_here(attempt_id)
    return dict.fromkeys(attempt_ids, "scored")


def is_stuck(attempt: Attempt) -> bool:
    """Still scoring after TRAINER_SCORING_STUCK_SECONDS: the sweep will finish it. Reads only."""
    since = utcnow() - timedelta(seconds=current_app.config["TRAINER_SCORING_STUCK_SECONDS"])
    return attempt.status == SCORING and (attempt.finished_at is None or
                                          attempt.finished_at <= since)


def sweep_if_due() -> dict[int, str]:
    """For every web request (a before-request hook). Without Redis nothing else finds the
    attempts a web worker left "scoring" when it died (a server timeout, a restart): each request
    reads a clock, and at most once every TRAINER_SWEEP_SECONDS per process one request
    finishes them with the rule scorer, which says so on the scorecard. With Redis the workers
    sweep. Never fails the request it runs in."""
    config = current_app.config
    if config.get("REDIS_URL"):
        return {}
    clock = current_app.extensions.setdefault(_SWEEP_KEY, SweepClock())
    if not clock.take_turn(config["TRAINER_SWEEP_SECONDS"]):
        return {}
    try:
        voice.sweep_clips()  # kept recordings past their retention, or never sent
    except Exception:
        db.session.rollback()
        log.exception("deleting expired audio clips failed; the next sweep tries again")
    try:
        return finish_stalled()
    except Exception:
        db.session.rollback()
        log.exception("sweeping attempts stuck in scoring failed; the next sweep tries again")
        return {}


def finish_stalled(limit: int = WEB_SWEEP_BATCH) -> dict[int, str]:
    """Score the stuck attempts with the rule scorer, saying why (STALLED_NOTE): the request
    that was scoring them died, perhaps waiting on the same LLM."""
    ids = stuck_attempt_ids(current_app.config["TRAINER_SCORING_STUCK_SECONDS"], limit)
    for attempt_id in ids:
        log.warning("attempt %s was left in scoring: using the rule scorer", attempt_id)
        fallback_score(attempt_id, STALLED_NOTE)
    return dict.fromkeys(ids, "fallback")


def _resume(queue: Queue, attempt_id: int) -> str:
    job = queue.fetch_job(job_id(attempt_id, queue.name))
    status = job.get_status(refresh=False) if job is not None else None
    if status in LIVE:
        return "waiting"  # still queued, or running within its timeout
    if status in GAVE_UP:
        log.warning("attempt %s: its scoring job ended %s; using the rule scorer", attempt_id,
                    status.value)
        fallback_score(attempt_id)
        return "fallback"
    log.warning("attempt %s was left in scoring with no job to finish it: queued again",
                attempt_id)
    _enqueue(queue, attempt_id)
    return "enqueued"


@dataclass(frozen=True)
class QueueStatus:
    configured: bool  # REDIS_URL set
    location: str = ""  # REDIS_URL without its password
    reachable: bool = False
    queue: str = ""
    queued: int = 0
    running: int = 0
    failed: int = 0
    workers: int = 0
    scoring: int = 0  # attempts being scored now
    stuck: int = 0  # ... for longer than TRAINER_SCORING_STUCK_SECONDS
    error: str = ""


def queue_status() -> QueueStatus:
    """What the admin page shows: the queue's counts and the attempts waiting for a score."""
    scoring = db.session.scalar(
        select(func.count()).select_from(Attempt).where(Attempt.status == SCORING)) or 0
    stuck = len(stuck_attempt_ids(current_app.config["TRAINER_SCORING_STUCK_SECONDS"]))
    queue = get_queue()
    if queue is None:
        return QueueStatus(configured=False, scoring=scoring, stuck=stuck)
    from redis.exceptions import RedisError
    from rq import Worker

    base = {"configured": True, "location": redis_location(), "queue": queue.name,
            "scoring": scoring, "stuck": stuck}
    try:
        return QueueStatus(**base, reachable=True, queued=queue.count,
                           running=queue.started_job_registry.count,
                           failed=queue.failed_job_registry.count,
                           workers=Worker.count(queue=queue))
    except RedisError as exc:
        return QueueStatus(**base, error=f"{exc.__class__.__name__}: {exc}")
