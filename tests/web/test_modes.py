"""Practice and assessed attempts through the pages: choosing the mode, hints, who sees the model
answer when, a pasted answer held for a manager's review, and the mode wherever attempts are
listed."""

from __future__ import annotations

import re

import pytest
from markupsafe import escape
from sqlalchemy import select

from trainer.extensions import db
from trainer.models import Attempt, User
from trainer.services.eligibility import eligibility_for

from .. import factories
from ..conftest import csrf_token, post_form

SCENARIO = "billing-double-charge"
VAGUE = "Sorry for any inconvenience. Someone will look into it."


@pytest.fixture
def people(app):
    with app.app_context():
        boss = factories.user("manager", email="boss@example.com", name="Morgan Boss")
        tara = factories.user(email="tara@example.com", name="Tara Singh", manager=boss)
        factories.user(email="tom@example.com", name="Tom Berg", manager=boss)
        return {"boss": boss.id, "tara": tara.id}


def start(client, mode: str | None, scenario: str = SCENARIO):
    return post_form(client, "/", f"/scenarios/{scenario}/start",
                     data={"mode": mode} if mode else None)


def answer(client, url: str, text: str):
    page = client.get(url).get_data(as_text=True)
    expected = re.search(r'name="expected_turn"[^>]*value="(\d+)"', page).group(1)
    return client.post(url, data={"csrf_token": csrf_token(client, url), "answer": text,
                                  "expected_turn": expected})


def is_open(client, url: str) -> bool:
    return client.get(url).status_code == 200


def play(client, mode: str, answers: list[str], scenario: str = SCENARIO) -> int:
    """Start, answer, then close the loop or end (confirmed) if the customer is still there."""
    url = start(client, mode, scenario).headers["Location"]
    for text in answers:
        if is_open(client, url):
            answer(client, url, text)
    if is_open(client, url):
        answer(client, url, "Is there anything else I can help you with today?")
    if is_open(client, url):
        post_form(client, f"{url}/end", data={"confirm": "yes"})
    return int(url.rsplit("/", 1)[1])


def model_answer_of(app, attempt_id: int) -> str:
    with app.app_context():
        return db.session.get(Attempt, attempt_id).scenario_snapshot["model_answer"]


def pasted(app, client, mode: str = "assessed") -> int:
    """An attempt whose first answer is its own variant's model answer, pasted."""
    url = start(client, mode).headers["Location"]
    attempt_id = int(url.rsplit("/", 1)[1])
    answer(client, url, model_answer_of(app, attempt_id))
    if is_open(client, url):
        answer(client, url, "Is there anything else I can help you with today?")
    if is_open(client, url):
        post_form(client, f"{url}/end", data={"confirm": "yes"})
    return attempt_id


def test_the_trainee_picks_the_mode_on_starting(client, auth, people, app):
    auth.login("tara@example.com")
    page = client.get("/").get_data(as_text=True)
    assert 'name="mode" value="practice"' in page and 'name="mode" value="assessed"' in page
    practice = start(client, "practice").headers["Location"]
    assessed = start(client, "assessed").headers["Location"]
    assert practice != assessed  # one unfinished attempt per mode, each resumed on its own
    assert start(client, "assessed").headers["Location"] == assessed
    assert start(client, "exam").status_code == 400
    assert client.post(f"/scenarios/{SCENARIO}/start", data={"mode": "assessed"}).status_code \
        == 400  # no CSRF token
    with app.app_context():
        modes = [a.mode for a in db.session.scalars(select(Attempt).order_by(Attempt.id))]
    assert modes == ["practice", "assessed"]
    assert "practice" in client.get(practice).get_data(as_text=True)


def test_practice_gives_hints_while_playing_and_assessed_does_not(client, auth, people):
    auth.login("tara@example.com")
    practice = client.get(start(client, "practice").headers["Location"]).get_data(as_text=True)
    assessed = client.get(start(client, "assessed").headers["Location"]).get_data(as_text=True)
    assert "Hints (practice only)" in practice
    assert "Hints (practice only)" not in assessed and 'id="hints"' not in assessed


def test_practice_shows_the_model_answer_after_the_attempt(client, auth, people, app):
    auth.login("tara@example.com")
    attempt_id = play(client, "practice", [VAGUE, VAGUE])
    page = client.get(f"/attempts/{attempt_id}/scorecard").get_data(as_text=True)
    assert 'id="model-answer"' in page
    assert str(escape(model_answer_of(app, attempt_id)[:60])) in page
    assert "never counts towards a clearance" in page


def test_assessed_hides_the_model_answer_until_the_scenario_is_passed(client, auth, people, app):
    auth.login("tara@example.com")
    attempt_id = play(client, "assessed", [VAGUE, VAGUE])
    url = f"/attempts/{attempt_id}/scorecard"
    page = client.get(url).get_data(as_text=True)
    assert "Not passed yet" in page and 'id="model-answer"' not in page
    assert "shown once you pass it in an assessed attempt" in page
    original = model_answer_of(app, attempt_id)
    assert str(escape(original[:60])) not in page
    with app.app_context():
        tara = db.session.get(User, people["tara"])
        factories.scored_attempt(tara, SCENARIO, mode="practice")  # practice unlocks nothing
        factories.scored_attempt(tara, SCENARIO, copied_from="model answer")  # held: nothing
    assert 'id="model-answer"' not in client.get(url).get_data(as_text=True)
    with app.app_context():
        attempt = db.session.get(Attempt, attempt_id)  # the variant this attempt played
        attempt.scenario_snapshot = {**attempt.scenario_snapshot,
                                     "model_answer": "The variant I played: refund 52.40 today."}
        factories.scored_attempt(db.session.get(User, people["tara"]), SCENARIO)  # a real pass
    page = client.get(url).get_data(as_text=True)
    assert 'id="model-answer"' in page and "The variant I played: refund 52.40 today." in page
    assert str(escape(original[:60])) not in page  # only the variant played, not another


def test_a_pasted_model_answer_is_flagged_and_qualifies_only_once_confirmed(client, auth, people,
                                                                            app):
    auth.login("tara@example.com")
    attempt_id = pasted(app, client)
    page = client.get(f"/attempts/{attempt_id}/scorecard").get_data(as_text=True)
    assert "Near-copy of the scenario&#39;s model answer" in page or \
        "Near-copy of the scenario's model answer" in page
    assert 'id="copy-held"' in page
    with app.app_context():
        attempt = db.session.get(Attempt, attempt_id)
        assert attempt.passed and attempt.needs_review and attempt.copied_from == "model answer"
        tara = db.session.get(User, people["tara"])
        level1 = eligibility_for(tara)["billing-dispute"][0]
        assert not level1.eligible and "held for a manager's review" in level1.reason
    auth.logout()
    auth.login("boss@example.com")
    queue = client.get("/team/review").get_data(as_text=True)
    assert f"/team/attempts/{attempt_id}" in queue and "Near-copy" in queue
    assert "assessed" in queue
    done = post_form(client, f"/team/attempts/{attempt_id}", f"/team/attempts/{attempt_id}/confirm")
    assert done.status_code == 302
    with app.app_context():
        level1 = eligibility_for(db.session.get(User, people["tara"]))["billing-dispute"][0]
        assert level1.eligible and level1.attempt_ids == (attempt_id,)
    assert f"/team/attempts/{attempt_id}" not in client.get("/team/review").get_data(as_text=True)


def test_a_pasted_answer_in_practice_is_not_flagged(client, auth, people, app):
    auth.login("tara@example.com")
    attempt_id = pasted(app, client, "practice")  # copying it out is a way to practise
    with app.app_context():
        attempt = db.session.get(Attempt, attempt_id)
        assert attempt.status == "scored" and attempt.copied_from is None
        assert "Near-copy" not in attempt.review_reason


def test_managers_see_the_mode_wherever_an_attempt_is_listed(client, auth, people, app):
    with app.app_context():
        tara = db.session.get(User, people["tara"])
        practice = factories.scored_attempt(tara, SCENARIO, mode="practice").id
        assessed = factories.scored_attempt(tara, SCENARIO, review_reason="judge and rules differ")
        assessed = assessed.id
    auth.login("boss@example.com")
    person = client.get(f"/team/people/{people['tara']}").get_data(as_text=True)
    assert person.count('class="tag mode-practice"') == 1
    assert person.count('class="tag mode-assessed"') == 1
    for attempt_id, mode in ((practice, "practice"), (assessed, "assessed")):
        page = client.get(f"/team/attempts/{attempt_id}").get_data(as_text=True)
        assert f'class="tag mode-{mode}"' in page
        assert 'id="model-answer"' in page  # a reviewer reads it beside the transcript
    assert 'class="tag mode-assessed"' in client.get("/team/review").get_data(as_text=True)
    team = client.get("/team/").get_data(as_text=True)
    assert "(+1 practice)" in team
