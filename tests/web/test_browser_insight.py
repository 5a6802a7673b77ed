"""A real browser (Debian's headless Chromium, driven by Playwright) opens library insight as a
manager: each chart has drawn pixels, its table shows the service's numbers, and the page's
Content-Security-Policy let every script run."""

from __future__ import annotations

import pytest

from trainer.services.insight import scenario_insights
from trainer.services.insight_categories import category_insights

from .. import factories
from .browser import DRAWN_PIXELS, chromium, log_in, needs_chromium, new_page, serve
from .teams import clearance

pytestmark = needs_chromium


@pytest.fixture
def live_server(app):
    """A manager whose two reports played two scenarios (one mostly failed), one holding a
    clearance; the numbers the service gives for that manager."""
    with app.app_context():
        boss = factories.user("manager", email="boss@example.com")
        ann = factories.user(manager=boss, name="Ann")
        bob = factories.user(manager=boss, name="Bob")
        for person, passed in ((ann, True), (bob, False), (bob, False)):
            factories.scored_attempt(person, "billing-price-rise-notice", passed=passed)
        factories.scored_attempt(ann, "delivery-damaged-sofa")
        clearance(ann, boss, "billing-dispute", level=1)
        expected = {
            "scenarios": {i.scenario_id: round(i.pass_rate * 100)
                          for i in scenario_insights(boss)},
            "holders": {c.category_id: c.holders for c in category_insights(boss)}}
    with serve(app) as base:
        yield base, expected


@pytest.fixture
def page(live_server):
    with chromium() as browser:
        yield new_page(browser)


def test_a_manager_sees_drawn_charts_whose_tables_hold_the_services_numbers(page, live_server):
    url, expected = live_server
    log_in(page, url, "boss@example.com")
    page.goto(f"{url}/insight/")
    page.get_by_role("heading", name="Library insight").wait_for()

    for chart in ("#pass-rate-chart", "#holders-chart"):
        page.locator(f'{chart}[data-chart-ready="true"]').wait_for()
        assert page.locator(chart).evaluate(DRAWN_PIXELS) > 500, chart

    shown = {row.get_attribute("id").removeprefix("scenario-"):
             int(row.locator("td").nth(2).get_attribute("data-value"))
             for row in page.locator("#scenario-table tbody tr").all()}
    assert shown == expected["scenarios"] == {"billing-price-rise-notice": 33,
                                              "delivery-damaged-sofa": 100}
    order = [row.get_attribute("id") for row in page.locator("#scenario-table tbody tr").all()]
    assert order[0] == "scenario-billing-price-rise-notice"  # the worst first

    holders = {row.get_attribute("id").removeprefix("category-"):
               int(row.locator("td").nth(-2).inner_text())
               for row in page.locator("#category-table tbody tr").all()}
    assert holders == expected["holders"] and holders["billing-dispute"] == 1
    assert not page.errors, page.errors
