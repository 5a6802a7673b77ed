"""Single sign-on end to end against a real OpenID Connect provider (oidc-provider-mock, served
on a loopback port): the app's redirects are followed through the Flask test client, the
provider's authorisation form is posted over real HTTP, and its redirect comes back to the app,
which fetches the tokens from the provider itself."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from urllib.parse import parse_qs, urlsplit

import pytest
from sqlalchemy import select

from trainer.extensions import db
from trainer.models import AuditEvent, User, UserSession
from trainer.web.security import SESSION_TOKEN_KEY

from .. import factories
from ..conftest import csrf_token, post_form
from .oidc_provider import PROVIDER_NAME, approve, configure, requests, running_provider, verified

DASHBOARD = "/"


@pytest.fixture(scope="module")
def provider() -> Iterator[str]:
    with running_provider() as issuer:
        yield issuer


@pytest.fixture
def sso_app(app, provider):
    configure(app, provider)
    return app


@pytest.fixture
def client(sso_app):
    return sso_app.test_client()


def authorize_url(client, start: str = "/login/sso") -> str:
    response = client.get(start)
    assert response.status_code == 302, response.get_data(as_text=True)
    return response.headers["Location"]


def sso_login(client, claims: dict, start: str = "/login/sso"):
    return client.get(approve(authorize_url(client, start), claims))


def logged_in(client) -> bool:
    return client.get(DASHBOARD).status_code == 200


def events(action: str) -> list[AuditEvent]:
    return list(db.session.scalars(select(AuditEvent).where(AuditEvent.action == action)
                                   .order_by(AuditEvent.id)))


def test_the_button_shows_only_when_single_sign_on_is_configured(app, provider):
    plain = app.test_client().get("/login").get_data(as_text=True)
    assert "sso-login" not in plain and "Log in with" not in plain
    configure(app, provider)
    html = app.test_client().get("/login?next=/resolve").get_data(as_text=True)
    assert f"Log in with {PROVIDER_NAME}</a>" in html
    assert 'href="/login/sso?next=/resolve"' in html
    assert 'id="password"' in html  # password login stays on by default
    app.config["TRAINER_OIDC_ISSUER"] = None
    assert app.test_client().get("/login/sso").status_code == 404


def test_the_authorisation_request_carries_pkce_state_and_nonce(client, provider):
    url = authorize_url(client)
    assert url.startswith(f"{provider}/oauth2/authorize?")
    query = parse_qs(urlsplit(url).query)
    assert query["response_type"] == ["code"] and query["client_id"] == ["trainer-app"]
    assert query["code_challenge_method"] == ["S256"] and len(query["code_challenge"][0]) >= 43
    assert query["state"][0] and query["nonce"][0]
    assert set(query["scope"][0].split()) == {"openid", "email", "profile"}
    assert query["redirect_uri"] == ["http://localhost/login/sso/callback"]


def test_a_matched_user_logs_in_and_it_is_audited(client, ctx):
    person = factories.user("trainee", email="tara@example.com", name="Tara Singh")
    response = sso_login(client, verified("Tara@Example.com"), start="/login/sso?next=/resolve")
    assert response.status_code == 302 and response.headers["Location"] == "/resolve"
    page = client.get(DASHBOARD).get_data(as_text=True)
    assert "Hello, Tara Singh" in page
    assert db.session.scalar(select(UserSession.user_id)) == person.id
    [event] = events("login.succeeded")
    assert event.actor_id == person.id and event.subject == "tara@example.com"
    assert event.detail == {"method": "sso", "created": False}
    with client.session_transaction() as session:  # only the new login: nothing of the flow
        assert set(session) >= {SESSION_TOKEN_KEY, "sso_login"}
        assert not [key for key in session if key.startswith("_state_")]


def test_an_unknown_email_is_refused_while_creation_is_off(client, ctx):
    response = sso_login(client, verified("stranger@example.com", department="Billing"))
    html = response.get_data(as_text=True)
    assert response.status_code == 403
    assert "There is no trainer account for stranger@example.com" in html
    assert not logged_in(client)
    assert db.session.scalar(select(User).where(User.email == "stranger@example.com")) is None
    [event] = events("login.failed")
    assert event.detail == {"method": "sso", "reason": "unknown email"}


def test_an_unknown_email_becomes_a_trainee_when_creation_is_on(sso_app, client, ctx):
    sso_app.config["TRAINER_OIDC_CREATE_USERS"] = True
    response = sso_login(client, verified("new.starter@example.com", name="New Starter",
                                          department="Claims Team"))
    assert response.status_code == 302 and response.headers["Location"] == DASHBOARD
    assert "Hello, New Starter" in client.get(DASHBOARD).get_data(as_text=True)
    person = db.session.scalar(select(User).where(User.email == "new.starter@example.com"))
    assert person.role == "trainee" and person.department.name == "Claims Team"
    assert person.password_hash is None and person.active
    assert [e.subject for e in events("user.created")] == ["new.starter@example.com"]
    assert events("login.succeeded")[0].detail == {"method": "sso", "created": True}


def test_a_role_claim_is_used_only_when_configured_and_never_makes_an_admin(sso_app, ctx):
    sso_app.config.update(TRAINER_OIDC_CREATE_USERS=True)
    roles = {}
    for email, claimed, claim_setting in (("a@example.com", "manager", None),
                                          ("b@example.com", "manager", "job_role"),
                                          ("c@example.com", "admin", "job_role"),
                                          ("d@example.com", "Manager", "job_role")):
        sso_app.config["TRAINER_OIDC_ROLE_CLAIM"] = claim_setting
        client = sso_app.test_client()
        assert sso_login(client, verified(email, job_role=claimed)).status_code == 302
        roles[email] = db.session.scalar(select(User.role).where(User.email == email))
    assert roles == {"a@example.com": "trainee", "b@example.com": "manager",
                     "c@example.com": "trainee", "d@example.com": "manager"}
    # without a department claim: the default department
    assert {u.department.name for u in db.session.scalars(select(User))} == {"Unassigned"}


@pytest.mark.parametrize("claims", [{"email_verified": False}, {}, {"email_verified": "no"}])
def test_an_unverified_email_is_refused(sso_app, client, ctx, claims):
    sso_app.config["TRAINER_OIDC_CREATE_USERS"] = True
    factories.user("trainee", email="tara@example.com")
    response = sso_login(client, {"email": "tara@example.com", **claims})
    html = response.get_data(as_text=True)
    assert response.status_code == 403
    assert f"{PROVIDER_NAME} has not verified the email address tara@example.com" in html
    assert not logged_in(client)
    assert events("login.failed")[0].detail["reason"] == "email not verified"


def test_no_email_claim_is_refused(client, ctx):
    response = sso_login(client, {"email_verified": True, "name": "No Mail"})
    assert response.status_code == 403
    assert f"{PROVIDER_NAME} did not share an email address" in response.get_data(as_text=True)
    assert not logged_in(client)


def test_a_deactivated_user_is_refused(client, ctx):
    factories.user("trainee", email="gone@example.com", active=False)
    response = sso_login(client, verified("gone@example.com"))
    assert response.status_code == 403
    assert "Your trainer account (gone@example.com) is deactivated" in \
        response.get_data(as_text=True)
    assert not logged_in(client)
    assert db.session.scalars(select(UserSession)).all() == []
    assert events("login.failed")[0].detail == {"method": "sso", "reason": "inactive"}


def test_a_tampered_state_is_refused(client, ctx):
    factories.user("trainee", email="tara@example.com")
    callback = approve(authorize_url(client), verified("tara@example.com"))
    query = parse_qs(urlsplit(callback).query)
    forged = f"/login/sso/callback?code={query['code'][0]}&state={query['state'][0]}x"
    response = client.get(forged)
    assert response.status_code == 400
    assert "did not start in this browser" in response.get_data(as_text=True)
    assert not logged_in(client)
    assert events("login.failed")[0].detail == {"method": "sso", "reason": "state mismatch"}
    # another browser replaying the genuine callback has no flow pending: refused, not audited
    other = client.application.test_client()
    assert other.get(callback).status_code == 400 and not logged_in(other)
    assert len(events("login.failed")) == 1


def test_an_id_token_for_another_nonce_is_refused(client, ctx):
    factories.user("trainee", email="tara@example.com")
    callback = approve(authorize_url(client), verified("tara@example.com"))
    state = parse_qs(urlsplit(callback).query)["state"][0]
    with client.session_transaction() as session:  # as if the token were minted for another
        session[f"_state_oidc_{state}"]["data"]["nonce"] = "some-other-nonce"
        session.modified = True
    response = client.get(callback)
    assert response.status_code == 502
    assert "answer could not be checked" in response.get_data(as_text=True)
    assert not logged_in(client)
    assert events("login.failed")[0].detail["reason"].startswith("bad answer")


def test_errors_from_the_provider_show_on_the_login_page(client, provider, ctx):
    denied = requests.post(authorize_url(client), data={"action": "deny"},
                           allow_redirects=False, timeout=10)
    response = client.get(denied.headers["Location"])
    assert response.status_code == 403
    assert f"Logging in with {PROVIDER_NAME} was cancelled" in response.get_data(as_text=True)

    state = parse_qs(urlsplit(authorize_url(client)).query)["state"][0]
    response = client.get(f"/login/sso/callback?state={state}&error=server_error"
                          "&error_description=Directory+offline")
    assert response.status_code == 403
    assert "refused to log you in (Directory offline)" in response.get_data(as_text=True)

    state = parse_qs(urlsplit(authorize_url(client)).query)["state"][0]
    response = client.get(f"/login/sso/callback?state={state}&code=not-a-code")  # bad code
    assert response.status_code == 403
    assert "refused to log you in" in response.get_data(as_text=True)
    assert [e.detail["reason"].split(":")[1].strip() for e in events("login.failed")] == [
        "access_denied", "server_error", "invalid_grant"]
    assert not logged_in(client)


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_a_provider_out_of_reach_gives_a_message_not_an_error(app, ctx):
    configure(app, f"http://127.0.0.1:{_closed_port()}", TRAINER_OIDC_TIMEOUT=2)
    client = app.test_client()
    response = client.get("/login/sso")
    assert response.status_code == 502
    assert f"{PROVIDER_NAME} cannot be reached just now" in response.get_data(as_text=True)

    # down between the authorisation and the callback: the token request fails
    factories.user("trainee", email="tara@example.com")
    with running_provider() as issuer:
        configure(app, issuer, TRAINER_OIDC_TIMEOUT=2)
        app.extensions.pop("trainer.oidc_client", None)  # the new issuer: a new client
        callback = approve(authorize_url(client), verified("tara@example.com"))
    response = client.get(callback)
    assert response.status_code == 502
    assert "cannot be reached just now" in response.get_data(as_text=True)
    assert not logged_in(client)
    assert events("login.failed")[-1].detail["reason"] == "provider unreachable"


def test_password_login_can_be_switched_off(sso_app, client, ctx):
    factories.user("trainee", email="tara@example.com")
    token = csrf_token(client, "/login")  # a login form left open while it is switched off
    sso_app.config["TRAINER_PASSWORD_LOGIN"] = False
    html = client.get("/login").get_data(as_text=True)
    assert f"Log in with {PROVIDER_NAME}" in html
    assert 'id="password"' not in html and 'id="email"' not in html
    response = client.post("/login", data={"csrf_token": token, "email": "tara@example.com",
                                           "password": factories.PASSWORD})
    assert response.status_code == 403
    assert "password is switched off" in response.get_data(as_text=True)
    assert not logged_in(client)
    assert sso_login(client, verified("tara@example.com")).status_code == 302
    page = client.get(DASHBOARD).get_data(as_text=True)
    assert 'href="/account/password"' not in page
    assert client.get("/account/password").status_code == 404


def test_logout_ends_the_session_and_the_old_cookie_no_longer_works(sso_app, client, ctx):
    factories.user("trainee", email="tara@example.com")
    sso_login(client, verified("tara@example.com"))
    copied = client.get_cookie("session").value
    response = post_form(client, DASHBOARD, "/logout")
    assert response.status_code == 302 and response.headers["Location"] == "/login"
    assert db.session.scalars(select(UserSession)).all() == []
    assert "provider-logout" not in client.get("/login").get_data(as_text=True)  # off by default
    replay = sso_app.test_client()
    replay.set_cookie("session", copied)
    assert replay.get(DASHBOARD).status_code == 302


def test_logout_can_offer_to_end_the_provider_session_too(sso_app, client, provider, ctx):
    sso_app.config["TRAINER_OIDC_PROVIDER_LOGOUT"] = True
    factories.user("trainee", email="tara@example.com")
    sso_login(client, verified("tara@example.com"))
    post_form(client, DASHBOARD, "/logout")
    html = client.get("/login").get_data(as_text=True)
    assert f"Log out of {PROVIDER_NAME} too</a>" in html
    href = html.split('id="provider-logout"')[1].split('href="')[1].split('"')[0]
    href = href.replace("&amp;", "&")
    assert href.startswith(f"{provider}/oauth2/end_session?")
    assert parse_qs(urlsplit(href).query) == {
        "client_id": ["trainer-app"], "post_logout_redirect_uri": ["http://localhost/login"]}
    assert requests.get(href, timeout=10).status_code == 200
    assert "provider-logout" not in client.get("/login").get_data(as_text=True)  # shown once
