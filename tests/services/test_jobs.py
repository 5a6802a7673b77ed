"""The scoring queue: in-process without Redis; queued, retried, fallen back and swept with it."""

from __future__ import annotations

import logging
import os
import signal
from datetime import timedelta
from urllib.parse import urlsplit
from uuid import uuid4

import pytest
from redis import Redis
from redis.exceptions import RedisError
from rq import SimpleWorker
from sqlalchemy import select

from trainer.cli.worker import PromptListener
from trainer.extensions import db
from trainer.models import Attempt, Score
from trainer.models._types import utcnow
from trainer.services import jobs, play

from .. import factories

SCENARIO = "billing-double-charge"
ANSWER = ("I'm so sorry you were charged twice for March. I'll refund the duplicate today; it "
          "reaches your account within 5 working days, and I'll email you the reference.")


def redis_url_or_skip() -> str:
    """The Redis to test against (db 15 unless the URL names one), or skip saying why."""
    raw = os.environ.get("TRAINER_TEST_REDIS_URL")
    if not raw:
        pytest.skip("queue tests need a real Redis: set TRAINER_TEST_REDIS_URL "
                    "(e.g. redis://127.0.0.1:6379/15)")
    url = raw if urlsplit(raw).path.strip("/") else raw.rstrip("/") + "/15"
    client = Redis.from_url(url, socket_connect_timeout=1)
    try:
        client.ping()
    except RedisError as exc:
        pytest.skip(f"Redis at {url} (TRAINER_TEST_REDIS_URL) does not answer: {exc}")
    finally:
        client.close()
    return url


def clear_queue(url: str, name: str) -> None:
    """Delete this test's queue and every key named after it (its job ids include the name)."""
    client = Redis.from_url(url)
    keys = list(client.scan_iter(match=f"*{name}*"))
    if keys:
        client.delete(*keys)
    client.srem("rq:queues", f"rq:queue:{name}")
    workers = [key for key in client.smembers("rq:workers") if name.encode() in key]
    if workers:
        client.srem("rq:workers", *workers)
    client.close()


class _InProcessWorker(PromptListener, SimpleWorker):
    """rq's SimpleWorker with the worker's prompt command listener: plain RQ's sleeps up to 60 s
    at exit when the machine is busy (see cli/worker.py)."""


def run_burst_worker(app) -> None:
    """Work the app's queue in this process until it is empty."""
    connection = Redis.from_url(app.config["REDIS_URL"])
    saved = {sig: signal.getsignal(sig) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        name = app.config["TRAINER_QUEUE"]
        _InProcessWorker([name], name=f"{name}-{uuid4().hex[:8]}", connection=connection).work(
            burst=True, logging_level="WARNING")
    finally:
        for sig, handler in saved.items():
            signal.signal(sig, handler)
        connection.close()


@pytest.fixture
def queued(app):
    yield from queue_of_its_own(app)


def queue_of_its_own(app):
    """The app with REDIS_URL set and a queue of its own, removed afterwards."""
    url = redis_url_or_skip()
    name = f"trainer-test-{uuid4().hex[:10]}"
    app.config.update(REDIS_URL=url, TRAINER_QUEUE=name, TRAINER_SCORING_RETRY_INTERVALS="0")
    yield name
    with app.app_context():
        client = app.extensions.pop("trainer.redis", None)
        if client is not None:
            client.close()
    clear_queue(url, name)


def played(answer: str = ANSWER) -> Attempt:
    attempt = play.start_attempt(factories.user(), SCENARIO)
    play.submit_answer(attempt, answer)
    return attempt


def left_scoring(minutes_ago: float = 10) -> Attempt:
    """An attempt whose scoring never finished (its worker died, its job was lost)."""
    attempt = played()
    attempt.status, attempt.outcome = "scoring", "ended"
    attempt.finished_at = utcnow() - timedelta(minutes=minutes_ago)
    db.session.commit()
    return attempt


def reloaded(attempt_id: int) -> Attempt:
    db.session.expire_all()
    return db.session.get(Attempt, attempt_id)


def score_ids(attempt_id: int) -> list[int]:
    return list(db.session.scalars(
        select(Score.id).where(Score.attempt_id == attempt_id).order_by(Score.id)))


# Without Redis


def test_without_redis_finishing_scores_in_process_at_once(ctx):
    attempt = play.finish_attempt(played())
    assert attempt.status == "scored" and attempt.scorer == "rules-2"
    assert len(score_ids(attempt.id)) == 3
    assert jobs.enqueue_scoring(attempt.id) is False


def test_unreachable_redis_scores_in_process_and_warns(app, ctx, caplog):
    app.config["REDIS_URL"] = "redis://:secret-pass@127.0.0.1:1/0"  # nothing listens on port 1
    with caplog.at_level(logging.WARNING, logger="trainer.services.jobs"):
        attempt = play.finish_attempt(played())
    assert attempt.status == "scored" and len(score_ids(attempt.id)) == 3
    assert "did not answer" in caplog.text and "scoring attempt" in caplog.text
    assert "secret-pass" not in caplog.text


def test_a_job_that_runs_twice_scores_once(ctx):
    attempt = left_scoring(minutes_ago=0)
    assert jobs.score_attempt_job(attempt.id) == "scored"
    first = reloaded(attempt.id)
    ids, scored_at = score_ids(attempt.id), first.scored_at
    assert jobs.score_attempt_job(attempt.id) == "skipped"
    again = reloaded(attempt.id)
    assert score_ids(attempt.id) == ids and len(ids) == 3
    assert again.scored_at == scored_at


def test_the_rule_fallback_scores_with_a_note_and_only_once(ctx):
    attempt = left_scoring()
    jobs.fallback_score(attempt.id)
    scored = reloaded(attempt.id)
    assert scored.status == "scored" and scored.scorer == "rules-2"
    assert jobs.FALLBACK_NOTE in scored.score_notes
    ids = score_ids(attempt.id)
    jobs.fallback_score(attempt.id)
    assert score_ids(attempt.id) == ids


def test_sweeper_without_redis_scores_stuck_attempts_in_process(ctx):
    stuck, recent = left_scoring(minutes_ago=10), left_scoring(minutes_ago=0)
    assert jobs.requeue_stuck_attempts() == {stuck.id: "scored"}  # default: 300 s
    assert reloaded(stuck.id).status == "scored"
    assert reloaded(recent.id).status == "scoring"  # not stuck yet: a worker may have it


# With a real Redis


def test_enqueued_attempt_is_scored_by_a_worker(app, queued, ctx):
    attempt = play.finish_attempt(played())
    assert attempt.status == "scoring" and score_ids(attempt.id) == []
    job = jobs.get_queue().fetch_job(jobs.job_id(attempt.id, queued))
    assert job.get_status() == "queued" and job.args == (attempt.id,)
    assert job.timeout == app.config["TRAINER_SCORING_JOB_TIMEOUT"] and job.retries_left == 2
    run_burst_worker(app)
    scored = reloaded(attempt.id)
    assert scored.status == "scored" and scored.scorer == "rules-2"
    assert len(score_ids(attempt.id)) == 3 and jobs.FALLBACK_NOTE not in scored.score_notes


def test_enqueuing_twice_scores_once(app, queued, ctx):
    attempt = play.finish_attempt(played())
    assert jobs.enqueue_scoring(attempt.id) is True
    queue = jobs.get_queue()
    assert queue.count == 1  # the same job id: the second enqueue found the first job
    run_burst_worker(app)
    ids = score_ids(attempt.id)
    assert len(ids) == 3
    assert jobs.enqueue_scoring(attempt.id) is True  # a finished job: a new run, which...
    run_burst_worker(app)
    assert queue.fetch_job(jobs.job_id(attempt.id, queued)).return_value() == "skipped"
    assert score_ids(attempt.id) == ids  # ...leaves the scored attempt as it was


def test_a_job_failing_on_every_try_falls_back_to_the_rule_scorer(app, queued, ctx,
                                                                   monkeypatch):
    tries = []

    def broken(attempt):
        tries.append(attempt.id)
        raise RuntimeError("judge exploded")

    monkeypatch.setattr(jobs, "score_attempt", broken)
    attempt = play.finish_attempt(played())
    run_burst_worker(app)
    assert tries == [attempt.id] * 3  # the first try and 2 retries
    scored = reloaded(attempt.id)
    assert scored.status == "scored" and scored.scorer == "rules-2"
    assert jobs.FALLBACK_NOTE in scored.score_notes and len(score_ids(attempt.id)) == 3
    assert jobs.get_queue().failed_job_registry.count == 1


def test_sweeper_requeues_lost_jobs_and_leaves_live_ones(app, queued, ctx):
    lost = left_scoring()
    waiting = left_scoring()
    jobs.enqueue_scoring(waiting.id)
    done = jobs.requeue_stuck_attempts()
    assert done == {lost.id: "enqueued", waiting.id: "waiting"}
    assert jobs.get_queue().count == 2
    run_burst_worker(app)
    assert {reloaded(a.id).status for a in (lost, waiting)} == {"scored"}


def test_sweeper_falls_back_when_a_job_gave_up_without_its_callback(app, queued, ctx):
    attempt = left_scoring()
    job = jobs.get_queue().enqueue_call(len, args=("x",), job_id=jobs.job_id(attempt.id, queued))
    job.set_status("failed")  # e.g. its work horse was killed on the last try
    assert jobs.requeue_stuck_attempts() == {attempt.id: "fallback"}
    assert jobs.FALLBACK_NOTE in reloaded(attempt.id).score_notes


# Sweeping without Redis, from the web process and from cron


def test_without_redis_a_web_request_sweeps_stuck_attempts_at_most_once_a_minute(app, client,
                                                                                 ctx):
    stuck, recent = left_scoring(minutes_ago=10), left_scoring(minutes_ago=0)
    assert client.get("/login").status_code == 200
    swept = reloaded(stuck.id)
    assert swept.status == "scored" and jobs.STALLED_NOTE in swept.score_notes
    assert reloaded(recent.id).status == "scoring"  # not stuck yet: its request may be alive
    later = left_scoring(minutes_ago=10)
    client.get("/login")
    assert reloaded(later.id).status == "scoring"  # swept a moment ago: not again so soon
    app.extensions.pop("trainer.web_sweep")  # as a minute later (or in another process)
    client.get("/login")
    assert reloaded(later.id).status == "scored"


def test_with_redis_the_workers_sweep_not_the_web(app, client, ctx):
    app.config["REDIS_URL"] = "redis://127.0.0.1:1/0"  # nothing listens: it must not be asked
    stuck = left_scoring(minutes_ago=10)
    assert client.get("/login").status_code == 200
    assert reloaded(stuck.id).status == "scoring"


def test_a_failing_sweep_never_fails_the_request(app, client, ctx, monkeypatch, caplog):
    def broken(*args, **kwargs):
        raise RuntimeError("database went away")

    monkeypatch.setattr(jobs, "finish_stalled", broken)
    with caplog.at_level(logging.ERROR, logger="trainer.services.jobs"):
        assert client.get("/login").status_code == 200
    assert "sweeping attempts stuck in scoring failed" in caplog.text


def test_polling_the_scorecard_only_reads(app, client, auth, ctx):
    tara = factories.user(email="tara@example.com")
    auth.login("tara@example.com")  # this request swept (nothing was stuck)
    attempt = play.start_attempt(tara, SCENARIO)
    attempt.status, attempt.outcome = "scoring", "ended"
    attempt.finished_at = utcnow() - timedelta(minutes=10)
    db.session.commit()
    page = client.get(f"/attempts/{attempt.id}/scorecard/status").get_data(as_text=True)
    assert reloaded(attempt.id).status == "scoring" and "hx-trigger" in page
    assert jobs.is_stuck(reloaded(attempt.id))


def test_trainer_sweep_scores_stuck_attempts_for_cron(app, runner, ctx):
    stuck, recent = left_scoring(minutes_ago=10), left_scoring(minutes_ago=0)
    result = runner.invoke(args=["sweep"])
    assert result.exit_code == 0, result.output
    assert f"attempt {stuck.id}: scored" in result.output
    assert "1 attempt(s) were stuck in scoring." in result.output
    assert reloaded(stuck.id).status == "scored" and reloaded(recent.id).status == "scoring"
    result = runner.invoke(args=["sweep", "--older-than", "0"])
    assert f"attempt {recent.id}: scored" in result.output
    assert runner.invoke(args=["sweep"]).output.strip() == "No attempt is stuck in scoring."
