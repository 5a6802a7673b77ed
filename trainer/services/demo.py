"""Demo data: departments, people in two teams, and finished attempts played for real."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import delete, inspect, select

from ..domain.modes import ASSESSED
from ..extensions import db
from ..models import (
    ApiToken,
    Attempt,
    AuditCheckpoint,
    AuditEvent,
    Clearance,
    Department,
    LLMCall,
    Score,
    Turn,
    User,
    UserSession,
)
from . import play
from .audit import record
from .library import get_library
from .passwords import hash_password

DEMO_LOGINS = [
    ("trainee", "trainee@example.com", "trainee-demo-pass"),
    ("manager", "manager@example.com", "manager-demo-pass"),
    ("admin", "admin@example.com", "admin-demo-pass"),
]
_PEOPLE = [  # email, name, role, department, manager email
    ("admin@example.com", "Ada Admin", "admin", "operations", None),
    ("manager@example.com", "Morgan Reyes", "manager", "billing", None),
    ("manager2@example.com", "Riley Okafor", "manager", "deliveries", None),
    ("trainee@example.com", "Tara Singh", "trainee", "billing", "manager@example.com"),
    ("sam@example.com", "Sam Novak", "trainee", "engineering", "manager@example.com"),
    ("jo@example.com", "Jo Achebe", "trainee", "deliveries", "manager2@example.com"),
]
BRUSH_OFF = "That's not my department, you'll have to call the billing team yourself."
VAGUE = "Sorry for any inconvenience. Someone will look into it."


def reset_refusal(database: str, is_default_file: bool) -> str | None:
    """Why `demo --reset` must not wipe this database, or None when it may: it is the default
    demo file, or every user in it is a demo user (a fresh database has none)."""
    if is_default_file or not inspect(db.engine).has_table(User.__tablename__):
        return None
    demo = {email for email, *_ in _PEOPLE}
    others = [email for email in db.session.scalars(select(User.email).order_by(User.id))
              if email not in demo]
    db.session.rollback()
    if not others:
        return None
    example = ", ".join(others[:3]) + (", ..." if len(others) > 3 else "")
    who = "1 user who is not a demo user" if len(others) == 1 else \
        f"{len(others)} users who are not demo users"
    return (f"refusing to reset {database}: --reset deletes every user, attempt, clearance, "
            f"token and audit event, and this database holds {who} "
            f"({example}), and it is not the default demo database. Give the demo a database "
            "of its own (unset DATABASE_URL to use the default file).")


def seed_demo(reset: bool = False) -> bool:
    """Seed once; returns False when there is data already and ``reset`` is not set. The caller
    checks ``reset_refusal`` first: a reset deletes everything."""
    if reset:
        for model in (Score, Turn, LLMCall, Attempt, Clearance, ApiToken, UserSession,
                      AuditCheckpoint, AuditEvent):
            db.session.execute(delete(model))
        db.session.execute(delete(User).where(User.manager_id.is_not(None)))
        db.session.execute(delete(User))
        db.session.execute(delete(Department))
        db.session.commit()
    elif db.session.scalar(select(User.id).limit(1)) is not None:
        return False
    users = _seed_people()
    _seed_attempts(users)
    _seed_clearances(users)
    return True


def _seed_people() -> dict[str, User]:
    passwords = {email: password for _, email, password in DEMO_LOGINS}
    departments: dict[str, Department] = {}
    users: dict[str, User] = {}
    for email, name, role, dept, manager in _PEOPLE:
        if dept not in departments:
            departments[dept] = Department(name=dept)
        user = User(email=email, name=name, role=role, department=departments[dept],
                    manager=users.get(manager) if manager else None,
                    start_date=date(2026, 1, 12),
                    password_hash=hash_password(passwords.get(email, "demo-person-pass")))
        db.session.add(user)
        users[email] = user
    db.session.flush()
    for user in users.values():
        record("user.created", None, user.email, "demo data", {"role": user.role})
    db.session.commit()
    return users


def _seed_attempts(users: dict[str, User]) -> None:
    scenarios = sorted(get_library().scenarios.values(), key=lambda s: (s.difficulty, s.id))
    plays = [("trainee@example.com", scenarios[0], [None]),
             ("trainee@example.com", scenarios[1 % len(scenarios)], [VAGUE, None]),
             ("sam@example.com", scenarios[0], [BRUSH_OFF, VAGUE]),
             ("jo@example.com", scenarios[2 % len(scenarios)], [None])]
    for email, scenario, answers in plays:
        # Assessed, so they show on the standing pages; the pasted model answers among them
        # land in the review queue as near-copies, as they would for real.
        attempt = play.start_attempt(users[email], scenario.id, ASSESSED)
        for answer in answers:
            if attempt.is_finished:
                break
            # the model answer of the variant this attempt drew, not of the default
            play.submit_answer(attempt, answer or attempt.scenario.model_answer or VAGUE)
        play.finish_attempt(attempt, "ended")


def _seed_clearances(users: dict[str, User]) -> None:
    """One current, one expiring soon, one expired and one revoked clearance, granted through
    the real service (so audited), then moved back in time so the pages show each state."""
    from .clearances import grant_clearance, revoke_clearance

    boss, other = users["manager@example.com"], users["manager2@example.com"]
    why = "Demo data: experienced on this queue before joining."
    grant_clearance(boss, users["trainee@example.com"], "billing-dispute", 2, 40,
                    justification=why)
    soon = grant_clearance(boss, users["sam@example.com"], "billing-dispute", 1, 0,
                           justification=why)
    _shift(soon, days_left=20)
    old = grant_clearance(other, users["jo@example.com"], "delivery-problem", 2, 50,
                          justification=why)
    _shift(old, days_left=-30)
    gone = grant_clearance(boss, users["trainee@example.com"], "service-fault", 1, 0,
                           justification=why)
    revoke_clearance(boss, gone, "Demo data: moved off the technical queue.")
    db.session.commit()


def _shift(clearance, days_left: int) -> None:
    """Make a demo clearance end ``days_left`` days from now, a year after it was granted."""
    from ..models._types import utcnow

    clearance.expires_at = utcnow() + timedelta(days=days_left)
    clearance.granted_at = clearance.expires_at - timedelta(days=365)
