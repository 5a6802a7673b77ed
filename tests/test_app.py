"""Starting the app: refused without a secret, refused on a broken library, demo seeding."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from trainer import ConfigError, create_app
from trainer.domain.errors import LibraryError

ROOT = Path(__file__).resolve().parent.parent


def test_refuses_to_start_without_a_secret_key(tmp_path):
    with pytest.raises(ConfigError, match="SECRET_KEY is not set"):
        create_app({"SECRET_KEY": None, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/x.db"})


def test_demo_mode_may_use_the_builtin_secret(tmp_path):
    app = create_app({"SECRET_KEY": None, "TRAINER_DEMO": True,
                      "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/x.db"})
    assert app.config["SECRET_KEY"]


def test_trainer_run_refuses_without_a_secret(app, monkeypatch):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    result = app.test_cli_runner().invoke(args=["run"])
    assert result.exit_code != 0 and "SECRET_KEY is not set" in result.output


def test_a_broken_library_stops_start_up_with_file_and_line(tmp_path):
    shutil.copytree(ROOT / "scenarios", tmp_path / "scenarios")
    bad = tmp_path / "scenarios" / "billing-double-charge.yaml"
    bad.write_text(bad.read_text().replace("difficulty: 2", "difficulty: high"))
    with pytest.raises(LibraryError) as caught:
        create_app({"SECRET_KEY": "k", "SCENARIOS_DIR": tmp_path / "scenarios",
                    "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/x.db"})
    line = bad.read_text().splitlines().index("difficulty: high") + 1
    assert f"{bad}:{line}: field 'difficulty'" in str(caught.value)


def test_demo_command_seeds_and_prints_the_logins(tmp_path):
    app = create_app({"SECRET_KEY": "k", "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/d.db"})
    result = app.test_cli_runner().invoke(args=["demo", "--no-serve"])
    assert result.exit_code == 0, result.output
    assert "trainee@example.com" in result.output and "trainee-demo-pass" in result.output
    again = app.test_cli_runner().invoke(args=["demo", "--no-serve"])
    assert "already present" in again.output
    with app.app_context():
        from trainer.extensions import db

        db.engine.dispose()


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
