"""`trainer clearances grant` and `list`: the same rules as the pages, clear errors, exit codes."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select

from trainer.domain.qualification import add_months
from trainer.extensions import db
from trainer.models import AuditEvent, Clearance
from trainer.models._types import utcnow
from trainer.services.clearances import revoke_clearance

from .. import factories


@pytest.fixture
def people(app):
    with app.app_context():
        boss = factories.user("manager", email="boss@example.com", name="Bea Boss")
        factories.user(email="tom@example.com", name="Tom Trainee", manager=boss)
        factories.user(email="out@example.com", name="Oona Outsider")
        factories.scored_attempt(factories.user(email="amy@example.com", name="Amy Able",
                                                manager=boss), "billing-double-charge")
    return app


def grant(runner, *extra: str, user="amy@example.com", by="boss@example.com", level="1",
          limit="0", reason="Covers the billing desk"):
    return runner.invoke(args=["clearances", "grant", "--user", user, "--category",
                               "billing-dispute", "--level", level, "--limit", limit, "--by", by,
                               "--reason", reason, *extra])


def test_grant_within_scope_prints_the_clearance_and_audits_it(people, runner):
    result = grant(runner)
    assert result.exit_code == 0, result.output
    assert "<amy@example.com> for Billing disputes, level 1: " in result.output
    assert "(no money), until " in result.output
    assert "Basis: attempts" in result.output
    with people.app_context():
        clearance = db.session.scalar(select(Clearance))
        assert not clearance.is_exception
        assert clearance.expires_at == add_months(clearance.granted_at, 12)
        assert db.session.scalar(select(AuditEvent.action)) == "clearance.granted"


def test_grant_to_someone_not_eligible_is_marked_as_an_exception(people, runner):
    result = grant(runner, user="tom@example.com", level="2", limit="50")
    assert result.exit_code == 0, result.output
    assert "Marked as an exception" in result.output
    with people.app_context():
        clearance = db.session.scalar(select(Clearance))
        assert clearance.is_exception and clearance.justification == "Covers the billing desk"
        assert clearance.limit == Decimal("50.00")


@pytest.mark.parametrize(("kwargs", "extra", "message"), [
    ({"user": "boss@example.com"}, (), "Nobody can grant a clearance of their own"),
    ({"user": "out@example.com"}, (), "only grant clearances for people in your team"),
    ({"limit": "60", "level": "2"}, (), "above what level 2"),
    ({"user": "nobody@example.com"}, (), "--user: no user with email 'nobody@example.com'"),
    ({"by": "nobody@example.com"}, (), "--by: no user with email"),
    ({}, ("--expires", "2999-01-01"), "no later than"),
    ({}, ("--expires", "next year"), "expected a date as YYYY-MM-DD"),
    ({"level": "7"}, (), "has no level 7"),
])
def test_bad_grants_print_an_error_and_exit_1(people, runner, kwargs, extra, message):
    result = grant(runner, *extra, **kwargs)
    assert result.exit_code == 1
    assert message in result.output and "Traceback" not in result.output
    with people.app_context():
        assert db.session.scalar(select(Clearance)) is None


def test_grant_with_an_expiry_date_ends_at_midnight_utc(people, runner):
    day = (utcnow() + timedelta(days=40)).date()
    result = grant(runner, "--expires", day.isoformat())
    assert result.exit_code == 0, result.output
    assert f"until {day.isoformat()} 00:00 UTC" in result.output


def test_list_shows_current_clearances_with_expiring_soon_marks(people, runner):
    assert runner.invoke(args=["clearances", "list"]).output == "No current clearances.\n"
    soon = (utcnow() + timedelta(days=10)).date().isoformat()
    assert grant(runner, "--expires", soon).exit_code == 0
    assert grant(runner, user="tom@example.com", level="2", limit="25").exit_code == 0
    result = runner.invoke(args=["clearances", "list"])
    assert result.exit_code == 0
    header, *lines = result.output.splitlines()
    assert header.split() == ["EMAIL", "NAME", "CATEGORY", "LEVEL", "LIMIT", "EXPIRES"]
    assert lines[0].startswith("tom@example.com") and "25.00" in lines[0]
    assert "EXPIRING SOON" not in lines[0]
    assert lines[1].startswith("amy@example.com") and lines[1].endswith("EXPIRING SOON")
    assert soon in lines[1]
    other = runner.invoke(args=["clearances", "list", "--category", "delivery-problem"])
    assert other.output == "No current clearances.\n"


def test_list_all_includes_revoked_ones(people, runner):
    assert grant(runner).exit_code == 0
    with people.app_context():
        clearance = db.session.scalar(select(Clearance))
        revoke_clearance(clearance.granted_by, clearance, "Moved team")
    assert runner.invoke(args=["clearances", "list"]).output == "No current clearances.\n"
    result = runner.invoke(args=["clearances", "list", "--all"])
    assert "amy@example.com" in result.output and result.output.rstrip().endswith("REVOKED")


def test_list_of_an_unknown_category_exits_1(people, runner):
    result = runner.invoke(args=["clearances", "list", "--category", "nope"])
    assert result.exit_code == 1 and "unknown category 'nope'" in result.output


def test_grant_without_a_reason_is_a_usage_error(people, runner):
    result = runner.invoke(args=["clearances", "grant", "--user", "amy@example.com",
                                 "--category", "billing-dispute", "--level", "1", "--limit",
                                 "0", "--by", "boss@example.com"])
    assert result.exit_code == 2 and "--reason" in result.output
