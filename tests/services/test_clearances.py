"""Granting, revoking, renewing and finding clearances on a real database."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select

from trainer.domain.qualification import add_months
from trainer.extensions import db
from trainer.models import AuditEvent, Clearance
from trainer.models._types import utcnow
from trainer.services import clearance_lists as lists
from trainer.services import clearances as service
from trainer.services.audit import verify_chain
from trainer.services.clearances import GrantError, GrantRefused, UnknownCategory
from trainer.services.eligibility import eligibility_for

from .. import factories

US = timedelta(microseconds=1)
BILLING = "billing-dispute"


@pytest.fixture
def team(ctx):
    """An admin; a manager with a team lead and, below the lead, a trainee; another team."""
    admin = factories.user("admin", name="Ada Admin")
    boss = factories.user("manager", name="Bea Boss")
    lead = factories.user("manager", name="Lee Lead", manager=boss)
    trainee = factories.user(name="Tom Trainee", manager=lead)
    other_boss = factories.user("manager", name="Otto Other")
    outsider = factories.user(name="Oona Outsider", manager=other_boss)
    return admin, boss, lead, trainee, outsider


def actions() -> list[str]:
    return list(db.session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)))


def test_a_manager_grants_an_eligible_indirect_report_with_the_basis(team):
    _, boss, _, trainee, _ = team
    attempt = factories.scored_attempt(trainee, "billing-double-charge")
    clearance = service.grant_clearance(boss, trainee, BILLING, 1, 0)
    assert not clearance.is_exception and clearance.basis == [attempt.id]
    assert clearance.expires_at == add_months(clearance.granted_at, 12)
    assert clearance.limit == Decimal("0.00") and clearance.granted_by_id == boss.id
    assert actions() == ["clearance.granted"]
    event = db.session.scalar(select(AuditEvent))
    assert event.subject == trainee.email and event.detail["basis"] == [attempt.id]
    assert verify_chain().ok


LIFT = {"empathy": 4, "ownership": 4, "accuracy": 4}


def lift(manager, attempt) -> None:
    """Override every dimension of a failed attempt to 4, as a manager could."""
    from trainer.services.overrides import override_score

    for dimension, level in LIFT.items():
        override_score(manager, attempt, dimension, level, "Sounded fine to me")


def test_a_pass_the_granter_lifted_is_no_evidence_the_grant_is_an_exception(team):
    _, boss, lead, trainee, _ = team
    failed = factories.scored_attempt(trainee, "billing-double-charge", passed=False)
    lift(lead, failed)
    assert failed.passed is True
    with pytest.raises(GrantError, match="passed only by the granter's own override"):
        service.grant_clearance(lead, trainee, BILLING, 1, 0)
    clearance = service.grant_clearance(lead, trainee, BILLING, 1, 0,
                                        justification="Watched her handle these live.")
    assert clearance.is_exception and clearance.basis == []
    assert clearance.overridden_by_granter == [failed.id]
    granted, exception = db.session.scalars(select(AuditEvent).where(
        AuditEvent.action.in_(["clearance.granted", "clearance.exception"]))
        .order_by(AuditEvent.id))
    for event in (granted, exception):
        assert event.detail["exception"] is True
        assert event.detail["overridden_by_granter"] == [failed.id]
    assert "granter's own override" in exception.detail["eligibility"]


def test_someone_elses_override_counts_as_evidence(team):
    admin, boss, lead, trainee, _ = team
    failed = factories.scored_attempt(trainee, "billing-double-charge", passed=False)
    lift(lead, failed)
    for granter in (boss, admin):  # the lead's manager, or an admin, may rely on the lead's eyes
        clearance = service.grant_clearance(granter, trainee, BILLING, 1, 0)
        assert not clearance.is_exception and clearance.basis == [failed.id]
        assert clearance.overridden_by_granter == []


def test_the_ready_list_leaves_out_passes_the_manager_lifted(team):
    _, boss, lead, trainee, _ = team
    lift(lead, factories.scored_attempt(trainee, "billing-double-charge", passed=False))
    assert [r.user for r in lists.ready_team(lead)] == []
    assert [r.user for r in lists.ready_team(boss)] == [trainee]


def test_granting_someone_not_eligible_needs_a_justification_and_is_an_exception(team):
    _, boss, _, trainee, _ = team
    factories.scored_attempt(trainee, "billing-double-charge")
    with pytest.raises(GrantError, match=r"not eligible for billing-dispute level 2 \(1 of 2 "
                                         r"scenarios passed\).*written justification"):
        service.grant_clearance(boss, trainee, BILLING, 2, 50, justification="  ")
    clearance = service.grant_clearance(boss, trainee, BILLING, 2, 50,
                                        justification="Covers the billing desk in December")
    assert clearance.is_exception and clearance.justification.startswith("Covers")
    assert actions() == ["clearance.granted", "clearance.exception"]
    exception = db.session.scalar(select(AuditEvent).where(
        AuditEvent.action == "clearance.exception"))
    assert exception.reason == clearance.justification
    assert exception.detail["eligibility"] == "1 of 2 scenarios passed"


def test_nobody_grants_themselves_and_managers_stay_within_their_team(team):
    admin, boss, lead, trainee, outsider = team
    for granter, grantee in ((boss, boss), (admin, admin), (lead, outsider), (lead, boss),
                             (trainee, trainee), (factories.user(), trainee)):
        with pytest.raises(GrantRefused):
            service.grant_clearance(granter, grantee, BILLING, 1, 0, justification="x")
    assert db.session.scalar(select(Clearance)) is None and actions() == []


def test_an_admin_may_grant_anyone_else_and_it_is_audited(team):
    admin, _, _, _, outsider = team
    service.grant_clearance(admin, outsider, BILLING, 1, 0, justification="Cover")
    granted = db.session.scalar(select(AuditEvent).where(AuditEvent.action ==
                                                         "clearance.granted"))
    assert granted.actor_id == admin.id and granted.detail["as_admin"] is True


@pytest.mark.parametrize(("category", "level", "limit", "message"), [
    (BILLING, 2, "50.01", "above what level 2 .* allows: at most 50"),
    (BILLING, 1, "1", "above what level 1"),
    (BILLING, 2, "-1", "0 or more"),
    (BILLING, 2, "10.005", "at most 2 decimal places"),
    (BILLING, 2, "ten", "like 50 or 49.99"),
    (BILLING, 4, "0", "has no level 4 \\(levels 1, 2, 3\\)"),
    ("no-such-thing", 1, "0", "unknown category 'no-such-thing'"),
])
def test_bad_grants_are_refused_with_a_clear_message(team, category, level, limit, message):
    _, boss, _, trainee, _ = team
    with pytest.raises(GrantError, match=message):
        service.grant_clearance(boss, trainee, category, level, limit, justification="x")
    assert db.session.scalar(select(Clearance)) is None


def test_the_limit_may_be_exactly_the_level_maximum(team):
    _, boss, _, trainee, _ = team
    clearance = service.grant_clearance(boss, trainee, BILLING, 3, "500", justification="x")
    assert clearance.limit == Decimal("500.00")


def test_an_expiry_is_at_most_twelve_months_away(team):
    _, boss, _, trainee, _ = team
    too_far = add_months(utcnow(), 12) + timedelta(minutes=1)
    with pytest.raises(GrantError, match="no later than"):
        service.grant_clearance(boss, trainee, BILLING, 1, 0, expires_at=too_far,
                                justification="x")
    with pytest.raises(GrantError, match="after now"):
        service.grant_clearance(boss, trainee, BILLING, 1, 0,
                                expires_at=utcnow() - timedelta(days=1), justification="x")
    with pytest.raises(GrantError, match="timezone-aware"):
        service.grant_clearance(boss, trainee, BILLING, 1, 0,
                                expires_at=datetime(2030, 1, 1), justification="x")
    soon = utcnow() + timedelta(days=90)
    clearance = service.grant_clearance(boss, trainee, BILLING, 1, 0, expires_at=soon,
                                        justification="x")
    assert clearance.expires_at == soon


def test_a_new_grant_replaces_the_current_one_in_that_category(team):
    _, boss, _, trainee, _ = team
    first = service.grant_clearance(boss, trainee, BILLING, 1, 0, justification="x")
    second = service.grant_clearance(boss, trainee, BILLING, 2, 25, justification="x")
    assert first.revoked_at is not None and "Replaced" in first.revoke_reason
    assert [c.id for c in service.current_clearances(trainee)] == [second.id]
    assert [c.id for c in lists.clearances_of(trainee)] == [second.id, first.id]


def test_revoking_needs_a_reason_and_the_same_scope(team):
    _, boss, lead, trainee, _ = team
    clearance = service.grant_clearance(boss, trainee, BILLING, 1, 0, justification="x")
    with pytest.raises(GrantError, match="reason is required"):
        service.revoke_clearance(lead, clearance, " ")
    with pytest.raises(GrantRefused):
        service.revoke_clearance(trainee, clearance, "I do not want it")
    other = factories.user("manager")
    with pytest.raises(GrantRefused):
        service.revoke_clearance(other, clearance, "Not mine to revoke")
    service.revoke_clearance(lead, clearance, "Left the billing desk")
    assert clearance.revoked_by_id == lead.id and clearance.revoke_reason == "Left the billing desk"
    assert actions()[-1] == "clearance.revoked"
    with pytest.raises(GrantError, match="already revoked"):
        service.revoke_clearance(lead, clearance, "again")
    assert service.current_clearances(trainee) == []


def _clearance(user, level, limit, *, granted_days_ago=1, expires_in=timedelta(days=200),
               revoked=False, category=BILLING):
    now = utcnow()
    clearance = Clearance(user_id=user.id, category=category, level=level, limit=Decimal(limit),
                          granted_at=now - timedelta(days=granted_days_ago),
                          expires_at=now + expires_in, revoked_at=now if revoked else None)
    db.session.add(clearance)
    db.session.commit()
    return clearance


def test_resolvers_filter_by_amount_expiry_revocation_and_activity(ctx):
    amy, bob = factories.user(name="Amy"), factories.user(name="Bob")
    cat, dan = factories.user(name="Cat"), factories.user(name="Dan", active=False)
    eve, fay = factories.user(name="Eve"), factories.user(name="Fay")
    _clearance(bob, 2, "50")
    _clearance(amy, 2, "50")
    _clearance(cat, 3, "500")
    _clearance(dan, 3, "500")  # deactivated
    _clearance(eve, 3, "500", expires_in=-US)  # expired
    _clearance(fay, 3, "500", revoked=True)
    _clearance(amy, 3, "500", category="delivery-problem")
    names = [r.name for r in lists.resolvers(BILLING, 0)]
    assert names == ["Cat", "Amy", "Bob"]  # level, highest first, then name
    assert [r.name for r in lists.resolvers(BILLING, "50")] == ["Cat", "Amy", "Bob"]
    assert [r.name for r in lists.resolvers(BILLING, Decimal("50.01"))] == ["Cat"]
    assert lists.resolvers(BILLING, 501) == []
    with pytest.raises(UnknownCategory):
        lists.resolvers("no-such-thing", 0)


def test_resolvers_stop_at_the_exact_expiry_instant(ctx):
    person = factories.user()
    clearance = _clearance(person, 1, "0")
    expires = clearance.expires_at
    assert [r.clearance_id for r in lists.resolvers(BILLING, 0, now=expires - US)] \
        == [clearance.id]
    assert lists.resolvers(BILLING, 0, now=expires) == []
    assert lists.resolvers(BILLING, 0, now=expires.astimezone(
        datetime.now().astimezone().tzinfo)) == []


def test_eligibility_and_ready_team(team):
    _, boss, lead, trainee, outsider = team
    factories.scored_attempt(trainee, "billing-double-charge")
    factories.scored_attempt(trainee, "billing-bereavement-final-demand")
    factories.scored_attempt(outsider, "billing-double-charge")
    billing = eligibility_for(trainee)[BILLING]
    assert [e.eligible for e in billing] == [True, True, True]
    ready = lists.ready_team(boss)
    assert [(r.user.id, r.category.id, r.eligibility.level, r.held_level) for r in ready] == [
        (trainee.id, BILLING, 3, None)]
    service.grant_clearance(lead, trainee, BILLING, 3, 100)
    assert lists.ready_team(boss) == []
    assert {r.user.id for r in lists.ready_team(factories.user("admin"))} == {outsider.id}


def test_expiring_for_lists_the_last_thirty_days_soonest_first(ctx):
    person, other = factories.user(), factories.user()
    later = _clearance(person, 1, "0", expires_in=timedelta(days=29))
    sooner = _clearance(person, 1, "0", expires_in=timedelta(days=2), category="service-fault")
    _clearance(person, 1, "0", expires_in=timedelta(days=31), category="faulty-goods")
    _clearance(person, 1, "0", expires_in=-US, category="pay-and-benefits")
    _clearance(other, 1, "0", expires_in=timedelta(days=3))
    assert lists.expiring_for([person]) == [sooner, later]


def test_rotation_renewal_extends_covered_current_clearances_only(ctx):
    person = factories.user()
    covered = _clearance(person, 2, "50", expires_in=timedelta(days=10))
    elsewhere = _clearance(person, 1, "0", expires_in=timedelta(days=10), category="faulty-goods")
    longer = _clearance(person, 1, "0", expires_in=timedelta(days=364),
                        category="delivery-problem")
    completed = utcnow() - timedelta(days=2)
    renewed = service.renew_for_rotation(person, completed, [BILLING, "delivery-problem"])
    assert renewed == [covered]
    assert covered.expires_at == add_months(completed.astimezone(UTC), 12)
    assert covered.renewed_at == completed
    assert elsewhere.expires_at - utcnow() < timedelta(days=11)
    assert longer.expires_at - utcnow() > timedelta(days=363)  # never shortened
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "clearance.renewed"))
    assert event.subject == person.email and event.detail["clearance"] == covered.id
