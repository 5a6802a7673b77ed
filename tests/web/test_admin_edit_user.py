"""The admin's page for one person: edit name, department, manager and start date; move all of a
manager's reports to someone else; found from the users list. Only admins find it (404)."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from trainer.extensions import db
from trainer.models import AuditEvent, User

from .. import factories
from ..conftest import csrf_token, post_form


@pytest.fixture
def people(app):
    """Ada (admin) over Mo (manager) over Lee (manager) over Tara (trainee); Kim (manager)."""
    with app.app_context():
        ada = factories.user("admin", email="admin@example.com", name="Ada Admin")
        mo = factories.user("manager", email="mo@example.com", name="Mo Manager", manager=ada)
        lee = factories.user("manager", email="lee@example.com", name="Lee Lead", manager=mo)
        tara = factories.user("trainee", email="tara@example.com", name="Tara Trainee",
                              manager=lee)
        kim = factories.user("manager", email="kim@example.com", name="Kim Keeper")
        return {name: person.id for name, person in
                {"ada": ada, "mo": mo, "lee": lee, "tara": tara, "kim": kim}.items()}


def person(app, user_id: int) -> dict:
    with app.app_context():
        user = db.session.get(User, user_id)
        return {"name": user.name, "department": user.department.name,
                "manager": user.manager.email if user.manager else None,
                "start_date": user.start_date, "role": user.role}


def audit(app, action: str) -> list[dict]:
    with app.app_context():
        return [event.detail for event in db.session.scalars(
            select(AuditEvent).where(AuditEvent.action == action))]


def edit(client, user_id: int, **data):
    page = f"/admin/users/{user_id}/edit"
    return post_form(client, page, data=data)


@pytest.mark.parametrize("email", ["mo@example.com", "tara@example.com"])
def test_managers_and_trainees_find_nothing_there(app, client, auth, people, email):
    auth.login(email)
    for user_id in (people["tara"], people["lee"], 999):
        assert client.get(f"/admin/users/{user_id}/edit").status_code == 404
        token = csrf_token(client, "/")  # a valid token: the role is what refuses
        assert client.post(f"/admin/users/{user_id}/edit", data={
            "csrf_token": token, "name": "Hacked", "department": "x"}).status_code == 404
        assert client.post(f"/admin/users/{user_id}/reports", data={
            "csrf_token": token, "to_email": "kim@example.com"}).status_code == 404
    assert person(app, people["tara"])["name"] == "Tara Trainee"
    assert person(app, people["tara"])["manager"] == "lee@example.com"


def test_anonymous_visitors_are_sent_to_log_in(client, people):
    response = client.get(f"/admin/users/{people['tara']}/edit")
    assert response.status_code == 302 and response.location.startswith("/login")


def test_a_post_without_a_csrf_token_changes_nothing(app, client, auth, people):
    auth.login("admin@example.com")
    response = client.post(f"/admin/users/{people['tara']}/edit",
                           data={"name": "No Token", "department": "billing"})
    assert response.status_code == 400
    response = client.post(f"/admin/users/{people['lee']}/reports",
                           data={"to_email": "kim@example.com", "expected": "1"})
    assert response.status_code == 400
    assert person(app, people["tara"]) == {"name": "Tara Trainee", "department": "billing",
                                           "manager": "lee@example.com", "start_date": None,
                                           "role": "trainee"}


def test_the_list_links_each_name_to_its_page_and_counts_reports(client, auth, people):
    auth.login("admin@example.com")
    html = client.get("/admin/users").get_data(as_text=True)
    assert f'href="/admin/users/{people["tara"]}/edit"' in html
    row = re.search(rf'<tr id="user-{people["mo"]}">(.*?)</tr>', html, re.S).group(1)
    assert f'href="/admin/users?manager={people["mo"]}">1 report</a>' in row
    team = client.get(f"/admin/users?manager={people['lee']}").get_data(as_text=True)
    assert re.findall(r'<tr id="user-(\d+)">', team) == [str(people["tara"])]
    assert "reporting to" in team and "Lee Lead" in team
    for nobody in ("99999999999999999999", "abc", "-1"):  # ignored, never an error
        assert client.get(f"/admin/users?manager={nobody}").status_code == 200


def test_the_form_shows_the_person_and_only_the_managers_they_may_have(client, auth, people):
    auth.login("admin@example.com")
    html = client.get(f"/admin/users/{people['mo']}/edit").get_data(as_text=True)
    assert 'value="Mo Manager"' in html and 'value="billing"' in html
    select_html = re.search(r'<select[^>]*id="manager_email".*?</select>', html, re.S).group(0)
    assert "admin@example.com" in select_html and "kim@example.com" in select_html
    for below in ("mo@example.com", "lee@example.com", "tara@example.com"):
        assert below not in select_html  # themselves, and those under them
    assert "1 person reports directly to Mo Manager" in html
    assert "Move the 1 report" in html


def test_an_admin_changes_every_field_and_it_is_audited(app, client, auth, people):
    auth.login("admin@example.com")
    response = edit(client, people["tara"], name="Tara Singh", department="Complaints",
                    manager_email="kim@example.com", start_date="2026-04-01")
    assert response.status_code == 302
    html = client.get(response.location).get_data(as_text=True)
    assert "Saved Tara Singh: name, department, manager, start date changed." in html
    assert person(app, people["tara"])["manager"] == "kim@example.com"
    assert str(person(app, people["tara"])["start_date"]) == "2026-04-01"
    [detail] = audit(app, "user.edited")
    assert detail["changes"]["name"] == {"from": "Tara Trainee", "to": "Tara Singh"}
    assert detail["changes"]["department"] == {"from": "billing", "to": "Complaints"}
    cleared = edit(client, people["tara"], name="Tara Singh", department="Complaints",
                   manager_email="kim@example.com", start_date="")
    assert cleared.status_code == 302 and person(app, people["tara"])["start_date"] is None


def test_a_loop_is_refused_beside_the_field_and_the_form_keeps_what_was_typed(app, client,
                                                                              auth, people):
    auth.login("admin@example.com")
    response = edit(client, people["mo"], name="Mo Typed", department="Typed Dept",
                    manager_email="lee@example.com", start_date="2026-05-06")
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert ('id="manager_email-error">Lee Lead reports to Mo Manager (directly or through '
            'others), so Mo Manager cannot report to Lee Lead: that would be a loop.') in html
    assert 'value="Mo Typed"' in html and 'value="Typed Dept"' in html
    assert 'value="2026-05-06"' in html
    assert re.search(r'<option selected value="lee@example.com">|'
                     r'<option value="lee@example.com" selected', html)
    assert person(app, people["mo"])["name"] == "Mo Manager"
    assert audit(app, "user.edited") == []


def test_nobody_can_be_their_own_manager_and_a_bad_date_is_caught(app, client, auth, people):
    auth.login("admin@example.com")
    html = edit(client, people["kim"], name="Kim Keeper", department="billing",
                manager_email="kim@example.com").get_data(as_text=True)
    assert 'id="manager_email-error">Nobody can be their own manager.' in html
    bad = edit(client, people["kim"], name="", department="billing", start_date="2026-13-40")
    assert bad.status_code == 422
    body = bad.get_data(as_text=True)
    assert 'id="start_date-error"' in body and 'id="name-error"' in body


def test_all_reports_move_at_once_and_it_is_audited(app, client, auth, people):
    with app.app_context():
        factories.user("trainee", email="sam@example.com", name="Sam Novak",
                       manager=db.session.get(User, people["lee"]))
    auth.login("admin@example.com")
    page = f"/admin/users/{people['lee']}/edit"
    assert "Move all 2 reports" in client.get(page).get_data(as_text=True)
    response = post_form(client, page, f"/admin/users/{people['lee']}/reports",
                         data={"to_email": "kim@example.com", "expected": "2"})
    assert response.status_code == 302
    html = client.get(response.location).get_data(as_text=True)
    assert "Moved 2 people from Lee Lead to Kim Keeper." in html
    assert "Nobody reports to Lee Lead." in html
    assert person(app, people["tara"])["manager"] == "kim@example.com"
    [detail] = audit(app, "user.reports_moved")
    assert detail["count"] == 2 and detail["to"] == "kim@example.com"
    assert sorted(detail["reports"]) == ["sam@example.com", "tara@example.com"]


def test_moving_reports_under_one_of_them_is_refused(app, client, auth, people):
    auth.login("admin@example.com")
    page = f"/admin/users/{people['mo']}/edit"
    response = post_form(client, page, f"/admin/users/{people['mo']}/reports",
                         data={"to_email": "lee@example.com", "expected": "1"})
    assert response.status_code == 422
    assert ('id="to_email-error">Lee Lead reports to Mo Manager (directly or through others): '
            "moving Mo Manager&#39;s reports to them would make a loop.") in \
        response.get_data(as_text=True)
    assert person(app, people["lee"])["manager"] == "mo@example.com"


def test_demoting_a_manager_with_reports_leads_to_moving_them(app, client, auth, people):
    auth.login("admin@example.com")
    response = post_form(client, "/admin/users", f"/admin/users/{people['lee']}/role",
                         data={"role": "trainee"})
    assert response.location.endswith(f"/admin/users/{people['lee']}/edit#reports")
    html = client.get(response.location).get_data(as_text=True)
    assert "Lee Lead is now trainee, and 1 person still reports to them" in html
    assert "Lee Lead is no longer a manager: move them to someone else." in html


def test_the_page_costs_the_same_for_a_team_of_2_and_of_40(app, client, auth, people, count_sql):
    def cost(user_id: int):
        url = f"/admin/users/{user_id}/edit"
        assert client.get(url).status_code == 200
        with count_sql() as sql:
            assert client.get(url).status_code == 200
        return sql

    with app.app_context():
        small = factories.user("manager", email="small@example.com")
        large = factories.user("manager", email="large@example.com")
        for n in range(2):
            factories.user("trainee", email=f"s{n}@example.com", manager=small)
        for n in range(40):
            factories.user("trainee", email=f"l{n}@example.com", manager=large)
        ids = small.id, large.id
    auth.login("admin@example.com")
    few, many = cost(ids[0]), cost(ids[1])
    assert few.count == many.count, f"2 reports: {few}\n\n40 reports: {many}"
