"""The audit log's page: newest first, filtered by action, paged by where a page starts (no
count, no offset: the same cost at any length), its chain verified from the last checkpoint."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from trainer.extensions import db
from trainer.models import AuditEvent
from trainer.services import audit as audit_service

from .. import factories
from ..conftest import post_form

SUBJECT_RE = re.compile(r"user(\d+)@example\.com")


@pytest.fixture
def people(app):
    with app.app_context():
        factories.user("admin", email="admin@example.com", name="Ada Admin")
        factories.user("trainee", email="tara@example.com", name="Tara Trainee")


def create(client, name: str):
    """A token made through its page: an event by Ada Admin."""
    return post_form(client, "/admin/tokens", data={"name": name})


def failed_logins(app, count: int) -> None:
    """``count`` failed-login events, user0 the oldest."""
    with app.app_context():
        for n in range(count):
            audit_service.record("login.failed", subject=f"user{n}@example.com")
        db.session.commit()


def shown(html: str) -> list[int]:
    """The n of each ``user{n}`` the page lists, in its order."""
    return [int(n) for n in SUBJECT_RE.findall(html.split("<tbody>")[1].split("</tbody>")[0])]


def link(html: str, text: str) -> str | None:
    found = re.search(rf'<a href="([^"]+)"[^>]*>{re.escape(text)}</a>', html)
    return found.group(1).replace("&amp;", "&") if found else None


def test_the_audit_page_lists_events_newest_first_and_verifies_the_chain(client, auth, people):
    auth.login("admin@example.com")
    create(client, name="First")
    create(client, name="Second")
    html = client.get("/admin/audit").get_data(as_text=True)
    assert "chain intact" in html
    assert html.index("Second") < html.index("First")
    assert "token.created" in html and "Ada Admin" in html
    assert "<script>" not in html and "style=" not in html


def test_the_audit_log_is_walked_page_by_page_both_ways(app, client, auth, people):
    """110 events of one action, 50 a page: newest, older, oldest, and back, each event once."""
    failed_logins(app, 110)
    with app.app_context():
        audit_service.record("token.created", subject="Only token")
        db.session.commit()
    auth.login("admin@example.com")
    first = client.get("/admin/audit?action=login.failed").get_data(as_text=True)
    assert shown(first) == list(range(109, 59, -1)) and "Only token" not in first
    assert link(first, "← Newer") is None and link(first, "Newest") is None
    second = client.get(link(first, "Older →")).get_data(as_text=True)
    assert shown(second) == list(range(59, 9, -1))
    third = client.get(link(second, "Older →")).get_data(as_text=True)
    assert shown(third) == list(range(9, -1, -1)) and link(third, "Older →") is None
    assert link(third, "Oldest") is None
    back = client.get(link(third, "← Newer")).get_data(as_text=True)
    assert shown(back) == list(range(59, 9, -1))  # the page it came from, exactly
    assert shown(client.get(link(back, "← Newer")).get_data(as_text=True)) == shown(first)
    assert shown(client.get(link(first, "Oldest")).get_data(as_text=True)) == list(range(49, -1,
                                                                                         -1))
    for page in (first, second, third):  # the filter is kept on every link
        assert all("action=login.failed" in link(page, text) for text in
                   ("Newest", "← Newer", "Older →", "Oldest") if link(page, text))
    assert "Only token" in client.get("/admin/audit?action=token.created").get_data(as_text=True)


def test_each_page_says_which_events_it_shows(app, client, auth, people):
    failed_logins(app, 60)  # events 1 to 60; logging in adds 61
    auth.login("admin@example.com")
    html = client.get("/admin/audit").get_data(as_text=True)
    assert "Events #61 to #12" in html
    assert "Events #11 to #1" in client.get(link(html, "Older →")).get_data(as_text=True)


def test_a_log_that_fits_on_one_page_has_no_pager(app, client, auth, people):
    failed_logins(app, 3)
    auth.login("admin@example.com")
    html = client.get("/admin/audit").get_data(as_text=True)
    assert shown(html) == [2, 1, 0] and 'class="pager"' not in html


@pytest.mark.parametrize("query", ["page=2", "before=abc", "before=-1", "after=-5", "after=1.5",
                                   "before=%C2%B2", "after=1e3", "before=", "after=99999999999",
                                   "after=" + "9" * 5000])
def test_a_position_that_is_no_event_id_shows_the_newest_page(app, client, auth, people, query):
    """As on the other paged pages: a stale or hand-edited link still shows something."""
    failed_logins(app, 60)
    auth.login("admin@example.com")
    response = client.get(f"/admin/audit?{query}")
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and shown(html)[:3] == [59, 58, 57]


@pytest.mark.parametrize("query", ["before=1", "before=0", "after=0"])
def test_a_position_before_the_oldest_event_shows_the_oldest_page(app, client, auth, people,
                                                                  query):
    failed_logins(app, 60)
    auth.login("admin@example.com")
    html = client.get(f"/admin/audit?{query}").get_data(as_text=True)
    assert shown(html)[-3:] == [2, 1, 0] and link(html, "Older →") is None
    assert link(html, "← Newer") is not None


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



def test_a_long_backlog_is_verified_a_bounded_walk_a_visit(app, client, auth, people,
                                                          monkeypatch, count_sql):
    monkeypatch.setattr(audit_service, "WALK_LIMIT", 4)  # a walk this short still checkpoints
    monkeypatch.setattr(audit_service, "MARK_EVERY", 500)
    with app.app_context():
        for n in range(9):
            audit_service.record("login.failed", subject=f"user{n}@example.com")
        db.session.commit()
        # An event the first visit will not reach is edited...
        db.session.execute(db.update(AuditEvent).where(AuditEvent.id == 6)
                           .values(reason="edited later"))
        db.session.commit()
    auth.login("admin@example.com")
    with count_sql() as sql:
        first = client.get("/admin/audit").get_data(as_text=True)
    assert "Chain verified up to event #4: 4 events, intact so far" in first
    # The checkpoint it stored is committed before the page's events are read: none of them is
    # read again, one by one, after the commit.
    assert not sql.matching("audit_event.id = "), sql
    assert "The newer events are not verified yet" in first and "up to 4 more" in first
    # ...and the next visit, which walks on from there, finds it.
    assert "Chain broken at event 6" in client.get("/admin/audit").get_data(as_text=True)
    with app.app_context():
        db.session.execute(db.update(AuditEvent).where(AuditEvent.id == 6).values(reason=""))
        db.session.commit()
    later = client.get("/admin/audit").get_data(as_text=True)
    assert "Chain verified up to event #8: 8 events" in later
    html = client.get("/admin/audit").get_data(as_text=True)  # the rest, login included
    assert "Chain verified: 10 events, chain intact" in html and "not verified yet" not in html

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
    for url in ("/admin/audit", "/admin/audit?before=30", "/admin/audit?after=5",
                "/admin/audit?action=login.failed", "/admin/audit?action=login.failed&before=30"):
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


def test_no_audit_page_counts_the_log_or_skips_through_it(app, client, auth, count_sql, people):
    """A page is found by where it starts: reading page 500 of a long log costs what page 1
    does, where a count and an OFFSET read every event before it."""
    failed_logins(app, 120)
    auth.login("admin@example.com")
    for url, start in (("/admin/audit", None), ("/admin/audit?before=60", "audit_event.id < "),
                       ("/admin/audit?after=10", "audit_event.id > "),
                       ("/admin/audit?action=login.failed&before=60", "audit_event.id < ")):
        with count_sql() as sql:
            assert client.get(url).status_code == 200
        reads = sql.matching("FROM audit_event")
        assert reads and not [s for s in reads if "count(" in s.lower()], sql
        assert start is None or [s for s in reads if start in s and "LIMIT" in s], sql
