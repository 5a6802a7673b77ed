"""The staff import over HTTP: the file checked in the request, the users created by a job
after it, and a progress page that polls until the import has finished or failed."""

from __future__ import annotations

import io
import re
from datetime import timedelta

import pytest
from sqlalchemy import func, select
from werkzeug.security import generate_password_hash

from trainer.extensions import db
from trainer.models import User, UserImport
from trainer.models._types import utcnow
from trainer.services import import_jobs, passwords
from trainer.services.user_csv import check_csv
from trainer.services.user_import import fail_import, queue_import

from .. import factories
from ..conftest import post_form

HEADER = "email,name,department,role,manager_email,password\n"
POLLS = re.compile(r'hx-get="/admin/imports/\d+/status" hx-trigger="every 2s"')


@pytest.fixture
def people(app):
    with app.app_context():
        factories.user("admin", email="admin@example.com", name="Ada Admin")
        factories.user("manager", email="mo@example.com")
        factories.user("trainee", email="tara@example.com")


@pytest.fixture(autouse=True)
def imports_finish(app, monkeypatch):
    """Real scrypt hashes at a test's cost (the login check reads the cost from the hash); and
    every import thread done before the test's database goes."""
    monkeypatch.setattr(passwords, "hash_password",
                        lambda password: generate_password_hash(password, "scrypt:1024:8:1"))
    yield
    with app.app_context():
        assert import_jobs.wait_for_imports(timeout=300)


def upload(client, text: str, name: str = "staff.csv"):
    return post_form(client, "/admin/users/import", data={
        "file": (io.BytesIO(text.encode()), name)}, content_type="multipart/form-data")


def staff(n: int) -> str:
    return HEADER + "".join(f"p{i}@example.com,Person {i},Stores,trainee,mo@example.com,"
                            f"a long passphrase {i}\n" for i in range(n))


def a_job(app, **state) -> int:
    """An import in the given state, as a job would have left it."""
    with app.app_context():
        job = queue_import(check_csv(staff(3)), source="staff.csv")
        row = db.session.get(UserImport, job.job_id)
        for name, value in state.items():
            setattr(row, name, value)
        db.session.commit()
        return job.job_id


def test_300_users_with_passwords_are_created_after_a_prompt_redirect(app, client, auth,
                                                                       people):
    auth.login("admin@example.com")
    response = upload(client, staff(300))
    assert response.status_code == 302
    page = response.headers["Location"]
    assert re.fullmatch(r"/admin/imports/\d+", page)
    with app.app_context():
        assert import_jobs.wait_for_imports(timeout=300)
        assert db.session.scalar(select(func.count(User.id)).where(
            User.email.like("p%@example.com"))) == 300
    html = client.get(page).get_data(as_text=True)
    assert "Finished: 300 users imported." in html and not POLLS.search(html)
    assert '<td id="import-done">300 of 300</td>' in html
    auth.logout()
    assert auth.login("p299@example.com", "a long passphrase 299").status_code == 302
    assert client.get("/").status_code == 200


def test_an_invalid_file_imports_nothing_and_lists_every_problem(app, client, auth, people):
    auth.login("admin@example.com")
    response = upload(client, HEADER + "ok@example.com,Ok,Stores,trainee,,a long passphrase\n"
                      + "bad,Bad,Stores,trainee,,\n"
                      + "me@example.com,Me,Stores,chief,,short\n")
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Fix these 3 problems in the file" in html
    assert "line 3: bad email &#39;bad&#39;" in html
    assert "line 4: unknown role &#39;chief&#39;" in html
    assert "line 4: password refused: Use at least 8 characters." in html
    with app.app_context():
        assert db.session.scalar(select(func.count(UserImport.id))) == 0
        assert db.session.scalar(select(User).where(User.email == "ok@example.com")) is None


def test_an_upload_without_its_csrf_token_is_refused(app, client, auth, people):
    auth.login("admin@example.com")
    response = client.post("/admin/users/import", data={
        "file": (io.BytesIO(staff(1).encode()), "staff.csv")}, content_type="multipart/form-data")
    assert response.status_code == 400
    with app.app_context():
        assert db.session.scalar(select(func.count(UserImport.id))) == 0


def test_a_running_import_shows_its_progress_and_polls(app, client, auth, people):
    job_id = a_job(app, status="running", done=2, created=2, heartbeat_at=utcnow())
    auth.login("admin@example.com")
    html = client.get(f"/admin/imports/{job_id}").get_data(as_text=True)
    assert "Importing: 2 of 3 rows done." in html
    assert '<progress value="2" max="3">' in html and POLLS.search(html)
    partial = client.get(f"/admin/imports/{job_id}/status").get_data(as_text=True)
    assert "<html" not in partial
    assert "Importing: 2 of 3 rows done." in partial and POLLS.search(partial)


def test_a_failed_import_shows_its_message_and_stops_polling(app, client, auth, people):
    job_id = a_job(app)
    with app.app_context():
        fail_import(job_id, "The worker was stopped.")
    auth.login("admin@example.com")
    html = client.get(f"/admin/imports/{job_id}/status").get_data(as_text=True)
    assert ("Failed. The worker was stopped. Users created: 0 of 3. Not imported: lines 2-4; "
            "upload a file with only those rows to import them.") in html
    assert not POLLS.search(html)


def test_an_import_left_running_by_a_dead_process_fails_when_viewed(app, client, auth, people):
    job_id = a_job(app, status="running", heartbeat_at=utcnow() - timedelta(hours=1))
    auth.login("admin@example.com")
    html = client.get(f"/admin/imports/{job_id}").get_data(as_text=True)
    assert "Failed. The import stopped: the process running it ended" in html
    assert not POLLS.search(html)
    with app.app_context():
        assert db.session.get(UserImport, job_id).status == "failed"


@pytest.mark.parametrize("email", ["tara@example.com", "mo@example.com"])
def test_an_import_is_not_found_by_anyone_but_admins(app, client, auth, people, email):
    job_id = a_job(app)
    auth.login(email)
    assert client.get(f"/admin/imports/{job_id}").status_code == 404
    assert client.get(f"/admin/imports/{job_id}/status").status_code == 404


def test_an_unknown_import_is_404_and_anonymous_visitors_log_in(app, client, auth, people):
    job_id = a_job(app)
    response = client.get(f"/admin/imports/{job_id}")
    assert response.status_code == 302 and response.headers["Location"].startswith("/login")
    auth.login("admin@example.com")
    assert client.get("/admin/imports/999999").status_code == 404
