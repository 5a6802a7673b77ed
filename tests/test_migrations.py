"""The Alembic migrations build exactly the schema the models describe, and init-db applies them."""

from __future__ import annotations

import os

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import PrimaryKeyConstraint, UniqueConstraint, create_engine, inspect

import trainer.models  # noqa: F401  (every table in db.metadata)
from trainer import create_app
from trainer.config import TestConfig
from trainer.extensions import db

PG_URL = os.environ.get("TRAINER_TEST_DATABASE_URL")


def _app_on(url: str):
    return create_app({**{k: getattr(TestConfig, k) for k in dir(TestConfig) if k.isupper()},
                       "SQLALCHEMY_DATABASE_URI": url})


def _migrated_schema_differences(url: str) -> list:
    """Upgrade an empty database to the newest revision; what it lacks or has beyond the models.
    Then down to before the indexes and up again: both directions of 0007 run."""
    app = _app_on(url)
    with app.app_context():
        upgrade()
        with db.engine.connect() as conn:
            diff = compare_metadata(MigrationContext.configure(conn), db.metadata)
        downgrade(revision="0006")
        upgrade()
        db.engine.dispose()
    return diff


def test_migrations_match_the_models(tmp_path):
    diff = _migrated_schema_differences(f"sqlite:///{tmp_path / 'm.db'}")
    assert diff == [], f"models and migrations differ: {diff}"


@pytest.mark.skipif(not PG_URL, reason="needs TRAINER_TEST_DATABASE_URL (PostgreSQL)")
def test_migrations_match_the_models_on_postgresql():
    """On a database of its own, so the suite's tables (made by create_all) do not hide a gap."""
    import psycopg
    from psycopg import sql

    from trainer.config import database_url

    base, name = PG_URL.rsplit("/", 1)
    scratch = f"{name}_migrations"
    with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {}").format(sql.Identifier(scratch)))
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(scratch)))
    try:
        diff = _migrated_schema_differences(database_url(f"{base}/{scratch}"))
    finally:
        with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
            conn.execute(sql.SQL("DROP DATABASE IF EXISTS {}").format(sql.Identifier(scratch)))
    assert diff == [], f"models and migrations differ on PostgreSQL: {diff}"


def test_every_foreign_key_column_leads_an_index():
    """Joins, cascades and "what did this person do" never scan a whole table: each foreign key's
    columns lead an index, a unique constraint or the primary key."""
    missing = []
    for table in db.metadata.sorted_tables:
        keyed = [*table.indexes, *(c for c in table.constraints
                                   if isinstance(c, PrimaryKeyConstraint | UniqueConstraint))]
        leads = {tuple(c.name for c in key.columns) for key in keyed}
        for fk in table.foreign_key_constraints:
            columns = tuple(c.name for c in fk.columns)
            if not any(lead[:len(columns)] == columns for lead in leads):
                missing.append(f"{table.name}({', '.join(columns)})")
    assert "attempt" in db.metadata.tables
    assert missing == [], f"foreign keys without an index: {missing}"


def test_init_db_creates_the_tables(tmp_path):
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    app = create_app({**{k: getattr(TestConfig, k) for k in dir(TestConfig) if k.isupper()},
                      "SQLALCHEMY_DATABASE_URI": url})
    result = app.test_cli_runner().invoke(args=["init-db"])
    assert result.exit_code == 0, result.output
    assert "Database ready" in result.output
    engine = create_engine(url)
    tables = set(inspect(engine).get_table_names())
    engine.dispose()
    assert {"user", "attempt", "turn", "score", "audit_event", "alembic_version"} <= tables
    with app.app_context():
        db.engine.dispose()


def test_the_db_commands_upgrade_and_check_the_schema(tmp_path):
    """`trainer db ...` (Flask-Migrate's commands, imported only when used) still work."""
    app = _app_on(f"sqlite:///{tmp_path / 'c.db'}")
    runner = app.test_cli_runner()
    upgraded = runner.invoke(args=["db", "upgrade"])
    checked = runner.invoke(args=["db", "check"])  # exits 1 when models and schema differ
    listed = runner.invoke(args=["db", "--help"])
    with app.app_context():
        db.engine.dispose()
    assert (upgraded.exit_code, checked.exit_code) == (0, 0), upgraded.output + checked.output
    assert "Perform database migrations." in listed.output and "downgrade" in listed.output


def test_0003_backfills_reviews_from_earlier_overrides(tmp_path):
    """Attempts overridden before reviews were recorded count as reviewed by the last overrider."""
    from sqlalchemy import text

    app = create_app({**{k: getattr(TestConfig, k) for k in dir(TestConfig) if k.isupper()},
                      "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'b.db'}"})
    with app.app_context():
        upgrade(revision="0002")
        with db.engine.begin() as conn:
            for statement in _BEFORE_0003:
                conn.execute(text(statement))
        upgrade(revision="0003")
        with db.engine.connect() as conn:
            rows = conn.execute(text("SELECT id, reviewed_by_id, reviewed_at FROM attempt "
                                     "ORDER BY id")).all()
            basis = conn.execute(text("SELECT overridden_by_granter FROM clearance")).scalar()
            scores = conn.execute(text("SELECT COUNT(*) FROM score")).scalar()
        downgrade(revision="0002")
        db.engine.dispose()
    assert [(r[0], r[1], str(r[2])[:16] if r[2] else None) for r in rows] == [
        (1, 3, "2026-03-02 10:00"), (2, None, None)]
    assert basis in ("[]", []) and scores == 4  # rebuilding attempt cascaded into nothing


def test_upgrading_a_sqlite_database_keeps_turns_and_scores(tmp_path):
    """Batch migrations rebuild tables; with foreign keys on, SQLite would cascade the drop."""
    from sqlalchemy import text

    app = create_app({**{k: getattr(TestConfig, k) for k in dir(TestConfig) if k.isupper()},
                      "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'k.db'}"})
    with app.app_context():
        upgrade(revision="0001")
        with db.engine.begin() as conn:
            for statement in _IN_0001:
                conn.execute(text(statement))
        upgrade()
        with db.engine.connect() as conn:
            counts = [conn.execute(text(f"SELECT COUNT(*) FROM {table}")).scalar()
                      for table in ("attempt", "turn", "score")]
            enforced = conn.execute(text("PRAGMA foreign_keys")).scalar()
        db.engine.dispose()
    assert counts == [1, 1, 1] and enforced == 1


def test_0004_makes_earlier_attempts_assessed_and_new_ones_practice(tmp_path):
    """What clearances and rotations already rest on keeps counting; a new row that names no mode
    is practice, the mode that never counts."""
    from sqlalchemy import text

    app = create_app({**{k: getattr(TestConfig, k) for k in dir(TestConfig) if k.isupper()},
                      "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'p.db'}"})
    with app.app_context():
        upgrade(revision="0003")
        with db.engine.begin() as conn:
            conn.execute(text(_BEFORE_0003[0]))
            conn.execute(text(_ATTEMPT.format(id=1)))
        upgrade(revision="0004")
        with db.engine.begin() as conn:
            conn.execute(text(_ATTEMPT.format(id=2)))
            rows = conn.execute(text("SELECT id, mode, copied_from FROM attempt ORDER BY id")).all()
        downgrade(revision="0003")
        db.engine.dispose()
    assert [tuple(r) for r in rows] == [(1, "assessed", None), (2, "practice", None)]


_IN_0001 = [
    "INSERT INTO user (id, email, name, role, active, created_at) VALUES "
    "(1, 'a@x', 'A', 'trainee', 1, '2026-01-01')",
    "INSERT INTO attempt (id, user_id, scenario_id, category, difficulty, scenario_snapshot, "
    "rubric_snapshot, customer_engine, status, mood, started_at, key_points_covered, "
    "key_points_missed, red_flags, score_notes) VALUES (1, 1, 's', 'c', 1, '{}', '{}', 'x', "
    "'scored', 'calm', '2026-03-01', '[]', '[]', '[]', '[]')",
    "INSERT INTO score (attempt_id, dimension, level, evidence, feedback, scorer, created_at) "
    "VALUES (1, 'empathy', 3, '[]', '', 'r', '2026-03-01')",
    "INSERT INTO turn (attempt_id, \"index\", role, text, created_at) "
    "VALUES (1, 0, 'customer', 'hi', '2026-03-01')",
]


_ATTEMPT = ("INSERT INTO attempt (id, user_id, scenario_id, category, difficulty, "
            "scenario_snapshot, rubric_snapshot, customer_engine, status, mood, started_at, "
            "key_points_covered, key_points_missed, red_flags, score_notes, needs_review, "
            "review_reason) VALUES ({id}, 1, 's', 'c', 1, '{{}}', '{{}}', 'scripted', "
            "'scored', 'calm', '2026-03-01 09:00:00', '[]', '[]', '[]', '[]', 0, '')")
_SCORE = ("INSERT INTO score (attempt_id, dimension, level, evidence, feedback, scorer, "
          "created_at, original_level, override_comment, overridden_by_id, overridden_at) "
          "VALUES ({attempt}, '{dim}', 3, '[]', '', 'rules', '2026-03-01 09:00:00', {orig}, "
          "'', {by}, {at})")
_BEFORE_0003 = [
    "INSERT INTO user (id, email, name, role, active, created_at) VALUES "
    "(1, 'a@x', 'A', 'trainee', 1, '2026-01-01'), (2, 'b@x', 'B', 'manager', 1, '2026-01-01'), "
    "(3, 'c@x', 'C', 'manager', 1, '2026-01-01')",
    _ATTEMPT.format(id=1), _ATTEMPT.format(id=2),
    _SCORE.format(attempt=1, dim="empathy", orig=1, by=2, at="'2026-03-01 10:00:00'"),
    _SCORE.format(attempt=1, dim="ownership", orig=2, by=3, at="'2026-03-02 10:00:00'"),
    _SCORE.format(attempt=1, dim="accuracy", orig="NULL", by="NULL", at="NULL"),
    _SCORE.format(attempt=2, dim="empathy", orig="NULL", by="NULL", at="NULL"),
    "INSERT INTO clearance (user_id, category, level, \"limit\", granted_at, expires_at, basis, "
    "is_exception, justification, revoke_reason) VALUES (1, 'c', 1, 0, '2026-03-01', "
    "'2027-03-01', '[]', 0, '', '')",
]
