"""services/user_edit.py: editing a person's name, department, manager and start date, with the
reporting lines kept a tree, and moving every report of a manager to someone else."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from tests import factories
from trainer.extensions import db
from trainer.models import AuditEvent, Department, User
from trainer.services.user_edit import (
    Edit,
    edit_user,
    manager_choices,
    move_reports,
    reports_below,
)
from trainer.services.users import UserError


@pytest.fixture
def tree(ctx):
    """Ada (admin) over Mo (manager) over Lee (manager) over Tara (trainee); Kim (manager)
    stands apart with nobody under her."""
    ada = factories.user("admin", email="ada@example.com", name="Ada Admin")
    mo = factories.user("manager", email="mo@example.com", name="Mo Manager", manager=ada)
    lee = factories.user("manager", email="lee@example.com", name="Lee Lead", manager=mo)
    tara = factories.user("trainee", email="tara@example.com", name="Tara Trainee", manager=lee)
    kim = factories.user("manager", email="kim@example.com", name="Kim Keeper")
    return {"ada": ada, "mo": mo, "lee": lee, "tara": tara, "kim": kim}


def edit_of(person: User, **changes) -> Edit:
    fields = {"name": person.name, "department": person.department.name,
              "manager_email": person.manager.email if person.manager else "",
              "start_date": person.start_date, **changes}
    return Edit(**fields)


def events(action: str) -> list[AuditEvent]:
    return list(db.session.scalars(select(AuditEvent).where(AuditEvent.action == action)))


def test_every_field_changes_and_the_audit_event_holds_before_and_after(tree):
    tara, ada = tree["tara"], tree["ada"]
    changes = edit_user(tara, edit_of(tara, name="  Tara   Singh ", department="Complaints",
                                      manager_email="KIM@example.com",
                                      start_date=date(2026, 3, 2)), actor=ada, ip="10.0.0.1")
    assert set(changes) == {"name", "department", "manager", "start_date"}
    db.session.expire_all()
    tara = db.session.get(User, tara.id)
    assert (tara.name, tara.department.name, tara.manager.email, tara.start_date) == (
        "Tara Singh", "Complaints", "kim@example.com", date(2026, 3, 2))
    [event] = events("user.edited")
    assert event.actor_id == ada.id and event.subject == "tara@example.com"
    assert event.detail["changes"]["manager"] == {"from": "lee@example.com",
                                                  "to": "kim@example.com"}
    assert event.detail["changes"]["start_date"] == {"from": None, "to": "2026-03-02"}
    assert event.detail["department_created"] is True
    assert db.session.scalar(select(Department).where(Department.name == "Complaints"))


def test_an_existing_department_is_reused_whatever_its_case(tree):
    factories.department("deliveries")
    tara = tree["tara"]
    edit_user(tara, edit_of(tara, department="DELIVERIES"))
    assert tara.department.name == "deliveries"
    assert "department_created" not in events("user.edited")[0].detail


def test_nothing_changed_writes_nothing(tree):
    tara = tree["tara"]
    assert edit_user(tara, edit_of(tara)) == {}
    assert events("user.edited") == []


def test_clearing_the_start_date_and_the_manager(tree):
    tara = tree["tara"]
    edit_user(tara, edit_of(tara, start_date=date(2026, 1, 5)))
    edit_user(tara, edit_of(tara, start_date=None, manager_email=""))
    assert tara.start_date is None and tara.manager is None
    assert events("user.edited")[-1].detail["changes"]["manager"]["to"] is None


def test_nobody_is_their_own_manager(tree):
    mo = tree["mo"]
    with pytest.raises(UserError) as refused:
        edit_user(mo, edit_of(mo, manager_email="mo@example.com"))
    assert refused.value.problems == {"manager_email": "nobody can be their own manager"}


@pytest.mark.parametrize("below", ["directly", "through_someone"])
def test_a_manager_cannot_report_to_someone_under_them(tree, below):
    """Lee reports to Mo directly, and to Ada through Mo."""
    person, chosen = tree["mo" if below == "directly" else "ada"], tree["lee"]
    with pytest.raises(UserError) as refused:
        edit_user(person, edit_of(person, manager_email=chosen.email, name="Typed Name"))
    assert refused.value.problems["manager_email"] == (
        f"{chosen.name} reports to {person.name} (directly or through others), so "
        f"{person.name} cannot report to {chosen.name}: that would be a loop.")
    db.session.expire_all()
    assert db.session.get(User, person.id).name != "Typed Name"  # nothing else was saved
    assert events("user.edited") == []


def test_only_active_managers_and_admins_may_be_chosen(tree):
    tara, kim = tree["tara"], tree["kim"]
    other = factories.user("trainee", email="pat@example.com")
    with pytest.raises(UserError) as refused:
        edit_user(tree["kim"], edit_of(kim, manager_email=other.email))
    assert "is a trainee, not a manager or admin" in refused.value.problems["manager_email"]
    kim.active = False
    db.session.commit()
    with pytest.raises(UserError) as refused:
        edit_user(tara, edit_of(tara, manager_email="kim@example.com"))
    assert "is deactivated" in refused.value.problems["manager_email"]


def test_a_deactivated_current_manager_does_not_block_other_changes(tree):
    tara, lee = tree["tara"], tree["lee"]
    lee.active = False
    db.session.commit()
    assert set(edit_user(tara, edit_of(tara, name="Tara Singh"))) == {"name"}
    assert tara.manager.email == "lee@example.com"


def test_the_choices_leave_out_oneself_and_everyone_below(tree):
    assert reports_below(tree["mo"]) == {tree["lee"].id, tree["tara"].id}
    assert {m.email for m in manager_choices(tree["mo"])} == {"ada@example.com",
                                                               "kim@example.com"}
    assert {m.email for m in manager_choices(tree["tara"])} == {
        "ada@example.com", "mo@example.com", "lee@example.com", "kim@example.com"}


def test_every_report_moves_at_once_with_one_audit_event(tree):
    mo = tree["mo"]
    second = factories.user("trainee", email="sam@example.com", manager=mo)
    assert move_reports(mo, "kim@example.com", expected=2, actor=tree["ada"]) == 2
    db.session.expire_all()
    assert {u.email for u in db.session.get(User, tree["kim"].id).reports} == {
        "lee@example.com", second.email}
    assert db.session.get(User, mo.id).reports == []
    [event] = events("user.reports_moved")
    assert event.detail == {"from": "mo@example.com", "to": "kim@example.com", "count": 2,
                            "reports": ["lee@example.com", "sam@example.com"]}


@pytest.mark.parametrize("to, expected, message", [
    ("tara@example.com", 1, "Tara Trainee reports to Mo Manager (directly or through others)"),
    ("mo@example.com", 1, "they already report to Mo Manager"),
    ("", 1, "choose whom they will report to"),
    ("kim@example.com", 3, "Mo Manager's reports changed since the page was shown: 1 now, "
                           "not 3"),
])
def test_a_move_that_would_loop_or_is_stale_moves_nobody(tree, to, expected, message):
    tree["tara"].role = "manager"
    db.session.commit()
    with pytest.raises(UserError) as refused:
        move_reports(tree["mo"], to, expected=expected)
    assert refused.value.problems["to_email"].startswith(message)
    db.session.expire_all()
    assert db.session.get(User, tree["lee"].id).manager_id == tree["mo"].id
    assert events("user.reports_moved") == []
