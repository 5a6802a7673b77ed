"""Changing a person after they were created: their name, department, manager and start date, and
moving all of a manager's reports to someone else, keeping the reporting lines a tree (nobody
manages themselves, nobody reports to someone who reports to them). Email, role, status and
passwords are changed in services/users.py."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import func, select, text, update

from ..extensions import db
from ..models import User
from . import audit
from .locks import begin_write
from .user_checks import (
    Invalid,
    check_department,
    check_manager_role,
    check_name,
    check_start_date,
    collect_problem,
)
from .users import UserError, find_user, get_or_create_department, possible_managers

log = logging.getLogger(__name__)

# pg_advisory_xact_lock key that serialises changes of who reports to whom on PostgreSQL: two
# edits checked at the same moment (A under B, B under A) must not both pass the cycle check.
PG_REPORTING_LOCK_ID = 727275


@dataclass(frozen=True)
class Edit:
    """What the edit form sends: the manager by email ("" for none), the start date or None."""

    name: str
    department: str
    manager_email: str
    start_date: date | str | None


def reports_below(user: User) -> set[int]:
    """Ids of everyone who reports to ``user``, directly or through others: one statement (a
    recursive query; UNION stops at a loop, should the data ever hold one)."""
    below = select(User.id).where(User.manager_id == user.id).cte("below", recursive=True)
    below = below.union(select(User.id).join(below, User.manager_id == below.c.id))
    return set(db.session.scalars(select(below.c.id)))


def report_count(user: User) -> int:
    return db.session.scalar(select(func.count(User.id)).where(User.manager_id == user.id))


def report_counts(user_ids: list[int]) -> dict[int, int]:
    """How many people report directly to each of these users: one statement, even for none,
    so a list page costs the same whatever it shows."""
    rows = db.session.execute(select(User.manager_id, func.count(User.id))
                              .where(User.manager_id.in_(user_ids)).group_by(User.manager_id))
    return {manager_id: count for manager_id, count in rows}


def manager_choices(user: User) -> list[User]:
    """Whom ``user`` may report to: active managers and admins, but not themselves nor anyone
    who reports to them, directly or not."""
    excluded = reports_below(user) | {user.id}
    return [m for m in possible_managers() if m.id not in excluded]


def loop_message(person: User, manager: User) -> str:
    return (f"{manager.name} reports to {person.name} (directly or through others), so "
            f"{person.name} cannot report to {manager.name}: that would be a loop.")


def _lock_reporting_lines(person: User) -> None:
    """One change of reporting lines at a time, from the cycle check to the commit; ``person``
    is read again, as committed by whoever held the lock before."""
    connection = db.session.connection()
    if connection.dialect.name == "postgresql":
        connection.execute(text("SELECT pg_advisory_xact_lock(:id)"),
                           {"id": PG_REPORTING_LOCK_ID})
    else:
        begin_write()
    db.session.expire(person)


def _new_manager(person: User, raw: str) -> User | None:
    """The manager the form names, checked: only a change is checked, so a person whose manager
    has since been deactivated can still have their name corrected."""
    raw = (raw or "").strip().lower()
    if not raw:
        return None
    if person.manager is not None and raw == person.manager.email:
        return person.manager
    manager = find_user(raw)
    if manager is None:
        raise Invalid(f"manager '{raw}' not found")
    if manager.id == person.id:
        raise Invalid("nobody can be their own manager")
    check_manager_role(manager.email, manager.role, manager.active)
    if manager.id in reports_below(person):
        raise Invalid(loop_message(person, manager))
    return manager


def edit_user(person: User, edit: Edit, actor: User | None = None, *,
              ip: str | None = None) -> dict[str, dict[str, Any]]:
    """Apply the edit, audit-logged with each changed field's before and after; the changes
    (empty when nothing changed, and then nothing is written). UserError lists every problem."""
    _lock_reporting_lines(person)
    problems: dict[str, str] = {}
    name = collect_problem(problems, "name", check_name, edit.name)
    dept_name = collect_problem(problems, "department", check_department, edit.department)
    manager = collect_problem(problems, "manager_email", _new_manager, person, edit.manager_email)
    start = collect_problem(problems, "start_date", check_start_date, edit.start_date)
    if problems:
        db.session.rollback()
        raise UserError(problems)
    before = _described(person)
    department_created = False
    if person.department is None or dept_name.lower() != person.department.name.lower():
        person.department, department_created = get_or_create_department(dept_name)
    person.name, person.manager, person.start_date = name, manager, start
    after = _described(person)
    changes = {key: {"from": before[key], "to": after[key]}
               for key in before if before[key] != after[key]}
    if not changes:
        db.session.rollback()
        return {}
    detail: dict[str, Any] = {"changes": changes}
    if department_created:
        detail["department_created"] = True
    audit.record("user.edited", actor, subject=person.email, ip=ip, detail=detail)
    db.session.commit()
    log.info("user %s edited: %s", person.id, ", ".join(changes))
    return changes


def _described(person: User) -> dict[str, Any]:
    """The editable fields as the audit log records them: people by email, dates as ISO."""
    return {"name": person.name,
            "department": person.department.name if person.department else None,
            "manager": person.manager.email if person.manager else None,
            "start_date": person.start_date.isoformat() if person.start_date else None}


def move_reports(manager: User, to_email: str, expected: int | None = None,
                 actor: User | None = None, *, ip: str | None = None) -> int:
    """Move everyone who reports directly to ``manager`` to the person ``to_email`` names, in one
    transaction with one audit event; the number moved. ``expected`` is the count the admin saw:
    when the reports changed since, nothing is moved and the message says so."""
    _lock_reporting_lines(manager)
    moved = list(db.session.execute(select(User.id, User.email).where(
        User.manager_id == manager.id).order_by(User.id)))
    try:
        target = _move_target(manager, to_email)
        if not moved:
            raise Invalid(f"nobody reports to {manager.name} now")
        if expected is not None and expected != len(moved):
            raise Invalid(f"{manager.name}'s reports changed since the page was shown: "
                          f"{len(moved)} now, not {expected}. Check the list and try again")
    except Invalid as exc:
        db.session.rollback()
        raise UserError({"to_email": str(exc)}) from None
    db.session.execute(update(User).where(User.id.in_([row.id for row in moved]))
                       .values(manager_id=target.id).execution_options(synchronize_session=False))
    audit.record("user.reports_moved", actor, subject=manager.email, ip=ip, detail={
        "from": manager.email, "to": target.email, "count": len(moved),
        "reports": [row.email for row in moved]})
    db.session.commit()
    db.session.expire_all()  # the people moved were changed behind the session's back
    log.info("%s report(s) of user %s moved to user %s", len(moved), manager.id, target.id)
    return len(moved)


def _move_target(manager: User, raw: str) -> User:
    raw = (raw or "").strip().lower()
    if not raw:
        raise Invalid("choose whom they will report to")
    target = find_user(raw)
    if target is None:
        raise Invalid(f"manager '{raw}' not found")
    if target.id == manager.id:
        raise Invalid(f"they already report to {manager.name}")
    check_manager_role(target.email, target.role, target.active)
    if target.id in reports_below(manager):
        raise Invalid(f"{target.name} reports to {manager.name} (directly or through others): "
                      f"moving {manager.name}'s reports to them would make a loop")
    return target
