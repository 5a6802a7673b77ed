"""`trainer worker` as a real process: burst runs, sweeps, and a worker killed mid-job."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from redis import Redis
from redis.exceptions import RedisError
from rq import Callback, Retry
from rq.registry import StartedJobRegistry

from trainer.cli.worker import TrainerWorker
from trainer.config import ROOT
from trainer.services import jobs, play

from ..services.test_jobs import (
    left_scoring,
    played,
    queue_of_its_own,
    redis_url_or_skip,
    reloaded,
    score_ids,
)

TRAINER = shutil.which("trainer", path=str(Path(sys.executable).parent)) or "trainer"


def slow_first_time(attempt_id: int, marker: str) -> str:
    """A scoring job that hangs on its first run (its work horse writes its pid to ``marker``
    and sleeps, to be killed), and scores normally on the next."""
    path = Path(marker)
    if not path.exists():
        path.write_text(str(os.getpid()))
        time.sleep(120)
    return jobs.score_attempt_job(attempt_id)


def worker_env(app, tmp_path) -> dict[str, str]:
    """The test's database, Redis and queue, for a worker in another process."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("OPENAI_", "TRAINER_LLM"))}
    env.update(SECRET_KEY="worker-test-secret", DATABASE_URL=app.config["SQLALCHEMY_DATABASE_URI"],
               REDIS_URL=app.config["REDIS_URL"], TRAINER_QUEUE=app.config["TRAINER_QUEUE"],
               TRAINER_SCORING_RETRY_INTERVALS="0", TRAINER_SCORER=app.config["TRAINER_SCORER"],
               TRAINER_INSTANCE_PATH=str(tmp_path), PYTHONPATH=str(ROOT))
    return env


def run_worker(app, tmp_path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([TRAINER, "worker", *args], env=worker_env(app, tmp_path),
                          capture_output=True, text=True, timeout=60, cwd=tmp_path)


@pytest.fixture
def queued(app):
    yield from queue_of_its_own(app)


def test_worker_needs_redis_url(runner):
    result = runner.invoke(args=["worker", "--burst"])
    assert result.exit_code == 1
    assert "REDIS_URL is not set" in result.output


def test_worker_reports_a_redis_that_does_not_answer(app, runner):
    app.config["REDIS_URL"] = "redis://:secret-pass@127.0.0.1:1/0"
    result = runner.invoke(args=["worker", "--burst"])
    assert result.exit_code == 1
    assert "does not answer" in result.output and "secret-pass" not in result.output


def test_a_worker_exits_even_when_its_listener_went_back_to_sleep(queued):
    """The cause of burst workers hanging for a minute on a busy machine: the UNSUBSCRIBE
    reply woke RQ's listener thread before the worker asked it to stop, so the thread went back
    to sleep for 60 s and the worker waited for it. Here the main thread is made that slow."""
    connection = Redis.from_url(redis_url_or_skip())
    worker = TrainerWorker([queued], name=f"{queued}-listener", connection=connection)
    worker.subscribe()
    pubsub, listener = worker.pubsub, worker.pubsub_thread
    send_unsubscribe = pubsub.unsubscribe

    def slow_unsubscribe(*args):
        result = send_unsubscribe(*args)
        deadline = time.monotonic() + 10
        while pubsub.subscribed and time.monotonic() < deadline:
            time.sleep(0.01)  # until the listener has read the reply...
        time.sleep(0.3)  # ...and has had time to go back to sleep, as under load
        return result

    pubsub.unsubscribe = slow_unsubscribe
    stopping = threading.Thread(target=worker.unsubscribe, daemon=True)
    stopping.start()
    stopping.join(timeout=15)  # a hang lasts RQ's 60 s sleep_time; a clean stop about 1 s
    connection.close()
    assert not stopping.is_alive() and not listener.is_alive()


def test_a_worker_that_stops_as_soon_as_it_subscribed_stops_cleanly(queued):
    """A burst worker with nothing to do unsubscribes at once: no error, no thread left."""
    connection = Redis.from_url(redis_url_or_skip())
    worker = TrainerWorker([queued], name=f"{queued}-at-once", connection=connection)
    for _ in range(20):
        worker.subscribe()
        listener = worker.pubsub_thread
        worker.unsubscribe()
        assert not listener.is_alive()
    connection.close()


def test_burst_worker_process_scores_the_queue(app, queued, ctx, tmp_path):
    attempt = play.finish_attempt(played())
    assert attempt.status == "scoring"
    result = run_worker(app, tmp_path, "--burst", "--queue", queued)
    assert result.returncode == 0, result.stderr
    assert reloaded(attempt.id).status == "scored" and len(score_ids(attempt.id)) == 3


def test_worker_sweeps_stuck_attempts_at_start_up(app, queued, ctx, tmp_path):
    attempt = left_scoring(minutes_ago=10)  # no job anywhere: as if Redis lost it
    result = run_worker(app, tmp_path, "--burst")
    assert result.returncode == 0, result.stderr
    scored = reloaded(attempt.id)
    assert scored.status == "scored" and jobs.FALLBACK_NOTE not in scored.score_notes


def test_an_idle_worker_sweeps_again_every_round(app, queued, ctx, tmp_path):
    env = {**worker_env(app, tmp_path), "TRAINER_SWEEP_SECONDS": "1"}
    worker = subprocess.Popen([TRAINER, "worker"], env=env, cwd=tmp_path, start_new_session=True,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        time.sleep(3)  # started, swept (nothing to do) and waiting for jobs
        attempt = left_scoring(minutes_ago=10)  # gets stuck while the worker idles
        deadline = time.monotonic() + 20
        while reloaded(attempt.id).status != "scored" and time.monotonic() < deadline:
            time.sleep(0.2)
    finally:
        _kill_if_running(worker, None)
    assert reloaded(attempt.id).status == "scored"


def test_a_worker_killed_mid_job_still_gets_the_attempt_scored(app, queued, ctx,
                                                               tmp_path):
    attempt = left_scoring(minutes_ago=0)
    marker = tmp_path / "horse.pid"
    queue = jobs.get_queue()
    queue.enqueue_call(slow_first_time, args=(attempt.id, str(marker)), timeout=300,
                       job_id=jobs.job_id(attempt.id, queued), retry=Retry(max=1),
                       on_failure=Callback(jobs.on_scoring_failure))
    worker = subprocess.Popen([TRAINER, "worker"], env=worker_env(app, tmp_path), cwd=tmp_path,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                              start_new_session=True)
    horse = None
    try:
        horse = _wait_for_pid(marker)
        os.killpg(worker.pid, signal.SIGKILL)  # the worker, its scheduler...
        os.kill(horse, signal.SIGKILL)  # ...and its work horse, in a process group of its own
        worker.wait(timeout=10)
    finally:
        _kill_if_running(worker, horse)
    job = queue.fetch_job(jobs.job_id(attempt.id, queued))
    assert job.get_status() == "started" and reloaded(attempt.id).status == "scoring"
    # What RQ's maintenance does once the dead worker's heartbeat has expired (~90 s later):
    StartedJobRegistry(queue=queue).cleanup(timestamp=time.time() + 3600)
    assert jobs.requeue_stuck_attempts(older_than=0) == {attempt.id: "waiting"}  # retry queued
    result = run_worker(app, tmp_path, "--burst")
    assert result.returncode == 0, result.stderr
    scored = reloaded(attempt.id)
    assert scored.status == "scored" and len(score_ids(attempt.id)) == 3
    assert jobs.FALLBACK_NOTE not in scored.score_notes


def _wait_for_pid(marker: Path, seconds: float = 30) -> int:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if marker.exists() and marker.read_text().strip():
            return int(marker.read_text())
        time.sleep(0.1)
    pytest.fail("the worker never started the job")


def _kill_if_running(worker: subprocess.Popen, horse: int | None) -> None:
    if worker.poll() is None:
        os.killpg(worker.pid, signal.SIGKILL)
        worker.wait(timeout=10)
    if horse is not None:
        try:
            os.kill(horse, signal.SIGKILL)
        except ProcessLookupError:
            pass


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _start_redis(port: int) -> subprocess.Popen:
    """A Redis of this test's own (nothing saved), answering before this returns."""
    server = subprocess.Popen(["redis-server", "--port", str(port), "--bind", "127.0.0.1",
                               "--save", "", "--appendonly", "no"],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    client = Redis(port=port, socket_connect_timeout=1)
    try:
        _wait(lambda: _pings(client), 20, "redis-server never answered")
    finally:
        client.close()
    return server


def _pings(client: Redis) -> bool:
    try:
        return bool(client.ping())
    except RedisError:
        return False


def _wait(condition, seconds: float, failure: str) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(failure)
        time.sleep(0.2)


def _stop(server: subprocess.Popen) -> None:
    if server.poll() is None:
        server.terminate()
        server.wait(timeout=10)


def test_a_worker_waits_for_redis_to_come_back_and_scores_after_it(app, ctx, tmp_path):
    """Redis goes away under an idle worker and comes back empty: the worker says so once,
    waits, and scores what is queued afterwards."""
    if not shutil.which("redis-server"):
        pytest.skip("needs redis-server on the PATH")
    port = _free_port()
    server = _start_redis(port)
    app.config.update(REDIS_URL=f"redis://127.0.0.1:{port}/0", TRAINER_QUEUE="trainer-outage",
                      TRAINER_SCORING_RETRY_INTERVALS="0")
    log = tmp_path / "worker.log"
    env = {**worker_env(app, tmp_path), "TRAINER_SWEEP_SECONDS": "1"}
    with log.open("w") as out:
        worker = subprocess.Popen([TRAINER, "worker"], env=env, cwd=tmp_path, stdout=out,
                                  stderr=subprocess.STDOUT, start_new_session=True)
    watcher = Redis(port=port, socket_connect_timeout=1)
    try:
        _wait(lambda: watcher.scard("rq:workers") > 0, 60, "the worker never registered")
        watcher.close()
        _stop(server)
        _wait(lambda: "went away" in log.read_text(), 30, "the worker never noticed")
        time.sleep(2)  # several reconnection tries while Redis is down: still one line
        server = _start_redis(port)
        attempt = play.finish_attempt(played())
        assert attempt.status == "scoring"  # queued on the Redis that is back, not scored here
        _wait(lambda: reloaded(attempt.id).status == "scored", 60,
              "the worker never scored the job queued after Redis came back")
        assert worker.poll() is None  # still working
    finally:
        _kill_if_running(worker, None)
        with app.app_context():
            client = app.extensions.pop("trainer.redis", None)
            if client is not None:
                client.close()
        watcher.close()
        _stop(server)
    text = log.read_text()
    assert text.count("went away") == 1 and text.count("is back after") == 1, text
    assert "could not connect" not in text and "Traceback" not in text, text
    assert len(score_ids(attempt.id)) == 3
