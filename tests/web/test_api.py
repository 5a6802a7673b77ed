"""The routing API (DESIGN contract): bearer tokens, the right people, 401/404/400 as JSON."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest

from trainer.extensions import db
from trainer.models import Clearance
from trainer.models._types import utcnow
from trainer.services import tokens

from .. import factories

URL = "/api/v1/resolvers"


def clearance(person, category="billing-dispute", level=3, limit="500", days_left=100,
              granted_by=None, revoked=False) -> Clearance:
    now = utcnow()
    row = Clearance(user=person, category=category, level=level, limit=Decimal(limit),
                    granted_at=now - timedelta(days=30), expires_at=now + timedelta(days=days_left),
                    granted_by=granted_by, revoked_at=now - timedelta(days=1) if revoked else None)
    db.session.add(row)
    db.session.commit()
    return row


@pytest.fixture
def cleared(app):
    """Ann (level 3, 500) and Bob (level 2, 50) count; everyone else must not appear."""
    with app.app_context():
        boss = factories.user("manager", email="mo@example.com", name="Mo Manager")
        ann = factories.user(email="ann@example.com", name="Ann Able", dept="billing")
        bob = factories.user(email="bob@example.com", name="Bob Brown", dept="support")
        clearance(ann, granted_by=boss)
        clearance(bob, level=2, limit="50", granted_by=boss)
        clearance(factories.user(email="expired@example.com"), days_left=-1, granted_by=boss)
        clearance(factories.user(email="revoked@example.com"), revoked=True, granted_by=boss)
        clearance(factories.user(email="other@example.com"), category="delivery-problem")
        clearance(factories.user(email="gone@example.com", active=False), granted_by=boss)
        expires = db.session.get(Clearance, 1).expires_at
        return {"ann_expires": expires}


@pytest.fixture
def token(app):
    with app.app_context():
        return tokens.create_token("Helpdesk router")[1]


def get(client, token, **params):
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return client.get(URL, query_string=params, headers=headers)


def emails(response) -> list[str]:
    assert response.status_code == 200, response.get_json()
    return [r["email"] for r in response.get_json()["resolvers"]]


def test_answers_exactly_the_people_cleared_right_now(client, cleared, token):
    response = get(client, token, category="billing-dispute")
    body = response.get_json()
    assert response.headers["Content-Type"] == "application/json"
    assert set(body) == {"category", "resolvers", "next_cursor"}  # the old shape, plus paging
    assert body["category"] == "billing-dispute" and body["next_cursor"] is None
    assert emails(response) == ["ann@example.com", "bob@example.com"]  # highest level first
    expires = cleared["ann_expires"].isoformat(timespec="seconds").replace("+00:00", "Z")
    assert body["resolvers"][0] == {"email": "ann@example.com", "name": "Ann Able",
                                    "department": "billing", "level": 3, "limit": 500.0,
                                    "expires_at": expires}
    assert response.headers["Cache-Control"] == "no-store"


@pytest.mark.parametrize(("amount", "expected"), [
    ("0", ["ann@example.com", "bob@example.com"]),
    ("50", ["ann@example.com", "bob@example.com"]),
    ("50.01", ["ann@example.com"]),
    ("300", ["ann@example.com"]),
    ("500", ["ann@example.com"]),
    ("500.01", []),
    ("", ["ann@example.com", "bob@example.com"]),  # blank means the default, 0
])
def test_the_amount_filters_by_limit(client, cleared, token, amount, expected):
    assert emails(get(client, token, category="billing-dispute", amount=amount)) == expected


def test_a_category_nobody_holds_is_an_empty_list_not_an_error(client, cleared, token):
    response = get(client, token, category="insurance-claim")
    assert response.get_json() == {"category": "insurance-claim", "resolvers": [],
                                   "next_cursor": None}


def assert_401(response, invalid_token: bool):
    assert response.status_code == 401
    assert "error" in response.get_json()
    challenge = response.headers["WWW-Authenticate"]
    assert challenge.startswith("Bearer")
    assert ('error="invalid_token"' in challenge) is invalid_token


def test_no_token_is_401_with_a_bearer_challenge(client, cleared):
    assert_401(get(client, None, category="billing-dispute"), invalid_token=False)


@pytest.mark.parametrize("header", ["Basic dXNlcjpwYXNz", "Bearer", "Bearer ", "Bearer a b",
                                    "trn_abcdef", "Token trn_abcdef"])
def test_a_malformed_authorization_header_is_401(client, cleared, header):
    response = client.get(URL, query_string={"category": "billing-dispute"},
                          headers={"Authorization": header})
    assert_401(response, invalid_token=True)


def test_a_wrong_token_is_401(client, cleared, token):
    assert_401(get(client, token[:-1] + ("A" if token[-1] != "A" else "B"),
                   category="billing-dispute"), invalid_token=True)


def test_the_scheme_is_case_insensitive(client, cleared, token):
    response = client.get(URL, query_string={"category": "billing-dispute"},
                          headers={"Authorization": f"bearer {token}"})
    assert response.status_code == 200


def test_a_revoked_token_is_401(app, client, cleared, token):
    assert emails(get(client, token, category="billing-dispute"))
    with app.app_context():
        tokens.revoke_token(tokens.token_for(token), actor=None)
    assert_401(get(client, token, category="billing-dispute"), invalid_token=True)


def test_an_unknown_category_is_404_with_a_json_error(client, cleared, token):
    response = get(client, token, category="no-such-thing")
    assert response.status_code == 404
    assert response.get_json() == {"error": "unknown category 'no-such-thing'"}


def test_authentication_comes_before_the_category_check(client, cleared):
    assert get(client, None, category="no-such-thing").status_code == 401


def test_a_missing_category_is_400(client, cleared, token):
    response = get(client, token)
    assert response.status_code == 400
    assert "category" in response.get_json()["error"]


@pytest.mark.parametrize("amount", ["-5", "abc", "NaN", "Infinity", "1e3", "12,50", "1_000",
                                    "+5", "5.", "٣٠٠", "9" * 41])
def test_a_bad_amount_is_400_with_a_json_error(client, cleared, token, amount):
    response = get(client, token, category="billing-dispute", amount=amount)
    assert response.status_code == 400
    assert "amount" in response.get_json()["error"]


def test_a_logged_in_browser_session_does_not_open_the_api(client, auth, cleared):
    with client.application.app_context():
        factories.user("admin", email="admin@example.com")
    auth.login("admin@example.com")
    assert client.get("/admin/users").status_code == 200  # the session itself works
    assert_401(client.get(URL, query_string={"category": "billing-dispute"}),
               invalid_token=False)


def test_the_api_neither_reads_nor_writes_a_session_cookie(client, auth, cleared, token):
    with client.application.app_context():
        factories.user("admin", email="admin@example.com")
    auth.login("admin@example.com")
    answered = get(client, token, category="billing-dispute")
    assert answered.status_code == 200 and "Set-Cookie" not in answered.headers
    assert client.get("/admin/users").status_code == 200  # the browser's session is untouched


def test_health_needs_no_token(client):
    response = client.get("/api/v1/health")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok"}


def test_unknown_api_paths_answer_json(client):
    response = client.get("/api/v1/nothing-here")
    assert response.status_code == 404
    assert "error" in response.get_json()
