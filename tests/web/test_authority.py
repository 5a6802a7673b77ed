"""Managers grant and revoke clearances and override scores through the pages."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from trainer.extensions import db
from trainer.models import AuditEvent, Clearance
from trainer.services import play

from .. import factories
from ..conftest import csrf_token, post_form


@pytest.fixture
def team(app):
    with app.app_context():
        boss = factories.user("manager", email="boss@example.com", name="Morgan Boss")
        other = factories.user("manager", email="other@example.com")
        tara = factories.user("trainee", email="tara@example.com", name="Tara Singh",
                              manager=boss)
        tom = factories.user("trainee", email="tom@example.com", manager=other)
        attempt = play.start_attempt(tara, "billing-double-charge")
        play.submit_answer(attempt, "Sorry for any inconvenience. Someone will look into it.")
        play.finish_attempt(attempt)
        return {"boss": boss.id, "tara": tara.id, "tom": tom.id, "attempt": attempt.id}


def grant(client, person_id, **fields):
    data = {"category": "billing-dispute", "level": "1", "limit": "0", "expires": "",
            "justification": "", **fields}
    return post_form(client, f"/team/people/{person_id}", f"/team/people/{person_id}/clearances",
                     data=data)


def test_granting_to_someone_not_eligible_needs_a_justification(client, auth, team, app):
    auth.login("boss@example.com")
    refused = grant(client, team["tara"], level="2", limit="40")
    body = refused.get_data(as_text=True)
    assert refused.status_code == 422 and "needs a written justification" in body
    assert 'value="40.00"' in body or 'value="40"' in body  # what was typed is kept
    done = grant(client, team["tara"], level="2", limit="40",
                 justification="Covered this queue for a year before joining.")
    assert done.status_code == 302
    page = client.get(f"/team/people/{team['tara']}").get_data(as_text=True)
    assert "Billing disputes" in page and "exception" in page
    with app.app_context():
        clearance = db.session.scalar(select(Clearance))
        assert clearance.is_exception and clearance.granted_by_id == team["boss"]
        actions = set(db.session.scalars(select(AuditEvent.action)))
        assert {"clearance.granted", "clearance.exception"} <= actions
    auth.logout()
    auth.login("tara@example.com")
    assert "Billing disputes" in client.get("/").get_data(as_text=True)


def test_limit_above_the_level_is_refused(client, auth, team):
    auth.login("boss@example.com")
    response = grant(client, team["tara"], level="2", limit="9999", justification="x")
    assert response.status_code == 422 and "9999" in response.get_data(as_text=True)


def test_nobody_grants_themselves_or_outside_their_team(client, auth, team, app):
    auth.login("boss@example.com")
    # Someone outside the team, oneself and nobody at all look the same: not found.
    assert grant(client, team["tom"], justification="x").status_code == 404
    assert grant(client, team["boss"], justification="x").status_code == 404
    assert grant(client, 999999, justification="x").status_code == 404
    auth.logout()
    auth.login("tara@example.com")  # a trainee is no manager at all
    # with a valid CSRF token, so that the role check is what refuses: no such page for her
    assert post_form(client, "/", f"/team/people/{team['tara']}/clearances").status_code == 404
    with app.app_context():
        assert db.session.scalar(select(Clearance)) is None


def _answers(client, page: str, urls: list[str], data: dict) -> list[tuple[int, str]]:
    """Status and page title of each POST: an existing record and a missing one must match."""
    answers = []
    for url in urls:
        response = post_form(client, page, url, data=data)
        title = response.get_data(as_text=True).split("<title>")[1].split("</title>")[0]
        answers.append((response.status_code, title))
    return answers


def test_another_teams_records_are_not_found_like_missing_ones(client, auth, team, app):
    auth.login("boss@example.com")
    grant(client, team["tara"], justification="Trusted with standard remedies.")
    with app.app_context():
        clearance_id = db.session.scalar(select(Clearance.id))
    auth.logout()
    auth.login("other@example.com")  # Tom's manager, not Tara's
    missing = 999999
    checks = [
        ("/team/people/{}/clearances", [team["tara"], missing],
         {"category": "billing-dispute", "level": "1", "limit": "0", "justification": "x"}),
        ("/team/clearances/{}/revoke", [clearance_id, missing], {"reason": "Guessing ids"}),
        ("/team/attempts/{}/override", [team["attempt"], missing],
         {"dimension": "empathy", "level": "4", "comment": "Guessing ids"}),
        ("/team/attempts/{}/confirm", [team["attempt"], missing], {}),
    ]
    for pattern, ids, data in checks:
        answers = _answers(client, "/team/", [pattern.format(i) for i in ids], data)
        assert answers[0] == answers[1] and answers[0][0] == 404, (pattern, answers)
    with app.app_context():
        clearance = db.session.get(Clearance, clearance_id)
        assert clearance.revoked_at is None and clearance.level == 1
        actions = set(db.session.scalars(select(AuditEvent.action)))
        assert not actions & {"clearance.revoked", "score.overridden", "score.confirmed"}


def test_a_trainee_gets_the_same_answer_for_any_record(client, auth, team):
    auth.login("tom@example.com")  # Tara and her attempt are neither his nor his team's
    token = csrf_token(client, "/")
    routes = [("GET", "/team/people/{}"), ("GET", "/team/attempts/{}"), ("GET", "/attempts/{}"),
              ("GET", "/attempts/{}/scorecard"), ("GET", "/attempts/{}/scorecard/status"),
              ("GET", "/attempts/{}/end"), ("POST", "/attempts/{}"), ("POST", "/attempts/{}/end"),
              ("POST", "/team/people/{}/clearances"), ("POST", "/team/attempts/{}/override"),
              ("POST", "/team/attempts/{}/confirm")]
    for method, url in routes:
        record = team["tara"] if "people" in url else team["attempt"]
        answers = [client.open(url.format(i), method=method, data={"csrf_token": token})
                   .status_code for i in (record, 999999)]
        assert answers[0] == answers[1] and answers[0] in (403, 404), (method, url, answers)


def test_revoke_needs_a_reason_and_stops_the_clearance(client, auth, team, app):
    auth.login("boss@example.com")
    grant(client, team["tara"], justification="Trusted with standard remedies.")
    with app.app_context():
        clearance_id = db.session.scalar(select(Clearance.id))
    page = f"/team/people/{team['tara']}"
    post_form(client, page, f"/team/clearances/{clearance_id}/revoke", data={"reason": ""})
    with app.app_context():
        assert db.session.get(Clearance, clearance_id).revoked_at is None
    post_form(client, page, f"/team/clearances/{clearance_id}/revoke",
              data={"reason": "Moved to another team"})
    with app.app_context():
        clearance = db.session.get(Clearance, clearance_id)
        assert clearance.revoked_at is not None
        assert clearance.revoke_reason == "Moved to another team"
    assert "Moved to another team" in client.get(page).get_data(as_text=True)


def test_manager_overrides_a_score_with_a_comment(client, auth, team, app):
    auth.login("other@example.com")  # not Tara's manager
    url = f"/team/attempts/{team['attempt']}"
    assert client.get(url).status_code == 404
    auth.logout()
    auth.login("boss@example.com")
    response = post_form(client, url, f"{url}/override",
                         data={"dimension": "empathy", "level": "3",
                               "comment": "She named the rent worry on the call recording."})
    assert response.status_code == 302
    auth.logout()
    auth.login("tara@example.com")
    card = client.get(f"/attempts/{team['attempt']}/scorecard").get_data(as_text=True)
    assert "Set by Morgan Boss" in card and "rent worry" in card
    with app.app_context():
        assert "score.overridden" in set(db.session.scalars(select(AuditEvent.action)))


def test_team_page_shows_readiness_overdue_and_expiry_sections(client, auth, team):
    auth.login("boss@example.com")
    page = client.get("/team/").get_data(as_text=True)
    for heading in ("Ready for a clearance", "Overdue training",
                    "Clearances expiring within 30 days"):
        assert heading in page


def test_trainee_sees_tracks_and_progress_towards_levels(client, auth, team):
    auth.login("tara@example.com")
    page = client.get("/").get_data(as_text=True)
    assert "Training tracks" in page and "Annual call-centre rotation" in page
    assert "Progress towards authority levels" in page and "Level 1" in page
