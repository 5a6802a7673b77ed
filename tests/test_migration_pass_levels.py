"""Migration 0009 fills each existing attempt's pass levels from its own rubric snapshot (what
was played, not today's rubric file), on SQLite and on PostgreSQL."""

from __future__ import annotations

import importlib.util
import os
from contextlib import contextmanager
from datetime import UTC, datetime

import pytest
from flask_migrate import downgrade, upgrade
from sqlalchemy import MetaData, func, insert, select

from trainer import create_app
from trainer.config import ROOT, TestConfig
from trainer.extensions import db

PG_URL = os.environ.get("TRAINER_TEST_DATABASE_URL")
_spec = importlib.util.spec_from_file_location(
    "m0009", ROOT / "migrations" / "versions" / "0009_pass_levels.py")
m0009 = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(m0009)


def _rubric(empathy: int, ownership: int, accuracy: int) -> dict:
    levels = {"empathy": empathy, "ownership": ownership, "accuracy": accuracy}
    return {"id": "core", "title": "Core", "dimensions": [
        {"name": name, "weight": 1.0, "pass_level": level, "description": "", "levels": []}
        for name, level in levels.items()]}


@contextmanager
def _scratch_url(tmp_path):
    """A database of its own: a SQLite file, or a scratch PostgreSQL database when the suite
    runs on PostgreSQL."""
    if not PG_URL:
        yield f"sqlite:///{tmp_path / 'levels.db'}"
        return
    import psycopg
    from psycopg import sql

    from trainer.config import database_url

    base, name = PG_URL.rsplit("/", 1)
    scratch = f"{name}_pass_levels"

    def recreate(create: bool) -> None:
        with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
            conn.execute(sql.SQL("DROP DATABASE IF EXISTS {}").format(sql.Identifier(scratch)))
            if create:
                conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(scratch)))

    recreate(True)
    try:
        yield database_url(f"{base}/{scratch}")
    finally:
        recreate(False)


def test_0009_fills_pass_levels_from_each_attempts_own_snapshot(tmp_path):
    count = m0009.BATCH + 2  # more than one batch
    snapshots = [_rubric(3, 3, 3), _rubric(2, 3, 4), {}]  # a changed rubric; a bare snapshot
    with _scratch_url(tmp_path) as url:
        app = create_app({**{k: getattr(TestConfig, k) for k in dir(TestConfig) if k.isupper()},
                          "SQLALCHEMY_DATABASE_URI": url})
        with app.app_context():
            upgrade(revision="0008")
            tables = MetaData()
            tables.reflect(db.engine, only=["user", "attempt"])
            user, attempt = tables.tables["user"], tables.tables["attempt"]
            when = datetime(2026, 3, 1, 9, tzinfo=UTC)
            with db.engine.begin() as conn:
                conn.execute(insert(user).values(id=1, email="a@x", name="A", role="trainee",
                                                 active=True, created_at=when))
                conn.execute(insert(attempt), [
                    {"id": n, "user_id": 1, "scenario_id": "s", "category": "c",
                     "difficulty": 1, "scenario_snapshot": {}, "customer_engine": "scripted",
                     "rubric_snapshot": snapshots[n % 3], "status": "scored", "mood": "calm",
                     "started_at": when, "key_points_covered": [], "key_points_missed": [],
                     "red_flags": [], "score_notes": [], "needs_review": False,
                     "review_reason": ""} for n in range(1, count + 1)])
            upgrade(revision="0009")
            tables = MetaData()
            tables.reflect(db.engine, only=["attempt"])
            attempt = tables.tables["attempt"]
            with db.engine.connect() as conn:
                found = dict(conn.execute(select(attempt.c.id, attempt.c.pass_levels)).all())
                nulls = conn.execute(select(func.count()).where(
                    attempt.c.pass_levels.is_(None))).scalar()
            downgrade(revision="0008")
            db.engine.dispose()
    expected = [{"empathy": 3, "ownership": 3, "accuracy": 3},
                {"empathy": 2, "ownership": 3, "accuracy": 4}, {}]
    assert nulls == 0
    assert found == {n: expected[n % 3] for n in range(1, count + 1)}


@pytest.mark.parametrize("where", ["the ORM", "a bulk insert"])
def test_a_new_attempt_gets_the_pass_levels_of_its_snapshot(ctx, where):
    from tests import factories
    from trainer.models import Attempt

    person = factories.user()
    row = {"user_id": person.id, "scenario_id": "s", "category": "c", "difficulty": 1,
           "scenario_snapshot": {}, "rubric_snapshot": _rubric(2, 3, 4),
           "customer_engine": "scripted", "mood": "calm"}
    if where == "the ORM":
        db.session.add(Attempt(**row))
    else:
        db.session.execute(insert(Attempt), [row])
    db.session.commit()
    assert db.session.scalar(select(Attempt.pass_levels)) == {
        "empathy": 2, "ownership": 3, "accuracy": 4}
