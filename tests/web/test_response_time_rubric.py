"""A rubric that opts in to response time, played through the web: the wait measured on the play
page becomes the rubric's fourth card on the scorecard, counts in the pass and the overall, and
stays counted when a manager overrides another level; unmeasured, it is not judged."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from trainer.config import SHIPPED_RUBRICS_DIR
from trainer.extensions import db
from trainer.models import Attempt, User
from trainer.services.library import init_library
from trainer.services.overrides import override_score

from .. import factories
from ..conftest import csrf_token, post_form

SCENARIO = "billing-double-charge"
RESPONSE_TIME = """
  response_time:
    weight: 1
    pass_level: 2
    seconds: {1: 40, 2: 20, 3: 10, 4: 5}
    description: Starts answering without leaving the customer waiting.
    levels:
      0: Leaves the customer waiting in silence.
      1: Slow to respond.
      2: Responds after a noticeable pause.
      3: Responds promptly.
      4: Responds at once.
"""


@pytest.fixture
def timed(app, tmp_path):
    """The shipped core rubric with response time added: every scenario is scored on it."""
    rubrics = tmp_path / "timed-rubrics"
    rubrics.mkdir()
    core = (SHIPPED_RUBRICS_DIR / "core.yaml").read_text(encoding="utf-8")
    (rubrics / "core.yaml").write_text(core.rstrip("\n") + RESPONSE_TIME, encoding="utf-8")
    app.config["RUBRICS_DIR"] = rubrics
    init_library(app)
    with app.app_context():
        boss = factories.user("manager", email="boss@example.com", name="Bea Boss")
        factories.user(email="tara@example.com", name="Tara Singh", manager=boss)


def play_model_answer(client, auth, app, response_ms: str) -> str:
    """Tara plays the scenario with its model answer, each answer started after ``response_ms``;
    returns the scorecard's text."""
    auth.login("tara@example.com")
    url = post_form(client, "/", f"/scenarios/{SCENARIO}/start").headers["Location"]
    with app.app_context():
        model_answer = db.session.scalar(select(Attempt)).scenario_snapshot["model_answer"]
    for text in (model_answer, "Is there anything else I can help with today?"):
        if "/scorecard" in client.get(url).headers.get("Location", ""):
            break
        page = client.get(url).get_data(as_text=True)
        expected = re.search(r'name="expected_turn"[^>]*value="(\d+)"', page).group(1)
        client.post(url, data={"csrf_token": csrf_token(client, url), "answer": text,
                               "expected_turn": expected, "response_ms": response_ms})
    attempt_id = url.rsplit("/", 1)[1]
    if "/scorecard" not in client.get(url).headers.get("Location", ""):
        post_form(client, f"/attempts/{attempt_id}/end", data={"confirm": "yes"})
    html = client.get(f"/attempts/{attempt_id}/scorecard").get_data(as_text=True)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def stored(app) -> tuple[bool, float | None, int | None]:
    with app.app_context():
        attempt = db.session.scalar(select(Attempt))
        score = attempt.score_for("response_time")
        return attempt.passed, attempt.overall, score.level if score else None


def test_a_prompt_answer_is_scored_on_its_own_card_and_passes(client, auth, app, timed):
    page = play_model_answer(client, auth, app, response_ms="3000")
    assert "Passed" in page and "Not passed yet" not in page
    assert "Response time 4 / 4" in page and "Responds at once." in page
    assert "Your median response time was 3 s: quick enough for the top level." in page
    assert "This rubric scores the median response time" in page
    assert "it does not change the score" not in page
    assert stored(app)[::2] == (True, 4)


def test_a_slow_answer_fails_the_rubric_whatever_was_said(client, auth, app, timed):
    page = play_model_answer(client, auth, app, response_ms="60000")
    assert "Not passed yet" in page
    assert "Response time 0 / 4 below pass (2)" in page
    assert ("Your median response time was 1 min. Start answering within 40 s to reach "
            "level 1") in page
    passed, overall, level = stored(app)
    assert (passed, level) == (False, 0)
    with app.app_context():  # a manager's override of a word-judged level keeps it counted
        attempt = db.session.scalar(select(Attempt))
        boss = db.session.scalar(select(User).where(User.email == "boss@example.com"))
        empathy = attempt.score_for("empathy").level
        override_score(boss, attempt, "empathy", 3 if empathy == 4 else 4, "Read it again.")
        assert attempt.passed is False and attempt.overall != overall


def test_unmeasured_it_is_not_judged_and_the_words_decide(client, auth, app, timed):
    page = play_model_answer(client, auth, app, response_ms="")  # typed without script
    assert "Passed" in page and "Not passed yet" not in page
    assert "Response time not judged" in page
    assert "Not judged: no response time was measured" in page
    assert stored(app)[::2] == (True, None)
