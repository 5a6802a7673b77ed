"""One batch of an import job's users (services/user_import.py): who is created, who is skipped
(their email was taken after the file was checked), the departments and managers they get, and
what the job counts and reports about them. Nothing is committed here."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import select

from ..extensions import db
from ..models import Department, User, UserImport, UserImportRow
from .user_checks import MANAGER_ROLES
from .users import get_or_create_department


class ImportBatch:
    """The users of one batch, with what the job will count and report about them."""

    def __init__(self, job: UserImport, rows: list[UserImportRow]):
        emails = [row.data["email"] for row in rows]
        self.taken = set(db.session.scalars(select(User.email).where(
            User.email.in_(emails))))
        bosses = {row.data["manager_key"] for row in rows if row.data.get("manager_key")}
        self.users: dict[str, User] = {user.email.lower(): user for user in db.session.scalars(
            select(User).where(User.email.in_(bosses)))} if bosses else {}
        self.departments: dict[str, tuple[Department, bool]] = {}
        self.created: list[tuple[User, UserImportRow, bool]] = []
        self.problems: list[dict[str, Any]] = []
        self.skipped = 0

    def add(self, row: UserImportRow, password_hash: str | None) -> None:
        data = row.data
        if data["email"] in self.taken:  # added by someone else since the file was checked
            self.skipped += 1
            self._problem(row, f"email already exists: {data['email']} (added after the file "
                               "was checked); skipped", skipped=True)
            return
        key = data["department"].lower()
        if key not in self.departments:
            self.departments[key] = get_or_create_department(data["department"])
        department, is_new = self.departments[key]
        user = User(email=data["email"], name=data["name"], role=data["role"], active=True,
                    department=department, manager=self._manager(row),
                    start_date=date.fromisoformat(data["start_date"]) if data["start_date"]
                    else None, password_hash=password_hash)
        db.session.add(user)
        self.users[user.email] = user
        self.created.append((user, row, is_new))

    def _manager(self, row: UserImportRow) -> User | None:
        key, typed = row.data.get("manager_key"), row.data.get("manager")
        if not key:
            return None
        manager = self.users.get(key)  # in this batch, or found before it
        if manager is None:
            self._problem(row, f"manager '{typed}' was not found when the user was created: "
                               "created without a manager")
        elif manager.role not in MANAGER_ROLES or not manager.active:
            self._problem(row, f"manager '{typed}' is no longer an active manager or admin: "
                               "created without a manager")
        else:
            return manager
        return None

    def _problem(self, row: UserImportRow, message: str, skipped: bool = False) -> None:
        self.problems.append({"line": row.line, "message": message, "skipped": skipped})

    def count_into(self, job: UserImport) -> None:
        made = [user for user, _, _ in self.created]
        job.done += len(made) + self.skipped
        job.created += len(made)
        job.skipped += self.skipped
        job.without_password += sum(1 for user in made if user.password_hash is None)
        job.departments_created = [*job.departments_created, *(
            department.name for department, is_new in self.departments.values() if is_new)]
        job.problems = [*job.problems, *self.problems]
