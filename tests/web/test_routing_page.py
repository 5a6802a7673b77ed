"""The "Who can resolve?" page: any signed-in staff member, a GET search, a clear empty state."""

from __future__ import annotations

import re

import pytest

from .. import factories
from .test_api import clearance
from .test_api_paging import cleared_people


@pytest.fixture
def staff(app):
    with app.app_context():
        boss = factories.user("manager", email="mo@example.com", name="Mo Manager")
        ann = factories.user(email="ann@example.com", name="Ann Able", dept="billing")
        clearance(ann, level=3, limit="500", days_left=10, granted_by=boss)
        clearance(factories.user(email="old@example.com", name="Old Timer"), days_left=-1)
        factories.user(email="tara@example.com", name="Tara Trainee", dept="engineering")


def page(client, **params):
    response = client.get("/resolve", query_string=params)
    return response, response.get_data(as_text=True)


def test_anonymous_visitors_are_sent_to_log_in(client, staff):
    response = client.get("/resolve?category=billing-dispute")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login")


def test_any_signed_in_staff_member_sees_the_form_and_the_nav_link(client, auth, staff):
    auth.login("tara@example.com")
    response, html = page(client)
    assert response.status_code == 200
    assert 'href="/resolve"' in html and "Who can resolve?" in html
    assert '<form method="get"' in html and "Billing disputes" in html
    assert "Nobody is cleared" not in html  # no search yet, no verdict
    assert "<script>" not in html and "style=" not in html


def test_shows_who_is_cleared_right_now(client, auth, staff):
    auth.login("tara@example.com")
    response, html = page(client, category="billing-dispute", amount="300")
    assert response.status_code == 200
    for text in ("Ann Able", "ann@example.com", "billing", "Refunds up to 500", "500",
                 "expires soon"):
        assert text in html, text
    assert "Old Timer" not in html  # expired yesterday
    assert 'value="300"' in html and '<option selected value="billing-dispute">' in html


def test_the_empty_state_says_what_was_asked(client, auth, staff):
    auth.login("tara@example.com")
    _, html = page(client, category="billing-dispute", amount="501")
    assert "Nobody is cleared for refunds of 501 in Billing disputes right now." in html
    assert "Ann Able" not in html
    _, html = page(client, category="delivery-problem", amount="0")
    assert "Nobody is cleared for Delivery problems right now." in html


@pytest.mark.parametrize("amount", ["lots", "-5", "1e3"])
def test_a_bad_amount_is_a_form_error_keeping_what_was_typed(client, auth, staff, amount):
    auth.login("tara@example.com")
    response, html = page(client, category="billing-dispute", amount=amount)
    assert response.status_code == 400
    assert 'class="field-error"' in html and "Amount must be" in html
    assert f'value="{amount}"' in html and 'aria-invalid="true"' in html
    assert "Ann Able" not in html


def test_an_unknown_category_is_a_form_error(client, auth, staff):
    auth.login("tara@example.com")
    response, html = page(client, category="no-such-thing", amount="10")
    assert response.status_code == 400
    assert 'class="field-error"' in html


def names_shown(html: str) -> list[str]:
    return re.findall(r"<td>(Person \d{3})<br>", html)


def test_a_long_list_is_shown_a_page_at_a_time(app, client, auth, staff):
    with app.app_context():
        cleared_people(60, level_of=lambda n: 1)  # Ann (level 3) comes first
    auth.login("tara@example.com")
    _, first = page(client, category="billing-dispute", amount="20")
    assert "61 people are cleared right now; 1–50 shown" in first
    assert "Ann Able" in first and names_shown(first) == [f"Person {n:03}" for n in range(49)]
    more = re.search(r'href="(/resolve\?[^"]+)" rel="next"', first)
    assert more and "category=billing-dispute" in more[1] and "amount=20" in more[1]
    second = client.get(more[1].replace("&amp;", "&")).get_data(as_text=True)
    assert "Ann Able" not in second and "Page 2 of 2" in second
    assert names_shown(second) == [f"Person {n:03}" for n in range(49, 60)]
    _, past_the_end = page(client, category="billing-dispute", amount="20", page="99")
    assert names_shown(past_the_end) == names_shown(second)
    _, no_number = page(client, category="billing-dispute", amount="20", page="abc")
    assert names_shown(no_number) == names_shown(first)


def test_the_page_costs_the_same_for_3_and_for_300_people_cleared(app, client, auth, count_sql,
                                                                  staff):
    auth.login("tara@example.com")
    url = "/resolve?category=billing-dispute&amount=20"

    def cost():
        client.get(url)
        with count_sql() as sql:
            assert client.get(url).status_code == 200
        return sql

    with app.app_context():
        cleared_people(2)
    few = cost()
    with app.app_context():
        cleared_people(297, prefix="More")
    many = cost()
    assert few.count == many.count, f"3 people: {few}\n\n300 people: {many}"
