"""The play flow over HTTP on the LLM engines: what the trainee sees, fallbacks included."""

from __future__ import annotations

import re

import pytest
from markupsafe import escape
from sqlalchemy import select

from trainer.domain.modes import MIN_ANSWERS_TO_SCORE
from trainer.extensions import db
from trainer.models import Attempt, LLMCall

from .. import factories
from ..conftest import csrf_token, post_form
from .conftest import SLOW, customer_json, dimension, judge_json
from .fake_openai import Reply, error, html


def start(client, scenario: str = "billing-double-charge"):
    return post_form(client, "/", f"/scenarios/{scenario}/start")


def answer(client, attempt_url: str, text: str):
    page = client.get(attempt_url).get_data(as_text=True)
    expected = re.search(r'name="expected_turn"[^>]*value="(\d+)"', page).group(1)
    return client.post(attempt_url, data={"csrf_token": csrf_token(client, attempt_url),
                                          "answer": text, "expected_turn": expected})


def end(client, attempt_url: str):
    """End the conversation: the end page, then its confirming form."""
    return post_form(client, attempt_url + "/end", data={"confirm": "yes"})


def answered_enough(client, attempt_url: str, text: str):
    """Answers enough to be scored when ended (domain/modes.py), the LLM customer replying."""
    for _ in range(MIN_ANSWERS_TO_SCORE):
        answer(client, attempt_url, text)


def roles(app, attempt_url: str) -> list[str]:
    with app.app_context():
        attempt = db.session.get(Attempt, int(attempt_url.rstrip("/").split("/")[-1]))
        return [t.role for t in attempt.turns]


@pytest.fixture
def trainee(app):
    with app.app_context():
        factories.user("trainee", email="tara@example.com", name="Tara Singh")


def test_the_llm_customer_answers_in_the_transcript(client, auth, trainee, fake_openai):
    auth.login("tara@example.com")
    url = start(client).headers["Location"]
    fake_openai.script(customer_json("Right - and when will the 39.99 actually be back?"))
    answer(client, url, "I'm so sorry, Priya. I'll refund the duplicate 39.99 today.")
    page = client.get(url).get_data(as_text=True)
    assert str(escape("Right - and when will the 39.99 actually be back?")) in page
    assert "unavailable" not in page


@pytest.mark.parametrize(("scripted", "reason"), [(error(500), "HTTP 500"),
                                                  (Reply("{}", delay=SLOW), "timeout")])
def test_the_transcript_shows_when_the_scripted_customer_stood_in(client, auth, trainee,
                                                                  fake_openai, scripted, reason):
    auth.login("tara@example.com")
    url = start(client).headers["Location"]
    fake_openai.script(scripted)
    answer(client, url, "Not my department. You'll have to call your bank.")
    page = client.get(url).get_data(as_text=True)
    assert str(escape("Why should I chase my bank for your mistake?")) in page  # scripted line
    assert f"LLM customer unavailable ({reason}); scripted reply used" in page


def test_the_scorecard_shows_when_the_rule_scorer_stood_in(client, auth, trainee, fake_openai):
    auth.login("tara@example.com")
    url = start(client).headers["Location"]
    fake_openai.script(*[customer_json()] * MIN_ANSWERS_TO_SCORE, error(500))
    answered_enough(client, url, "I'm so sorry, Priya. I'll refund the duplicate 39.99 today.")
    response = end(client, url)
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "LLM judge unavailable (HTTP 500); rule scorer used." in page


def test_the_scorecard_shows_the_judges_quotes(client, auth, trainee, fake_openai):
    auth.login("tara@example.com")
    url = start(client).headers["Location"]
    fake_openai.script(*[customer_json()] * MIN_ANSWERS_TO_SCORE, judge_json(
        dimension(3, ["so sorry, Priya", "I never said this"], "Name the rent worry too."),
        dimension(2), dimension(1)))
    answered_enough(client, url, "I'm so sorry, Priya. I'll refund the duplicate 39.99 today.")
    response = end(client, url)
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Name the rent worry too." in page and "so sorry, Priya" in page
    assert "I never said this" not in page
    assert re.search(r"1 quote\(s\) from the LLM judge were not the trainee(&#39;|')s own", page)


@pytest.mark.parametrize(("scripted", "reason"), [
    (html(), "not a chat completion"),  # a proxy's HTML error page with status 200
    (Reply('{"reply": "I see", "mood": "wary", "resolved": false, "gave_up": false}',
           drip=0.3), "no answer within 2 s"),  # a byte every 0.3 s: only the deadline ends it
])
def test_a_broken_llm_never_fails_the_answer_and_the_customer_always_replies(
        app, client, auth, trainee, fake_openai, scripted, reason):
    app.config.update(TRAINER_LLM_DEADLINE="2")
    from trainer.llm import configure

    configure(app)
    auth.login("tara@example.com")
    url = start(client).headers["Location"]
    fake_openai.script(scripted)
    response = answer(client, url, "Not my department. You'll have to call your bank.")
    assert response.status_code == 302  # never a 500
    assert roles(app, url) == ["customer", "trainee", "customer"]  # never two trainee turns
    page = client.get(url).get_data(as_text=True)
    assert str(escape("Why should I chase my bank for your mistake?")) in page
    assert f"LLM customer unavailable ({reason}); scripted reply used" in page
    with app.app_context():
        [call] = db.session.scalars(select(LLMCall)).all()
        assert (call.ok, call.error, call.try_number) == (False, reason, 1)


def test_the_admin_page_says_when_the_server_refused_json_schema(app, client, auth, trainee,
                                                                 fake_openai):
    with app.app_context():
        factories.user("admin", email="admin@example.com")
    fake_openai.refuse_schema = True  # as llama-cpp-python's server
    auth.login("tara@example.com")
    url = start(client).headers["Location"]
    fake_openai.script(customer_json("Right - and when will the 39.99 actually be back?"))
    answer(client, url, "I'm so sorry, Priya. I'll refund the duplicate 39.99 today.")
    assert "unavailable" not in client.get(url).get_data(as_text=True)  # the LLM answered
    auth.logout()
    auth.login("admin@example.com")
    page = client.get("/admin/llm").get_data(as_text=True)
    assert "json_schema refused (HTTP 500): json_object mode from now on" in page
    assert "JSON object (json_object)" in page
    assert "refused JSON schema mode 1 time(s) in the last 30 days" in page
    assert "20 s a try, 0 retries, at most 2 s a call" not in page  # the settings in force:
    assert "1 s a try, 0 retries, at most 2 s a call" in page  # conftest's TIMEOUT, derived
    assert "up to 400 tokens a customer reply and 1500 a verdict (max_tokens)" in page
