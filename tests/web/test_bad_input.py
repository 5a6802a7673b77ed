"""Bad input over HTTP gets a clear answer (404, or 400/422 with a message), never a 500: huge
numbers in URLs and forms, and long headers or file names that are only recorded. Each test
runs on SQLite and, with TRAINER_TEST_DATABASE_URL, on PostgreSQL (where most of these faults
were found: its INTEGER is 32 bits and its VARCHAR(n) refuses longer text)."""

from __future__ import annotations

import io
import re

import pytest
from sqlalchemy import select
from werkzeug.routing import IntegerConverter

from trainer import create_app
from trainer.extensions import db
from trainer.models import AuditEvent, User, UserSession
from trainer.services import audit, import_jobs, play

from .. import factories
from ..conftest import csrf_token, post_form

HUGE_IDS = ["2147483648", "9223372036854775808", "99999999999999999999", "9" * 5000]


@pytest.fixture
def people(app):
    with app.app_context():
        admin = factories.user("admin", email="admin@example.com")
        boss = factories.user("manager", email="boss@example.com", name="Morgan Boss")
        tara = factories.user("trainee", email="tara@example.com", manager=boss)
        attempt = play.start_attempt(tara, "billing-double-charge")
        play.submit_answer(attempt, "Sorry for any inconvenience. Someone will look into it.")
        play.finish_attempt(attempt)
        return {"admin": admin.id, "boss": boss.id, "tara": tara.id, "attempt": attempt.id}


def _int_routes(app) -> list[tuple[str, str]]:
    """(rule, method) for every route with an integer in its path."""
    routes = []
    for rule in app.url_map.iter_rules():
        if any(isinstance(rule._converters[arg], IntegerConverter) for arg in rule.arguments):
            routes.append((rule.rule, "GET" if "GET" in rule.methods else "POST"))
    return sorted(routes)


def test_routes_with_ids_are_covered(app):
    routes = dict(_int_routes(app))
    assert "/team/attempts/<int:attempt_id>" in routes
    assert "/team/clearances/<int:clearance_id>/revoke" in routes
    assert "/attempts/<int:attempt_id>" in routes


@pytest.mark.parametrize("huge", HUGE_IDS)
def test_a_huge_id_in_any_url_is_not_found(app, client, auth, people, huge):
    auth.login("admin@example.com")  # an admin passes every role check and sees every record
    token = csrf_token(client, "/")
    for rule, method in _int_routes(app):
        url = re.sub(r"<int:\w+>", huge, rule)
        response = (client.get(url) if method == "GET"
                    else client.post(url, data={"csrf_token": token}))
        assert response.status_code == 404, f"{method} {url[:80]}: {response.status_code}"


ABOVE = "is above what level 2 (Goodwill credit up to 50) allows: at most 50"
NOT_AN_AMOUNT = "must be an amount of 0 or more, like 50 or 49.99"


@pytest.mark.parametrize("huge", HUGE_IDS)
def test_a_huge_number_in_a_query_is_a_page_or_a_message(client, auth, people, huge):
    auth.login("admin@example.com")
    for url in [f"/admin/audit?before={huge}", f"/admin/audit?after={huge}",
                f"/team/?page={huge}",
                f"/team/people/{people['tara']}?page={huge}"]:  # past the end: the last page
        response = client.get(url)
        assert response.status_code == 200, f"{url[:80]}: {response.status_code}"
    response = client.get(f"/resolve?category=billing-dispute&amount={huge}")
    body = response.get_data(as_text=True)
    if response.status_code == 200:  # an amount nobody is cleared for
        assert "Nobody is cleared for refunds of" in body
    else:  # thousands of digits are no amount at all
        assert response.status_code == 400 and "Amount must be a number of 0 or more" in body


@pytest.mark.parametrize(("limit", "message"), [
    ("9" * 41, ABOVE), ("1" + "0" * 40 + ".5", ABOVE), ("1e50", ABOVE), ("NaN", NOT_AN_AMOUNT),
    ("sNaN", NOT_AN_AMOUNT), ("-Infinity", NOT_AN_AMOUNT), ("Infinity", NOT_AN_AMOUNT),
    ("-0.01", NOT_AN_AMOUNT), ("0.123456789012345678901234567890", "at most 2 decimal places")])
def test_a_grant_limit_out_of_bounds_is_refused_with_a_message(app, client, auth, people, limit,
                                                               message):
    auth.login("boss@example.com")
    page = f"/team/people/{people['tara']}"
    response = post_form(client, page, f"{page}/clearances", data={
        "category": "billing-dispute", "level": "2", "limit": limit, "expires": "",
        "justification": "Covered this queue for a year."})
    body = response.get_data(as_text=True)
    assert response.status_code == 422
    assert message in body and f'value="{limit}"' in body  # what was typed is kept
    with app.app_context():
        assert not db.session.scalars(select(AuditEvent).where(
            AuditEvent.action == "clearance.granted")).all()


@pytest.mark.parametrize("level", ["9" * 41, "-1", "2.5", "x"])
def test_a_grant_level_out_of_bounds_is_refused_with_a_message(client, auth, people, level):
    auth.login("boss@example.com")
    page = f"/team/people/{people['tara']}"
    response = post_form(client, page, f"{page}/clearances", data={
        "category": "billing-dispute", "level": level, "limit": "0", "expires": "",
        "justification": "x"})
    body = response.get_data(as_text=True)
    assert response.status_code == 422 and f'value="{level}"' in body


@pytest.mark.parametrize("level", ["9" * 41, "5", "-1", "two"])
def test_an_override_level_out_of_bounds_keeps_what_was_typed(app, client, auth, people, level):
    auth.login("boss@example.com")
    page = f"/team/attempts/{people['attempt']}"
    response = post_form(client, page, f"{page}/override", data={
        "dimension": "empathy", "level": level, "comment": "She named the rent worry."})
    body = response.get_data(as_text=True)
    assert response.status_code == 422
    assert f'value="{level}"' in body and "She named the rent worry." in body
    assert "field-error" in body  # the message sits beside the field
    with app.app_context():
        assert not db.session.scalars(select(AuditEvent).where(
            AuditEvent.action == "score.overridden")).all()


def _proxied_app(app):
    """A second app on the same (already reset) database, behind one trusted proxy."""
    return create_app({**app.config, "TRAINER_PROXY_FIX": 1})


@pytest.mark.parametrize("password", [factories.PASSWORD, "not-the-password-1"])
def test_a_long_forwarded_address_is_recorded_cut_not_fatal(app, people, password):
    proxied = _proxied_app(app)
    client = proxied.test_client()
    address = "203.0.113." + "7" * 290  # 300 characters: only recorded, never trusted for more
    response = post_form(client, "/login", data={"email": "tara@example.com",
                                                 "password": password},
                         headers={"X-Forwarded-For": address})
    assert response.status_code in (200, 302)
    with proxied.app_context():
        event = db.session.scalar(select(AuditEvent).where(
            AuditEvent.action.in_(["login.succeeded", "login.failed"])))
        assert event.ip == address[:64]
        if password == factories.PASSWORD:
            assert response.status_code == 302
            assert db.session.scalar(select(UserSession.ip)) == address[:64]
    with proxied.app_context():
        db.engine.dispose()


def test_a_long_csv_file_name_is_recorded_cut_not_fatal(app, client, auth, people):
    auth.login("admin@example.com")
    name = "n" * 296 + ".csv"
    upload = (io.BytesIO(b"email,name,department,role,manager_email\n"
                         b"new@example.com,New Person,billing,trainee,\n"), name)
    response = post_form(client, "/admin/users/import", data={"file": upload},
                         content_type="multipart/form-data")
    assert response.status_code < 500
    with app.app_context():
        assert import_jobs.wait_for_imports(timeout=300)  # it goes on off the request
        assert db.session.scalar(select(User.name).where(User.email == "new@example.com"))
        subjects = db.session.scalars(select(AuditEvent.subject).where(
            AuditEvent.action == "users.imported")).all()
        assert subjects == [name[:254]]


def test_recorded_text_is_cut_to_its_column_in_one_place(app):
    with app.app_context():
        event = audit.record("login.failed", subject="s" * 300, ip="1" * 300)
        db.session.commit()
        stored = db.session.get(AuditEvent, event.id)
        assert (len(stored.subject), len(stored.ip)) == (254, 64)
