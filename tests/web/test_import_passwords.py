"""The web import's generated passwords: chosen on the upload form, offered once the import has
finished as one CSV download (email,password) to the admin who ran it, and then gone. Never in
the audit log, the job's rows or any page."""

from __future__ import annotations

import csv
import io
import json
import re

import pytest
from sqlalchemy import select
from werkzeug.security import generate_password_hash

from trainer.extensions import db
from trainer.models import AuditEvent, User, UserImportRow
from trainer.models.password_sheet import ImportPasswordSheet
from trainer.services import import_jobs, passwords
from trainer.services.password_sheets import ONE_TIME_PASSWORD_LENGTH

from .. import factories
from ..conftest import csrf_token, post_form

HEADER = "email,name,department,role,manager_email,password\n"
FILE = (HEADER + "ann@example.com,Ann Lee,Stores,trainee,,\n"
        "bob@example.com,Bob Ray,Stores,trainee,,\n"
        "cy@example.com,Cy Oak,Stores,trainee,,his own passphrase 9\n")
DOWNLOAD = re.compile(r'action="(/admin/imports/(\d+)/passwords)"')


@pytest.fixture
def admins(app):
    with app.app_context():
        factories.user("admin", email="admin@example.com", name="Ada Admin")
        factories.user("admin", email="other@example.com", name="Otto Other")
        factories.user("manager", email="mo@example.com", name="Mo Manager")


@pytest.fixture(autouse=True)
def imports_finish(app, monkeypatch):
    """Cheap scrypt hashes; every import thread done before the test's database goes."""
    monkeypatch.setattr(passwords, "hash_password",
                        lambda password: generate_password_hash(password, "scrypt:1024:8:1"))
    yield
    with app.app_context():
        assert import_jobs.wait_for_imports(timeout=300)


def upload(client, text: str = FILE, generate: bool = True):
    data = {"file": (io.BytesIO(text.encode()), "staff.csv")}
    if generate:
        data["generate_passwords"] = "y"
    return post_form(client, "/admin/users/import", data=data,
                     content_type="multipart/form-data")


def finished_page(app, client, response) -> tuple[str, str]:
    assert response.status_code == 302, response.get_data(as_text=True)
    with app.app_context():
        assert import_jobs.wait_for_imports(timeout=300)
    page = response.location
    return page, client.get(page).get_data(as_text=True)


def download(client, page: str, action: str):
    return client.post(action, data={"csrf_token": csrf_token(client, page)})


def test_the_upload_form_states_the_choice_and_the_one_download(client, auth, admins):
    auth.login("admin@example.com")
    html = client.get("/admin/users/import").get_data(as_text=True)
    assert 'name="generate_passwords"' in html
    assert "one download" in html and "nobody can see them again" in html


def test_generated_passwords_are_downloaded_once_and_then_gone(app, client, auth, admins):
    auth.login("admin@example.com")
    page, html = finished_page(app, client, upload(client))
    assert "Finished: 3 users imported." in html
    assert "It can be downloaded once" in html
    action = DOWNLOAD.search(html).group(1)
    response = download(client, page, action)
    assert response.status_code == 200
    assert response.mimetype == "text/csv" and response.headers["Cache-Control"] == "no-store"
    assert "attachment" in response.headers["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))
    assert [row["email"] for row in rows] == ["ann@example.com", "bob@example.com"]
    with app.app_context():
        for row in rows:  # each one logs its owner in
            assert len(row["password"]) == ONE_TIME_PASSWORD_LENGTH
            user = db.session.scalar(select(User).where(User.email == row["email"]))
            assert passwords.check_password(user.password_hash, row["password"])
        assert db.session.scalar(select(ImportPasswordSheet)) is None
    # ...and then gone: no second download, no button, nothing on any page
    again = download(client, page, action)
    assert again.status_code == 302
    html = client.get(again.location).get_data(as_text=True)
    assert "These passwords are gone" in html and not DOWNLOAD.search(html)
    for password in (row["password"] for row in rows):
        assert password not in html


def test_the_passwords_are_never_in_the_audit_log_nor_readable_in_the_database(app, client,
                                                                               auth, admins):
    auth.login("admin@example.com")
    page, html = finished_page(app, client, upload(client))
    with app.app_context():
        stored = json.dumps(db.session.scalar(select(ImportPasswordSheet)).entries)
    rows = list(csv.DictReader(io.StringIO(
        download(client, page, DOWNLOAD.search(html).group(1)).get_data(as_text=True))))
    with app.app_context():
        audited = json.dumps([[e.action, e.detail] for e in db.session.scalars(
            select(AuditEvent))])
        assert db.session.scalar(select(UserImportRow)) is None
    for row in rows:
        assert row["password"] not in audited and row["password"] not in stored
    assert '"users.import_passwords_downloaded", {"import": 1, "passwords": 2}' in audited
    assert '"generated_passwords": 2' in audited


def test_only_the_admin_who_ran_the_import_can_download(app, client, auth, admins):
    auth.login("admin@example.com")
    page, html = finished_page(app, client, upload(client))
    action = DOWNLOAD.search(html).group(1)
    auth.logout()
    auth.login("other@example.com")  # another admin sees the import, not its passwords
    html = client.get(page).get_data(as_text=True)
    assert "Finished: 3 users imported." in html and not DOWNLOAD.search(html)
    refused = download(client, page, action)
    assert refused.status_code == 302
    assert "These passwords are gone" in client.get(refused.location).get_data(as_text=True)
    auth.logout()
    auth.login("mo@example.com")  # a manager finds nothing at all
    assert client.get(page).status_code == 404
    assert client.post(action, data={"csrf_token": csrf_token(client, "/")}).status_code == 404
    with app.app_context():
        assert db.session.scalar(select(ImportPasswordSheet)) is not None  # still waiting


def test_logging_out_loses_them_and_the_page_says_so(app, client, auth, admins):
    auth.login("admin@example.com")
    page, _ = finished_page(app, client, upload(client))
    auth.logout()
    auth.login("admin@example.com")
    html = client.get(page).get_data(as_text=True)
    assert "for a session of yours that has ended" in html and not DOWNLOAD.search(html)


def test_without_a_csrf_token_nothing_is_downloaded(app, client, auth, admins):
    auth.login("admin@example.com")
    page, html = finished_page(app, client, upload(client))
    assert client.post(DOWNLOAD.search(html).group(1)).status_code == 400
    with app.app_context():
        assert db.session.scalar(select(ImportPasswordSheet)) is not None


def test_without_the_choice_nobody_gets_a_password(app, client, auth, admins):
    auth.login("admin@example.com")
    page, html = finished_page(app, client, upload(client, generate=False))
    assert "2 users have no password" in html and not DOWNLOAD.search(html)
    with app.app_context():
        assert db.session.scalar(select(ImportPasswordSheet)) is None


def test_a_row_skipped_by_the_job_is_left_out_of_the_download(app, client, auth, admins,
                                                             monkeypatch):
    """Bob is added by someone else between the check and the job: his row is skipped, and the
    password generated for it would log nobody in, so it is not handed out."""
    from trainer.services import user_import

    real_run = user_import.run_import

    def someone_adds_bob_first(import_id, pads, **kwargs):
        factories.user("trainee", email="bob@example.com")
        return real_run(import_id, pads, **kwargs)

    monkeypatch.setattr(import_jobs, "run_import", someone_adds_bob_first)
    auth.login("admin@example.com")
    page, html = finished_page(app, client, upload(client))
    assert "1 row skipped" in html
    rows = list(csv.DictReader(io.StringIO(
        download(client, page, DOWNLOAD.search(html).group(1)).get_data(as_text=True))))
    assert [row["email"] for row in rows] == ["ann@example.com"]
