"""Invitations to set a password, against a real SMTP server (aiosmtpd on loopback): from the
admin's edit page, from the web import and from `trainer users import --invite`; each link sets
the password once. Without email, the import keeps its generated passwords and no button shows."""

from __future__ import annotations

import io
import re
from urllib.parse import urlsplit

import pytest
from sqlalchemy import select
from werkzeug.security import generate_password_hash

from trainer.extensions import db
from trainer.models import AuditEvent, PasswordToken, User
from trainer.services import import_jobs, passwords

from .. import factories, mailserver
from ..conftest import AuthActions, post_form

BASE = "http://localhost"
NEW = "my-own-chosen-passphrase-3"
FILE = ("email,name,department,role,manager_email,password\n"
        "ann@example.com,Ann Lee,Stores,trainee,,\n"
        "bob@example.com,Bob Ray,Stores,trainee,,\n"
        "cy@example.com,Cy Oak,Stores,trainee,,his own passphrase 9\n")
INVITE_BUTTON = re.compile(r'action="(/admin/users/(\d+)/invite)"')


@pytest.fixture(autouse=True)
def quick_hashes(app, monkeypatch):
    """Cheap scrypt hashes; every import thread done before the test's database goes."""
    monkeypatch.setattr(passwords, "hash_password",
                        lambda password: generate_password_hash(password, "scrypt:1024:8:1"))
    yield
    with app.app_context():
        assert import_jobs.wait_for_imports(timeout=300)


@pytest.fixture
def admin(app):
    with app.app_context():
        return factories.user("admin", email="admin@example.com", name="Ada Admin").id


def _mail_on(app, smtp) -> None:
    app.config.update(TRAINER_SMTP_URL=smtp.url(), TRAINER_BASE_URL=BASE)


def _link(message) -> str:
    text, html = mailserver.parts(message)
    [link] = [u for u in mailserver.links(text) if "/password/reset/" in u]
    assert f'href="{link}"' in html
    return urlsplit(link).path


def _by_recipient(messages) -> dict[str, object]:
    return {str(m["To"].addresses[0].addr_spec): m for m in messages}


def test_an_admin_invites_a_person_without_a_password(app, client, smtp, admin):
    _mail_on(app, smtp)
    with app.app_context():
        dee = factories.user("trainee", email="dee@example.com", name="Dee Fox")
        dee.password_hash = None
        db.session.commit()
        page = f"/admin/users/{dee.id}/edit"
    AuthActions(client).login("admin@example.com")
    html = client.get(page).get_data(as_text=True)
    action = INVITE_BUTTON.search(html).group(1)
    sent = post_form(client, page, action)
    assert sent.status_code == 302
    assert "Invitation sent to dee@example.com" in client.get(sent.location).get_data(
        as_text=True)
    message = smtp.wait_for(1)[0]
    assert message["Subject"] == "You are invited to Trainer"
    assert "Ada Admin has invited you" in mailserver.parts(message)[0]
    path = _link(message)
    welcome = client.get(path).get_data(as_text=True)
    assert "Welcome, Dee Fox" in welcome
    done = post_form(client, path, data={"password": NEW, "confirm": NEW})
    assert done.status_code == 302
    assert client.get(path).status_code == 410  # once only
    assert AuthActions(app.test_client()).login("dee@example.com", NEW).status_code == 302
    with app.app_context():
        actions = [e.action for e in db.session.scalars(select(AuditEvent))]
        assert "user.invited" in actions and "user.invitation_accepted" in actions
        token = db.session.scalar(select(PasswordToken))
        assert (token.purpose, token.created_by_id) == ("invite", admin)
        assert (token.expires_at - token.created_at).days == 7


def test_no_invite_button_for_a_person_with_a_password_or_without_email(app, client, smtp,
                                                                        admin):
    with app.app_context():
        has = factories.user("trainee", email="has@example.com").id
        none = factories.user("trainee", email="none@example.com")
        none.password_hash = None
        db.session.commit()
        none = none.id
    AuthActions(client).login("admin@example.com")
    assert not INVITE_BUTTON.search(client.get(f"/admin/users/{none}/edit").get_data(
        as_text=True))  # email is off
    _mail_on(app, smtp)
    assert INVITE_BUTTON.search(client.get(f"/admin/users/{none}/edit").get_data(as_text=True))
    assert not INVITE_BUTTON.search(client.get(f"/admin/users/{has}/edit").get_data(
        as_text=True))
    refused = post_form(client, f"/admin/users/{has}/edit", f"/admin/users/{has}/invite")
    assert "already has a password" in client.get(refused.location).get_data(as_text=True)
    assert smtp.messages == []


def test_the_web_import_invites_its_new_users(app, client, smtp, admin):
    _mail_on(app, smtp)
    AuthActions(client).login("admin@example.com")
    form = client.get("/admin/users/import").get_data(as_text=True)
    assert 'formaction="/admin/users/import/invite"' in form
    started = post_form(client, "/admin/users/import", "/admin/users/import/invite",
                        data={"file": (io.BytesIO(FILE.encode()), "staff.csv")},
                        content_type="multipart/form-data")
    assert started.status_code == 302, started.get_data(as_text=True)
    with app.app_context():
        assert import_jobs.wait_for_imports(timeout=300)
    messages = _by_recipient(smtp.wait_for(2))
    assert sorted(messages) == ["ann@example.com", "bob@example.com"]  # Cy has a password
    page = client.get(started.location).get_data(as_text=True)
    assert "Invitations emailed: 2" in page
    path = _link(messages["bob@example.com"])
    assert post_form(client, path, data={"password": NEW, "confirm": NEW}).status_code == 302
    with app.app_context():
        bob = db.session.scalar(select(User).where(User.email == "bob@example.com"))
        assert passwords.check_password(bob.password_hash, NEW)


def test_the_command_line_import_invites_and_says_so(app, runner, smtp, tmp_path):
    staff = tmp_path / "staff.csv"
    staff.write_text(FILE)
    refused = runner.invoke(args=["users", "import", str(staff), "--invite"])
    assert refused.exit_code == 1 and "--invite needs email" in refused.output
    _mail_on(app, smtp)
    both = runner.invoke(args=["users", "import", str(staff), "--invite",
                               "--generate-passwords"])
    assert both.exit_code == 1
    result = runner.invoke(args=["users", "import", str(staff), "--invite"])
    assert result.exit_code == 0, result.output
    assert "Invitations emailed: 2" in result.stdout
    assert sorted(_by_recipient(smtp.wait_for(2))) == ["ann@example.com", "bob@example.com"]


def test_without_email_the_import_keeps_generating_passwords(app, runner, tmp_path):
    staff = tmp_path / "staff.csv"
    staff.write_text(FILE)
    result = runner.invoke(args=["users", "import", str(staff), "--generate-passwords"])
    assert result.exit_code == 0, result.output
    assert "One-time passwords, shown only this once" in result.stdout
    assert "Invitations" not in result.stdout


@pytest.fixture
def queued(app):
    from .test_jobs import queue_of_its_own

    yield from queue_of_its_own(app)


def test_an_import_on_the_worker_invites_too(app, client, smtp, admin, queued):
    from .test_jobs import run_burst_worker

    _mail_on(app, smtp)
    AuthActions(client).login("admin@example.com")
    started = post_form(client, "/admin/users/import", "/admin/users/import/invite",
                        data={"file": (io.BytesIO(FILE.encode()), "staff.csv")},
                        content_type="multipart/form-data")
    assert started.status_code == 302
    with app.app_context():  # the job runs in the test's app, as in `trainer worker`
        run_burst_worker(app)
    assert sorted(_by_recipient(smtp.wait_for(2))) == ["ann@example.com", "bob@example.com"]
    assert "Invitations emailed: 2" in client.get(started.location).get_data(as_text=True)
