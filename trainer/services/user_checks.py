"""Checking one value of a user, as typed in a form, a CLI option or a staff CSV row: each check
returns the clean value or raises Invalid with a message that reads well after "line N: ". The
users service (services/users.py) and the CSV import (services/user_csv.py) both use them; this
module knows nothing of either."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from email_validator import EmailNotValidError, validate_email

from ..models import ROLES
from .passwords import password_problems

NAME_MAX, DEPARTMENT_MAX = 120, 80
MANAGER_ROLES = ("manager", "admin")
ROLE_LIST = ", ".join(ROLES[:-1]) + " or " + ROLES[-1]
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


class Invalid(ValueError):
    """One input value is unusable; the message reads well after "line N: "."""


def check_email(raw: str | None) -> str:
    raw = (raw or "").strip()
    if not raw:
        raise Invalid("email is missing")
    try:
        return validate_email(raw, check_deliverability=False).normalized.lower()
    except EmailNotValidError as exc:
        raise Invalid(f"bad email '{raw}': {exc}") from None


def check_name(raw: str | None) -> str:
    name = " ".join((raw or "").split())
    if not name:
        raise Invalid("name is missing")
    if len(name) > NAME_MAX:
        raise Invalid(f"name is longer than {NAME_MAX} characters")
    return name


def check_role(raw: str | None) -> str:
    role = (raw or "").strip().lower()
    if not role:
        raise Invalid(f"role is missing (use {ROLE_LIST})")
    if role not in ROLES:
        raise Invalid(f"unknown role '{raw}' (use {ROLE_LIST})")
    return role


def check_department(raw: str | None) -> str:
    name = " ".join((raw or "").split())
    if not name:
        raise Invalid("department is missing")
    if len(name) > DEPARTMENT_MAX:
        raise Invalid(f"department is longer than {DEPARTMENT_MAX} characters")
    return name


def check_start_date(raw: str | date | None) -> date | None:
    if isinstance(raw, date) or raw is None:
        return raw
    raw = raw.strip()
    if not raw:
        return None
    try:
        if _ISO_DATE.fullmatch(raw):
            return date.fromisoformat(raw)
    except ValueError:
        pass
    raise Invalid(f"start_date '{raw}' is not a date (use YYYY-MM-DD)")


def check_password(raw: str | None, email: str, name: str) -> str | None:
    if not raw:
        return None
    problems = password_problems(raw, email, name)
    if problems:
        raise Invalid("password refused: " + " ".join(problems))
    return raw


def check_manager_role(email: str, role: str, active: bool) -> None:
    if role not in MANAGER_ROLES:
        raise Invalid(f"manager '{email}' is a {role}, not a manager or admin")
    if not active:
        raise Invalid(f"manager '{email}' is deactivated")


def collect_problem(problems: dict[str, str], field: str, check: Any, *args: Any) -> Any:
    """``check(*args)``, or None with its Invalid message put in ``problems[field]``."""
    try:
        return check(*args)
    except Invalid as exc:
        problems[field] = str(exc)
        return None
