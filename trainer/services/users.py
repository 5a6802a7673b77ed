"""Managing people: find users, create them, change their role or status, set passwords (the
checks of one value: services/user_checks.py)."""

from __future__ import annotations

import logging
from datetime import date
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload

from ..domain.errors import TrainerError
from ..extensions import db
from ..models import ROLES, Department, User
from . import audit
from .auth import end_all_sessions
from .paging import Page, paginate, where_contains
from .passwords import hash_password, password_problems
from .user_checks import (
    MANAGER_ROLES,
    Invalid,
    check_department,
    check_email,
    check_manager_role,
    check_name,
    check_password,
    check_role,
    check_start_date,
    collect_problem,
)

log = logging.getLogger(__name__)

STATUSES = ("active", "deactivated")  # the user list's filter on ``User.active``
PAGE_SIZE = 50  # users a page of the admin list: a screenful, and a small page to send


class UserError(TrainerError):
    """A change to a user was refused; ``problems`` maps each input at fault ("" if none) to why."""

    def __init__(self, problems: dict[str, str] | str, field: str = ""):
        self.problems = problems if isinstance(problems, dict) else {field: problems}
        super().__init__("; ".join(self.problems.values()))


# --- reading -------------------------------------------------------------------------------

def find_user(email: str) -> User | None:
    return db.session.scalar(select(User).where(User.email == email.strip().lower()))


def find_department(name: str) -> Department | None:
    name = " ".join((name or "").split()).lower()
    return db.session.scalar(select(Department).where(func.lower(Department.name) == name))


def users_query(search: str = "", role: str = "", status: str = "",
                manager: User | None = None) -> Select:
    """Every user by name, each with their department and manager in the same statement; with
    ``search``, those whose name or email contains it; ``role``, ``status`` ("active" or
    "deactivated") and ``manager`` (their direct reports) narrow it further, and an unknown
    role or status is ignored."""
    query = select(User).options(joinedload(User.department), joinedload(User.manager))
    if manager is not None:
        query = query.where(User.manager_id == manager.id)
    query = where_contains(query, search, User.name, User.email)
    if role in ROLES:
        query = query.where(User.role == role)
    if status in STATUSES:
        query = query.where(User.active.is_(status == "active"))
    return query.order_by(User.name, User.id)


def users_page(number: int = 1, search: str = "", role: str = "", status: str = "",
               size: int = PAGE_SIZE, *, manager: User | None = None) -> Page[User]:
    """Page ``number`` of ``users_query`` (out-of-range numbers read as the nearest page): two
    statements, whatever the number of users."""
    return paginate(users_query(search, role, status, manager), number, size)



def possible_managers() -> list[User]:
    """Active managers and admins: the people a new user may report to."""
    return list(db.session.scalars(select(User).where(
        User.role.in_(MANAGER_ROLES), User.active.is_(True)).order_by(User.name)))


def department_names() -> list[str]:
    return list(db.session.scalars(select(Department.name).order_by(Department.name)))


def _manager(raw: str | None) -> User | None:
    raw = (raw or "").strip()
    if not raw:
        return None
    manager = find_user(raw)
    if manager is None:
        raise Invalid(f"manager '{raw}' not found")
    check_manager_role(manager.email, manager.role, manager.active)
    return manager


# --- changing ------------------------------------------------------------------------------

def get_or_create_department(name: str) -> tuple[Department, bool]:
    """The department of that name (any case), or a new one added to the session."""
    department = find_department(name)
    if department is not None:
        return department, False
    department = Department(name=name)
    db.session.add(department)
    return department, True


def create_user(email: str, name: str, role: str, department_name: str,
                manager_email: str | None = None, password: str | None = None,
                start_date: str | date | None = None, actor: User | None = None, *,
                ip: str | None = None) -> User:
    """Validate every input, then add the user; without a password they cannot log in yet."""
    problems: dict[str, str] = {}
    email = collect_problem(problems, "email", check_email, email)
    if email and find_user(email):
        problems["email"] = f"email already exists: {email}"
    name = collect_problem(problems, "name", check_name, name)
    role = collect_problem(problems, "role", check_role, role)
    dept_name = collect_problem(problems, "department", check_department, department_name)
    manager = collect_problem(problems, "manager_email", _manager, manager_email)
    start = collect_problem(problems, "start_date", check_start_date, start_date)
    password = collect_problem(problems, "password", check_password, password, email or "",
                               name or "")
    if problems:
        raise UserError(problems)
    department, created = get_or_create_department(dept_name)
    user = User(email=email, name=name, role=role, department=department, manager=manager,
                start_date=start, password_hash=hash_password(password) if password else None)
    db.session.add(user)
    try:
        db.session.flush()
    except IntegrityError:  # someone else added the same email or department just now
        db.session.rollback()
        if find_user(email):
            raise UserError({"email": f"email already exists: {email}"}) from None
        raise UserError("Someone else changed the users at the same time: try again.") from None
    audit.record("user.created", actor, subject=email, ip=ip,
                 detail=created_detail(user, department_created=created))
    db.session.commit()
    log.info("user %s created (%s, %s)", email, role, dept_name)
    return user


def created_detail(user: User, department_created: bool, **extra: Any) -> dict[str, Any]:
    return {"role": user.role, "department": user.department.name,
            "department_created": department_created,
            "manager": user.manager.email if user.manager else None,
            "has_password": user.password_hash is not None, **extra}


def _keep_an_admin(user: User, doing: str) -> None:
    """Refuse to leave the system without an active admin."""
    if not (user.is_admin and user.active):
        return
    others = db.session.scalar(select(func.count(User.id)).where(
        User.role == "admin", User.active.is_(True), User.id != user.id))
    if not others:
        raise UserError(f"{user.email} is the last active admin: make someone else an admin "
                        f"before you {doing}.")


def set_active(user: User, active: bool, actor: User | None = None, *,
               ip: str | None = None) -> User:
    """Deactivate (ending every session at once) or reactivate; no-op if already so."""
    if user.active == active:
        return user
    if not active:
        if actor is not None and actor.id == user.id:
            raise UserError("You cannot deactivate your own account.", "active")
        _keep_an_admin(user, "deactivate them")
        end_all_sessions(user)
    user.active = active
    audit.record("user.reactivated" if active else "user.deactivated", actor,
                 subject=user.email, ip=ip)
    db.session.commit()
    return user


def change_role(user: User, role: str, actor: User | None = None, *,
                ip: str | None = None) -> User:
    try:
        new_role = check_role(role)
    except Invalid as exc:
        raise UserError({"role": str(exc)}) from None
    if new_role == user.role:
        return user
    if user.is_admin:
        if actor is not None and actor.id == user.id:
            raise UserError("You cannot remove your own admin role.", "role")
        _keep_an_admin(user, "change their role")
    old_role, user.role = user.role, new_role
    audit.record("user.role_changed", actor, subject=user.email, ip=ip,
                 detail={"from": old_role, "to": new_role, "reports": len(user.reports)})
    db.session.commit()
    return user


def set_password(user: User, password: str, actor: User | None = None, *,
                 ip: str | None = None) -> User:
    """Set a new password; set by someone else, it also ends the user's sessions (a reset)."""
    problems = password_problems(password or "", user.email, user.name)
    if problems:
        raise UserError({"password": " ".join(problems)})
    user.password_hash = hash_password(password)
    if actor is None or actor.id != user.id:
        end_all_sessions(user)
    audit.record("user.password_set", actor, subject=user.email, ip=ip)
    db.session.commit()
    return user

