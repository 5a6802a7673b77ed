"""Ending a conversation early through the pages: it asks first (no script needed), and an attempt
ended before the customer had a real answer is abandoned, shown as such, and counts neither way."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from trainer.extensions import db
from trainer.models import Attempt, Score, User
from trainer.models._types import utcnow
from trainer.services.eligibility import records_of
from trainer.services.team import team_progress
from trainer.services.tracks import passes_of

from .. import factories
from ..conftest import csrf_token, post_form

SCENARIO = "billing-double-charge"


@pytest.fixture
def people(app):
    with app.app_context():
        boss = factories.user("manager", email="boss@example.com", name="Morgan Boss")
        tara = factories.user(email="tara@example.com", name="Tara Singh", manager=boss)
        factories.user(email="tom@example.com", name="Tom Berg", manager=boss)
        return {"boss": boss.id, "tara": tara.id}


def start(client, mode: str = "assessed") -> str:
    return post_form(client, "/", f"/scenarios/{SCENARIO}/start",
                     data={"mode": mode}).headers["Location"]


def answer(client, url: str, text: str):
    page = client.get(url).get_data(as_text=True)
    expected = re.search(r'name="expected_turn"[^>]*value="(\d+)"', page).group(1)
    return client.post(url, data={"csrf_token": csrf_token(client, url), "answer": text,
                                  "expected_turn": expected})


def attempt_of(app, url: str) -> Attempt:
    with app.app_context():
        attempt = db.session.get(Attempt, int(url.rsplit("/", 1)[1]))
        db.session.expunge(attempt)
        return attempt


def test_the_play_page_links_to_a_confirmation_instead_of_ending(client, auth, people, app):
    auth.login("tara@example.com")
    url = start(client)
    play = client.get(url).get_data(as_text=True)
    assert f'href="{url}/end"' in play and "End the conversation" in play
    assert f'action="{url}/end"' not in play  # no one-click end on the play page
    ask = client.get(f"{url}/end")
    body = ask.get_data(as_text=True)
    assert ask.status_code == 200 and "End the conversation with" in body
    assert "abandons" in body and 'name="confirm"' in body and "keep talking" in body
    assert attempt_of(app, url).status == "in_progress"  # asking changes nothing


def test_a_post_without_the_confirmation_only_asks_and_csrf_is_required(client, auth, people,
                                                                        app):
    auth.login("tara@example.com")
    url = start(client)
    again = post_form(client, url, f"{url}/end")  # e.g. the old one-click form
    assert again.status_code == 200 and "End the conversation with" in again.get_data(
        as_text=True)
    assert client.post(f"{url}/end", data={"confirm": "yes"}).status_code == 400
    assert attempt_of(app, url).status == "in_progress"


def test_only_the_trainee_can_end_their_attempt(client, auth, people, app):
    auth.login("tara@example.com")
    url = start(client)
    auth.logout()
    auth.login("tom@example.com")
    assert client.get(f"{url}/end").status_code == 404  # not theirs to see
    auth.logout()
    auth.login("boss@example.com")
    assert client.get(f"{url}/end").status_code == 403  # a manager reads, never plays
    assert attempt_of(app, url).status == "in_progress"


def test_ending_after_one_answer_abandons_the_attempt(client, auth, people, app):
    auth.login("tara@example.com")
    url = start(client)
    answer(client, url, "Sorry for any inconvenience.")
    done = post_form(client, f"{url}/end", data={"confirm": "yes"})
    assert done.headers["Location"].endswith(f"{url}/scorecard")
    attempt = attempt_of(app, url)
    assert (attempt.status, attempt.outcome, attempt.passed) == ("abandoned", "abandoned", None)
    assert attempt.finished_at is not None and attempt.scored_at is None
    page = client.get(done.headers["Location"]).get_data(as_text=True)
    assert 'id="abandoned"' in page and "counts neither for nor against" in page
    assert "Not passed yet" not in page and "Passed" not in page
    assert 'id="model-answer"' not in page  # assessed, never passed
    history = client.get("/").get_data(as_text=True)
    assert "abandoned" in history and "Not yet" not in history
    assert client.get(url).headers["Location"].endswith("/scorecard")  # the play page closed
    with app.app_context():
        assert db.session.scalar(select(Score)) is None


def test_ending_after_two_answers_is_scored(client, auth, people, app):
    auth.login("tara@example.com")
    url = start(client, "practice")
    for text in ("Sorry for any inconvenience.", "Someone will look into it."):
        if client.get(url).status_code == 200:  # the customer may have ended it already
            answer(client, url, text)
    if client.get(url).status_code == 200:
        ask = client.get(f"{url}/end").get_data(as_text=True)
        assert "scored as it stands" in ask and "abandons" not in ask
        post_form(client, f"{url}/end", data={"confirm": "yes"})
    assert attempt_of(app, url).status == "scored"


def test_an_abandoned_attempt_counts_neither_way(client, auth, people, app):
    auth.login("tara@example.com")
    abandoned = start(client)
    post_form(client, f"{abandoned}/end", data={"confirm": "yes"})  # no answer at all
    with app.app_context():
        tara = db.session.get(User, people["tara"])
        boss = db.session.get(User, people["boss"])
        assert records_of([tara.id], utcnow())[tara.id] == []
        assert passes_of([tara.id])[tara.id] == []
        row = next(r for r in team_progress(boss) if r.user.id == tara.id)
        assert (row.attempts, row.passed) == (0, 0)
    auth.logout()
    auth.login("boss@example.com")
    person = client.get(f"/team/people/{people['tara']}").get_data(as_text=True)
    assert "abandoned" in person
    assert "abandoned" in client.get(f"/team/attempts/{abandoned.rsplit('/', 1)[1]}").get_data(
        as_text=True)
    assert abandoned.rsplit("/", 1)[1] not in re.findall(
        r"/team/attempts/(\d+)", client.get("/team/review").get_data(as_text=True))
