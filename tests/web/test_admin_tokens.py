"""Admin token pages (create shows the token once, revoke closes the API) and the audit log."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from trainer.extensions import db
from trainer.models import ApiToken, AuditEvent
from trainer.services import audit as audit_service
from trainer.services import tokens as token_service

from .. import factories
from ..conftest import post_form

TOKEN_RE = re.compile(r"trn_[A-Za-z0-9_-]{43}")


@pytest.fixture
def people(app):
    with app.app_context():
        factories.user("admin", email="admin@example.com", name="Ada Admin")
        factories.user("manager", email="mo@example.com", name="Mo Manager")
        factories.user("trainee", email="tara@example.com", name="Tara Trainee")


def token_urls(app) -> list[tuple[str, str]]:
    """(method, url) for every route of the blueprint, so a new one cannot escape the 404 test."""
    urls = []
    for rule in app.url_map.iter_rules():
        if rule.endpoint.startswith("admin_tokens."):
            url = rule.rule.replace("<int:token_id>", "1")
            urls += [(method, url) for method in sorted(rule.methods & {"GET", "POST"})]
    assert len(urls) >= 4
    return urls


def create(client, name="Helpdesk router", **kwargs):
    return post_form(client, "/admin/tokens", data={"name": name}, **kwargs)


def created_token(client, name="Helpdesk router") -> str:
    return TOKEN_RE.search(create(client, name, follow_redirects=True)
                           .get_data(as_text=True)).group(0)


@pytest.mark.parametrize("email", ["tara@example.com", "mo@example.com"])
def test_non_admins_find_no_token_page(app, client, auth, people, email):
    with app.app_context():
        token_service.create_token("existing")
    auth.login(email)
    for method, url in token_urls(app):
        response = client.get(url) if method == "GET" else post_form(client, "/", url,
                                                                      data={"name": "x"})
        assert response.status_code == 404, (method, url)
    with app.app_context():
        assert db.session.scalar(select(ApiToken)).revoked_at is None
        assert len(db.session.scalars(select(ApiToken)).all()) == 1


def test_anonymous_visitors_are_sent_to_log_in(app, client, people):
    for method, url in token_urls(app):
        response = client.get(url) if method == "GET" else post_form(client, "/login", url)
        assert response.status_code == 302, (method, url)
        assert response.headers["Location"].startswith("/login"), (method, url)


def test_the_token_is_shown_once_and_only_its_hash_is_stored(app, client, auth, people):
    auth.login("admin@example.com")
    posted = create(client)
    assert posted.status_code == 302 and posted.headers["Location"] == "/admin/tokens/created"
    assert not TOKEN_RE.search(posted.get_data(as_text=True))  # never in the POST's answer
    response = client.get("/admin/tokens/created")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    raw = TOKEN_RE.search(html).group(0)
    assert "will not be shown again" in html
    assert response.headers["Cache-Control"] == "no-store"
    listing = client.get("/admin/tokens").get_data(as_text=True)
    assert raw not in listing and raw[:10] in listing and "Helpdesk router" in listing
    with app.app_context():
        token = db.session.scalar(select(ApiToken))
        assert token.token_hash == token_service.hash_token(raw) and raw not in token.token_hash
        event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "token.created"))
        assert event.subject == "Helpdesk router" and raw not in str(event.detail)


def test_refreshing_the_created_page_makes_no_second_token(app, client, auth, people):
    auth.login("admin@example.com")
    raw = created_token(client)
    again = client.get("/admin/tokens/created")
    assert again.status_code == 302 and again.headers["Location"] == "/admin/tokens"
    listing = client.get("/admin/tokens").get_data(as_text=True)
    assert "shown only once" in listing and raw not in listing
    with app.app_context():
        assert len(db.session.scalars(select(ApiToken)).all()) == 1


def test_the_token_never_sits_whole_in_the_cookie_or_the_session_row(app, client, auth,
                                                                      people):
    from trainer.models import UserSession

    auth.login("admin@example.com")
    create(client)
    cookie = client.get_cookie("session").value
    with app.app_context():
        stored = app.session_interface.get_signing_serializer(app).loads(cookie)
        [row] = db.session.scalars(select(UserSession)).all()
        pending = row.pending_secret
    replay = app.test_client()  # someone who copied the cookie before the page was shown
    replay.set_cookie("session", cookie)
    raw = TOKEN_RE.search(client.get("/admin/tokens/created").get_data(as_text=True)).group(0)
    assert raw not in str(stored) and raw not in pending and raw.encode().hex() not in pending
    with app.app_context():
        assert db.session.scalars(select(UserSession)).one().pending_secret is None
    assert replay.get("/admin/tokens/created").status_code == 302  # shown once, to one page


def test_a_blank_name_is_a_form_error(app, client, auth, people):
    auth.login("admin@example.com")
    response = create(client, name="  ")
    assert response.status_code == 400
    assert 'class="field-error"' in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(ApiToken)) is None


def test_revoking_stops_api_access(app, client, auth, people):
    auth.login("admin@example.com")
    raw = created_token(client)
    api = {"query_string": {"category": "billing-dispute"},
           "headers": {"Authorization": f"Bearer {raw}"}}
    assert client.get("/api/v1/resolvers", **api).status_code == 200
    response = post_form(client, "/admin/tokens", "/admin/tokens/1/revoke",
                         follow_redirects=True)
    assert "revoked" in response.get_data(as_text=True)
    assert client.get("/api/v1/resolvers", **api).status_code == 401
    again = post_form(client, "/admin/tokens", "/admin/tokens/1/revoke", follow_redirects=True)
    assert "already revoked" in again.get_data(as_text=True)
    with app.app_context():
        actions = db.session.scalars(select(AuditEvent.action)).all()
        assert actions.count("token.revoked") == 1


def test_revoking_needs_a_csrf_token(app, client, auth, people):
    with app.app_context():
        token_service.create_token("existing")
    auth.login("admin@example.com")
    assert client.post("/admin/tokens/1/revoke").status_code == 400
    with app.app_context():
        assert db.session.scalar(select(ApiToken)).revoked_at is None


def test_the_audit_page_lists_events_newest_first_and_verifies_the_chain(app, client, auth,
                                                                         people):
    auth.login("admin@example.com")
    create(client, name="First")
    create(client, name="Second")
    html = client.get("/admin/audit").get_data(as_text=True)
    assert "chain intact" in html
    assert html.index("Second") < html.index("First")
    assert "token.created" in html and "Ada Admin" in html
    assert "<script>" not in html and "style=" not in html


def test_the_audit_page_filters_by_action_and_paginates(app, client, auth, people):
    with app.app_context():
        for n in range(60):
            audit_service.record("login.failed", subject=f"user{n}@example.com")
        audit_service.record("token.created", subject="Only token")
        db.session.commit()
    auth.login("admin@example.com")
    first = client.get("/admin/audit?action=login.failed").get_data(as_text=True)
    assert "user59@example.com" in first and "user9@example.com" not in first
    assert "Only token" not in first and "Page 1 of 2" in first
    second = client.get("/admin/audit?action=login.failed&page=2").get_data(as_text=True)
    assert "user9@example.com" in second and "user59@example.com" not in second
    assert "Only token" in client.get("/admin/audit?action=token.created").get_data(as_text=True)


def test_the_audit_filter_offers_each_recorded_action_once_in_order(app, client, auth, people):
    auth.login("admin@example.com")
    with app.app_context():
        for action in ("token.created", "login.failed", "token.created", "zz.custom"):
            audit_service.record(action, subject="someone")
        db.session.commit()
        recorded = sorted(set(db.session.scalars(select(AuditEvent.action))))
    html = client.get("/admin/audit").get_data(as_text=True)
    offered = re.findall(r'<option value="([^"]+)"', html)
    assert offered == recorded and {"login.failed", "token.created", "zz.custom"} <= set(offered)


def test_the_audit_page_reports_a_broken_chain(app, client, auth, people):
    auth.login("admin@example.com")
    create(client, name="First")
    create(client, name="Second")
    with app.app_context():
        db.session.execute(db.update(AuditEvent).where(AuditEvent.subject == "First")
                           .values(reason="edited later"))
        db.session.commit()
        bad = db.session.scalar(select(AuditEvent.id).where(AuditEvent.subject == "First"))
    html = client.get("/admin/audit").get_data(as_text=True)
    assert f"Chain broken at event {bad}" in html


def test_no_route_updates_or_deletes_an_event(app):
    methods = {m for rule in app.url_map.iter_rules() if "audit" in rule.rule
               for m in rule.methods}
    assert methods <= {"GET", "HEAD", "OPTIONS"}


@pytest.mark.parametrize("page", ["abc", "0", "-1", "-99999999999999999999", "1.5", "%C2%B2",
                                  "1e3", ""])
def test_a_page_that_is_no_number_shows_the_first_page(app, client, auth, people, page):
    """As on the team pages: a stale or hand-edited link still shows something."""
    with app.app_context():
        for n in range(60):
            audit_service.record("login.failed", subject=f"user{n}@example.com")
        db.session.commit()
    auth.login("admin@example.com")
    response = client.get(f"/admin/audit?page={page}")
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "Page 1 of 2" in html
    assert "user59@example.com" in html and "user0@example.com" not in html


@pytest.mark.parametrize("page", ["99999999999999999999", "3", "9" * 5000])
def test_a_page_past_the_end_shows_the_last_page(app, client, auth, people, page):
    with app.app_context():
        for n in range(60):
            audit_service.record("login.failed", subject=f"user{n}@example.com")
        db.session.commit()
    auth.login("admin@example.com")
    response = client.get(f"/admin/audit?page={page}")
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "Page 2 of 2" in html and "user0@example.com" in html


def test_the_audit_page_verifies_from_the_last_checkpoint(app, client, auth, people,
                                                         monkeypatch):
    from trainer.models import AuditCheckpoint

    monkeypatch.setattr(audit_service, "MARK_EVERY", 5)
    with app.app_context():
        for n in range(6):
            audit_service.record("login.failed", subject=f"user{n}@example.com")
        db.session.commit()
    auth.login("admin@example.com")  # one more event: 7
    first = client.get("/admin/audit").get_data(as_text=True)
    assert "Chain verified: 7 events, chain intact" in first
    with app.app_context():
        mark = db.session.scalar(select(AuditCheckpoint))
        assert (mark.event_id, mark.events) == (7, 7)
        audit_service.record("token.created", subject="newer")
        # An old event edited behind the checkpoint: the page does not read it again...
        db.session.execute(db.update(AuditEvent).where(AuditEvent.id == 2)
                           .values(reason="edited later"))
        db.session.commit()
    html = client.get("/admin/audit").get_data(as_text=True)
    assert "Chain verified: 8 events, chain intact" in html
    assert "Events up to #7 were verified on" in html and "the 1 newer one just now" in html
    # ...the whole check, one click away, does.
    full = client.get("/admin/audit?verify=full").get_data(as_text=True)
    assert "Chain broken at event 2" in full


def test_the_audit_page_catches_removed_newest_events_by_the_checkpoint(app, client, auth,
                                                                       people, monkeypatch):
    monkeypatch.setattr(audit_service, "MARK_EVERY", 1)
    auth.login("admin@example.com")
    create(client, name="First")
    assert "chain intact" in client.get("/admin/audit").get_data(as_text=True)
    with app.app_context():
        newest = db.session.scalar(select(db.func.max(AuditEvent.id)))
        db.session.execute(db.delete(AuditEvent).where(AuditEvent.id == newest))
        db.session.commit()
    html = client.get("/admin/audit").get_data(as_text=True)
    assert f"Chain broken at event {newest}" in html and "has been removed" in html


def record_events(count: int, actors: list[int]) -> None:
    from trainer.models import User

    for n in range(count):
        actor = db.session.get(User, actors[n % len(actors)])
        audit_service.record("login.failed" if n % 2 else "user.created", actor,
                             subject=f"user{n}@example.com")
    db.session.commit()


def audit_costs(client, count_sql) -> dict:
    """Each audit page's statements (warmed up once), on a load that verifies the 3 events newer
    than the last checkpoint."""
    found = {}
    for url in ("/admin/audit", "/admin/audit?page=2", "/admin/audit?action=login.failed"):
        assert client.get(url).status_code == 200
        with client.application.app_context():
            audit_service.store_checkpoint(audit_service.verify_recent(store=False))
            for n in range(3):
                audit_service.record("token.created", subject=f"Token {n}")
            db.session.commit()
        with count_sql() as sql:
            html = client.get(url).get_data(as_text=True)
        assert "chain intact" in html and "the 3 newer ones just now" in html, html
        found[url] = sql
    return found


def test_the_audit_page_costs_the_same_for_60_events_and_for_600(app, client, auth, count_sql,
                                                                  people):
    """Two pages or twelve: the same statements (and only the events since the checkpoint are
    verified)."""
    with app.app_context():
        actors = [factories.user("manager", email=f"m{n}@example.com").id for n in range(30)]
        record_events(60, actors[:2])
    auth.login("admin@example.com")
    few = audit_costs(client, count_sql)
    with app.app_context():
        record_events(540, actors)  # 600 in all
    many = audit_costs(client, count_sql)
    for url in few:
        assert few[url].count == many[url].count, f"{url}\n60 events: {few[url]}\n\n" \
                                                  f"600 events: {many[url]}"
