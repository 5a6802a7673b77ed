"""A web worker loads only what serving pages needs: the LLM client, the job queue and the schema
migrations are imported by the commands (and engines) that use them. Each check runs in a fresh
Python process, so what other tests imported cannot hide an eager import."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _run(*args: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items()
           if k not in {"OPENAI_API_KEY", "OPENAI_BASE_URL", "REDIS_URL"}}
    return subprocess.run([sys.executable, *args], cwd=ROOT, env=env, capture_output=True,
                          text=True, timeout=120, check=False)


def test_serving_a_dashboard_imports_no_llm_client_queue_or_migrations():
    done = _run("-m", "tests.worker_probe")
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    assert report["statuses"] == [200, 302, 200]  # login page, login, dashboard
    assert 'action="/logout"' in report["dashboard"]  # the trainee's own page, logged in
    assert report["loaded"] == [], f"a web request imported {report['loaded']}"


def test_the_commands_that_need_them_still_import_them():
    """The LLM client, the worker and the migrations work once asked for (each in a process that
    had not imported them)."""
    code = (
        "import sys\n"
        "from trainer import create_app\n"
        "from trainer.llm.client import OpenAIClient\n"
        "from trainer.llm.settings import settings_from\n"
        "client = OpenAIClient(settings_from({'OPENAI_BASE_URL': 'http://127.0.0.1:9/v1'}))\n"
        "client.close()\n"
        "from trainer.cli.worker import TrainerWorker\n"
        "app = create_app({'TRAINER_CLI': True, 'SQLALCHEMY_DATABASE_URI': 'sqlite://'})\n"
        "result = app.test_cli_runner().invoke(args=['db', '--help'])\n"
        "assert result.exit_code == 0 and 'upgrade' in result.output, result.output\n"
        "print(sorted(m for m in ('openai', 'rq', 'alembic') if m in sys.modules))\n")
    done = _run("-c", code)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "['alembic', 'openai', 'rq']"
