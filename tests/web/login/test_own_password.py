"""Changing one's own password: on the header's page, under the same rules and limits as a
login, ending every other session."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from trainer.extensions import db
from trainer.models import AuditEvent, UserSession
from trainer.services import auth as auth_service

from ... import factories
from ...conftest import post_form
from .conftest import PRIVATE, logged_in_elsewhere, logout

PASSWORD_PAGE = "/account/password"
NEW_PASSWORD = "another-long-passphrase-77"


def change(client, current=factories.PASSWORD, new=NEW_PASSWORD, confirm=None):
    return post_form(client, PASSWORD_PAGE, data={"current_password": current,
                                                  "new_password": new,
                                                  "confirm": new if confirm is None else confirm})


def test_the_password_page_is_linked_in_the_header_and_needs_a_login(auth, client, trainee):
    assert client.get(PASSWORD_PAGE).headers["Location"].startswith("/login?next=")
    auth.login("pat.lee@example.com")
    assert f'href="{PASSWORD_PAGE}"' in client.get("/_test/no-such-page").get_data(as_text=True)
    html = client.get(PASSWORD_PAGE).get_data(as_text=True)
    assert 'autocomplete="current-password"' in html and 'autocomplete="new-password"' in html


def test_changing_the_password_ends_the_other_sessions(app, auth, client, trainee):
    auth.login("pat.lee@example.com")
    other = logged_in_elsewhere(app)
    response = change(client)
    assert response.status_code == 302
    assert client.get(PRIVATE).status_code == 200  # this browser goes on, in a new session
    assert other.get(PRIVATE).status_code == 302
    assert len(db.session.scalars(select(UserSession)).all()) == 1
    [event] = db.session.scalars(select(AuditEvent).where(
        AuditEvent.action == "user.password_changed")).all()
    assert event.actor_id == trainee.id and event.detail == {"sessions_ended": 2}
    logout(client)
    assert auth.login("pat.lee@example.com").status_code == 200  # the old one is refused
    assert auth.login("pat.lee@example.com", NEW_PASSWORD).status_code == 302


@pytest.mark.parametrize("current, new, confirm, message", [
    ("not-my-password", NEW_PASSWORD, None, "That is not your current password."),
    (factories.PASSWORD, "password", None, "too common or too easy to guess"),
    (factories.PASSWORD, "short", None, "Use at least 8 characters."),
    (factories.PASSWORD, "pat.lee@example.com", None, "too common or too easy to guess"),
    (factories.PASSWORD, factories.PASSWORD, None, "different from the current one"),
    (factories.PASSWORD, NEW_PASSWORD, "a-typo-in-the-copy", "The two new passwords differ."),
])
def test_a_refused_change_keeps_the_password(auth, client, trainee, current, new, confirm,
                                             message):
    auth.login("pat.lee@example.com")
    response = change(client, current, new, confirm)
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    db.session.expire_all()
    assert auth_service.check_password(trainee.password_hash, factories.PASSWORD)
    assert client.get(PRIVATE).status_code == 200


def test_wrong_current_passwords_count_as_failed_logins(app, auth, client, trainee):
    auth.login("pat.lee@example.com")
    for _ in range(app.config["LOGIN_MAX_FAILURES"]):
        assert change(client, current="not-my-password").status_code == 400
    response = change(client)  # even the right one waits now
    assert response.status_code == 429
    assert "Too many failed attempts" in response.get_data(as_text=True)
    db.session.expire_all()
    assert auth_service.check_password(trainee.password_hash, factories.PASSWORD)
    actions = db.session.scalars(select(AuditEvent.action)).all()
    assert actions.count("user.password_change_failed") == app.config["LOGIN_MAX_FAILURES"]


def test_an_admin_changes_their_own_password_on_the_password_page(auth, client, ctx):
    admin = factories.user("admin", email="root@example.com")
    auth.login("root@example.com")
    response = client.get(f"/admin/users/{admin.id}/password")
    assert response.status_code == 302 and response.headers["Location"] == PASSWORD_PAGE
    response = post_form(client, PASSWORD_PAGE, f"/admin/users/{admin.id}/password",
                         data={"password": NEW_PASSWORD})
    assert response.headers["Location"] == PASSWORD_PAGE  # no change without the current one
    db.session.expire_all()
    assert auth_service.check_password(admin.password_hash, factories.PASSWORD)
