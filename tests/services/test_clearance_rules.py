"""One rule each, on a real database: "current" and "expiring soon" select the same clearances
in SQL as in Python at every boundary, a deactivated report stays in scope while the lists that
ask for action leave them out, and who is ready for a clearance is counted as it is listed."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime, timedelta
from decimal import Decimal

from sqlalchemy import select

from trainer.domain.qualification import EXPIRY_WARNING_DAYS
from trainer.extensions import db
from trainer.models import Clearance
from trainer.services import clearance_lists, tracks
from trainer.services.access import can_view_user, in_scope
from trainer.services.clearances import grant_clearance
from trainer.services.library import get_library
from trainer.services.team import people_of

from .. import factories

US = timedelta(microseconds=1)
NOW = datetime(2026, 3, 15, 12, 0, tzinfo=UTC)
WINDOW = timedelta(days=EXPIRY_WARNING_DAYS)


def _add(person, granted_at, expires_at, revoked_at=None) -> Clearance:
    clearance = Clearance(user_id=person.id, category="billing-dispute", level=1,
                          limit=Decimal(0), granted_at=granted_at, expires_at=expires_at,
                          revoked_at=revoked_at)
    db.session.add(clearance)
    return clearance


def test_current_and_expiring_soon_agree_in_sql_and_python_at_every_edge(ctx):
    person = factories.user()
    year = timedelta(days=365)
    for granted in (NOW - year, NOW, NOW + US):
        for expires in (NOW - US, NOW, NOW + US, NOW + WINDOW - US, NOW + WINDOW,
                        NOW + WINDOW + US, NOW + year):
            for revoked in (None, NOW - US):
                _add(person, granted, expires, revoked)
    db.session.commit()
    everything = list(db.session.scalars(select(Clearance)))
    elsewhere = NOW.astimezone(datetime.now().astimezone().tzinfo)  # any zone: the same instant
    for when in (NOW, elsewhere):
        for days in (EXPIRY_WARNING_DAYS, 7):
            soon_sql = set(db.session.scalars(
                select(Clearance.id).where(Clearance.is_expiring_soon(when, days))))
            assert soon_sql == {c.id for c in everything if c.is_expiring_soon(when, days)}
        current_sql = set(db.session.scalars(
            select(Clearance.id).where(Clearance.is_current(when))))
        assert current_sql == {c.id for c in everything if c.is_current(when)}
    current = {c.id for c in everything if c.is_current(NOW)}
    assert len(current) == 2 * 5  # granted by now, unrevoked, expiring after now
    soon = {c.id for c in everything if c.is_expiring_soon(NOW)}
    assert len(soon) == 2 * 3  # ... and no later than 30 days on
    expiring = clearance_lists.expiring_for([person], NOW)
    assert {c.id for c in expiring} == soon
    assert [c.expires_at for c in expiring] == sorted(c.expires_at for c in expiring)


def test_a_deactivated_report_is_in_scope_but_never_on_a_list_for_action(ctx):
    boss = factories.user("manager")
    here = factories.user(manager=boss, name="Here")
    gone = factories.user(manager=boss, name="Gone", active=False)
    for person in (here, gone):
        factories.scored_attempt(person, "billing-double-charge")
    assert in_scope(boss, gone) and can_view_user(boss, gone)
    assert {p.id for p in people_of(boss)} == {here.id, gone.id}
    assert [p.id for p in people_of(boss, active_only=True)] == [here.id]
    assert {r.user.id for r in clearance_lists.ready_team(boss)} == {here.id}
    assert {r.user.id for r in clearance_lists.ready_team(boss, people=[here, gone])} == {here.id}
    assert gone.id not in {p.id for p, _ in tracks.overdue_people(boss, people=[here, gone])}
    emails = {row["email"] for row in tracks.track_report_rows(viewer=boss)}
    assert gone.email not in emails


def test_ready_lists_people_by_name_then_categories_in_library_order_and_counts_agree(ctx):
    """The team page's list and library insight's counts are the same rule: whoever the list
    names, the counts count, for a manager and for an admin."""
    admin, boss = factories.user("admin"), factories.user("manager")
    lead = factories.user("manager", manager=boss)
    trainee = factories.user(name="Tom Trainee", manager=lead)
    outsider = factories.user(manager=factories.user("manager"))
    zoe = factories.user(name="Zoe Zed", manager=lead)
    for person in (zoe, trainee):
        factories.scored_attempt(person, "delivery-next-day-order-late")
        factories.scored_attempt(person, "billing-double-charge")
    factories.scored_attempt(outsider, "billing-double-charge")
    ready = clearance_lists.ready_team(boss)
    order = list(get_library().categories)
    assert [r.user.name for r in ready] == ["Tom Trainee"] * 2 + ["Zoe Zed"] * 2
    assert [order.index(r.category.id) for r in ready[:2]] == sorted(
        order.index(r.category.id) for r in ready[:2])
    for viewer in (boss, lead, admin):
        listed = clearance_lists.ready_team(viewer)
        assert clearance_lists.ready_counts(viewer) == Counter(
            (r.category.id, r.eligibility.level) for r in listed)
    assert sum(clearance_lists.ready_counts(admin).values()) == 5  # the outsider too
    billing = "billing-dispute"
    earned = next(r.eligibility.level for r in ready if r.user == zoe and r.category.id == billing)
    before = clearance_lists.ready_counts(boss)[billing, earned]
    grant_clearance(lead, zoe, billing, earned, 0)
    assert clearance_lists.ready_counts(boss)[billing, earned] == before - 1  # she holds it now
