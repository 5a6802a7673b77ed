"""Starting the app: refused without a secret or an audit key (whatever FLASK_DEBUG says), refused
on a broken library; SQLite's settings; demo seeding, and a demo reset that refuses to wipe real
data."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from trainer import create_app
from trainer.domain.errors import LibraryError
from trainer.keys import DEV_AUDIT_KEY, DEV_SECRET, ConfigError

ROOT = Path(__file__).resolve().parent.parent


def test_a_sqlite_file_runs_in_wal_mode_with_normal_sync(tmp_path):
    """Every connection the app opens, not just the first: synchronous is per connection."""
    from sqlalchemy import text

    from trainer.config import TestConfig
    from trainer.extensions import db

    app = create_app({**{k: getattr(TestConfig, k) for k in dir(TestConfig) if k.isupper()},
                      "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'p.db'}"})
    with app.app_context():
        seen = []
        for _ in range(2):
            with db.engine.connect() as conn:
                seen.append([conn.execute(text(f"PRAGMA {name}")).scalar()
                             for name in ("journal_mode", "synchronous", "foreign_keys")])
            db.engine.dispose()  # the next connection is a new one
    assert seen == [["wal", 1, 1]] * 2  # synchronous 1 is NORMAL (2 would be FULL)


def test_only_a_server_databases_connections_are_checked_before_use(app):
    """A restarted PostgreSQL leaves the pool's connections dead: each is checked before a
    request uses it. A SQLite connection is a file the process opened: no check, no statement."""
    from trainer.extensions import db

    with app.app_context():
        dialect = db.engine.dialect
    pings = []
    real = dialect.do_ping
    dialect.do_ping = lambda connection: pings.append(1) or real(connection)
    try:
        for _ in range(3):
            with app.app_context():  # a request's: a session, a connection from the pool
                db.session.execute(db.text("SELECT 1"))
    finally:
        dialect.do_ping = real
    if dialect.name == "sqlite":
        assert pings == []
    else:
        assert len(pings) >= 3  # one a checkout


def test_refuses_to_start_without_a_secret_key(tmp_path):
    with pytest.raises(ConfigError, match="SECRET_KEY is not set"):
        create_app({"SECRET_KEY": None, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/x.db"})


def test_refuses_to_start_without_an_audit_key(tmp_path):
    with pytest.raises(ConfigError, match="TRAINER_AUDIT_KEY is not set"):
        create_app({"SECRET_KEY": "k", "TRAINER_AUDIT_KEY": None,
                    "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/x.db"})


def test_demo_mode_may_use_the_builtin_secret(tmp_path):
    app = create_app({"SECRET_KEY": None, "TRAINER_DEMO": True, "TRAINER_AUDIT_KEY": None,
                      "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/x.db"})
    assert app.config["SECRET_KEY"] == DEV_SECRET
    assert app.config["TRAINER_AUDIT_KEY"] == DEV_AUDIT_KEY


def test_debug_mode_does_not_lend_the_builtin_secret(tmp_path):
    for missing in ({"SECRET_KEY": None}, {"TRAINER_AUDIT_KEY": None}):
        with pytest.raises(ConfigError, match="is not set"):
            create_app({"SECRET_KEY": "k", "TRAINER_AUDIT_KEY": "a", "DEBUG": True, **missing,
                        "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/x.db"})


@pytest.mark.parametrize("missing", ["SECRET_KEY", "TRAINER_AUDIT_KEY"])
def test_the_wsgi_app_will_not_start_in_debug_mode_without_its_keys(tmp_path, missing):
    """What `FLASK_DEBUG=1 gunicorn trainer.wsgi:app` imports: it must refuse, not fall back."""
    import os
    import subprocess
    import sys

    env = {**os.environ, "FLASK_DEBUG": "1", "SECRET_KEY": "s", "TRAINER_AUDIT_KEY": "a",
           "DATABASE_URL": f"sqlite:///{tmp_path}/w.db", "TRAINER_INSTANCE_PATH": str(tmp_path)}
    del env[missing]
    result = subprocess.run([sys.executable, "-c", "import trainer.wsgi"], env=env,
                            capture_output=True, text=True, timeout=60)
    assert result.returncode != 0
    assert f"ConfigError: {missing} is not set" in result.stderr
    env[missing] = "set"
    ok = subprocess.run([sys.executable, "-c", "import trainer.wsgi"], env=env,
                        capture_output=True, text=True, timeout=60)
    assert ok.returncode == 0, ok.stderr


def test_trainer_run_needs_the_audit_key_unless_debugging(app, monkeypatch):
    from trainer.cli import app as app_commands

    monkeypatch.setenv("SECRET_KEY", "from-the-environment")
    app.config["TRAINER_AUDIT_KEY"] = None
    result = app.test_cli_runner().invoke(args=["run"])
    assert result.exit_code != 0 and "TRAINER_AUDIT_KEY is not set" in result.output
    served = []
    monkeypatch.setattr(app_commands, "_serve", lambda app, *args: served.append(app))
    monkeypatch.delenv("SECRET_KEY")
    with app.app_context():
        from trainer.extensions import db

        db.create_all()
    result = app.test_cli_runner().invoke(args=["run", "--debug"])
    assert result.exit_code == 0, result.output
    assert served[0].config["TRAINER_AUDIT_KEY"] == DEV_AUDIT_KEY


def test_trainer_run_refuses_without_a_secret(app, monkeypatch):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    result = app.test_cli_runner().invoke(args=["run"])
    assert result.exit_code != 0 and "SECRET_KEY is not set" in result.output


def test_a_broken_library_stops_start_up_with_file_and_line(tmp_path):
    shutil.copytree(ROOT / "scenarios", tmp_path / "scenarios")
    bad = tmp_path / "scenarios" / "billing-double-charge.yaml"
    bad.write_text(bad.read_text().replace("difficulty: 2", "difficulty: high"))
    with pytest.raises(LibraryError) as caught:
        create_app({"SECRET_KEY": "k", "TRAINER_AUDIT_KEY": "a",
                    "SCENARIOS_DIR": tmp_path / "scenarios",
                    "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/x.db"})
    line = bad.read_text().splitlines().index("difficulty: high") + 1
    assert f"{bad}:{line}: field 'difficulty'" in str(caught.value)


def _cli_app(url: str, **extra):
    """The app as the `trainer` command builds it: no secret or audit key from anywhere."""
    return create_app({"TRAINER_CLI": True, "SECRET_KEY": None, "TRAINER_AUDIT_KEY": None,
                       "SQLALCHEMY_DATABASE_URI": url, **extra})


def _dispose(app) -> None:
    from trainer.extensions import db

    with app.app_context():
        db.engine.dispose()


def test_demo_command_seeds_and_prints_the_logins(tmp_path):
    app = _cli_app(f"sqlite:///{tmp_path}/d.db")
    result = app.test_cli_runner().invoke(args=["demo", "--no-serve"])
    assert result.exit_code == 0, result.output
    assert "trainee@example.com" in result.output and "trainee-demo-pass" in result.output
    again = app.test_cli_runner().invoke(args=["demo", "--no-serve"])
    assert "already present" in again.output
    assert app.config["TRAINER_AUDIT_KEY"] == DEV_AUDIT_KEY  # the demo's chain is keyed
    assert app.test_cli_runner().invoke(args=["audit", "verify"]).exit_code == 0
    _dispose(app)


def test_demo_reset_starts_again_on_a_database_of_demo_users_only(tmp_path):
    app = _cli_app(f"sqlite:///{tmp_path}/d.db")
    assert app.test_cli_runner().invoke(args=["demo", "--no-serve"]).exit_code == 0
    result = app.test_cli_runner().invoke(args=["demo", "--no-serve", "--reset"])
    assert result.exit_code == 0 and "Demo data seeded." in result.output, result.output
    fresh = _cli_app(f"sqlite:///{tmp_path}/new.db")  # nothing at all yet: nothing to lose
    assert fresh.test_cli_runner().invoke(args=["demo", "--no-serve", "--reset"]).exit_code == 0
    _dispose(app)
    _dispose(fresh)


def test_demo_reset_refuses_a_database_with_real_users(tmp_path):
    from sqlalchemy import func, select

    from trainer.extensions import db
    from trainer.models import AuditEvent, User

    from . import factories

    app = _cli_app(f"sqlite:///{tmp_path}/real.db")
    assert app.test_cli_runner().invoke(args=["demo", "--no-serve"]).exit_code == 0
    with app.app_context():
        factories.user("admin", email="boss@company.example")
        events = db.session.scalar(select(func.count(AuditEvent.id)))
    result = app.test_cli_runner().invoke(args=["demo", "--no-serve", "--reset"])
    assert result.exit_code == 1
    assert "refusing to reset sqlite:///" in result.output
    assert "holds 1 user who is not a demo user (boss@company.example)" in result.output
    assert "not the default demo database" in result.output
    with app.app_context():  # nothing was deleted
        assert db.session.scalar(select(User.id).where(User.email == "boss@company.example"))
        assert db.session.scalar(select(func.count(AuditEvent.id))) == events
    _dispose(app)


def test_demo_reset_may_wipe_the_default_demo_file(tmp_path, monkeypatch):
    from trainer.extensions import db

    from . import factories

    monkeypatch.setenv("TRAINER_INSTANCE_PATH", str(tmp_path))
    app = create_app({"TRAINER_CLI": True, "SECRET_KEY": None, "TRAINER_AUDIT_KEY": None,
                      "SQLALCHEMY_DATABASE_URI": None})
    assert app.config["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{tmp_path / 'trainer.db'}"
    assert app.test_cli_runner().invoke(args=["demo", "--no-serve"]).exit_code == 0
    with app.app_context():
        factories.user("trainee", email="someone@example.org")
    result = app.test_cli_runner().invoke(args=["demo", "--no-serve", "--reset"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        from trainer.models import User

        assert db.session.scalar(db.select(User.id).where(User.email == "someone@example.org")) \
            is None
    _dispose(app)


def test_trainer_demo_serves_the_app_over_http(tmp_path):
    import os
    import socket
    import subprocess
    import sys
    import time
    import urllib.request

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    env = {**os.environ, "TRAINER_INSTANCE_PATH": str(tmp_path), "DATABASE_URL": ""}
    server = subprocess.Popen(
        [sys.executable, "-c", "from trainer.cli import main; main()", "demo", "--port",
         str(port)], env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        page = ""
        for _ in range(100):
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/login", timeout=2) as r:
                    page = r.read().decode()
                break
            except OSError:
                time.sleep(0.2)
        assert "Log in" in page
    finally:
        server.terminate()
        output = server.communicate(timeout=10)[0].decode()
    assert "trainee@example.com" in output and f"http://127.0.0.1:{port}/" in output
