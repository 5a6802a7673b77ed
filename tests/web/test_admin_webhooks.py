"""/admin/webhooks: admins add endpoints (the secret shown once) and remove them, see every
delivery with its status, and retry one; anyone else gets a 404, every form needs its CSRF token.
Deliveries go to a real receiver on loopback (tests/services/test_webhooks.py's)."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from trainer.extensions import db
from trainer.models import AuditEvent, OutboundDelivery, User, WebhookEndpoint
from trainer.services import clearances, webhooks

from .. import factories
from ..conftest import post_form
from ..webhook_receiver import CATEGORY, receivers
from .browser import chromium, log_in, needs_chromium, new_page, serve

SECRET_RE = re.compile(r"whsec_[A-Za-z0-9_-]{43}")
PAGE = "/admin/webhooks"


@pytest.fixture
def people(app):
    with app.app_context():
        admin = factories.user("admin", email="admin@example.com", name="Ada Admin")
        factories.user("manager", email="mo@example.com", name="Mo Manager")
        factories.user("trainee", email="tara@example.com", name="Tara Trainee", manager=admin)


@pytest.fixture
def make_receiver():
    yield from receivers()


def urls(app) -> list[tuple[str, str]]:
    found = []
    for rule in app.url_map.iter_rules():
        if rule.endpoint.startswith("admin_webhooks."):
            url = rule.rule.replace("<int:endpoint_id>", "1").replace("<int:delivery_id>", "1")
            found += [(method, url) for method in sorted(rule.methods & {"GET", "POST"})]
    assert len(found) >= 5
    return found


def add(client, url, description="Helpdesk routing", **kwargs):
    return post_form(client, PAGE, data={"url": url, "description": description}, **kwargs)


def grant_someone(app) -> None:
    with app.app_context():
        admin = db.session.scalar(select(User).where(User.email == "admin@example.com"))
        person = db.session.scalar(select(User).where(User.email == "tara@example.com"))
        clearances.grant_clearance(admin, person, CATEGORY, 2, 30, justification="Cover")


@pytest.mark.parametrize("email", ["tara@example.com", "mo@example.com"])
def test_non_admins_get_404_everywhere(app, client, auth, people, email):
    with app.app_context():
        webhooks.add_endpoint("https://router.example.com/hook")
    auth.login(email)
    for method, url in urls(app):
        response = client.get(url) if method == "GET" else post_form(
            client, "/", url, data={"url": "https://evil.example.com/"})
        assert response.status_code == 404, (method, url)
    with app.app_context():
        [endpoint] = db.session.scalars(select(WebhookEndpoint)).all()
        assert endpoint.removed_at is None
    assert "/admin/webhooks" not in client.get("/").get_data(as_text=True)


def test_anonymous_visitors_are_sent_to_log_in(client, people):
    response = client.get(PAGE)
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_adding_shows_the_secret_once_then_never_again(app, client, auth, people):
    auth.login("admin@example.com")
    assert 'href="/admin/webhooks"' in client.get("/").get_data(as_text=True)
    response = add(client, "https://router.example.com/hooks/trainer")
    assert response.status_code == 302 and response.headers["Location"].endswith("/created")
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    secret = SECRET_RE.search(page).group(0)
    assert "Trainer-Signature" in page and "HMAC-SHA256" in page
    with app.app_context():
        [endpoint] = db.session.scalars(select(WebhookEndpoint)).all()
        assert (endpoint.url, endpoint.secret) == ("https://router.example.com/hooks/trainer",
                                                   secret)
        assert db.session.scalar(select(AuditEvent.action).order_by(AuditEvent.id.desc())) == \
            "webhook.added"
    again = client.get(f"{PAGE}/created", follow_redirects=True).get_data(as_text=True)
    assert secret not in again and "shown only once" in again
    assert secret not in client.get(PAGE).get_data(as_text=True)


@pytest.mark.parametrize("url", ["ftp://router.example.com/", "router.example.com/hook",
                                 "https://exa mple.com/", "http://"])
def test_a_bad_url_is_refused_and_kept_in_the_form(app, client, auth, people, url):
    auth.login("admin@example.com")
    response = add(client, url, "My router")
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert 'aria-invalid="true"' in page and 'value="My router"' in page
    assert 'class="field-error"' in page and f'value="{url}"' in page  # what was typed stays
    with app.app_context():
        assert db.session.scalars(select(WebhookEndpoint)).all() == []


def test_forms_without_their_csrf_token_are_refused(app, client, auth, people):
    auth.login("admin@example.com")
    assert client.post(PAGE, data={"url": "https://router.example.com/"}).status_code == 400
    with app.app_context():
        webhooks.add_endpoint("https://router.example.com/hook")
    assert client.post(f"{PAGE}/1/remove").status_code == 400
    with app.app_context():
        assert db.session.get(WebhookEndpoint, 1).removed_at is None


def test_removing_an_endpoint_stops_its_events(app, client, auth, people, make_receiver):
    receiver = make_receiver()
    auth.login("admin@example.com")
    add(client, receiver.url)
    response = post_form(client, PAGE, f"{PAGE}/1/remove", follow_redirects=True)
    assert "removed" in response.get_data(as_text=True)
    grant_someone(app)
    assert receiver.requests == []
    assert post_form(client, PAGE, f"{PAGE}/99/remove").status_code == 404


def test_deliveries_are_listed_with_their_status_and_a_retry_sends_again(app, client, auth,
                                                                          people, make_receiver):
    app.config["TRAINER_OUTBOUND_RETRIES"] = 0  # the first failure is final
    receiver = make_receiver(fail_first=1)
    auth.login("admin@example.com")
    created = add(client, receiver.url)
    receiver.secret = SECRET_RE.search(client.get(created.headers["Location"])
                                       .get_data(as_text=True)).group(0)
    grant_someone(app)
    page = client.get(PAGE).get_data(as_text=True)
    assert "clearance.granted" in page and "HTTP 500" in page
    assert re.search(r'class="delivery-status">failed', page)
    assert client.get(f"{PAGE}?status=delivered").get_data(as_text=True).count(
        'class="delivery-status"') == 0
    response = post_form(client, PAGE, f"{PAGE}/deliveries/1/retry", follow_redirects=True)
    page = response.get_data(as_text=True)
    assert "Delivery 1: delivered." in page
    assert re.search(r'class="delivery-status">delivered', page) and "HTTP 204" in page
    with app.app_context():
        delivery = db.session.get(OutboundDelivery, 1)
        assert (delivery.status, delivery.attempts) == ("delivered", 2)
    assert len(receiver.requests) == 2 and all(r["verified"] for r in receiver.requests)
    assert post_form(client, PAGE, f"{PAGE}/deliveries/77/retry").status_code == 404


def test_the_delivery_list_pages_and_odd_query_strings_do_not_break_it(app, client, auth,
                                                                       people, make_receiver):
    receiver = make_receiver()
    auth.login("admin@example.com")
    add(client, receiver.url)
    for _ in range(14):  # each grant replaces the last: a revocation and a grant each time
        grant_someone(app)
    with app.app_context():
        assert len(db.session.scalars(select(OutboundDelivery)).all()) == 27
    first = client.get(PAGE).get_data(as_text=True)
    assert "Deliveries #27 to #3" in first
    older = re.search(r'href="([^"]+)" rel="next">Older', first).group(1).replace("&amp;", "&")
    second = client.get(older).get_data(as_text=True)
    assert "Deliveries #2 to #1" in second and 'rel="next"' not in second
    # A retry from the older page comes back to it, filter and all.
    retried = post_form(client, older, f"{PAGE}/deliveries/1/retry?before=3&status=delivered")
    assert retried.headers["Location"].endswith(f"{PAGE}?before=3&status=delivered")
    for query in ("?page=2", "?before=abc", "?after=-3", "?before=99999999999999999999999",
                  "?after=0&status=bogus", "?status=%00"):
        assert client.get(PAGE + query).status_code == 200, query


@needs_chromium
def test_the_pages_fit_a_phone_and_the_secret_is_shown_in_a_real_browser(app, people,
                                                                        make_receiver):
    receiver = make_receiver(fail_first=1)
    with app.app_context():
        webhooks.add_endpoint("http://127.0.0.1:9/" + "very-long-path/" * 8)  # refused
    with serve(app) as base, chromium() as browser:
        page = new_page(browser, viewport={"width": 390, "height": 844})
        log_in(page, base, "admin@example.com")
        page.goto(f"{base}{PAGE}")
        page.get_by_label("URL").fill(receiver.url)
        page.get_by_label("Description").fill("Helpdesk routing")
        page.get_by_role("button", name="Add endpoint").click()
        page.wait_for_load_state()
        secret = page.locator("#secret").input_value()
        assert SECRET_RE.fullmatch(secret)
        widths = {"created": page.evaluate("document.documentElement.scrollWidth")}
        receiver.secret = secret
        grant_someone(app)
        page.goto(f"{base}{PAGE}")
        widths["index"] = page.evaluate("document.documentElement.scrollWidth")
        assert page.locator(".delivery-status").first.inner_text().startswith("pending")
        assert widths == {"created": 390, "index": 390}
        assert page.errors == []
