"""The trainee's whole flow through the test client: dashboard, play, resume, end, scorecard."""

from __future__ import annotations

import re

import pytest
from markupsafe import escape
from sqlalchemy import select

from trainer.extensions import db
from trainer.models import Attempt, Turn

from .. import factories
from ..conftest import csrf_token, post_form

SCENARIO = "billing-double-charge"


@pytest.fixture
def people(app):
    with app.app_context():
        boss = factories.user("manager", email="boss@example.com")
        other_boss = factories.user("manager", email="other@example.com")
        trainee = factories.user("trainee", email="tara@example.com", name="Tara Singh",
                                manager=boss)
        factories.user("trainee", email="tom@example.com", name="Tom Berg", manager=other_boss)
        return {"trainee_id": trainee.id}


def start(client, scenario=SCENARIO):
    return post_form(client, "/", f"/scenarios/{scenario}/start")


def answer(client, attempt_url, text):
    page = client.get(attempt_url).get_data(as_text=True)
    expected = re.search(r'name="expected_turn"[^>]*value="(\d+)"', page).group(1)
    return client.post(attempt_url, data={"csrf_token": csrf_token(client, attempt_url),
                                          "answer": text, "expected_turn": expected})


def test_dashboard_lists_scenarios_with_category_department_and_difficulty(client, auth, people):
    auth.login("tara@example.com")
    page = client.get("/").get_data(as_text=True)
    assert "Charged twice for the same month" in page
    assert "Billing disputes" in page and "billing" in page and "Involved" in page
    assert "No attempts yet" in page


def _listed(page: str) -> list[str]:
    """The scenario ids in the order the dashboard's start buttons list them."""
    return list(dict.fromkeys(re.findall(r'formaction="/scenarios/([^"/]+)/start"', page)))


def test_each_department_sees_its_own_scenarios_first_each_with_both_start_buttons(
        client, auth, app, people):
    from trainer.services.library import get_library
    with app.app_context():
        factories.user("trainee", email="dev@example.com", dept="technical-support")
        library = get_library()
    department = {s.id: s.department for s in library.scenarios.values()}
    auth.login("tara@example.com")
    page = client.get("/").get_data(as_text=True)
    billing = _listed(page)
    assert sorted(billing) == sorted(library.scenarios)
    assert {department[s] for s in billing[:6]} == {"billing"}
    # every button posts the page's one start form, which carries the CSRF token
    assert re.search(r'<form method="post" id="start-scenario"[^>]*>\s*<input[^>]*csrf_token',
                     page)
    assert page.count('form="start-scenario"') == 2 * len(library.scenarios)
    auth.logout()
    auth.login("dev@example.com")
    support = _listed(client.get("/").get_data(as_text=True))
    assert {department[s] for s in support[:6]} == {"technical-support"}
    assert sorted(support) == sorted(billing)


def test_a_new_library_shows_on_the_dashboard(client, auth, app, people):
    """The scenario table is rendered once per library: replacing the library renews it."""
    import dataclasses

    from trainer.services.library import KEY, get_library
    auth.login("tara@example.com")
    assert "Charged twice for the same month" in client.get("/").get_data(as_text=True)
    with app.app_context():
        library = get_library()
        scenario = library.scenarios[SCENARIO]
        app.extensions[KEY] = dataclasses.replace(library, scenarios={
            **library.scenarios, SCENARIO: dataclasses.replace(scenario, title="Billed twice")})
    page = client.get("/").get_data(as_text=True)
    assert "Billed twice" in page and "Charged twice for the same month" not in page


def test_start_shows_opening_beside_the_case_file_and_mood(client, auth, people):
    auth.login("tara@example.com")
    response = start(client)
    assert response.status_code == 302
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "charged twice for March" in page
    assert "Case file" in page and "retry bug" in page  # a fact
    assert "goodwill credit of up to 10" in page  # the policy
    assert 'class="mood mood-frustrated"' in page
    assert "Says the refund arrives within 5 working days" not in page  # never the answer key


def test_answer_gets_an_in_character_reply_and_reload_resumes(client, auth, people, app):
    auth.login("tara@example.com")
    url = start(client).headers["Location"]
    response = answer(client, url, "Not my department. You'll have to call your bank.")
    assert response.status_code == 302
    page = client.get(url).get_data(as_text=True)
    assert "Not my department" in page
    assert "Why should I chase my bank for your mistake?" in page  # the red flag's objection
    again = client.get(url).get_data(as_text=True)  # reload: the same conversation
    assert again.count("Not my department") == 1
    assert start(client).headers["Location"] == url  # starting again resumes it


def test_the_same_form_sent_twice_counts_once(client, auth, people, app):
    auth.login("tara@example.com")
    url = start(client).headers["Location"]
    token = csrf_token(client, url)
    for _ in range(2):
        client.post(url, data={"csrf_token": token, "answer": "I will sort this out today.",
                               "expected_turn": "1"})
    with app.app_context():
        turns = db.session.scalars(select(Turn).where(Turn.role == "trainee")).all()
        assert len(turns) == 1


def test_empty_or_overlong_answer_is_refused_and_keeps_what_was_typed(client, auth, people):
    auth.login("tara@example.com")
    url = start(client).headers["Location"]
    response = answer(client, url, "   ")
    assert response.status_code == 422
    assert "Write your answer to the customer first." in response.get_data(as_text=True)
    long_text = "I understand. " * 400
    response = answer(client, url, long_text)
    body = response.get_data(as_text=True)
    assert response.status_code == 422 and "Keep your answer under 4000 characters" in body
    assert "I understand. I understand." in body  # what was typed is still in the box


def test_answer_is_stored_even_when_the_customer_engine_fails(client, auth, people, app,
                                                              monkeypatch):
    from trainer.domain.customer.scripted import ScriptedCustomer

    def broken(self, scenario, transcript):
        raise RuntimeError("engine down")

    monkeypatch.setattr(ScriptedCustomer, "respond", broken)
    auth.login("tara@example.com")
    url = start(client).headers["Location"]
    app.config["PROPAGATE_EXCEPTIONS"] = False
    response = answer(client, url, "My careful answer that must not be lost.")
    assert response.status_code == 500
    with app.app_context():
        saved = db.session.scalar(select(Turn).where(Turn.role == "trainee"))
        assert saved.text == "My careful answer that must not be lost."


def test_ending_gives_an_explained_scorecard_with_retry(client, auth, people, app):
    auth.login("tara@example.com")
    url = start(client).headers["Location"]
    with app.app_context():
        model_answer = db.session.scalar(select(Attempt)).scenario_snapshot["model_answer"]
    answer(client, url, "Sorry for any inconvenience. Someone will look into it.")
    answer(client, url, "As I said, someone will look into it.")
    attempt_id = url.rsplit("/", 1)[1]
    end_page = f"/attempts/{attempt_id}/end"
    done = post_form(client, end_page, data={"confirm": "yes"})
    assert done.headers["Location"].endswith(f"/attempts/{attempt_id}/scorecard")
    page = client.get(done.headers["Location"]).get_data(as_text=True)
    for heading in ("Empathy", "Ownership", "Accuracy", "Key points", "A model answer",
                    "Try this scenario again", "practice"):
        assert heading in page
    assert "Not passed yet" in page
    assert str(escape(model_answer[:40])) in page
    assert "Someone will look into it." in page  # quoted back in the transcript/evidence
    assert client.get(url).headers["Location"].endswith("/scorecard")  # play page is closed


def test_a_good_conversation_passes(client, auth, people, app):
    auth.login("tara@example.com")
    url = start(client).headers["Location"]
    with app.app_context():
        model_answer = db.session.scalar(select(Attempt)).scenario_snapshot["model_answer"]
    answer(client, url, model_answer)
    attempt_id = url.rsplit("/", 1)[1]
    if "/scorecard" not in client.get(url).headers.get("Location", ""):  # waiting for a close
        answer(client, url, "Is there anything else I can help with today?")
    if "/scorecard" not in client.get(url).headers.get("Location", ""):
        post_form(client, f"/attempts/{attempt_id}/end", data={"confirm": "yes"})
    page = client.get(f"/attempts/{attempt_id}/scorecard").get_data(as_text=True)
    assert "Passed" in page and "Not passed yet" not in page


def test_other_people_cannot_see_an_attempt(client, auth, people, app):
    auth.login("tara@example.com")
    url = start(client).headers["Location"]
    attempt_id = url.rsplit("/", 1)[1]
    auth.logout()
    auth.login("tom@example.com")  # another trainee
    assert client.get(url).status_code == 404
    assert client.get(f"/attempts/{attempt_id}/scorecard").status_code == 404
    assert client.get("/team/").status_code == 404
    auth.logout()
    auth.login("other@example.com")  # a manager, but not Tara's
    assert client.get(f"/team/attempts/{attempt_id}").status_code == 404
    auth.logout()
    auth.login("boss@example.com")  # Tara's manager
    page = client.get(f"/team/attempts/{attempt_id}").get_data(as_text=True)
    assert "charged twice for March" in page
    team = client.get("/team/").get_data(as_text=True)
    assert "Tara Singh" in team and "Tom Berg" not in team


def test_manager_sees_a_team_members_history_but_not_another_teams(client, auth, people, app):
    auth.login("tara@example.com")
    url = start(client).headers["Location"]
    attempt_id = url.rsplit("/", 1)[1]
    auth.logout()
    auth.login("boss@example.com")
    page = client.get(f"/team/people/{people['trainee_id']}").get_data(as_text=True)
    assert "Tara Singh" in page and f"/team/attempts/{attempt_id}" in page
    assert "in progress" in page
    auth.logout()
    auth.login("other@example.com")
    assert client.get(f"/team/people/{people['trainee_id']}").status_code == 404
