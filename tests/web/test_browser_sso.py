"""A real browser (Debian's headless Chromium, driven by Playwright) logs in through single
sign-on: the button on the login page, the provider's own form (oidc-provider-mock on a
loopback port), and back to the trainer, logged in."""

from __future__ import annotations

from .. import factories
from .browser import chromium, needs_chromium, new_page, serve
from .oidc_provider import PROVIDER_NAME, configure, requests, running_provider, verified

pytestmark = needs_chromium


def test_the_sso_button_leads_through_the_provider_and_back_logged_in(app):
    with running_provider() as issuer:
        configure(app, issuer)
        with app.app_context():
            factories.user("trainee", email="tara@example.com", name="Tara Singh")
        requests.put(f"{issuer}/users/tara", json=verified("tara@example.com"),
                     timeout=10).raise_for_status()
        with serve(app) as base, chromium() as browser:
            page = new_page(browser)
            page.goto(f"{base}/login")
            page.get_by_role("button", name=f"Log in with {PROVIDER_NAME}").click()
            page.get_by_role("heading", name="Authorize Client").wait_for()  # at the provider
            assert page.url.startswith(f"{issuer}/oauth2/authorize?")
            page.get_by_placeholder("sub").fill("tara")
            page.get_by_role("button", name="Authorize").click()
            page.get_by_role("heading", name="Hello, Tara Singh").wait_for()
            assert page.url == f"{base}/"
            page.get_by_role("button", name="Log out Tara Singh").click()
            page.get_by_text("You have been logged out.").wait_for()
            trainer_errors = [e for e in page.errors if "Content Security Policy" in e]
            assert not trainer_errors, page.errors
