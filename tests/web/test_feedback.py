"""Trainee feedback and disputes over HTTP: the forms on the scorecard, the authors' list (negative
first, handled with a note, CSV), the guards (404 outside one's scope, CSRF), disputes going
through the review queue, and what the pages cost."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

from trainer.extensions import db
from trainer.models import Attempt, Dispute, Feedback, User
from trainer.models._types import utcnow
from trainer.services.feedback import give_feedback

from .. import factories
from ..conftest import csrf_token, post_form

SCENARIO = "billing-double-charge"
ALL_YES = {"realistic": "yes", "fair_score": "yes", "useful": "yes"}


@pytest.fixture
def site(app):
    """Boss manages Tara and Omar; Sol manages Olu; Ada is an admin. Tara has a scored attempt."""
    with app.app_context():
        boss = factories.user("manager", email="boss@example.com", name="Morgan Boss")
        tara = factories.user(email="tara@example.com", name="Tara Singh", manager=boss)
        omar = factories.user(email="omar@example.com", name="Omar Reyes", manager=boss)
        sol = factories.user("manager", email="sol@example.com", name="Sol Stranger")
        olu = factories.user(email="olu@example.com", name="Olu Outsider", manager=sol)
        factories.user("admin", email="ada@example.com", name="Ada Admin")
        attempt = factories.scored_attempt(tara, SCENARIO)
        olus = factories.scored_attempt(olu, SCENARIO)
        return {"attempt": attempt.id, "olus": olus.id, "tara": tara.id, "omar": omar.id,
                "olu": olu.id}


def scorecard(site) -> str:
    return f"/attempts/{site['attempt']}/scorecard"


def test_the_trainee_rates_the_scenario_from_the_scorecard(client, auth, site, app):
    auth.login("tara@example.com")
    page = client.get(scorecard(site)).get_data(as_text=True)
    assert "How was this scenario?" in page and "Was your score fair?" in page
    sent = post_form(client, scorecard(site), f"/attempts/{site['attempt']}/feedback",
                     {**ALL_YES, "fair_score": "no", "comment": "Marked down for nothing"})
    assert sent.status_code == 302 and sent.location.endswith("/scorecard#feedback")
    page = client.get(scorecard(site)).get_data(as_text=True)
    assert "Change my feedback" in page and "Marked down for nothing" in page
    assert re.search(r'value="no"[^>]*checked|checked[^>]*value="no"', page)
    with app.app_context():
        feedback = db.session.scalar(db.select(Feedback))
        assert (feedback.fair_score, feedback.rating_total) == (0, 4)


def test_a_missing_answer_keeps_what_was_typed_beside_an_error(client, auth, site, app):
    auth.login("tara@example.com")
    sent = post_form(client, scorecard(site), f"/attempts/{site['attempt']}/feedback",
                     {"realistic": "yes", "useful": "maybe", "comment": "Half <b>typed</b>"})
    page = sent.get_data(as_text=True)
    assert sent.status_code == 422
    assert page.count("Choose yes, partly or no.") == 1  # fair score left blank
    assert "Not a valid choice" in page  # "maybe"
    assert "Half &lt;b&gt;typed&lt;/b&gt;" in page
    assert "Scorecard: " in page  # the whole scorecard, not a bare form
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count(Feedback.id))) == 0


def test_only_the_attempts_own_trainee_may_post(client, auth, site, app):
    for email in ("omar@example.com", "boss@example.com", "ada@example.com"):
        auth.login(email)
        token = csrf_token(client, "/")
        for what, data in (("feedback", ALL_YES),
                           ("dispute", {"dimension": "empathy", "reason": "x"})):
            sent = client.post(f"/attempts/{site['attempt']}/{what}",
                               data={"csrf_token": token, **data})
            assert sent.status_code == 404, (email, what)
        auth.logout()
    auth.login("tara@example.com")
    assert client.post(f"/attempts/{site['olus']}/feedback", data={
        "csrf_token": csrf_token(client, "/"), **ALL_YES}).status_code == 404
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count(Feedback.id))) == 0
        assert db.session.scalar(db.select(db.func.count(Dispute.id))) == 0


def test_posts_without_the_csrf_token_change_nothing(client, auth, site, app):
    auth.login("tara@example.com")
    assert client.post(f"/attempts/{site['attempt']}/feedback", data=ALL_YES).status_code == 400
    assert client.post(f"/attempts/{site['attempt']}/dispute",
                       data={"dimension": "empathy", "reason": "x"}).status_code == 400
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count(Feedback.id))) == 0
        assert db.session.scalar(db.select(db.func.count(Dispute.id))) == 0


def test_a_dispute_goes_to_the_managers_queue_and_the_outcome_back(client, auth, site):
    auth.login("tara@example.com")
    empty = post_form(client, scorecard(site), f"/attempts/{site['attempt']}/dispute",
                      {"dimension": "ownership", "reason": "  "})
    assert empty.status_code == 422 and "a reason is required" in empty.get_data(as_text=True)
    sent = post_form(client, scorecard(site), f"/attempts/{site['attempt']}/dispute",
                     {"dimension": "ownership", "reason": "I promised a call back on Friday"})
    assert sent.status_code == 302
    page = client.get(scorecard(site)).get_data(as_text=True)
    assert "Waiting for a manager's review" in page
    again = post_form(client, scorecard(site), f"/attempts/{site['attempt']}/dispute",
                      {"dimension": "ownership", "reason": "Twice"})
    assert again.status_code == 422 and "already disputed ownership" in again.get_data(
        as_text=True)
    assert "Twice" in again.get_data(as_text=True)
    auth.logout()

    auth.login("sol@example.com")
    assert "I promised" not in client.get("/team/review").get_data(as_text=True)
    auth.logout()
    auth.login("boss@example.com")
    queue = client.get("/team/review").get_data(as_text=True)
    assert "disputed ownership: I promised a call back on Friday" in queue
    attempt_page = f"/team/attempts/{site['attempt']}"
    confirmed = post_form(client, attempt_page, f"{attempt_page}/confirm")
    assert confirmed.status_code == 302
    assert "Nothing is waiting for a review" in client.get("/team/review").get_data(as_text=True)
    auth.logout()

    auth.login("tara@example.com")
    page = client.get(scorecard(site)).get_data(as_text=True)
    assert "Upheld" in page and "Morgan Boss reviewed the attempt" in page
    assert "kept ownership at level 3" in page


def test_trainees_and_strangers_get_404_on_the_authors_pages(client, auth, site, app):
    with app.app_context():
        olus_id = give_feedback(db.session.get(User, site["olu"]), _attempt(site["olus"]),
                                ALL_YES).id
    auth.login("tara@example.com")
    for url in ("/feedback/", "/feedback/disputes", "/feedback/feedback.csv"):
        assert client.get(url).status_code == 404, url
    token = csrf_token(client, "/")
    assert client.post(f"/feedback/{olus_id}/handled",
                       data={"csrf_token": token, "note": "x"}).status_code == 404
    auth.logout()
    auth.login("boss@example.com")
    assert "Olu Outsider" not in client.get("/feedback/?status=all").get_data(as_text=True)
    assert client.post(f"/feedback/{olus_id}/handled", data={
        "csrf_token": csrf_token(client, "/feedback/"), "note": "x"}).status_code == 404
    assert client.post("/feedback/999999/handled", data={
        "csrf_token": csrf_token(client, "/feedback/"), "note": "x"}).status_code == 404
    auth.logout()
    auth.login("sol@example.com")
    assert "Olu Outsider" in client.get("/feedback/").get_data(as_text=True)


def _attempt(attempt_id):
    return db.session.get(Attempt, attempt_id)


def _rate(app, person_id: int, days_ago: int, comment: str = "", **given) -> int:
    with app.app_context():
        person = db.session.get(User, person_id)
        attempt = factories.scored_attempt(person, SCENARIO)
        feedback = give_feedback(person, attempt, {**ALL_YES, **given}, comment)
        feedback.created_at = utcnow() - timedelta(days=days_ago)
        db.session.commit()
        return feedback.id


def test_the_authors_list_is_negative_first_and_handled_with_a_note(client, auth, site, app):
    happy = _rate(app, site["tara"], 0, "Great")
    angry = _rate(app, site["omar"], 3, "Unfair", realistic="no", fair_score="no")
    meh = _rate(app, site["tara"], 1, "So-so", useful="partly")
    auth.login("boss@example.com")
    page = client.get("/feedback/").get_data(as_text=True)
    order = [int(n) for n in re.findall(r'<tr id="feedback-(\d+)"', page)]
    assert order == [angry, meh, happy]
    assert 'class="negative"' in page and "3 pieces of feedback" in page

    action = f"/feedback/{angry}/handled?status=open"
    refused = post_form(client, "/feedback/", action, {"note": ""})
    text = refused.get_data(as_text=True)
    assert refused.status_code == 422 and "a note is required" in text
    assert f'id="note-{angry}-error"' in text
    done = post_form(client, "/feedback/", action, {"note": "Rewrote the customer's opening"})
    assert done.status_code == 302 and done.location.endswith("/feedback/?status=open")
    page = client.get("/feedback/").get_data(as_text=True)
    assert [int(n) for n in re.findall(r'<tr id="feedback-(\d+)"', page)] == [meh, happy]
    handled = client.get("/feedback/?status=handled").get_data(as_text=True)
    assert "Rewrote the customer&#39;s opening" in handled and "Morgan Boss" in handled
    auth.logout()
    auth.login("omar@example.com")
    mine = client.get(f"/attempts/{_attempt_of(app, angry)}/scorecard").get_data(as_text=True)
    assert "Handled" in mine and "Rewrote the customer&#39;s opening" in mine
    assert "Send feedback" not in mine and "Change my feedback" not in mine


def _attempt_of(app, feedback_id: int) -> int:
    with app.app_context():
        return db.session.get(Feedback, feedback_id).attempt_id


def test_the_csv_is_the_list_with_formulas_neutralised(client, auth, site, app):
    _rate(app, site["tara"], 0, "=HYPERLINK(\"http://evil.example\",\"click\")",
          fair_score="no")
    _rate(app, site["omar"], 1, "Fine")
    auth.login("boss@example.com")
    page = client.get("/feedback/").get_data(as_text=True)
    assert 'href="/feedback/feedback.csv?status=open"' in page
    response = client.get("/feedback/feedback.csv?status=open")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    lines = response.get_data(as_text=True).splitlines()
    assert lines[0].startswith("given_at,scenario_id,scenario,trainee,attempt")
    assert len(lines) == 3 and "Tara Singh" in lines[1] and "Omar Reyes" in lines[2]
    assert "'=HYPERLINK" in lines[1] and ",=HYPERLINK" not in lines[1]


@pytest.mark.parametrize("url", ["/feedback/", "/feedback/?status=all", "/feedback/disputes"])
def test_the_authors_pages_cost_the_same_for_3_rows_and_for_40(client, auth, app, count_sql,
                                                               url):
    def build(email: str, size: int) -> None:
        with app.app_context():
            boss = factories.user("manager", email=email)
            for n in range(size):
                person = factories.user(manager=boss)
                attempt = factories.scored_attempt(person, SCENARIO)
                feedback = give_feedback(person, attempt, {**ALL_YES, "useful": "no"}, f"c{n}")
                if n % 2:
                    feedback.handled_at, feedback.handled_by_id = utcnow(), boss.id
                db.session.add(Dispute(attempt_id=attempt.id, user_id=person.id,
                                       dimension="empathy", level=3, reason=f"r{n}",
                                       resolved_at=utcnow() if n % 2 else None,
                                       resolved_by_id=boss.id if n % 2 else None))
            db.session.commit()

    build("few@example.com", 3)
    build("many@example.com", 40)
    counts = {}
    for email in ("few@example.com", "many@example.com"):
        auth.login(email)
        client.get(url)
        with count_sql() as sql:
            assert client.get(url).status_code == 200
        counts[email] = sql
        auth.logout()
    assert counts["few@example.com"].count == counts["many@example.com"].count, (
        f"{counts['few@example.com']}\n\n{counts['many@example.com']}")


def test_the_scorecard_with_feedback_and_disputes_costs_a_fixed_few_statements(
        client, auth, site, app, count_sql):
    auth.login("tara@example.com")
    client.get(scorecard(site))
    with count_sql() as before:
        client.get(scorecard(site))
    post_form(client, scorecard(site), f"/attempts/{site['attempt']}/feedback", ALL_YES)
    for dimension in ("empathy", "ownership", "accuracy"):
        post_form(client, scorecard(site), f"/attempts/{site['attempt']}/dispute",
                  {"dimension": dimension, "reason": "because"})
    with count_sql() as after:
        assert client.get(scorecard(site)).status_code == 200
    assert after.count == before.count, f"{before}\n\n{after}"
