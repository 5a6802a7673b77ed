"""Builders for whole teams with a history, in one commit each: the statement-count tests need
a small and a large team that differ only in size."""

from __future__ import annotations

from datetime import timedelta

from trainer.extensions import db
from trainer.models import Attempt, Clearance, Score, User
from trainer.models._types import utcnow
from trainer.services.library import get_library

from .. import factories

SCENARIO = "billing-double-charge"
# Each person's history, oldest first: (mode, status, passed, levels, flagged, reviewed).
# Seen on the team page: 3 attempts (the abandoned one counts neither way), 1 assessed pass
# (+1 practice), averages empathy 2.7, ownership 1.3, accuracy 2.3: weakest ownership.
HISTORY = (
    ("assessed", "scored", True, {"empathy": 3, "ownership": 2, "accuracy": 3}, False, True),
    ("practice", "scored", True, {"empathy": 3, "ownership": 2, "accuracy": 3}, False, False),
    ("assessed", "scored", False, {"empathy": 2, "ownership": 0, "accuracy": 1}, True, False),
    ("assessed", "abandoned", None, {}, False, False),
)


def build_team(boss: User, size: int, prefix: str, history=HISTORY) -> list[User]:
    """``size`` people reporting to ``boss``, named "<prefix> 001"..., each with ``history``
    (the first attempt reviewed by ``boss``, the failed one flagged for review)."""
    library = get_library()
    scenario = library.scenarios[SCENARIO]
    snapshot = scenario.to_dict()
    rubric = library.rubrics[scenario.rubric].to_dict()
    dept = factories.department()
    start = utcnow() - timedelta(days=10)
    people = [User(email=f"{prefix.lower()}{n:03}@example.com", name=f"{prefix} {n:03}",
                   role="trainee", department=dept, manager=boss,
                   password_hash=factories.PASSWORD_HASH) for n in range(1, size + 1)]
    db.session.add_all(people)
    db.session.flush()
    for person in people:
        for n, (mode, status, passed, levels, flagged, reviewed) in enumerate(history):
            when = start + timedelta(days=n, minutes=person.id)
            db.session.add(Attempt(
                user_id=person.id, scenario_id=scenario.id, category=scenario.category,
                difficulty=scenario.difficulty, scenario_snapshot=snapshot,
                rubric_snapshot=rubric, customer_engine="scripted-1", mode=mode, status=status,
                outcome="resolved" if status == "scored" else "ended", mood="calm",
                started_at=when, finished_at=when, scored_at=when if levels else None,
                scorer="rules-test" if levels else None, passed=passed,
                overall=(75.0 if passed else 20.0) if levels else None,
                needs_review=flagged, review_reason="judge and rules disagree" if flagged else "",
                reviewed_by_id=boss.id if reviewed else None,
                reviewed_at=utcnow() if reviewed else None,
                scores=[Score(dimension=d, level=lv, scorer="rules-test")
                        for d, lv in levels.items()]))
    db.session.commit()
    return people


def clearance(person: User, granter: User, category: str, level: int = 1,
              days_left: int = 200) -> Clearance:
    """A current clearance granted ``days_left`` days before it expires."""
    now = utcnow()
    found = Clearance(user_id=person.id, category=category, level=level, limit=50,
                      granted_by_id=granter.id, granted_at=now - timedelta(days=10),
                      expires_at=now + timedelta(days=days_left))
    db.session.add(found)
    db.session.commit()
    return found
