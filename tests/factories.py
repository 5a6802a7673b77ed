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


def scored_attempt(person: User, scenario_id: str, passed: bool = True,
                   levels: dict[str, int | None] | None = None, finished_at=None,
                   scorer: str | None = None, review_reason: str = "", mode: str = "assessed",
                   copied_from: str | None = None):
    """A scored attempt built directly (no role-play): every dimension at 3 when it passed, below
    the pass level when not, unless ``levels`` says otherwise; finished now unless told; scored by
    the rule scorer unless ``scorer`` names another; flagged for review with a ``review_reason``;
    assessed (evidence) unless ``mode`` is "practice"; a near-copy held for review with
    ``copied_from``."""
    from trainer.domain.scoring.rules import RuleScorer
    from trainer.models import Attempt, Score
    from trainer.models._types import utcnow
    from trainer.services.library import get_library

    library = get_library()
    scenario = library.scenarios[scenario_id]
    levels = levels or ({"empathy": 3, "ownership": 3, "accuracy": 3} if passed
                        else {"empathy": 1, "ownership": 0, "accuracy": 1})
    when = finished_at or utcnow()
    scorer = scorer or RuleScorer.name
    attempt = Attempt(user_id=person.id, scenario_id=scenario.id, category=scenario.category,
                      difficulty=scenario.difficulty, scenario_snapshot=scenario.to_dict(),
                      rubric_snapshot=library.rubrics[scenario.rubric].to_dict(),
                      customer_engine="scripted-1", status="scored", outcome="resolved",
                      mood="calm", started_at=when, finished_at=when, scored_at=when,
                      scorer=scorer, overall=75.0 if passed else 16.7, passed=passed,
                      needs_review=bool(review_reason or copied_from),
                      review_reason=review_reason, mode=mode, copied_from=copied_from,
                      scores=[Score(dimension=d, level=lv, scorer=scorer)
                              for d, lv in levels.items()])
    db.session.add(attempt)
    db.session.commit()
    return attempt
