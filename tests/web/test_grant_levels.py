"""The grant form offers each category's named levels with their limits; every message of grant,
revoke, override and confirm names the person, the category's title and the level in words."""

from __future__ import annotations

import html

import pytest
from sqlalchemy import select

from trainer.extensions import db
from trainer.models import Clearance

from .. import factories
from ..conftest import post_form

DELIVERY_2 = "delivery-problem:2"


@pytest.fixture
def team(app):
    """Morgan manages Tara, who passed two delivery scenarios (eligible for delivery level 2)."""
    with app.app_context():
        boss = factories.user("manager", email="boss@example.com", name="Morgan Boss")
        tara = factories.user("trainee", email="tara@example.com", name="Tara Singh",
                              manager=boss)
        sofa = factories.scored_attempt(tara, "delivery-damaged-sofa")
        factories.scored_attempt(tara, "delivery-next-day-order-late")
        failed = factories.scored_attempt(tara, "billing-double-charge", passed=False)
        return {"tara": tara.id, "sofa": sofa.id, "failed": failed.id}


def page_of(client, url: str) -> str:
    return html.unescape(client.get(url).get_data(as_text=True))


def grant(client, person_id: int, follow: bool = False, **fields):
    data = {"authority": DELIVERY_2, "limit": "", "expires": "", "justification": "", **fields}
    return post_form(client, f"/team/people/{person_id}", f"/team/people/{person_id}/clearances",
                     data=data, follow_redirects=follow)


def test_the_form_offers_each_categorys_named_levels_with_their_limits(client, auth, team):
    auth.login("boss@example.com")
    page = page_of(client, f"/team/people/{team['tara']}")
    assert '<optgroup label="Delivery problems">' in page
    assert "Level 2: Goodwill up to 75 and delivery-charge refunds (at most 75)" in page
    assert "Level 1: Resolve with standard remedies (no money)" in page  # Billing disputes
    assert f'value="{DELIVERY_2}"' in page
    assert 'name="level"' not in page  # no free number any more


def test_a_level_can_be_opened_preselected_from_a_link(client, auth, team):
    auth.login("boss@example.com")
    page = page_of(client, f"/team/people/{team['tara']}?grant={DELIVERY_2}")
    assert f'selected value="{DELIVERY_2}"' in page or f'value="{DELIVERY_2}" selected' in page


def test_an_empty_limit_is_the_levels_and_the_message_names_it_in_words(client, auth, team,
                                                                         app):
    auth.login("boss@example.com")
    done = grant(client, team["tara"], follow=True)
    page = html.unescape(done.get_data(as_text=True))
    assert ("Cleared Tara Singh for Delivery problems, level 2: goodwill up to 75 and "
            "delivery-charge refunds (limit 75).") in page
    with app.app_context():
        clearance = db.session.scalar(select(Clearance))
        assert clearance.category == "delivery-problem" and clearance.level == 2
        assert clearance.limit == 75 and not clearance.is_exception


def test_a_lower_limit_is_named_as_typed(client, auth, team):
    auth.login("boss@example.com")
    page = html.unescape(grant(client, team["tara"], limit="40", follow=True)
                         .get_data(as_text=True))
    assert "level 2: goodwill up to 75 and delivery-charge refunds (limit 40)." in page


def test_more_than_the_level_allows_is_refused_beside_the_limit_keeping_the_choice(
        client, auth, team, app):
    auth.login("boss@example.com")
    refused = grant(client, team["tara"], limit="80", justification="Asked for it")
    page = html.unescape(refused.get_data(as_text=True))
    assert refused.status_code == 422
    error = page.split('id="limit-error">')[1].split("</small>")[0]
    assert "above what level 2" in error and "at most 75" in error
    assert 'value="80"' in page or 'value="80.00"' in page
    assert f'selected value="{DELIVERY_2}"' in page or f'value="{DELIVERY_2}" selected' in page
    assert "Asked for it" in page
    with app.app_context():
        assert db.session.scalar(select(Clearance)) is None


@pytest.mark.parametrize(("choice", "message"), [
    ("", "Choose a category and level."),
    ("delivery-problem:9", "Not a valid choice"),
    ("no-such-category:1", "Not a valid choice"),
    ("delivery-problem", "Not a valid choice"),
])
def test_a_missing_or_unknown_level_is_an_error_beside_the_choice(client, auth, team, app,
                                                                   choice, message):
    auth.login("boss@example.com")
    refused = grant(client, team["tara"], authority=choice, limit="10")
    page = html.unescape(refused.get_data(as_text=True))
    assert refused.status_code == 422
    assert message in page.split('id="authority-error">')[1].split("</small>")[0]
    with app.app_context():
        assert db.session.scalar(select(Clearance)) is None


def test_not_eligible_asks_for_a_justification_beside_that_field(client, auth, team):
    auth.login("boss@example.com")
    refused = grant(client, team["tara"], authority="billing-dispute:2")
    page = html.unescape(refused.get_data(as_text=True))
    assert refused.status_code == 422
    assert "needs a written justification" in \
        page.split('id="justification-error">')[1].split("</small>")[0]


def test_revoking_names_the_person_the_category_and_the_level(client, auth, team, app):
    auth.login("boss@example.com")
    grant(client, team["tara"], limit="40")
    with app.app_context():
        clearance_id = db.session.scalar(select(Clearance.id))
    person = f"/team/people/{team['tara']}"
    done = post_form(client, person, f"/team/clearances/{clearance_id}/revoke",
                     data={"reason": "Moved to billing"}, follow_redirects=True)
    assert ("Revoked Tara Singh's clearance for Delivery problems, level 2: goodwill up to 75 "
            "and delivery-charge refunds (limit 40).") in html.unescape(done.get_data(as_text=True))


def test_override_and_confirm_name_the_person_the_scenario_its_category_and_levels(
        client, auth, team):
    auth.login("boss@example.com")
    url = f"/team/attempts/{team['failed']}"
    done = post_form(client, url, f"{url}/override", follow_redirects=True,
                     data={"dimension": "ownership", "level": "3",
                           "comment": "She gave a date on the recording."})
    assert ("Set ownership to level 3 (was 0) on Tara Singh's attempt at “Charged twice for "
            "the same month” (Billing disputes).") in html.unescape(done.get_data(as_text=True))
    url = f"/team/attempts/{team['sofa']}"
    done = post_form(client, url, f"{url}/confirm", follow_redirects=True)
    assert ("Confirmed Tara Singh's attempt at “Sofa delivered damaged, crew left before "
            "inspection” (Delivery problems): every level stands (empathy 3, ownership 3, "
            "accuracy 3), and it counts as a label.") in html.unescape(done.get_data(as_text=True))
