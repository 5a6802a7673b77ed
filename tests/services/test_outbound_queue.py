"""Outbound events through the RQ queue (a real Redis, TRAINER_TEST_REDIS_URL): the commit queues
each delivery, a worker sends it, and RQ retries a failing receiver until it takes the event."""

from __future__ import annotations

import pytest

from trainer.extensions import db
from trainer.models import Clearance

from .. import factories
from ..webhook_receiver import CATEGORY, deliveries, receivers, subscribe
from .test_jobs import queue_of_its_own, run_burst_worker

pytestmark = pytest.mark.usefixtures("ctx")


@pytest.fixture
def make_receiver():
    yield from receivers()


@pytest.fixture
def queued(app):
    yield from queue_of_its_own(app)


def grant_one():
    from trainer.services import clearances

    admin = factories.user("admin")
    person = factories.user("trainee", manager=admin)
    return admin, clearances.grant_clearance(admin, person, CATEGORY, 2, 20,
                                             justification="Covering the holidays")


def test_the_commit_queues_the_delivery_and_a_worker_sends_it(app, queued, make_receiver):
    receiver = make_receiver()
    subscribe(receiver)
    admin, clearance = grant_one()
    assert receiver.requests == []  # queued, not sent by the request
    [delivery] = deliveries()
    assert (delivery.status, delivery.attempts) == ("pending", 0)
    run_burst_worker(app)
    [delivery] = deliveries()
    assert (delivery.status, delivery.attempts, delivery.response_code) == ("delivered", 1, 204)
    assert [b["clearance"]["id"] for b in receiver.accepted] == [clearance.id]
    assert receiver.requests[0]["verified"]


def test_rq_retries_a_failing_receiver_until_it_takes_the_event(app, queued, make_receiver):
    app.config["TRAINER_OUTBOUND_RETRY_INTERVALS"] = "0"
    receiver = make_receiver(fail_first=2)
    subscribe(receiver)
    grant_one()
    run_burst_worker(app)
    [delivery] = deliveries()
    assert (delivery.status, delivery.attempts, delivery.response_code) == ("delivered", 3, 204)
    assert len(receiver.requests) == 3 and all(r["verified"] for r in receiver.requests)


def test_after_the_last_retry_the_delivery_fails_and_the_worker_stops(app, queued,
                                                                      make_receiver):
    app.config.update(TRAINER_OUTBOUND_RETRY_INTERVALS="0", TRAINER_OUTBOUND_RETRIES=1)
    receiver = make_receiver(fail_first=5)
    subscribe(receiver)
    grant_one()
    run_burst_worker(app)
    [delivery] = deliveries()
    assert (delivery.status, delivery.attempts) == ("failed", 2)
    assert len(receiver.requests) == 2
    assert db.session.get(Clearance, 1).revoked_at is None
