"""Importing staff from CSV: each bad row reported by its line; nothing imported unless all pass."""

from __future__ import annotations

import csv
import io
import logging
import secrets
from dataclasses import dataclass
from datetime import date
from typing import IO, Any

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from ..extensions import db
from ..models import Department, User
from . import audit
from .passwords import hash_password
from .users import (
    ImportRejected,
    Invalid,
    check_department,
    check_email,
    check_manager_role,
    check_name,
    check_password,
    check_role,
    check_start_date,
    created_detail,
    get_or_create_department,
)

log = logging.getLogger(__name__)

REQUIRED_COLUMNS = ("email", "name", "department", "role", "manager_email")
OPTIONAL_COLUMNS = ("start_date", "password")


@dataclass(frozen=True)
class ImportedUser:
    line: int
    email: str
    name: str
    role: str
    department: str
    manager_email: str | None
    has_password: bool
    one_time_password: str | None = None  # generated on request: shown once, stored only hashed


@dataclass(frozen=True)
class ImportReport:
    users: tuple[ImportedUser, ...]
    departments_created: tuple[str, ...]
    source: str = ""

    @property
    def without_password(self) -> tuple[ImportedUser, ...]:
        return tuple(u for u in self.users if not u.has_password and not u.one_time_password)

    @property
    def generated(self) -> tuple[ImportedUser, ...]:
        return tuple(u for u in self.users if u.one_time_password)

    def lines(self) -> list[str]:
        """The report as text, as the CLI prints it (the admin page shows the same facts)."""
        out = [f"Imported {len(self.users)} user(s)" + (f" from {self.source}:" if self.source
                                                         else ":")]
        out += [f"  line {u.line}: {u.email} ({u.name}), {u.role}, {u.department}"
                + (f", manager {u.manager_email}" if u.manager_email else "") for u in self.users]
        out.append("Departments created: " + ", ".join(self.departments_created)
                   if self.departments_created else "No departments created.")
        if self.without_password:
            out.append(f"{len(self.without_password)} user(s) have no password and cannot log in "
                       "until an admin sets one: "
                       + ", ".join(u.email for u in self.without_password))
        if self.generated:
            out.append("One-time passwords, shown only this once (give each to its owner):")
            out += [f"  {u.email}  {u.one_time_password}" for u in self.generated]
        return out


@dataclass
class _Row:
    """One data row: checked values, or None where the value was bad (already reported)."""

    line: int
    email: str | None = None
    name: str | None = None
    role: str | None = None
    department: str | None = None
    manager: str | None = None  # as typed, for messages
    manager_key: str | None = None  # normalised, for look-ups
    start_date: date | None = None
    password: str | None = None


def import_users(data: str | bytes | IO[Any], actor: User | None = None, *,
                 generate_passwords: bool = False, source: str = "",
                 ip: str | None = None) -> ImportReport:
    """Check the whole file, then create every user in one transaction (or none)."""
    rows, existing = _validate(_decode(data))
    try:
        report = _write(rows, existing, actor, generate_passwords, source, ip)
    except IntegrityError:
        db.session.rollback()
        raise ImportRejected(["someone added one of these users or departments while the file "
                              "was being imported; nothing was imported: try again"]) from None
    except Exception:
        db.session.rollback()
        raise
    log.info("imported %s user(s) from %r", len(report.users), source)
    return report


def _decode(data: str | bytes | IO[Any]) -> str:
    if hasattr(data, "read"):
        data = data.read()
    if isinstance(data, str):
        return data.removeprefix("\ufeff")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[:exc.start].count(b"\n") + 1
        raise ImportRejected([f'line {line}: the file is not UTF-8 text (save it as "CSV UTF-8")'])\
            from None


def _records(text: str) -> list[tuple[int, list[str]]]:
    """(first line number, values) for each CSV record, skipping blank lines."""
    reader = csv.reader(io.StringIO(text, newline=""))
    records, end = [], 0
    try:
        for values in reader:
            start, end = end + 1, reader.line_num
            if any(v.strip() for v in values):
                records.append((start, values))
    except csv.Error as exc:
        raise ImportRejected([f"line {reader.line_num}: {exc}"]) from None
    return records


def _header(line: int, values: list[str]) -> list[str]:
    header = [v.strip().lower() for v in values]
    missing = [c for c in REQUIRED_COLUMNS if c not in header]
    unknown = [c for c in header if c not in REQUIRED_COLUMNS + OPTIONAL_COLUMNS]
    twice = sorted({c for c in header if header.count(c) > 1})
    problems = []
    if missing:
        problems.append(f"line {line}: missing column(s) {', '.join(missing)} (the header row "
                        f"must name {','.join(REQUIRED_COLUMNS)})")
    if unknown:
        problems.append(f"line {line}: unknown column(s) {', '.join(unknown)} (the only "
                        f"optional columns are {' and '.join(OPTIONAL_COLUMNS)})")
    if twice:
        problems.append(f"line {line}: column(s) named twice: {', '.join(twice)}")
    if problems:
        raise ImportRejected(problems)
    return header


def _validate(text: str) -> tuple[list[_Row], dict[str, User]]:
    records = _records(text)
    if not records:
        raise ImportRejected(["line 1: the file is empty (it needs a header row "
                              f"{','.join(REQUIRED_COLUMNS)} and one row per user)"])
    header = _header(*records[0])
    problems: list[tuple[int, str]] = []
    rows = [row for line, values in records[1:]
            if (row := _check_row(line, values, header, problems)) is not None]
    if not rows and not problems:
        raise ImportRejected([f"line {records[0][0]}: there are no users below the header row"])
    existing = _existing_users(rows)
    _check_emails(rows, existing, problems)
    _check_managers(rows, existing, problems)
    if problems:
        raise ImportRejected([f"line {line}: {message}"
                              for line, message in sorted(problems, key=lambda p: p[0])])
    return rows, existing


def _check_row(line: int, values: list[str], header: list[str],
               problems: list[tuple[int, str]]) -> _Row | None:
    if len(values) != len(header):
        problems.append((line, f"expected {len(header)} values, found {len(values)}"))
        return None
    cells = {column: value.strip() for column, value in zip(header, values, strict=True)}
    row = _Row(line, manager=cells["manager_email"] or None)

    def take(check: Any, *args: Any) -> Any:
        try:
            return check(*args)
        except Invalid as exc:
            problems.append((line, str(exc)))
            return None

    row.email = take(check_email, cells["email"])
    row.name = take(check_name, cells["name"])
    row.department = take(check_department, cells["department"])
    row.role = take(check_role, cells["role"] or "trainee")
    row.start_date = take(check_start_date, cells.get("start_date"))
    row.password = take(check_password, cells.get("password"), row.email or "", row.name or "")
    if row.manager:
        try:
            row.manager_key = check_email(row.manager)
        except Invalid:
            row.manager_key = row.manager.lower()  # cannot match anyone: reported as not found
    return row


def _existing_users(rows: list[_Row]) -> dict[str, User]:
    """Users already in the database that the file names, as users or as managers."""
    keys = {key for row in rows for key in (row.email, row.manager_key) if key}
    if not keys:
        return {}
    found = db.session.scalars(select(User).where(func.lower(User.email).in_(keys)))
    return {user.email.lower(): user for user in found}


def _check_emails(rows: list[_Row], existing: dict[str, User],
                  problems: list[tuple[int, str]]) -> None:
    first_line: dict[str, int] = {}
    for row in rows:
        if row.email is None:
            continue
        if row.email in existing:
            problems.append((row.line, f"email already exists: {row.email}"))
        elif row.email in first_line:
            problems.append((row.line, f"duplicate email {row.email} (already on line "
                                       f"{first_line[row.email]})"))
        else:
            first_line[row.email] = row.line


def _check_managers(rows: list[_Row], existing: dict[str, User],
                    problems: list[tuple[int, str]]) -> None:
    """Second pass: a manager may be an existing user or anyone in the file, above or below."""
    in_file = {}
    for row in rows:
        if row.email:
            in_file.setdefault(row.email, row)
    for row in rows:
        key = row.manager_key
        if not key:
            continue
        try:
            if key == row.email:
                raise Invalid("a user cannot be their own manager")
            if key in existing:
                check_manager_role(row.manager, existing[key].role, existing[key].active)
            elif key in in_file:
                if in_file[key].role:  # a bad role was reported on its own line
                    check_manager_role(row.manager, in_file[key].role, True)
                if _in_loop(row, in_file):
                    raise Invalid(f"manager chain from '{row.manager}' loops back to {row.email}")
            else:
                raise Invalid(f"manager '{row.manager}' not found")
        except Invalid as exc:
            problems.append((row.line, str(exc)))


def _in_loop(row: _Row, in_file: dict[str, _Row]) -> bool:
    seen: set[str] = set()
    key = row.manager_key
    while key in in_file and key not in seen:
        seen.add(key)
        key = in_file[key].manager_key
        if key == row.email:
            return True
    return False


def _write(rows: list[_Row], existing: dict[str, User], actor: User | None,
           generate_passwords: bool, source: str, ip: str | None) -> ImportReport:
    departments, created = _departments(rows)
    users: dict[str, User] = {}
    passwords: dict[str, str] = {}
    for row in rows:
        password = row.password
        if password is None and generate_passwords:
            password = passwords[row.email] = secrets.token_urlsafe(12)
        users[row.email] = User(
            email=row.email, name=row.name, role=row.role, start_date=row.start_date,
            department=departments[row.department.lower()],
            password_hash=hash_password(password) if password else None)
        db.session.add(users[row.email])
    for row in rows:
        if row.manager_key:
            users[row.email].manager = users.get(row.manager_key) or existing[row.manager_key]
    db.session.flush()
    for row in rows:
        user = users[row.email]
        audit.record("user.created", actor, subject=user.email, ip=ip, detail=created_detail(
            user, user.department.name in created, via="import", line=row.line))
    audit.record("users.imported", actor, subject=source, ip=ip, detail={
        "count": len(rows), "emails": list(users), "departments_created": created})
    db.session.commit()
    return ImportReport(tuple(_imported(row, users[row.email], passwords.get(row.email))
                              for row in rows), tuple(created), source)


def _departments(rows: list[_Row]) -> tuple[dict[str, Department], list[str]]:
    """Each department the file names, by lower-cased name; new ones are added to the session."""
    departments: dict[str, Department] = {}
    created: list[str] = []
    for row in rows:
        key = row.department.lower()
        if key not in departments:
            departments[key], is_new = get_or_create_department(row.department)
            if is_new:
                created.append(row.department)
    return departments, created


def _imported(row: _Row, user: User, one_time_password: str | None) -> ImportedUser:
    return ImportedUser(line=row.line, email=user.email, name=user.name, role=user.role,
                        department=user.department.name,
                        manager_email=user.manager.email if user.manager else None,
                        has_password=bool(row.password), one_time_password=one_time_password)
