"""What a web worker loads: run as ``python -m tests.worker_probe`` in a fresh process.

It builds the app as gunicorn's workers do (no LLM endpoint, no Redis) on a new SQLite file,
serves the login page, logs a trainee in and serves their dashboard, then prints one JSON object:
the HTTP statuses, which of the packages that only some commands need were imported, and the
process's resident memory (VmRSS, kB) after creating the app and after each request.
"""

from __future__ import annotations

import json
import os
import re
import sys
import tempfile
from pathlib import Path

# Imported only by the commands (or engines) that need them: never by a plain web request.
ON_DEMAND = ("openai", "rq", "alembic", "flask_migrate")
_CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


def _rss_kb() -> int | None:
    """Resident memory of this process from /proc (None where there is no /proc)."""
    try:
        text = Path("/proc/self/status").read_text()
    except OSError:
        return None
    match = re.search(r"^VmRSS:\s+(\d+) kB", text, re.MULTILINE)
    return int(match.group(1)) if match else None


def probe() -> dict:
    for name in ("OPENAI_API_KEY", "OPENAI_BASE_URL", "REDIS_URL", "TRAINER_SCORER",
                 "TRAINER_CUSTOMER_ENGINE"):
        os.environ.pop(name, None)
    from trainer import create_app
    from trainer.config import TestConfig

    folder = Path(tempfile.mkdtemp(prefix="trainer-probe-"))
    settings = {k: getattr(TestConfig, k) for k in dir(TestConfig) if k.isupper()}
    app = create_app({**settings, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder / 'w.db'}"})
    rss = {"create_app": _rss_kb()}

    from trainer.extensions import db

    from .factories import PASSWORD, user

    with app.app_context():
        db.create_all()
        email = user("trainee").email
    client = app.test_client()
    login_page = client.get("/login")
    rss["login_page"] = _rss_kb()
    token = _CSRF.search(login_page.get_data(as_text=True)).group(1)
    login = client.post("/login", data={"csrf_token": token, "email": email,
                                        "password": PASSWORD})
    dashboard = client.get("/")
    rss["dashboard"] = _rss_kb()
    with app.app_context():
        db.engine.dispose()
    return {"statuses": [login_page.status_code, login.status_code, dashboard.status_code],
            "dashboard": dashboard.get_data(as_text=True)[:20000],
            "loaded": sorted(name for name in ON_DEMAND if name in sys.modules),
            "rss_kb": rss}


if __name__ == "__main__":
    print(json.dumps(probe()))
