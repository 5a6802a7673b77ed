"""Reviewing scorecards through the pages: what an override shows, confirming, the review queue,
the calibration page, and a grant that rests on the granter's own override."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from trainer.extensions import db
from trainer.models import Attempt, AuditEvent, Clearance

from .. import factories
from ..conftest import post_form

AVOID = "Avoid this: Suggests the customer caused the double charge - you said 'nothing you did'."
FLAG_TEXT = "Suggests the customer caused the double charge"


@pytest.fixture
def team(app):
    """Tara (reporting to Morgan) with a failed, flagged card that wrongly saw a red flag."""
    with app.app_context():
        boss = factories.user("manager", email="boss@example.com", name="Morgan Boss")
        other = factories.user("manager", email="other@example.com")
        factories.user("admin", email="admin@example.com", name="Ada Admin")
        tara = factories.user(email="tara@example.com", name="Tara Singh", manager=boss)
        attempt = factories.scored_attempt(tara, "billing-double-charge", passed=False,
                                           levels={"empathy": 3, "ownership": 3, "accuracy": 0},
                                           review_reason="accuracy: judge 3, rules 0")
        accuracy = attempt.score_for("accuracy")
        accuracy.feedback, accuracy.evidence = AVOID, ["nothing you did"]
        attempt.red_flags = ["blames-customer"]
        db.session.commit()
        return {"boss": boss.id, "other": other.id, "tara": tara.id, "attempt": attempt.id}


def card(html: str, dimension: str) -> str:
    match = re.search(rf'<article[^>]*id="card-{dimension}".*?</article>', html, re.S)
    assert match, f"no {dimension} card on the page"
    return match.group(0)


def override(client, attempt_id: int, dimension: str, level: int, comment: str):
    url = f"/team/attempts/{attempt_id}"
    return post_form(client, url, f"{url}/override",
                     data={"dimension": dimension, "level": str(level), "comment": comment})


def confirm(client, attempt_id: int):
    url = f"/team/attempts/{attempt_id}"
    return post_form(client, url, f"{url}/confirm")


def test_an_override_replaces_the_stale_feedback_and_keeps_the_scorers_underneath(
        client, auth, team):
    auth.login("boss@example.com")
    before = client.get(f"/team/attempts/{team['attempt']}").get_data(as_text=True)
    assert AVOID.replace("'", "&#39;") in card(before, "accuracy")
    assert override(client, team["attempt"], "accuracy", 3,
                    "She said it was our fault, not hers.").status_code == 302

    for who, page in (("boss@example.com", f"/team/attempts/{team['attempt']}"),
                      ("tara@example.com", f"/attempts/{team['attempt']}/scorecard")):
        auth.logout()
        auth.login(who)
        html = client.get(page).get_data(as_text=True)
        accuracy = card(html, "accuracy")
        verdict, original = accuracy.split('class="scorer-original"')
        assert "3 / 4" in verdict and "She said it was our fault, not hers." in verdict
        assert "Set by Morgan Boss" in verdict
        assert "Avoid this" not in verdict and "nothing you did" not in verdict
        assert "The scorer's original verdict: 0 / 4" in original
        assert "Avoid this" in original and "nothing you did" in original
        key_points = re.search(r'<article id="key-points".*?</article>', html, re.S).group(0)
        assert "the scorer's original reading" in key_points
        assert "Red flags the scorer saw (replaced by the review)" in key_points
        assert f'<li class="fail">{FLAG_TEXT}' not in key_points and FLAG_TEXT in key_points
        assert "then reviewed by Morgan Boss" in html
        # the dimensions nobody changed still show the scorer's verdict as the current one
        assert "scorer-original" not in card(html, "empathy")


def test_without_an_override_the_red_flag_is_the_verdict(client, auth, team):
    auth.login("tara@example.com")
    html = client.get(f"/attempts/{team['attempt']}/scorecard").get_data(as_text=True)
    assert f'<li class="fail">{FLAG_TEXT}' in html and "scorer-original" not in html
    assert "Flagged for a manager's review" in html


def test_confirming_a_card_takes_it_off_the_queue_once(client, auth, team, app):
    auth.login("boss@example.com")
    team_page = client.get("/team/").get_data(as_text=True)
    assert re.search(r'Review queue <span class="count"[^>]*>1</span>', team_page)
    queue = client.get("/team/review").get_data(as_text=True)
    assert "Tara Singh" in queue and "accuracy: judge 3, rules 0" in queue
    assert f'href="/team/attempts/{team["attempt"]}"' in queue

    response = confirm(client, team["attempt"])
    assert response.status_code == 302
    assert "every level confirmed" in client.get(response.headers["Location"]).get_data(
        as_text=True)
    assert "Nothing is waiting for a review" in client.get("/team/review").get_data(as_text=True)
    assert re.search(r'<span class="count"[^>]*>0</span>', client.get("/team/").get_data(
        as_text=True))
    with app.app_context():
        attempt = db.session.get(Attempt, team["attempt"])
        assert attempt.reviewed_by_id == team["boss"] and attempt.passed is False
        event = db.session.scalar(select(AuditEvent).where(
            AuditEvent.action == "score.confirmed"))
        assert event.actor_id == team["boss"] and event.detail["attempt"] == team["attempt"]


def test_confirm_checks_the_token_and_who_asks(client, auth, team, app):
    url = f"/team/attempts/{team['attempt']}/confirm"
    auth.login("other@example.com")  # a manager, but not Tara's: the attempt is not found
    assert client.get(f"/team/attempts/{team['attempt']}").status_code == 404
    assert post_form(client, "/team/", url).status_code == 404
    assert override(client, team["attempt"], "empathy", 4, "x").status_code == 404
    auth.logout()
    auth.login("tara@example.com")  # her own attempt, and no manager
    assert post_form(client, "/", url).status_code == 404
    auth.logout()
    auth.login("boss@example.com")
    assert client.post(url).status_code == 400  # no CSRF token
    assert post_form(client, "/team/", "/team/attempts/999999/confirm").status_code == 404
    with app.app_context():
        assert db.session.get(Attempt, team["attempt"]).reviewed_at is None


def test_calibration_page_shows_agreement_and_links_the_disagreements(client, auth, team):
    auth.login("boss@example.com")
    assert "No scorecard was reviewed" in client.get("/team/calibration").get_data(as_text=True)
    override(client, team["attempt"], "accuracy", 3, "No blame at all in her words.")
    page = client.get("/team/calibration").get_data(as_text=True)
    assert "1 reviewed attempt" in page
    row = re.search(r"<tr>\s*<td>Accuracy</td>.*?</tr>", page, re.S).group(0)
    assert f'href="/team/attempts/{team["attempt"]}"' in row and "3 vs 0" in row
    auth.logout()
    auth.login("other@example.com")  # another team: nothing of Tara's
    assert "No scorecard was reviewed" in client.get("/team/calibration").get_data(as_text=True)
    auth.logout()
    auth.login("tara@example.com")
    assert client.get("/team/calibration").status_code == 404
    assert client.get("/team/review").status_code == 404


def grant(client, person_id: int, justification: str = ""):
    page = f"/team/people/{person_id}"
    return post_form(client, page, f"{page}/clearances",
                     data={"category": "billing-dispute", "level": "1", "limit": "0",
                           "expires": "", "justification": justification})


def lift(client, attempt_id: int):
    for dimension in ("empathy", "ownership", "accuracy"):
        override(client, attempt_id, dimension, 4, "Good enough for me")


def test_a_manager_cannot_grant_on_a_pass_they_lifted_themselves(client, auth, team, app):
    auth.login("boss@example.com")
    lift(client, team["attempt"])
    standing = client.get(f"/team/people/{team['tara']}").get_data(as_text=True)
    assert "billing-double-charge passed only by the granter" in standing
    refused = grant(client, team["tara"])
    assert refused.status_code == 422
    body = refused.get_data(as_text=True)
    assert "passed only by the granter&#39;s own override" in body
    assert "needs a written justification" in body
    done = grant(client, team["tara"], "Took these calls for a year at her last job.")
    assert done.status_code == 302
    assert "rests on your own override" in client.get(done.headers["Location"]).get_data(
        as_text=True)
    with app.app_context():
        clearance = db.session.scalar(select(Clearance))
        assert clearance.is_exception and clearance.basis == []
        assert clearance.overridden_by_granter == [team["attempt"]]
        exception = db.session.scalar(select(AuditEvent).where(
            AuditEvent.action == "clearance.exception"))
        assert exception.detail["overridden_by_granter"] == [team["attempt"]]


def test_an_admins_override_counts_as_evidence_for_the_manager(client, auth, team, app):
    auth.login("admin@example.com")
    lift(client, team["attempt"])
    auth.logout()
    auth.login("boss@example.com")
    assert grant(client, team["tara"]).status_code == 302
    with app.app_context():
        clearance = db.session.scalar(select(Clearance))
        assert not clearance.is_exception and clearance.basis == [team["attempt"]]
