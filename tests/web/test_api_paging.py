"""The routing API a page at a time: ``limit`` and an opaque ``cursor``, every resolver exactly
once in the answer's order, and an answer that costs the same SQL for 3 resolvers as for 300."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest

from trainer.extensions import db
from trainer.models import Clearance, User
from trainer.models._types import utcnow
from trainer.services import tokens

from .. import factories
from .test_api import get

BILLING = "billing-dispute"
DEPARTMENTS = ("billing", "support", "delivery")


def cleared_people(count: int, prefix: str = "Person", level_of=lambda n: 1 + n % 3,
                   category: str = BILLING) -> list[User]:
    """``count`` people in three departments, each with one current clearance (levels 1 to 3
    by default), all in one commit."""
    departments = [factories.department(name) for name in DEPARTMENTS]
    people = [User(email=f"{prefix.lower()}{n:03}@example.com", name=f"{prefix} {n:03}",
                   role="trainee", department=departments[n % 3],
                   password_hash=factories.PASSWORD_HASH) for n in range(count)]
    db.session.add_all(people)
    db.session.flush()
    for n, person in enumerate(people):
        db.session.add(current_clearance(person, level_of(n), category=category))
    db.session.commit()
    return people


def current_clearance(person: User, level: int, limit: str = "500",
                      category: str = BILLING) -> Clearance:
    now = utcnow()
    return Clearance(user_id=person.id, category=category, level=level, limit=Decimal(limit),
                     granted_at=now - timedelta(days=30), expires_at=now + timedelta(days=100))


@pytest.fixture
def token(app):
    with app.app_context():
        return tokens.create_token("Helpdesk router")[1]


def all_pages(client, token, limit: int, **params) -> list[list[dict]]:
    pages, cursor = [], None
    while True:
        response = get(client, token, category=BILLING, limit=limit,
                       **({"cursor": cursor} if cursor else {}), **params)
        assert response.status_code == 200, response.get_json()
        body = response.get_json()
        pages.append(body["resolvers"])
        cursor = body["next_cursor"]
        if cursor is None:
            return pages
        assert len(pages) < 100, "the cursor never reached the last page"


def test_the_first_page_keeps_the_old_shape_and_the_default_limit(app, client, token):
    with app.app_context():
        cleared_people(60)
    body = get(client, token, category=BILLING).get_json()
    assert set(body) == {"category", "resolvers", "next_cursor"}
    assert body["category"] == BILLING and len(body["resolvers"]) == 50
    assert set(body["resolvers"][0]) == {"email", "name", "department", "level", "limit",
                                         "expires_at"}
    assert isinstance(body["next_cursor"], str)
    rest = get(client, token, category=BILLING, cursor=body["next_cursor"]).get_json()
    assert len(rest["resolvers"]) == 10 and rest["next_cursor"] is None


def test_paging_returns_every_resolver_exactly_once_in_order(app, client, token):
    with app.app_context():
        people = cleared_people(23)
        twins = cleared_people(3, prefix="Twin", level_of=lambda n: 2)  # same level...
        for twin in twins:
            twin.name = "Person 001"  # ...and name as another: the tiebreak keeps them apart
        # Two current clearances: counted once, at the higher level.
        db.session.add(current_clearance(people[0], 3))
        db.session.add(current_clearance(people[3], 1, limit="20"))
        cleared_people(4, prefix="Other", category="delivery-problem")
        db.session.commit()
        best = {p.email: (3 if p is people[0] else 1 + n % 3) for n, p in enumerate(people)}
        best |= {t.email: 2 for t in twins}
        names = {p.email: p.name for p in people + twins}
        ids = {p.email: p.id for p in people + twins}
    expected = sorted(best, key=lambda e: (-best[e], names[e], ids[e]))
    for limit in (1, 4, 7, 26, 200):
        pages = all_pages(client, token, limit)
        assert all(len(page) == limit for page in pages[:-1]) and 0 < len(pages[-1]) <= limit
        found = [(r["email"], r["level"]) for page in pages for r in page]
        assert found == [(email, best[email]) for email in expected], f"limit {limit}"


def test_paging_filters_by_amount_on_every_page(app, client, token):
    with app.app_context():
        people = cleared_people(9)
        for person in people[::2]:
            db.session.add(current_clearance(person, 3, limit="40", category="faulty-goods"))
        for clearance in db.session.scalars(db.select(Clearance).where(
                Clearance.user_id.in_([p.id for p in people[1::2]]))):
            clearance.limit = Decimal("30")
        db.session.commit()
    found = [r["email"] for page in all_pages(client, token, 2, amount="31") for r in page]
    assert len(found) == 5 and len(set(found)) == 5
    assert all(int(email[6:9]) % 2 == 0 for email in found)  # only the 500 limits


@pytest.mark.parametrize("limit", ["0", "201", "-1", "1.5", "abc", "1e2", "+5", "9" * 50, "٣"])
def test_a_bad_limit_is_400_with_a_json_error(app, client, token, limit):
    response = get(client, token, category=BILLING, limit=limit)
    assert response.status_code == 400
    assert response.get_json() == {"error": "limit must be a whole number from 1 to 200"}


def test_the_largest_limit_is_accepted(app, client, token):
    with app.app_context():
        cleared_people(3)
    response = get(client, token, category=BILLING, limit="200")
    assert response.status_code == 200 and len(response.get_json()["resolvers"]) == 3


def tampered(cursor: str) -> list[str]:
    flipped = cursor[:5] + ("A" if cursor[5] != "A" else "B") + cursor[6:]
    payload, _, signature = cursor.rpartition(".")
    return [flipped, cursor[:-1], cursor + "x", payload, f"{payload}.{signature[::-1]}",
            "W10.abc", "not-a-cursor", "x" * 5000]


def test_a_tampered_or_foreign_cursor_is_400(app, client, token):
    with app.app_context():
        cleared_people(5)
    cursor = get(client, token, category=BILLING, limit=2).get_json()["next_cursor"]
    assert get(client, token, category=BILLING, limit=2, cursor=cursor).status_code == 200
    for bad in tampered(cursor):
        response = get(client, token, category=BILLING, cursor=bad)
        assert response.status_code == 400, bad
        assert "cursor" in response.get_json()["error"]
    app.secret_key = "another-secret"  # a cursor from another deployment, or before a rotation
    assert get(client, token, category=BILLING, cursor=cursor).status_code == 400


def costs(client, count_sql, token, limit: int) -> tuple:
    """The statements of the first page and of the page after it (each warmed up once)."""
    first = get(client, token, category=BILLING, limit=limit)
    with count_sql() as sql_first:
        first = get(client, token, category=BILLING, limit=limit)
    cursor = first.get_json()["next_cursor"]
    assert cursor, "the test needs a second page"
    with count_sql() as sql_next:
        assert get(client, token, category=BILLING, limit=limit, cursor=cursor).status_code == 200
    return sql_first, sql_next


@pytest.mark.parametrize("limit", [2, 200])
def test_an_answer_costs_the_same_for_3_resolvers_and_for_300(app, client, count_sql, token,
                                                              limit):
    with app.app_context():
        cleared_people(3)
    few = costs(client, count_sql, token, 2)
    with app.app_context():
        cleared_people(297, prefix="More")
    many = costs(client, count_sql, token, limit)  # a page of 2 or 200: the same statements
    for small, large in zip(few, many, strict=True):
        assert small.count == large.count, f"3 resolvers: {small}\n\n300 resolvers: {large}"
        # The people and their departments come with the clearances, in the one query.
        assert not large.matching("FROM department") and not large.matching('FROM "user"')
        assert not large.matching("FROM user ")
    assert len(get(client, token, category=BILLING, limit=limit).get_json()["resolvers"]) \
        == limit


def test_the_limit_is_in_the_sql(app, client, count_sql, token):
    with app.app_context():
        cleared_people(30)
    get(client, token, category=BILLING, limit=5)
    with count_sql() as sql:
        get(client, token, category=BILLING, limit=5)
    [query] = sql.matching("FROM clearance")
    assert " LIMIT " in query.upper()
