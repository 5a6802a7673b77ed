"""Racing requests on one conversation through the pages (two tabs, a double click, a second
answer while the first is answered): a clear 409 or a redirect, never a 500, and the transcript
always alternates with one customer reply per answer taken."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from trainer.extensions import db
from trainer.models import Attempt, Score, Turn
from trainer.services import play

from .. import factories
from ..conftest import AuthActions, csrf_token, post_form
from ..together import HeldEngine, assert_alternates, in_background, run_together, transcript

SCENARIO = "billing-double-charge"
EMAIL = "tara@example.com"


@pytest.fixture
def tara(app):
    app.config["PROPAGATE_EXCEPTIONS"] = False  # a failure must show as the 500 a user would get
    with app.app_context():
        return factories.user(email=EMAIL).id


def logged_in(app):
    client = app.test_client()
    AuthActions(client).login(EMAIL)
    return client


def start(client) -> str:
    return post_form(client, "/", f"/scenarios/{SCENARIO}/start").headers["Location"]


def attempt_of(url: str) -> int:
    return int(url.rsplit("/", 1)[1])


def shown_turn(page: str) -> str:
    return re.search(r'name="expected_turn"[^>]*value="(\d+)"', page).group(1)


def send(client, url: str, text: str, expected: str | None = None):
    data = {"csrf_token": csrf_token(client, url), "answer": text}
    if expected is not None:
        data["expected_turn"] = expected
    return client.post(url, data=data)


def test_answers_posted_at_once_without_the_turn_number_never_fail(app, tara):
    clients = [logged_in(app) for _ in range(5)]
    url = start(clients[0])
    tokens = [csrf_token(c, url) for c in clients]
    taken: list[str] = []
    for round_ in range(3):
        texts = [f"Let me look at your account now (round {round_}, tab {i})." for i in range(5)]
        responses = run_together(5, lambda i, texts=texts: clients[i].post(
            url, data={"csrf_token": tokens[i], "answer": texts[i]}))
        for text, response in zip(texts, responses, strict=True):
            assert not isinstance(response, BaseException), repr(response)
            assert response.status_code in (302, 409), response.status_code
            if response.status_code == 409:  # the reason, and the answer kept in the box
                body = response.get_data(as_text=True)
                assert "still being answered" in body and text in body
            elif response.headers["Location"].endswith("#latest"):  # the newest customer line
                taken.append(text)
    with app.app_context():
        turns = transcript(attempt_of(url))
        assert_alternates(turns)
        assert sorted(t.text for t in turns if t.role == "trainee") == sorted(taken)
        if not db.session.get(Attempt, attempt_of(url)).is_finished:
            assert len(turns) == 2 * len(taken) + 1  # one reply to each answer taken


def test_an_answer_sent_while_the_last_one_is_answered_is_refused_and_kept(app, tara,
                                                                           monkeypatch):
    first_tab, second_tab = logged_in(app), logged_in(app)
    url = start(first_tab)
    held = HeldEngine(monkeypatch, "HOLD")
    first, outcome = in_background(lambda: send(first_tab, url, "HOLD: I am on it.", "1"))
    held.wait_until_held()
    page = second_tab.get(url).get_data(as_text=True)
    assert 'id="awaiting-reply"' in page and "still replying to your last answer" in page
    refused = send(second_tab, url, "My second thought, typed with care.", shown_turn(page))
    body = refused.get_data(as_text=True)
    assert refused.status_code == 409
    assert "still being answered" in body and "My second thought, typed with care." in body
    held.release()
    first.join()
    assert outcome[0].status_code == 302
    page = second_tab.get(url).get_data(as_text=True)
    assert 'id="awaiting-reply"' not in page
    again = send(second_tab, url, "My second thought, typed with care.", shown_turn(page))
    assert again.status_code == 302
    with app.app_context():
        turns = transcript(attempt_of(url))
        assert_alternates(turns)
        assert [t.text for t in turns if t.role == "trainee"] == [
            "HOLD: I am on it.", "My second thought, typed with care."]


def test_a_page_left_open_in_another_tab_is_refused_with_what_was_typed_kept(app, tara):
    client = logged_in(app)
    url = start(client)
    assert send(client, url, "Sorry about this, I am checking now.", "1").status_code == 302
    stale = send(client, url, "Typed in the other tab.", "1")  # that tab still shows turn 1
    body = stale.get_data(as_text=True)
    assert stale.status_code == 409
    assert "The conversation moved on while you were typing" in body
    assert "Typed in the other tab." in body
    assert send(client, url, "Typed in the other tab.", shown_turn(body)).status_code == 302
    with app.app_context():
        assert_alternates(transcript(attempt_of(url)))


def test_an_answer_whose_reply_was_lost_gets_it_when_the_page_is_opened(app, tara, monkeypatch):
    from trainer.domain.customer.scripted import ScriptedCustomer

    client = logged_in(app)
    url = start(client)
    working = ScriptedCustomer.respond
    monkeypatch.setattr(ScriptedCustomer, "respond", lambda *a: 1 / 0)  # dies mid-request
    assert send(client, url, "An answer that must not be lost.", "1").status_code == 500
    monkeypatch.setattr(ScriptedCustomer, "respond", working)
    page = client.get(url).get_data(as_text=True)
    assert "An answer that must not be lost." in page and 'id="awaiting-reply"' in page
    with app.app_context():  # later than any reply could take: nobody is replying any more
        turn = db.session.scalar(select(Turn).where(Turn.role == "trainee"))
        turn.created_at -= timedelta(minutes=5)
        db.session.commit()
    page = client.get(url).get_data(as_text=True)
    assert 'id="awaiting-reply"' not in page
    with app.app_context():
        turns = transcript(attempt_of(url))
        assert_alternates(turns)
        assert len(turns) == 3
    assert send(client, url, "And the next one.", shown_turn(page)).status_code == 302


def test_a_double_click_on_start_opens_one_attempt(app, tara):
    clients = [logged_in(app) for _ in range(4)]
    tokens = [csrf_token(c, "/") for c in clients]
    responses = run_together(4, lambda i: clients[i].post(
        f"/scenarios/{SCENARIO}/start", data={"csrf_token": tokens[i]}))
    assert {r.status_code for r in responses} == {302}
    assert len({r.headers["Location"] for r in responses}) == 1
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Attempt)) == 1


def test_ending_while_an_answer_is_answered_ends_once_and_keeps_the_answer(app, tara,
                                                                           monkeypatch):
    answering_tab, ending_tab = logged_in(app), logged_in(app)
    url = start(answering_tab)
    for text in ("Sorry, I will sort this out today.", "I am checking the payment now."):
        assert send(answering_tab, url, text).status_code == 302
    held = HeldEngine(monkeypatch, "HOLD")
    answering, outcome = in_background(lambda: send(answering_tab, url, "HOLD: refund today."))
    held.wait_until_held()
    ended = post_form(ending_tab, f"{url}/end", data={"confirm": "yes"})
    assert ended.headers["Location"].endswith("/scorecard")
    held.release()
    answering.join()
    assert outcome[0].status_code == 302
    assert answering_tab.get(url).headers["Location"].endswith("/scorecard")
    with app.app_context():
        turns = transcript(attempt_of(url))
        assert [t.role for t in turns][-2:] == ["customer", "trainee"]
        assert turns[-1].text == "HOLD: refund today."  # stored, and scored with the rest
        assert db.session.scalar(select(func.count()).select_from(Score)) == 3
        assert play.is_awaiting_reply(db.session.get(Attempt, attempt_of(url))) is False


def test_an_answer_refused_after_waiting_too_long_is_kept_with_the_reason(app, tara,
                                                                          monkeypatch):
    from trainer.services import locks

    client = logged_in(app)
    url = start(client)

    def held_elsewhere(instance, fresh=()):
        raise locks.Busy("Another request was saving this at the same moment, so nothing was "
                         "changed. Try again in a moment.")

    monkeypatch.setattr(locks, "lock", held_elsewhere)
    refused = send(client, url, "Sent while the database was busy.", "1")
    body = refused.get_data(as_text=True)
    assert refused.status_code == 409
    assert "Try again in a moment" in body and "Sent while the database was busy." in body
    monkeypatch.undo()
    assert send(client, url, "Sent while the database was busy.", "1").status_code == 302
