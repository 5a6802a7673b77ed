"""The audit page tells each event as a sentence, linking the people and attempts it names, and
costs the same however many different people a page of events names."""

from __future__ import annotations

import html
import re

import pytest

from trainer.extensions import db
from trainer.models import User
from trainer.services import audit

from .. import factories
from ..conftest import post_form


@pytest.fixture
def people(app):
    with app.app_context():
        factories.user("admin", email="admin@example.com", name="Ada Admin")
        boss = factories.user("manager", email="boss@example.com", name="Morgan Boss")
        tara = factories.user("trainee", email="tara@example.com", name="Tara Singh",
                              manager=boss)
        sofa = factories.scored_attempt(tara, "delivery-damaged-sofa")
        late = factories.scored_attempt(tara, "delivery-next-day-order-late")
        return {"boss": boss.id, "tara": tara.id, "sofa": sofa.id, "late": late.id}


def test_a_grant_reads_as_a_sentence_linking_the_people_and_the_evidence(client, auth, people):
    auth.login("boss@example.com")
    person = f"/team/people/{people['tara']}"
    post_form(client, person, f"{person}/clearances",
              data={"authority": "delivery-problem:2", "limit": "40"})
    auth.logout()
    auth.login("admin@example.com")
    page = html.unescape(client.get("/admin/audit").get_data(as_text=True))
    boss = f'<a href="/team/people/{people["boss"]}">Morgan Boss</a>'
    tara = f'<a href="{person}">Tara Singh</a>'
    first, second = sorted((people["sofa"], people["late"]))
    assert (f"Manager {boss} granted {tara} Delivery problems, level 2: goodwill up to 75 and "
            "delivery-charge refunds (limit 40), until ") in page
    assert (f'on the evidence of attempts <a href="/team/attempts/{first}">{first}</a> and '
            f'<a href="/team/attempts/{second}">{second}</a>.') in page
    assert "Ada Admin logged in." in page  # oneself: named, not linked
    for raw in ("as_admin", "basis:", "overridden_by_granter", "{", "True", "False"):
        assert raw not in page.split("<tbody>")[1], raw
    assert not re.search(r"\d\d:\d\d:\d\d\.\d{6}", page)  # no microseconds anywhere


@pytest.mark.parametrize("email", ["boss@example.com", "tara@example.com"])
def test_only_admins_open_the_audit_log(client, auth, people, email):
    auth.login(email)
    assert client.get("/admin/audit").status_code == 404


def record_grants(count: int, prefix: str) -> None:
    """``count`` people of one manager, each with an attempt and a grant citing it: a page of
    events that names ``count`` different people and attempts."""
    boss = db.session.scalar(db.select(User).where(User.email == "boss@example.com"))
    for n in range(count):
        person = factories.user("trainee", email=f"{prefix}{n}@example.com", manager=boss)
        attempt = factories.scored_attempt(person, "delivery-damaged-sofa")
        audit.record("clearance.granted", boss, person.email, "", {
            "clearance": n, "category": "delivery-problem", "level": 1, "limit": "0.00",
            "expires_at": "2027-12-06T23:59:59+00:00", "basis": [attempt.id],
            "overridden_by_granter": [], "exception": False, "as_admin": False})
    db.session.commit()
    audit.store_checkpoint(audit.verify_recent(store=False))  # the same chain walk each time
    db.session.commit()


def audit_page_cost(client, count_sql):
    assert client.get("/admin/audit").status_code == 200  # warmed up
    with count_sql() as sql:
        page = client.get("/admin/audit").get_data(as_text=True)
    return sql, page


def test_the_page_costs_the_same_for_3_people_named_as_for_40(app, client, auth, count_sql,
                                                              people):
    auth.login("admin@example.com")
    with app.app_context():
        record_grants(3, "few")
    few, page = audit_page_cost(client, count_sql)
    assert page.count('href="/team/attempts/') == 3
    with app.app_context():
        record_grants(40, "many")
    many, page = audit_page_cost(client, count_sql)
    assert page.count('href="/team/attempts/') == 43
    assert few.count == many.count, f"3 people: {few}\n\n40 people: {many}"
    assert len(many.matching("FROM attempt")) == 1
