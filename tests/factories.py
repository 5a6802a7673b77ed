"""Test data builders: real rows in the test database, with sensible defaults."""

from __future__ import annotations

import itertools

from trainer.extensions import db
from trainer.models import Department, User
from trainer.services.passwords import hash_password

PASSWORD = "a-long-enough-passphrase-42"
PASSWORD_HASH = hash_password(PASSWORD)  # hashed once: scrypt is slow on purpose
_seq = itertools.count(1)


def department(name: str = "billing") -> Department:
    found = db.session.scalar(db.select(Department).where(Department.name == name))
    if found:
        return found
    dept = Department(name=name)
    db.session.add(dept)
    db.session.flush()
    return dept


def user(role: str = "trainee", email: str | None = None, name: str | None = None,
         manager: User | None = None, dept: str = "billing", password: str = PASSWORD,
         active: bool = True) -> User:
    n = next(_seq)
    person = User(email=email or f"{role}{n}@example.com", name=name or f"{role.title()} {n}",
                  role=role, department=department(dept), manager=manager, active=active,
                  password_hash=PASSWORD_HASH if password == PASSWORD
                  else hash_password(password))
    db.session.add(person)
    db.session.commit()
    return person
