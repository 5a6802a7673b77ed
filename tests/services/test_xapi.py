"""xAPI statements: built by a pure function, then sent to a real LRS (ralph, started here on a
free loopback port with its file-system backend) that validates each one on POST.

ralph pins versions of libraries the app also uses (httpx, uvicorn), so it lives in a venv of its
own, which `scripts/test` makes: `.venv-lrs/` in the checkout (TRAINER_TEST_RALPH names another
`ralph` executable); the LRS tests are skipped, saying so, when it is not there."""

from __future__ import annotations

import base64
import json
import os
import socket
import subprocess
import time
import urllib.request
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from trainer.domain import xapi
from trainer.extensions import db
from trainer.models import OutboundDelivery
from trainer.models._types import utcnow
from trainer.services import clearances, play

from .. import factories

RALPH = os.environ.get("TRAINER_TEST_RALPH") or str(
    Path(__file__).resolve().parents[2] / ".venv-lrs" / "bin" / "ralph")
USER, PASSWORD = "trainer", "lrs-test-password"
BASE = "https://trainer.example.com"
ANSWER = ("I'm so sorry you were charged twice for March. I'll refund the duplicate today; it "
          "reaches your account within 5 working days, and I'll email you the reference.")
LAUNCH = """
import sys
import uvicorn
from ralph.backends.data.base import BaseOperationType
from ralph.backends.lrs.fs import FSLRSBackend
FSLRSBackend.default_operation_type = BaseOperationType.APPEND
uvicorn.run("ralph.api:app", host="127.0.0.1", port=int(sys.argv[1]), log_level="warning")
"""
EVENT = "5c0c4f3e-8d0f-4b8e-9a43-2f1f0d7b9e11"


def attempt_payload(mode="assessed", passed=True) -> dict:
    return {"person": {"email": "ann@example.com", "name": "Ann Lee"},
            "attempt": {"id": 7, "scenario_id": "billing-double-charge",
                        "scenario_title": "Charged twice", "category": "billing-dispute",
                        "category_title": "Billing disputes", "difficulty": 1, "mode": mode,
                        "overall": 83.333, "passed": passed, "needs_review": False,
                        "started_at": "2026-12-06T09:00:00+00:00",
                        "finished_at": "2026-12-06T09:04:30+00:00"},
            "dimensions": {"empathy": {"level": 3, "max": 4}, "ownership": {"level": 4, "max": 4},
                           "accuracy": {"level": None, "max": 4}}}


def test_an_assessed_pass_is_completed_and_passed_with_its_score_and_levels():
    completed, passed = xapi.statements_for(EVENT, "attempt.scored", "2026-12-06T09:05:00+00:00",
                                            attempt_payload(), BASE)
    assert completed["verb"]["id"] == "http://adlnet.gov/expapi/verbs/completed"
    assert passed["verb"]["id"] == "http://adlnet.gov/expapi/verbs/passed"
    assert completed["actor"] == {"objectType": "Agent", "name": "Ann Lee",
                                  "mbox": "mailto:ann@example.com"}
    assert completed["object"]["id"] == f"{BASE}/xapi/scenarios/billing-double-charge"
    result = completed["result"]
    assert result["score"] == {"scaled": 0.8333, "raw": 83.33, "min": 0, "max": 100}
    assert (result["success"], result["completion"], result["duration"]) == (True, True,
                                                                              "PT270.00S")
    assert result["extensions"] == {f"{BASE}/xapi/extensions/dimension/empathy": 3,
                                    f"{BASE}/xapi/extensions/dimension/ownership": 4}
    assert completed["timestamp"] == "2026-12-06T09:04:30+00:00"
    assert completed["id"] != passed["id"]
    again = xapi.statements_for(EVENT, "attempt.scored", "x", attempt_payload(), BASE)
    assert [s["id"] for s in again] == [completed["id"], passed["id"]]  # stable across tries


def test_practice_is_only_completed_and_an_assessed_fail_is_failed():
    practice = xapi.statements_for(EVENT, "attempt.scored", "t", attempt_payload("practice"), None)
    assert [s["verb"]["display"]["en"] for s in practice] == ["completed"]
    assert practice[0]["object"]["id"] == "urn:trainer:scenarios:billing-double-charge"
    failed = xapi.statements_for(EVENT, "attempt.scored", "t", attempt_payload(passed=False), None)
    assert [s["verb"]["id"].rsplit("/", 1)[1] for s in failed] == ["completed", "failed"]
    assert failed[1]["result"]["success"] is False
    assert xapi.statements_for(EVENT, "clearance.expired", "t", {}, None) == []


# Against ralph


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _get(url: str, timeout: float = 2.0) -> tuple[int, bytes]:
    auth = base64.b64encode(f"{USER}:{PASSWORD}".encode()).decode()
    request = urllib.request.Request(url, headers={"Authorization": f"Basic {auth}",
                                                   "X-Experience-API-Version": "1.0.3"})
    with urllib.request.urlopen(request, timeout=timeout) as reply:
        return reply.status, reply.read()


@pytest.fixture(scope="module")
def lrs(tmp_path_factory):
    """ralph's LRS on a free loopback port; yields its xAPI endpoint."""
    if not Path(RALPH).is_file():
        pytest.skip(f"ralph (the xAPI LRS) is not installed at {RALPH}: scripts/test installs "
                    "it, or set TRAINER_TEST_RALPH")
    home = tmp_path_factory.mktemp("ralph")
    (home / "data").mkdir()
    env = {**os.environ, "RALPH_APP_DIR": str(home / "app"),
           "RALPH_AUTH_FILE": str(home / "auth.json"), "RALPH_RUNSERVER_BACKEND": "fs",
           "RALPH_BACKENDS__LRS__FS__DEFAULT_DIRECTORY_PATH": str(home / "data"),
           "RALPH_BACKENDS__DATA__FS__DEFAULT_DIRECTORY_PATH": str(home / "data")}
    subprocess.run([RALPH, "auth", "-u", USER, "-p", PASSWORD, "-s", "all",
                    "-M", "mailto:lrs@example.com", "-w"], env=env, check=True,
                   capture_output=True, timeout=120)
    # `ralph runserver -b fs` is this same app under uvicorn's reloader; run it without one (one
    # process to stop), and with its file backend appending: as released (5.1) it refuses every
    # write after the first to the same file, which an LRS taking more than one POST must do.
    port = _free_port()
    python = str(Path(RALPH).with_name("python"))
    log = (home / "server.log").open("wb")
    server = subprocess.Popen([python, "-c", LAUNCH, str(port)], env=env, cwd=home, stdout=log,
                              stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if _get(f"{url}/__heartbeat__", 1)[0] == 200:
                    break
            except OSError:
                pass
            if server.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"ralph did not start: {(home / 'server.log').read_text()[-2000:]}")
            time.sleep(0.2)
        yield f"{url}/xAPI/"
    finally:
        server.terminate()
        try:
            server.wait(10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait(5)
        log.close()


def stored(endpoint: str, **query) -> list[dict]:
    params = "&".join(f"{k}={v}" for k, v in query.items())
    status, body = _get(f"{endpoint}statements?{params}")
    assert status == 200
    return json.loads(body)["statements"]


@pytest.fixture
def to_lrs(app, lrs):
    app.config.update(TRAINER_XAPI_ENDPOINT=lrs, TRAINER_XAPI_USERNAME=USER,
                      TRAINER_XAPI_PASSWORD=PASSWORD, TRAINER_BASE_URL=BASE,
                      TRAINER_OUTBOUND_TIMEOUT=10)
    return lrs


def mine(statements: list[dict], email: str) -> list[dict]:
    return [s for s in statements if s["actor"].get("mbox") == f"mailto:{email}"]


def test_a_scored_assessed_attempt_reaches_the_lrs_as_completed_and_passed(ctx, to_lrs):
    trainee = factories.user()
    attempt = play.start_attempt(trainee, "billing-double-charge", mode="assessed")
    play.submit_answer(attempt, ANSWER)
    play.finish_attempt(attempt)
    [delivery] = db.session.scalars(select(OutboundDelivery)).all()
    assert (delivery.status, delivery.target, delivery.response_code) == ("delivered", "xapi", 200)
    found = mine(stored(to_lrs, limit=50), trainee.email)
    verbs = sorted(s["verb"]["id"].rsplit("/", 1)[1] for s in found)
    assert verbs == sorted(["completed", "passed" if attempt.passed else "failed"])
    statement = found[0]
    assert statement["actor"]["name"] == trainee.name
    assert statement["object"]["id"] == f"{BASE}/xapi/scenarios/billing-double-charge"
    assert statement["result"]["score"]["scaled"] == pytest.approx(attempt.overall / 100, abs=1e-4)
    levels = {k.rsplit("/", 1)[1]: v for k, v in statement["result"]["extensions"].items()}
    assert levels == {s.dimension: s.level for s in attempt.scores if s.level is not None}
    assert statement["version"].startswith("1.0")


def test_grant_renewal_and_revocation_become_statements_once_however_often_sent(ctx, to_lrs):
    admin = factories.user("admin")
    person = factories.user(manager=admin)
    clearance = clearances.grant_clearance(admin, person, "delivery-problem", 2, 60,
                                           expires_at=utcnow() + timedelta(days=20),
                                           justification="Covering the holidays")
    clearances.renew_for_rotation(person, utcnow(), categories=["delivery-problem"])
    clearances.revoke_clearance(admin, clearance, "Moved to another team")
    deliveries = list(db.session.scalars(select(OutboundDelivery)))
    assert [d.status for d in deliveries] == ["delivered"] * 3
    found = mine(stored(to_lrs, limit=50), person.email)
    assert sorted(s["verb"]["display"]["en"] for s in found) == ["lost", "received", "satisfied"]
    grant = next(s for s in found if s["verb"]["display"]["en"] == "received")
    assert grant["context"]["instructor"]["mbox"] == f"mailto:{admin.email}"
    assert grant["object"]["id"] == f"{BASE}/xapi/clearances/delivery-problem/2"
    # Sent again (a retry after a lost answer): the LRS keeps one copy of each.
    from trainer.services import outbound_delivery

    for delivery in deliveries:
        outbound_delivery.retry(delivery)
    assert [d.status for d in db.session.scalars(select(OutboundDelivery))] == ["delivered"] * 3
    assert len(mine(stored(to_lrs, limit=50), person.email)) == 3


def test_an_lrs_that_refuses_the_password_leaves_the_delivery_to_retry(app, ctx, to_lrs):
    app.config["TRAINER_XAPI_PASSWORD"] = "wrong"
    trainee = factories.user()
    attempt = play.start_attempt(trainee, "billing-double-charge")
    play.submit_answer(attempt, ANSWER)
    play.finish_attempt(attempt)  # scored all the same
    [delivery] = db.session.scalars(select(OutboundDelivery)).all()
    assert (delivery.status, delivery.response_code) == ("pending", 401)
    assert attempt.status == "scored"
