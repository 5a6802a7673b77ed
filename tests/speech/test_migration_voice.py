"""Migration 0016 on a database with turns in it: every earlier answer becomes a typed one,
and going back down removes the voice columns and the clips table."""

from __future__ import annotations

from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect, text

from trainer.extensions import db

from ..test_migrations import _app_on


def test_earlier_answers_are_typed_after_the_upgrade_and_downgrade_undoes_it(tmp_path):
    app = _app_on(f"sqlite:///{tmp_path / 'm.db'}")
    with app.app_context():
        upgrade(revision="0015")
        with db.engine.begin() as conn:  # a person, an attempt and an answer as 0015 had them
            tables = db.metadata.tables
            conn.execute(tables["user"].insert().values(id=1, email="t@example.com", name="T",
                                                        role="trainee"))
            conn.execute(tables["attempt"].insert().values(
                id=1, user_id=1, scenario_id="x", category="c", difficulty=1,
                scenario_snapshot={}, rubric_snapshot={"dimensions": {}}, pass_levels={},
                customer_engine="scripted", mood="calm"))
            conn.execute(text('INSERT INTO turn (attempt_id, "index", role, text, created_at) '
                              "VALUES (1, 0, 'trainee', 'I will refund it', CURRENT_TIMESTAMP)"))
        upgrade(revision="0016")
        with db.engine.connect() as conn:
            row = conn.execute(text("SELECT text, spoken, stt_engine, heard, response_ms "
                                    "FROM turn")).one()
        assert tuple(row) == ("I will refund it", False, None, None, None)
        assert "audio_clip" in inspect(db.engine).get_table_names()
        downgrade(revision="0015")
        columns = {c["name"] for c in inspect(db.engine).get_columns("turn")}
        assert "spoken" not in columns and "response_ms" not in columns
        assert "audio_clip" not in inspect(db.engine).get_table_names()
        with db.engine.connect() as conn:
            assert conn.execute(text("SELECT text FROM turn")).scalar() == "I will refund it"
        db.engine.dispose()
