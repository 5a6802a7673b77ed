"""Reading and checking a staff CSV, fast enough for a web request: every bad row reported by
its line, all at once; nothing is written here."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import date
from typing import IO, Any

from sqlalchemy import select

from ..domain.errors import TrainerError
from ..extensions import db
from ..models import User
from .user_checks import (
    Invalid,
    check_department,
    check_email,
    check_manager_role,
    check_name,
    check_password,
    check_role,
    check_start_date,
)

REQUIRED_COLUMNS = ("email", "name", "department", "role", "manager_email")
OPTIONAL_COLUMNS = ("start_date", "password")


class ImportRejected(TrainerError):
    """A staff CSV had problems, so nothing was imported; ``problems`` read "line N: message"."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("\n".join(problems))


@dataclass
class CheckedRow:
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


def check_csv(data: str | bytes | IO[Any]) -> list[CheckedRow]:
    """Every row of the file, checked, in the order to create them (a manager in the file before
    the people who report to them); or ImportRejected with every problem."""
    rows = _validate(_decode(data))
    return in_creation_order(rows)


def in_creation_order(rows: list[CheckedRow]) -> list[CheckedRow]:
    """By depth in the file's own manager chains (checked free of loops), then by line."""
    by_email = {row.email: row for row in rows}
    depth: dict[int, int] = {}

    def depth_of(row: CheckedRow) -> int:
        chain, here = [], row  # walked, not recursed: a chain may be thousands long
        while here.line not in depth:
            boss = by_email.get(here.manager_key)
            if boss is None or boss is here:
                depth[here.line] = 0
                break
            chain.append(here)
            here = boss
        for below in reversed(chain):
            depth[below.line] = depth[here.line] + 1
            here = below
        return depth[row.line]

    return sorted(rows, key=lambda row: (depth_of(row), row.line))


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


def _validate(text: str) -> list[CheckedRow]:
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
    return rows


def _check_row(line: int, values: list[str], header: list[str],
               problems: list[tuple[int, str]]) -> CheckedRow | None:
    if len(values) != len(header):
        problems.append((line, f"expected {len(header)} values, found {len(values)}"))
        return None
    cells = {column: value.strip() for column, value in zip(header, values, strict=True)}
    row = CheckedRow(line, manager=cells["manager_email"] or None)

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


def _existing_users(rows: list[CheckedRow]) -> dict[str, User]:
    """Users already in the database that the file names, as users or as managers."""
    keys = {key for row in rows for key in (row.email, row.manager_key) if key}
    if not keys:
        return {}
    found = db.session.scalars(select(User).where(User.email.in_(keys)))
    return {user.email.lower(): user for user in found}


def _check_emails(rows: list[CheckedRow], existing: dict[str, User],
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


def _check_managers(rows: list[CheckedRow], existing: dict[str, User],
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


def _in_loop(row: CheckedRow, in_file: dict[str, CheckedRow]) -> bool:
    seen: set[str] = set()
    key = row.manager_key
    while key in in_file and key not in seen:
        seen.add(key)
        key = in_file[key].manager_key
        if key == row.email:
            return True
    return False
