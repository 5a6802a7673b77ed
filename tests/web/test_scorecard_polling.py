"""While a worker scores an attempt, its scorecard polls a status route (htmx) until scored."""

from __future__ import annotations

from datetime import timedelta

import pytest

from trainer.extensions import db
from trainer.models import Attempt
from trainer.models._types import utcnow
from trainer.services import jobs, play

from .. import factories

SCENARIO = "billing-double-charge"
TRIGGER = 'hx-trigger="every 2s"'


@pytest.fixture
def scoring(app):
    """Tara's finished attempt, waiting for a worker; Tom, another trainee; Tara's manager."""
    with app.app_context():
        boss = factories.user("manager", email="boss@example.com")
        tara = factories.user("trainee", email="tara@example.com", manager=boss)
        factories.user("trainee", email="tom@example.com")
        attempt = play.start_attempt(tara, SCENARIO)
        play.submit_answer(attempt, "I'm sorry you were charged twice. I'll refund it today.")
        attempt.status, attempt.outcome, attempt.finished_at = "scoring", "ended", utcnow()
        db.session.commit()
        return attempt.id


def urls(attempt_id: int) -> tuple[str, str]:
    page = f"/attempts/{attempt_id}/scorecard"
    return page, page + "/status"


def score_now(app, attempt_id: int) -> None:
    with app.app_context():
        assert jobs.score_attempt_job(attempt_id) == "scored"


def test_scoring_card_polls_the_status_route_and_offers_a_reload_link(client, auth, scoring):
    page, status = urls(scoring)
    auth.login("tara@example.com")
    html = client.get(page).get_data(as_text=True)
    assert "Scoring the conversation" in html
    assert f'hx-get="{status}"' in html and TRIGGER in html and 'hx-swap="outerHTML"' in html
    assert f'<a href="{page}">Reload to see your score</a>' in html  # works without script


def test_status_route_returns_the_polling_partial_then_the_full_card(app, client, auth,
                                                                     scoring):
    _, status = urls(scoring)
    auth.login("tara@example.com")
    waiting = client.get(status)
    assert waiting.status_code == 200
    partial = waiting.get_data(as_text=True)
    assert "<html" not in partial and "<nav" not in partial  # the partial alone, for htmx
    assert 'id="scorecard"' in partial and TRIGGER in partial and "<script" not in partial
    score_now(app, scoring)
    done = client.get(status).get_data(as_text=True)
    assert 'id="scorecard"' in done and "hx-trigger" not in done  # the polling stops here
    assert "Scoring the conversation" not in done
    assert "Empathy" in done and ("Passed" in done or "Not passed yet" in done)


def test_scored_card_does_not_poll(app, client, auth, scoring):
    page, _ = urls(scoring)
    score_now(app, scoring)
    auth.login("tara@example.com")
    html = client.get(page).get_data(as_text=True)
    assert "hx-trigger" not in html and "Reload to see your score" not in html


def test_only_people_who_may_see_the_attempt_get_its_status(app, client, auth, scoring):
    _, status = urls(scoring)
    assert client.get(status).headers["Location"].startswith("/login")
    auth.login("tom@example.com")
    assert client.get(status).status_code == 404  # another trainee's: not found, no leak
    auth.logout()
    auth.login("boss@example.com")
    assert client.get(status).status_code == 200  # Tara's manager may watch it too
    with app.app_context():
        assert db.session.get(Attempt, scoring).status == "scoring"  # polling changes nothing


def test_a_score_that_never_came_is_finished_by_the_rule_scorer(app, client, auth, scoring):
    _, status = urls(scoring)
    with app.app_context():  # the request scoring it in-process died (no Redis, no worker)
        db.session.get(Attempt, scoring).finished_at = utcnow() - timedelta(minutes=10)
        db.session.commit()
    auth.login("tara@example.com")
    html = client.get(status).get_data(as_text=True)
    assert "hx-trigger" not in html and jobs.STALLED_NOTE in html
