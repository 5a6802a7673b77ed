"""The data set of bench/scale.py: people in reporting lines, attempts cloned from attempts the app
really played (bench/_templates.py), clearances and a keyed audit chain. Written in bulk with
SQLAlchemy core, but every row as the app writes it. Sizes are issue 10's, times a factor."""

from __future__ import annotations

import random
import time
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from types import SimpleNamespace

from sqlalchemy import func, insert, select, text

from bench._templates import Template, copy_templates, play_templates
from trainer.extensions import db
from trainer.models import Attempt, AuditEvent, Clearance, Department, Score, Turn, User
from trainer.models._types import utcnow
from trainer.services.audit import GENESIS, audit_key, event_mac, verify_chain
from trainer.services.library import get_library
from trainer.services.passwords import hash_password
from trainer.services.tokens import create_token

FULL = {"users": 2000, "attempts": 50_000, "turns": 255_000, "clearances": 5000,
        "audit": 27_000, "reports": 200, "heavy": 500}
LEAST = {"users": 6, "attempts": 1, "turns": 1, "clearances": 1, "audit": 1, "reports": 1,
         "heavy": 1}
PASSWORD = "bench-scale-person-pass-7302"
CHUNK = 2000  # attempts per bulk insert (with their turns and scores)
FIRST = ("Ada", "Ben", "Chen", "Dina", "Eli", "Fay", "Gus", "Hana", "Ivo", "Jun", "Kofi", "Lea")
LAST = ("Okafor", "Singh", "Novak", "Reyes", "Achebe", "Larsen", "Moreau", "Tanaka", "Silva")


def sizes(factor: float) -> dict[str, int]:
    return {k: max(LEAST[k], round(v * factor)) for k, v in FULL.items()}


@dataclass
class Seeded:
    size: dict[str, int]
    admin: str = ""
    manager: str = ""
    heavy: str = ""  # the trainee with `heavy` attempts, one of the manager's reports
    heavy_id: int = 0
    scorecard_id: int = 0  # one of the heavy trainee's scored attempts
    token: str = ""
    seconds: dict[str, float] = field(default_factory=dict)
    counts: dict[str, int] = field(default_factory=dict)
    chain: str = ""
    templates: list[Template] = field(default_factory=list)


def seed(factor: float, templates: list[Template] | None = None, rng_seed: int = 10,
         scenario_limit: int | None = None) -> Seeded:
    """Fill an empty, migrated database (inside an app context). ``templates`` from an earlier
    seeding are copied to this database's player instead of being played again."""
    out, rng, now = Seeded(sizes(factor)), random.Random(rng_seed), utcnow()
    people = _timed(out, "people", lambda: _people(out, rng, now))
    if templates is None:
        out.templates = _timed(out, "played templates", lambda: play_templates(
            db.session.get(User, people.player), scenario_limit))
    else:
        out.templates = templates
        _timed(out, "copied templates", lambda: copy_templates(templates, people.player))
    templates = out.templates
    _timed(out, "attempts", lambda: _attempts(out, rng, now, people, templates))
    grants = _timed(out, "clearances", lambda: _clearances(out, rng, now, people))
    _timed(out, "audit", lambda: _audit(out, rng, now, people, grants))
    _fix_sequences()  # before the app inserts a row of its own
    out.token = create_token("bench scale")[1]  # through the service: audited, chained
    report = verify_chain()
    out.chain = f"{report.checked} events, " + ("intact" if report.ok else report.problem)
    out.counts = {t.name: db.session.scalar(select(func.count()).select_from(t))
                  for t in db.metadata.sorted_tables}
    return out


def _timed(out: Seeded, step: str, work):
    started = time.perf_counter()
    result = work()
    db.session.commit()
    out.seconds[step] = time.perf_counter() - started
    return result


def _people(out: Seeded, rng: random.Random, now) -> SimpleNamespace:
    """An admin, the measured manager with `reports` reports (the heavy trainee first), other
    managers with about 20 reports each, and the trainees."""
    size, library = out.size, get_library()
    names = sorted({s.department for s in library.scenarios.values()} | {"operations"})
    departments = {}
    for name in names:
        departments[name] = Department(name=name)
        db.session.add(departments[name])
    db.session.flush()
    dept_ids = [departments[n].id for n in names if n != "operations"]
    first = (db.session.scalar(select(func.max(User.id))) or 0) + 1
    others = max(1, (size["users"] - 2 - size["reports"]) // 21)
    trainees = size["users"] - 2 - others
    secret = hash_password(PASSWORD)  # one hash for all: hashing 2,000 is minutes of scrypt

    def row(n: int, role: str, manager: int | None, dept: int) -> dict:
        return {"id": first + n, "email": f"{role}{n}@scale.example.com",
                "name": f"{FIRST[n % len(FIRST)]} {LAST[n * 7 % len(LAST)]} {n}", "role": role,
                "password_hash": secret, "department_id": dept, "manager_id": manager,
                "active": n % 97 != 5, "created_at": now - timedelta(days=900 - n % 300),
                "start_date": date.today() - timedelta(days=rng.randint(60, 1400))}

    bosses = [row(0, "admin", None, departments["operations"].id)]
    bosses += [row(n, "manager", None, rng.choice(dept_ids)) for n in range(1, others + 2)]
    db.session.execute(insert(User.__table__), bosses)
    reports = min(size["reports"], trainees)
    manager_of, staff = {}, []
    for k in range(trainees):
        n = others + 2 + k
        boss = first + 1 if k < reports else first + 2 + k % others
        staff.append(row(n, "trainee", boss, rng.choice(dept_ids)))
        manager_of[first + n] = boss
    staff[0]["active"] = True  # the heavy trainee logs in
    db.session.execute(insert(User.__table__), staff)
    out.admin, out.manager = bosses[0]["email"], bosses[1]["email"]
    out.heavy, out.heavy_id = staff[0]["email"], staff[0]["id"]
    ids = [r["id"] for r in staff]
    return SimpleNamespace(admin=first, manager_of=manager_of, trainees=ids, player=ids[-1],
                           heavy=ids[0], passed={}, reviewed=[])


def _attempts(out: Seeded, rng: random.Random, now, people, templates: list[Template]) -> None:
    """Clone the played attempts onto everyone: the heavy trainee gets `heavy`, the rest share
    what is left; the turn count stays near `turns` by picking longer or shorter templates."""
    size = out.size
    played = db.session.scalar(select(func.count(Attempt.id)))
    others = [t for t in people.trainees if t not in (people.heavy, people.player)] or \
        [people.heavy]
    todo = max(0, size["attempts"] - played - size["heavy"])
    owners = [people.heavy] * size["heavy"] + [rng.choice(others) for _ in range(todo)]
    scored = [t for t in templates if t.status == "scored"]
    side = {k: [t for t in scored if (t.turns_n > size["turns"] / size["attempts"]) == k]
            for k in (True, False)}
    rare = [t for t in templates if t.status != "scored"]
    next_id = (db.session.scalar(select(func.max(Attempt.id))) or 0) + 1
    turns_total = db.session.scalar(select(func.count(Turn.id)))
    batch: tuple[list, list, list] = ([], [], [])
    for k, user in enumerate(owners):
        if rare and rng.random() < 0.03:
            template = rng.choice(rare)
        else:  # below the aimed turns per attempt so far: a long one
            want_long = turns_total < size["turns"] * (played + k + 1) / size["attempts"]
            template = rng.choice(side[want_long] or side[not want_long])
        started = now - timedelta(days=rng.uniform(0.5, 540))
        review = people.manager_of.get(user, people.admin) \
            if template.status == "scored" and rng.random() < 0.05 else None
        attempt, turns, scores = template.clone(next_id, user, started, review)
        if attempt["mode"] == "assessed" and attempt["passed"]:
            people.passed.setdefault((user, attempt["category"]), []).append(next_id)
        if review:
            people.reviewed.append((attempt, review))
        for rows, new in zip(batch, (attempt, turns, scores), strict=True):
            rows.extend(new if isinstance(new, list) else [new])
        turns_total += len(turns)
        if user == people.heavy and attempt["status"] == "scored":
            out.scorecard_id = next_id
        next_id += 1
        if len(batch[0]) >= CHUNK or k == len(owners) - 1:
            for model, rows in zip((Attempt, Turn, Score), batch, strict=True):
                if rows:
                    db.session.execute(insert(model.__table__), rows)
                rows.clear()


def _clearances(out: Seeded, rng: random.Random, now, people) -> list[dict]:
    """Current, expiring, expired and revoked clearances; their basis is the holder's assessed
    passes in the category, or none and then a justified exception."""
    categories = list(get_library().categories.values())
    first = (db.session.scalar(select(func.max(Clearance.id))) or 0) + 1
    rows = []
    for n in range(out.size["clearances"]):
        user = people.heavy if n < 3 else rng.choice(people.trainees)
        category = categories[n % len(categories)] if n < 3 else rng.choice(categories)
        level = rng.choice(category.levels)
        state = rng.random()
        granted = now - timedelta(days=rng.uniform(400, 700) if state < 0.15 else
                                  rng.uniform(336, 364) if state < 0.2 else rng.uniform(1, 330))
        basis = people.passed.get((user, category.id), [])[:2]
        granter = people.manager_of.get(user, people.admin)
        limit = min(Decimal(str(level.max_limit)), Decimal(rng.choice((0, 25, 40, 50, 100, 500))))
        revoked = granted + timedelta(days=rng.uniform(1, 30)) if 0.2 <= state < 0.3 else None
        rows.append({"id": first + n, "user_id": user, "category": category.id,
                     "level": level.level, "limit": limit, "granted_by_id": granter,
                     "granted_at": granted, "expires_at": granted + timedelta(days=365),
                     "basis": basis, "overridden_by_granter": [], "is_exception": not basis,
                     "justification": "" if basis else "Bench data: experienced on this queue.",
                     "revoked_at": revoked, "revoked_by_id": granter if revoked else None,
                     "revoke_reason": "Bench data: moved team." if revoked else ""})
    for k in range(0, len(rows), CHUNK):
        db.session.execute(insert(Clearance.__table__), rows[k:k + CHUNK])
    return rows


def _audit(out: Seeded, rng: random.Random, now, people, grants: list[dict]) -> None:
    """`audit` events, the kinds the app writes, chained from the log's head with the app's key."""
    emails = dict(db.session.execute(select(User.id, User.email)).all())
    events = [(g["granted_at"], g["granted_by_id"], "clearance.granted", g["user_id"],
               g["justification"], {"clearance": g["id"], "category": g["category"],
                                    "level": g["level"], "limit": str(g["limit"]),
                                    "basis": g["basis"], "exception": g["is_exception"]})
              for g in grants]
    events += [(g["revoked_at"], g["revoked_by_id"], "clearance.revoked", g["user_id"],
                g["revoke_reason"], {"clearance": g["id"], "category": g["category"]})
               for g in grants if g["revoked_at"]]
    events += [(a["reviewed_at"], who, "score.confirmed", a["user_id"], "",
                {"attempt": a["id"], "scenario": a["scenario_id"], "mode": a["mode"]})
               for a, who in people.reviewed]
    while len(events) < out.size["audit"]:
        user = rng.choice(people.trainees)
        failed = rng.random() < 0.3
        events.append((now - timedelta(days=rng.uniform(0, 700)), None if failed else user,
                       "login.failed" if failed else "login.succeeded", user, "",
                       {"reason": "wrong password"} if failed else {}))
    events = sorted(rng.sample(events, out.size["audit"]), key=lambda e: e[0])
    head = db.session.scalar(select(AuditEvent.hash).order_by(AuditEvent.id.desc()).limit(1))
    prev, key = head or GENESIS, audit_key()
    first = (db.session.scalar(select(func.max(AuditEvent.id))) or 0) + 1
    rows = []
    for n, (at, actor, action, subject, reason, detail) in enumerate(events):
        row = {"id": first + n, "at": at, "actor_id": actor, "action": action,
               "subject": emails[subject], "reason": reason, "detail": detail,
               "ip": f"10.0.{n % 250}.{n % 200 + 1}", "prev_hash": prev}
        row["hash"] = prev = event_mac(prev, SimpleNamespace(**row), key)
        rows.append(row)
    for k in range(0, len(rows), CHUNK * 5):
        db.session.execute(insert(AuditEvent.__table__), rows[k:k + CHUNK * 5])


def _fix_sequences() -> None:
    """Rows were written with their ids: move PostgreSQL's sequences past them."""
    if db.engine.dialect.name != "postgresql":
        return
    for table in db.metadata.sorted_tables:
        if "id" in table.c and table.c.id.primary_key and table.c.id.type.python_type is int:
            db.session.execute(text(
                f"SELECT setval(pg_get_serial_sequence('\"{table.name}\"', 'id'), "
                f"COALESCE(MAX(id), 0) + 1, false) FROM \"{table.name}\""))
    db.session.commit()
