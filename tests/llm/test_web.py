"""The play flow over HTTP on the LLM engines: what the trainee sees, fallbacks included."""

from __future__ import annotations

import re

import pytest
from markupsafe import escape

from .. import factories
from ..conftest import csrf_token, post_form
from .conftest import SLOW, customer_json, dimension, judge_json
from .fake_openai import Reply, error


def start(client, scenario: str = "billing-double-charge"):
    return post_form(client, "/", f"/scenarios/{scenario}/start")


def answer(client, attempt_url: str, text: str):
    page = client.get(attempt_url).get_data(as_text=True)
    expected = re.search(r'name="expected_turn"[^>]*value="(\d+)"', page).group(1)
    return client.post(attempt_url, data={"csrf_token": csrf_token(client, attempt_url),
                                          "answer": text, "expected_turn": expected})


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
    fake_openai.script(customer_json(), error(500))
    answer(client, url, "I'm so sorry, Priya. I'll refund the duplicate 39.99 today.")
    response = post_form(client, url, url + "/end")
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "LLM judge unavailable (HTTP 500); rule scorer used." in page


def test_the_scorecard_shows_the_judges_quotes(client, auth, trainee, fake_openai):
    auth.login("tara@example.com")
    url = start(client).headers["Location"]
    fake_openai.script(customer_json(), judge_json(
        dimension(3, ["so sorry, Priya", "I never said this"], "Name the rent worry too."),
        dimension(2), dimension(1)))
    answer(client, url, "I'm so sorry, Priya. I'll refund the duplicate 39.99 today.")
    response = post_form(client, url, url + "/end")
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Name the rent worry too." in page and "so sorry, Priya" in page
    assert "I never said this" not in page
    assert re.search(r"1 quote\(s\) from the LLM judge were not the trainee(&#39;|')s own", page)
