"""The users service: creating and changing people, with every refusal and its audit (importing
them from CSV: test_user_import.py)."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from tests import factories
from trainer.extensions import db
from trainer.models import AuditEvent, Department, User, UserSession
from trainer.services.audit import verify_chain
from trainer.services.passwords import check_password
from trainer.services.users import (
    UserError,
    change_role,
    create_user,
    set_active,
    set_password,
)


def user_count() -> int:
    return db.session.scalar(select(func.count(User.id)))


def events(action: str) -> list[AuditEvent]:
    return list(db.session.scalars(select(AuditEvent).where(AuditEvent.action == action)))


# --- create_user ---------------------------------------------------------------------------

def test_create_user_normalises_creates_the_department_and_audits(ctx):
    admin = factories.user("admin")
    boss = factories.user("manager", email="boss@example.com")
    user = create_user("  Ann.Lee@EXAMPLE.com ", " Ann   Lee ", "Trainee", "Deliveries",
                       manager_email="BOSS@example.com", password="correct horse battery",
                       start_date="2026-03-02", actor=admin)
    assert (user.email, user.name, user.role) == ("ann.lee@example.com", "Ann Lee", "trainee")
    assert user.department.name == "Deliveries" and user.manager == boss
    assert user.start_date == date(2026, 3, 2)
    assert check_password(user.password_hash, "correct horse battery")
    [event] = events("user.created")
    assert event.actor_id == admin.id and event.subject == "ann.lee@example.com"
    assert event.detail["department_created"] is True and event.detail["has_password"] is True
    assert verify_chain().ok


def test_create_user_reuses_a_department_whatever_its_case(ctx):
    factories.department("billing")
    user = create_user("a@example.com", "A", "trainee", "BILLING")
    assert user.department.name == "billing"
    assert db.session.scalar(select(func.count(Department.id))) == 1


def test_a_user_created_without_a_password_has_none(ctx):
    user = create_user("nopass@example.com", "No Pass", "manager", "hr")
    assert user.password_hash is None


@pytest.mark.parametrize(("kwargs", "field", "message"), [
    ({"email": "not-an-email"}, "email", "bad email 'not-an-email'"),
    ({"email": ""}, "email", "email is missing"),
    ({"name": "   "}, "name", "name is missing"),
    ({"name": "x" * 121}, "name", "name is longer than 120"),
    ({"role": "boss"}, "role", "unknown role 'boss'"),
    ({"department_name": ""}, "department", "department is missing"),
    ({"manager_email": "ghost@example.com"}, "manager_email", "manager 'ghost@example.com' not "
                                                              "found"),
    ({"password": "short"}, "password", "password refused: Use at least 8"),
    ({"password": "password123"}, "password", "too common"),
    ({"start_date": "02/03/2026"}, "start_date", "is not a date (use YYYY-MM-DD)"),
])
def test_create_user_refuses_each_bad_input(ctx, kwargs, field, message):
    args = {"email": "new@example.com", "name": "New Person", "role": "trainee",
            "department_name": "billing", **kwargs}
    with pytest.raises(UserError) as info:
        create_user(**args)
    assert message in info.value.problems[field]
    assert user_count() == 0 and not events("user.created")


def test_create_user_reports_every_problem_at_once(ctx):
    with pytest.raises(UserError) as info:
        create_user("bad", "", "boss", "")
    assert set(info.value.problems) == {"email", "name", "role", "department"}


def test_create_user_refuses_an_existing_email_in_any_case(ctx):
    factories.user(email="taken@example.com")
    with pytest.raises(UserError) as info:
        create_user("TAKEN@example.com", "Again", "trainee", "billing")
    assert info.value.problems["email"] == "email already exists: taken@example.com"


def test_the_manager_must_be_an_active_manager_or_admin(ctx):
    factories.user("trainee", email="peer@example.com")
    factories.user("manager", email="gone@example.com", active=False)
    with pytest.raises(UserError, match="is a trainee, not a manager or admin"):
        create_user("a@example.com", "A", "trainee", "billing", manager_email="peer@example.com")
    with pytest.raises(UserError, match="is deactivated"):
        create_user("a@example.com", "A", "trainee", "billing", manager_email="gone@example.com")


# --- status, role, password ----------------------------------------------------------------

def test_deactivating_ends_sessions_and_reactivating_is_audited(ctx):
    admin, person = factories.user("admin"), factories.user()
    db.session.add(UserSession(id="a" * 64, user_id=person.id))
    db.session.commit()
    set_active(person, False, actor=admin)
    assert not person.active
    assert db.session.scalar(select(func.count(UserSession.id))) == 0
    set_active(person, True, actor=admin)
    assert person.active
    assert [e.action for e in db.session.scalars(select(AuditEvent).order_by(AuditEvent.id))] \
        == ["user.deactivated", "user.reactivated"]
    assert events("user.deactivated")[0].actor_id == admin.id


def test_an_admin_cannot_deactivate_or_demote_themselves(ctx):
    admin = factories.user("admin")
    factories.user("admin")
    with pytest.raises(UserError, match="your own account"):
        set_active(admin, False, actor=admin)
    with pytest.raises(UserError, match="your own admin role"):
        change_role(admin, "manager", actor=admin)
    assert admin.active and admin.is_admin


def test_the_last_active_admin_stays(ctx):
    admin = factories.user("admin")
    with pytest.raises(UserError, match="last active admin"):
        change_role(admin, "trainee")
    with pytest.raises(UserError, match="last active admin"):
        set_active(admin, False)


def test_change_role_is_audited_and_checked(ctx):
    admin, person = factories.user("admin"), factories.user()
    change_role(person, "manager", actor=admin)
    assert person.role == "manager"
    [event] = events("user.role_changed")
    assert event.detail["from"] == "trainee" and event.detail["to"] == "manager"
    assert event.actor_id == admin.id
    with pytest.raises(UserError, match="unknown role 'boss'"):
        change_role(person, "boss", actor=admin)


def test_set_password_checks_the_policy_and_ends_sessions(ctx):
    admin, person = factories.user("admin"), factories.user()
    db.session.add(UserSession(id="b" * 64, user_id=person.id))
    db.session.commit()
    with pytest.raises(UserError, match="at least 8"):
        set_password(person, "short", actor=admin)
    set_password(person, "a brand new passphrase", actor=admin)
    assert check_password(person.password_hash, "a brand new passphrase")
    assert db.session.scalar(select(func.count(UserSession.id))) == 0
    assert events("user.password_set")[0].actor_id == admin.id
