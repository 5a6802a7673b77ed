"""A real browser (Debian's headless Chromium, driven by Playwright) plays a scenario end to end."""

from __future__ import annotations

import pytest

from .. import factories
from .browser import chromium, needs_chromium, new_page, serve

pytestmark = needs_chromium


@pytest.fixture
def live_server(app):
    with app.app_context():
        boss = factories.user("manager", email="boss@example.com")
        factories.user("trainee", email="tara@example.com", name="Tara Singh", manager=boss)
    with serve(app) as base:
        yield base


@pytest.fixture
def page(live_server):
    with chromium() as browser:
        yield new_page(browser)


def test_trainee_logs_in_plays_to_the_end_and_reads_the_scorecard(page, live_server):
    page.goto(f"{live_server}/login")
    page.get_by_label("Email").fill("tara@example.com")
    page.get_by_label("Password").fill(factories.PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.get_by_role("heading", name="Hello, Tara Singh").wait_for()

    page.get_by_role("button", name="Practise Charged twice for the same month").click()
    page.get_by_text("charged twice for March").wait_for()
    assert page.locator("#mood").inner_text() == "frustrated"

    page.get_by_label("Your reply to the customer").fill(
        "I'm so sorry, Priya - being charged twice and then ignored is not on, especially "
        "with rent due. The second 39.99 was our error. I've refunded it in full today; it "
        "will reach your account within 5 working days, reference RF-55120. I'll call you "
        "on Friday to check it has arrived.")
    page.get_by_role("button", name="Send reply").click()
    page.locator(".bubble.trainee").first.wait_for()
    if page.locator("#end-link").count():  # the customer may wait for a close
        page.get_by_label("Your reply to the customer").fill(
            "Is there anything else I can do for you today, Priya?")
        page.get_by_role("button", name="Send reply").click()
        page.locator(".bubble.trainee").nth(1).wait_for()
    if page.locator("#end-link").count():  # ending early asks first, on its own page
        page.locator("#end-link").click()
        page.get_by_role("button", name="Yes, end it and score it").click()

    page.get_by_role("heading", name="Scorecard: Charged twice for the same month").wait_for()
    for dimension in ("Empathy", "Ownership", "Accuracy"):
        assert page.get_by_role("heading", name=dimension, exact=True).is_visible()
    assert page.get_by_text("From your words").first.is_visible()
    assert page.get_by_role("button", name="Practise", exact=True).is_visible()
    assert page.get_by_text("A model answer").is_visible()  # practice shows it
    assert not [e for e in page.errors if "Content Security Policy" in e], page.errors
