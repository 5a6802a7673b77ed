"""Admin pages: only admins get in; create, import, deactivate, change role, set a password
(the import's progress page: test_user_import.py)."""

from __future__ import annotations

import io
import re

import pytest
from sqlalchemy import func, select

from trainer.extensions import db
from trainer.models import AuditEvent, User, UserImport
from trainer.services import import_jobs
from trainer.services.passwords import check_password
from trainer.services.user_csv import check_csv
from trainer.services.user_import import queue_import

from .. import factories
from ..conftest import post_form

HEADER = "email,name,department,role,manager_email\n"


@pytest.fixture
def people(app):
    with app.app_context():
        admin = factories.user("admin", email="admin@example.com", name="Ada Admin")
        boss = factories.user("manager", email="mo@example.com", name="Mo Manager")
        factories.user("trainee", email="tara@example.com", name="Tara Trainee", manager=boss)
        return {"admin": admin.id, "manager": boss.id}


def admin_urls(app, user_id: int, import_id: int = 1) -> list[tuple[str, str]]:
    """(method, url) for every admin route, so a new route cannot escape these tests."""
    urls = []
    for rule in app.url_map.iter_rules():
        if rule.endpoint.startswith("admin."):
            url = rule.rule.replace("<int:user_id>", str(user_id))
            url = url.replace("<int:import_id>", str(import_id))
            urls += [(method, url) for method in sorted(rule.methods & {"GET", "POST"})]
    assert len(urls) >= 11
    return urls


def user_by_email(app, email: str) -> User | None:
    with app.app_context():
        user = db.session.scalar(select(User).where(User.email == email))
        if user is not None:
            db.session.expunge(user)
        return user


def count_users(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count(User.id)))


@pytest.mark.parametrize("email", ["tara@example.com", "mo@example.com"])
def test_trainees_and_managers_find_no_admin_route(app, client, auth, people, email):
    """Every admin page and action answers them as a missing page would (404)."""
    with app.app_context():
        job = queue_import(check_csv(HEADER + "new@example.com,New,billing,trainee,\n"))
    auth.login(email)
    for method, url in admin_urls(app, people["admin"], job.job_id):
        if method == "GET":
            response = client.get(url)
        else:  # with a valid CSRF token, so that the role check is what refuses
            response = post_form(client, "/", url)
        assert response.status_code == 404, (method, url)
    assert user_by_email(app, "admin@example.com").active


def test_anonymous_visitors_are_sent_to_log_in(app, client, people):
    for method, url in admin_urls(app, people["admin"]):
        response = client.get(url) if method == "GET" else post_form(client, "/login", url)
        assert response.status_code == 302, (method, url)
        assert response.headers["Location"].startswith("/login"), (method, url)


def test_the_user_list_shows_everyone_without_inline_code(client, auth, people):
    auth.login("admin@example.com")
    response = client.get("/admin/users")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    for text in ("Ada Admin", "tara@example.com", "Mo Manager", "billing", "Deactivate"):
        assert text in html
    assert "<script>" not in html and "style=" not in html
    # no buttons to deactivate or demote yourself
    assert f"/admin/users/{people['admin']}/deactivate" not in html
    assert f"/admin/users/{people['admin']}/role" not in html


def test_an_admin_creates_a_user_with_the_form(app, client, auth, people):
    auth.login("admin@example.com")
    response = post_form(client, "/admin/users/new", data={
        "email": "New.Person@Example.com", "name": "New Person", "role": "trainee",
        "department": "Complaints", "manager_email": "mo@example.com",
        "start_date": "2026-04-01", "password": "", "confirm": ""}, follow_redirects=True)
    html = response.get_data(as_text=True)
    assert "Created New Person (new.person@example.com)" in html
    assert "cannot log in until a password is set" in html
    user = user_by_email(app, "new.person@example.com")
    assert user.role == "trainee" and user.manager_id == people["manager"]
    with app.app_context():
        event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "user.created"))
        assert event.actor_id == people["admin"]


def test_a_form_error_keeps_what_was_typed_and_shows_it_beside_the_field(app, client, auth,
                                                                         people):
    auth.login("admin@example.com")
    response = post_form(client, "/admin/users/new", data={
        "email": "not-an-email", "name": "Zed Typed", "role": "manager",
        "department": "Typed Dept", "manager_email": "", "password": "", "confirm": ""})
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert 'value="not-an-email"' in html and 'value="Zed Typed"' in html
    assert 'value="Typed Dept"' in html
    assert re.search(r'<option selected value="manager">|<option value="manager" selected', html)
    assert re.search(r'id="email"[^>]*aria-invalid="true"|aria-invalid="true"[^>]*id="email"',
                     html)
    assert 'id="email-error">Bad email' in html
    assert count_users(app) == 3


def test_the_form_refuses_a_taken_email_and_a_weak_password(client, auth, people):
    auth.login("admin@example.com")
    html = post_form(client, "/admin/users/new", data={
        "email": "TARA@example.com", "name": "Tara Again", "role": "trainee",
        "department": "billing", "manager_email": "", "password": "password",
        "confirm": "password"}).get_data(as_text=True)
    assert 'id="email-error">Email already exists: tara@example.com.' in html
    assert 'id="password-error">Password refused: This password is too common' in html


def upload(client, text: str, name: str = "staff.csv"):
    return post_form(client, "/admin/users/import", data={
        "file": (io.BytesIO(text.encode()), name)}, content_type="multipart/form-data")


def finish_imports(app) -> None:
    with app.app_context():
        assert import_jobs.wait_for_imports(timeout=300)


def test_a_csv_upload_leads_to_its_progress_page_and_report(app, client, auth, people):
    auth.login("admin@example.com")
    response = upload(client, HEADER + "ann@example.com,Ann Lee,Support,trainee,bo@example.com\n"
                      + "bo@example.com,Bo Boss,Support,manager,mo@example.com\n")
    assert response.status_code == 302
    assert re.fullmatch(r"/admin/imports/\d+", response.headers["Location"])
    finish_imports(app)
    html = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "<h1>Import of staff.csv</h1>" in html
    assert "Finished: 2 users imported." in html
    assert "<td>Support</td>" in html  # departments created
    assert "2 users have no password and cannot log in until an admin sets one" in html
    assert user_by_email(app, "ann@example.com").manager_id == \
        user_by_email(app, "bo@example.com").id
    assert "staff.csv" in client.get("/admin/users/import").get_data(as_text=True)  # recent


def test_a_bad_csv_upload_lists_each_line_and_imports_nothing(app, client, auth, people):
    auth.login("admin@example.com")
    response = upload(client, HEADER + "ann@example.com,Ann,Support,trainee,\n"
                      + "bob@example.com,Bob,Support,boss,\n"
                      + "tara@example.com,Tara,billing,trainee,\n")
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Nothing was imported" in html
    assert "line 3: unknown role &#39;boss&#39;" in html
    assert "line 4: email already exists: tara@example.com" in html
    assert count_users(app) == 3
    with app.app_context():
        assert db.session.scalar(select(func.count(UserImport.id))) == 0


def test_the_upload_form_requires_a_csv_file(client, auth, people):
    auth.login("admin@example.com")
    html = upload(client, "not,a,csv", name="staff.exe").get_data(as_text=True)
    assert "Upload a .csv file." in html


def test_an_admin_deactivates_and_reactivates_a_user(app, client, auth, people):
    auth.login("admin@example.com")
    tara = user_by_email(app, "tara@example.com")
    response = post_form(client, "/admin/users", f"/admin/users/{tara.id}/deactivate",
                         follow_redirects=True)
    assert "Tara Trainee is deactivated." in response.get_data(as_text=True)
    assert not user_by_email(app, "tara@example.com").active
    post_form(client, "/admin/users", f"/admin/users/{tara.id}/reactivate")
    assert user_by_email(app, "tara@example.com").active


def test_a_deactivated_user_is_logged_out_at_once(app, client, auth, people):
    other = app.test_client()
    post_form(other, "/login", data={"email": "tara@example.com", "password": factories.PASSWORD})
    assert other.get("/").status_code == 200
    auth.login("admin@example.com")
    tara = user_by_email(app, "tara@example.com")
    post_form(client, "/admin/users", f"/admin/users/{tara.id}/deactivate")
    assert other.get("/").status_code == 302


def test_an_admin_cannot_deactivate_or_demote_themselves(app, client, auth, people):
    auth.login("admin@example.com")
    me = people["admin"]
    html = post_form(client, "/admin/users", f"/admin/users/{me}/deactivate",
                     follow_redirects=True).get_data(as_text=True)
    assert "You cannot deactivate your own account." in html
    html = post_form(client, "/admin/users", f"/admin/users/{me}/role", data={"role": "trainee"},
                     follow_redirects=True).get_data(as_text=True)
    assert "You cannot remove your own admin role." in html
    admin = user_by_email(app, "admin@example.com")
    assert admin.active and admin.role == "admin"


def test_an_admin_changes_a_role(app, client, auth, people):
    auth.login("admin@example.com")
    tara = user_by_email(app, "tara@example.com")
    html = post_form(client, "/admin/users", f"/admin/users/{tara.id}/role",
                     data={"role": "manager"}, follow_redirects=True).get_data(as_text=True)
    assert "Tara Trainee is now manager." in html
    assert user_by_email(app, "tara@example.com").role == "manager"
    response = post_form(client, "/admin/users", f"/admin/users/{tara.id}/role",
                         data={"role": "boss"})
    assert response.status_code == 400


def test_an_admin_sets_a_password(app, client, auth, people):
    auth.login("admin@example.com")
    tara = user_by_email(app, "tara@example.com")
    page = f"/admin/users/{tara.id}/password"
    html = post_form(client, page, data={"password": "new pass phrase 7",
                                         "confirm": "different"}).get_data(as_text=True)
    assert "The passwords differ." in html
    response = post_form(client, page, data={"password": "new pass phrase 7",
                                             "confirm": "new pass phrase 7"})
    assert response.status_code == 302
    assert check_password(user_by_email(app, "tara@example.com").password_hash,
                          "new pass phrase 7")


def test_unknown_users_are_404(client, auth, people):
    auth.login("admin@example.com")
    assert client.get("/admin/users/999/password").status_code == 404
    assert post_form(client, "/admin/users", "/admin/users/999/deactivate").status_code == 404
