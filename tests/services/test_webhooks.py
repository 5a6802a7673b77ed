"""Signed webhooks for routing systems, against a real HTTP receiver on loopback that checks each
signature itself: grant, revoke, renewal and expiry reach it; a failing receiver is retried
until it takes the event; the outbox keeps events with their change, never without it."""

from __future__ import annotations

import hashlib
import hmac
import time
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from trainer.domain import webhook_signing
from trainer.extensions import db
from trainer.models import Clearance, OutboxEvent
from trainer.models._types import utcnow
from trainer.services import clearances, outbound, outbound_delivery, webhooks

from .. import factories
from ..webhook_receiver import CATEGORY, deliveries, receivers, subscribe


@pytest.fixture
def make_receiver():
    yield from receivers()


@pytest.fixture
def people(ctx):
    admin = factories.user("admin")
    return admin, factories.user("trainee", manager=admin)


def grant(admin, person, **kwargs) -> Clearance:
    return clearances.grant_clearance(admin, person, CATEGORY, 2, "45.50",
                                      justification="Covering the holidays", **kwargs)


def test_a_grant_reaches_the_receiver_signed_with_the_clearance(app, people, make_receiver):
    admin, person = people
    receiver = make_receiver()
    subscribe(receiver, admin)
    clearance = grant(admin, person)
    assert len(receiver.requests) == 1 and receiver.requests[0]["verified"]
    body, headers = receiver.accepted[0], receiver.requests[0]["headers"]
    assert body["type"] == "clearance.granted" == headers["Trainer-Event-Type"]
    assert headers["Trainer-Event-Id"] == body["id"]
    assert headers["Content-Type"] == "application/json"
    assert body["clearance"]["person"] == {"email": person.email, "name": person.name}
    assert body["clearance"] | {"category": CATEGORY, "level": 2, "limit": 45.5} == \
        body["clearance"]
    assert body["clearance"]["expires_at"] == clearance.expires_at.isoformat()
    assert body["actor"]["email"] == admin.email and body["occurred_at"]
    [delivery] = deliveries()
    assert (delivery.status, delivery.attempts, delivery.response_code) == ("delivered", 1, 204)


def test_revoke_and_renewal_are_sent_too(app, people, make_receiver):
    admin, person = people
    receiver = make_receiver()
    subscribe(receiver, admin)
    clearance = grant(admin, person, expires_at=utcnow() + timedelta(days=30))
    old_expiry = clearance.expires_at
    [renewed] = clearances.renew_for_rotation(person, utcnow(), categories=[CATEGORY])
    clearances.revoke_clearance(admin, renewed, "Moved to another team")
    kinds = [b["type"] for b in receiver.accepted]
    assert kinds == ["clearance.granted", "clearance.renewed", "clearance.revoked"]
    renewal, revocation = receiver.accepted[1], receiver.accepted[2]
    assert renewal["clearance"]["previous_expires_at"] == old_expiry.isoformat()
    assert renewal["clearance"]["expires_at"] > old_expiry.isoformat()
    assert revocation["clearance"]["reason"] == "Moved to another team"
    assert revocation["actor"]["email"] == admin.email
    assert all(r["verified"] for r in receiver.requests)
    assert len({b["id"] for b in receiver.accepted}) == 3


def test_a_replacing_grant_sends_the_old_ones_revocation_then_the_grant(app, people,
                                                                         make_receiver):
    admin, person = people
    receiver = make_receiver()
    subscribe(receiver, admin)
    grant(admin, person)
    clearances.grant_clearance(admin, person, CATEGORY, 3, 400, justification="Promoted")
    assert [b["type"] for b in receiver.accepted] == [
        "clearance.granted", "clearance.revoked", "clearance.granted"]
    assert receiver.accepted[2]["clearance"]["level"] == 3


def test_each_expiry_is_published_once(app, people, make_receiver, runner):
    admin, person = people
    receiver = make_receiver()
    subscribe(receiver, admin)
    first = grant(admin, person)
    other = factories.user("trainee", manager=admin)
    second = grant(admin, other)
    gone = grant(admin, factories.user("trainee", manager=admin))
    clearances.revoke_clearance(admin, gone, "Left the company")
    first.expires_at = utcnow() - timedelta(days=2)
    gone.expires_at = utcnow() - timedelta(days=1)  # revoked first: it never "expires"
    db.session.commit()
    receiver.requests.clear()
    assert outbound.publish_expired() == 1
    assert outbound.publish_expired() == 0
    second.expires_at = utcnow() - timedelta(hours=1)
    db.session.commit()
    result = runner.invoke(args=["events", "deliver"])
    assert result.exit_code == 0, result.output
    assert "1 clearance expiry published" in result.output
    assert runner.invoke(args=["events", "expire"]).output.startswith("0 clearance expiries")
    expired = [b for b in receiver.accepted if b["type"] == "clearance.expired"]
    assert [b["clearance"]["id"] for b in expired] == [first.id, second.id]
    assert expired[0]["occurred_at"] == first.expires_at.isoformat()
    assert expired[0]["actor"] is None


def test_a_failing_receiver_is_retried_with_backoff_until_it_takes_the_event(app, people,
                                                                            make_receiver, runner):
    admin, person = people
    app.config["TRAINER_OUTBOUND_RETRY_INTERVALS"] = "0"
    receiver = make_receiver(fail_first=2)
    subscribe(receiver, admin)
    grant(admin, person)  # the grant itself succeeds whatever the receiver says
    [delivery] = deliveries()
    assert (delivery.status, delivery.attempts, delivery.response_code) == ("pending", 1, 500)
    assert "HTTP 500" in delivery.last_error
    assert runner.invoke(args=["events", "deliver"]).exit_code == 0
    assert deliveries()[0].attempts == 2 and deliveries()[0].status == "pending"
    result = runner.invoke(args=["events", "deliver"])
    assert "1 delivered" in result.output
    [delivery] = deliveries()
    assert (delivery.status, delivery.attempts, delivery.response_code) == ("delivered", 3, 204)
    bodies = [r["body"] for r in receiver.requests]
    assert len(bodies) == 3 and len(set(bodies)) == 1  # the same event, byte for byte
    assert all(r["verified"] for r in receiver.requests)
    assert runner.invoke(args=["events", "status"]).output.strip() == \
        "0 pending, 1 delivered, 0 failed"


def test_the_wait_grows_with_each_failure_and_the_last_failure_is_final(app, people,
                                                                       make_receiver):
    admin, person = people
    app.config.update(TRAINER_OUTBOUND_RETRIES=2, TRAINER_OUTBOUND_RETRY_INTERVALS="30,600")
    receiver = make_receiver(fail_first=10, fail_status=503)
    subscribe(receiver, admin)
    before = utcnow()
    grant(admin, person)
    [delivery] = deliveries()
    assert timedelta(seconds=29) < delivery.next_attempt_at - before < timedelta(seconds=60)
    assert outbound_delivery.deliver_due() == {}  # not due yet
    for wait in (600, None):
        delivery.next_attempt_at = utcnow() - timedelta(seconds=1)
        db.session.commit()
        outbound_delivery.deliver_due()
        [delivery] = deliveries()
        if wait:
            assert delivery.next_attempt_at - utcnow() > timedelta(seconds=wait - 30)
    assert (delivery.status, delivery.attempts, delivery.retries_left) == ("failed", 3, 0)
    assert delivery.response_code == 503


def test_a_receiver_that_does_not_answer_never_holds_up_or_fails_the_grant(app, people,
                                                                           make_receiver):
    admin, person = people
    app.config["TRAINER_OUTBOUND_TIMEOUT"] = 0.5
    slow = make_receiver(delay=3)
    subscribe(slow, admin)
    dead = make_receiver()
    endpoint = subscribe(dead, admin)
    dead.stop()  # nothing listens there any more: connection refused
    started = time.monotonic()
    clearance = grant(admin, person)
    assert time.monotonic() - started < 2.5
    assert db.session.get(Clearance, clearance.id) is not None
    first, second = deliveries()
    assert (first.status, first.attempts) == ("pending", 1)
    assert "timed out" in first.last_error
    assert (second.endpoint_id, second.attempts) == (endpoint.id, 0)  # left for the sweep
    app.config["TRAINER_OUTBOUND_TIMEOUT"] = 5
    first.next_attempt_at = utcnow()
    db.session.commit()
    assert outbound_delivery.deliver_due() == {first.id: "delivered", second.id: "pending"}
    first, second = deliveries()
    assert second.response_code is None and "refused" in second.last_error
    assert first.attempts == 2


def test_the_event_is_kept_or_dropped_with_its_change(app, people, make_receiver):
    admin, person = people
    receiver = make_receiver()
    subscribe(receiver, admin)
    clearance = grant(admin, person)
    outbound.clearance_event(outbound.REVOKED, clearance, admin)
    db.session.rollback()  # the change is abandoned: so is its event, and nothing is sent
    assert db.session.scalar(select(func.count()).select_from(OutboxEvent)) == 1
    assert [b["type"] for b in receiver.accepted] == ["clearance.granted"]


def test_nothing_is_stored_or_sent_when_no_one_listens(app, people):
    admin, person = people
    grant(admin, person)
    assert db.session.scalar(select(func.count()).select_from(OutboxEvent)) == 0


def test_a_removed_endpoint_gets_nothing_new_and_its_pending_deliveries_fail(app, people,
                                                                            make_receiver):
    admin, person = people
    receiver = make_receiver(fail_first=1)
    endpoint = subscribe(receiver, admin)
    grant(admin, person)
    webhooks.remove_endpoint(endpoint, admin)
    delivery = deliveries()[0]
    delivery.next_attempt_at = utcnow()
    db.session.commit()
    outbound_delivery.deliver_due()
    [delivery] = deliveries()
    assert delivery.status == "failed" and delivery.last_error == "The endpoint was removed."
    clearances.revoke_clearance(admin, db.session.get(Clearance, 1), "Done")
    assert len(deliveries()) == 1 and len(receiver.requests) == 1


@pytest.mark.parametrize("url", ["", "ftp://example.com/x", "example.com/hook", "http://",
                                 "https://exa mple.com/", "http://host:port/", "javascript:x",
                                 "https://e.com/" + "a" * 2000])
def test_only_http_urls_with_a_host_are_endpoints(url):
    with pytest.raises(webhooks.WebhookError):
        webhooks.checked_url(url)


def test_the_signature_checks_out_only_for_the_same_body_secret_and_recent_time():
    body = webhook_signing.event_body("e1", "clearance.granted", "2026-01-01T00:00:00+00:00",
                                      {"clearance": {"id": 1}})
    header = webhook_signing.signature_header("whsec_x", 1_700_000_000, body)
    assert header.startswith("t=1700000000,v1=")
    assert webhook_signing.is_valid("whsec_x", header, body, now=1_700_000_100)
    assert not webhook_signing.is_valid("whsec_y", header, body, now=1_700_000_100)
    assert not webhook_signing.is_valid("whsec_x", header, body + b" ", now=1_700_000_100)
    assert not webhook_signing.is_valid("whsec_x", header, body, now=1_700_000_000 + 301)
    assert not webhook_signing.is_valid("whsec_x", "garbage", body, now=1_700_000_000)
    expected = hmac.new(b"whsec_x", b"1700000000." + body, hashlib.sha256).hexdigest()
    assert header == f"t=1700000000,v1={expected}"


def test_without_redis_a_later_web_request_sends_what_failed(app, client, make_receiver):
    app.config["TRAINER_OUTBOUND_RETRY_INTERVALS"] = "0"
    receiver = make_receiver(fail_first=1)
    with app.app_context():
        admin = factories.user("admin")
        subscribe(receiver, admin)
        grant(admin, factories.user("trainee", manager=admin))
        assert deliveries()[0].status == "pending"
    assert client.get("/login").status_code == 200  # the sweep runs before the page
    with app.app_context():
        assert [(d.status, d.attempts) for d in deliveries()] == [("delivered", 2)]
    client.get("/login")  # nothing pending: no more sweeps, and nothing sent twice
    assert len(receiver.requests) == 2
    assert app.extensions["trainer.outbound.due"] is False
