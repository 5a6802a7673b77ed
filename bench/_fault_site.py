"""The app as deployed, for bench/faults.py: a fresh database (a SQLite file in a temporary folder,
or a schema of its own on PostgreSQL) seeded by the app's own CLI, and gunicorn (plus a
`trainer worker` when Redis is given) started on a free loopback port with chosen settings."""

from __future__ import annotations

import os
import re
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

BIN = Path(sys.executable).parent  # the interpreter's own environment: trainer, gunicorn
PASSWORD = "bench-fault-pass-2718"  # every bench user's; wrong ones are this plus "-wrong"
DEPARTMENT = "billing"
# Settings the caller's environment must not slip into the app under test.
_SCRUB = re.compile(r"^(TRAINER_|OPENAI_|RATELIMIT_|FLASK_)|^(DATABASE_URL|REDIS_URL|SECRET_KEY)$")
READY = "bench: worker ready"
# Each worker says when it has loaded the app, so no fault's figures include a worker's boot.
_HOOK = f"def post_worker_init(worker):\n    worker.log.info({READY!r})\n"
_EXCEPTION = re.compile(r"^([A-Za-z_][\w.]*(?:Error|Exception|Exit|Failed|Timeout)\w*)(?::|$)",
                        re.M)


class Site:
    """One fresh database for a whole run; every fault's gunicorn is started on it in turn."""

    def __init__(self, postgres: str | None = None, redis: str | None = None, keep: bool = False):
        self.keep, self.redis, self.postgres = keep, redis, postgres
        self.schema = f"faults_{os.getpid()}_{int(time.time())}"
        if postgres:
            _create_schema(postgres, self.schema)
        self.tmp = Path(tempfile.mkdtemp(prefix="trainer-faults-"))
        self.url = f"sqlite:///{self.tmp / 'trainer.db'}"
        if postgres:  # the app's connections see only the new schema
            joiner = "&" if "?" in postgres else "?"
            self.url = f"{postgres}{joiner}options={quote(f'-csearch_path={self.schema}')}"
        self.base_env = {k: v for k, v in os.environ.items() if not _SCRUB.search(k)}
        self.base_env.update(
            SECRET_KEY=secrets.token_hex(32), TRAINER_AUDIT_KEY=secrets.token_hex(32),
            DATABASE_URL=self.url, TRAINER_INSTANCE_PATH=str(self.tmp / "instance"),
            PYTHONUNBUFFERED="1",
            # Failed logins are audited writes here, not an attack: no lockout gets in the way.
            TRAINER_LOGIN_MAX_FAILURES="1000000", TRAINER_LOGIN_MAX_FAILURES_PER_IP="1000000")
        self._app = None

    @property
    def label(self) -> str:
        return ("PostgreSQL" if self.postgres else "SQLite") + (" + Redis" if self.redis else "")

    def env(self, **extra: str) -> dict[str, str]:
        return {**self.base_env, **extra}

    def trainer(self, *args: str, **extra: str) -> subprocess.CompletedProcess[str]:
        """Run a `trainer` command on this database."""
        return subprocess.run([str(BIN / "trainer"), *args], cwd=ROOT, env=self.env(**extra),
                              capture_output=True, text=True, timeout=300)

    def seed(self, emails: list[str]) -> None:
        """The schema and the demo data through `trainer demo --no-serve`, then the bench's own
        trainees (one shared password hash: hashing each would take longer than the run)."""
        done = self.trainer("demo", "--no-serve")
        if done.returncode:
            raise SystemExit(f"trainer demo failed:\n{done.stdout}{done.stderr}")
        from sqlalchemy import select

        from trainer.extensions import db
        from trainer.models import User
        from trainer.services.passwords import hash_password
        from trainer.services.users import create_user

        with self.app().app_context():
            shared = hash_password(PASSWORD)
            for n, email in enumerate(emails):
                create_user(email, f"Bench Trainee {n}", "trainee", DEPARTMENT)
            for user in db.session.scalars(select(User).where(User.email.in_(emails))):
                user.password_hash = shared
            db.session.commit()

    def app(self):
        """The app itself, in this process, for reading the database after each fault."""
        if self._app is None:
            from trainer import create_app
            from trainer.config import database_url

            self._app = create_app({
                "SQLALCHEMY_DATABASE_URI": database_url(self.url), "TRAINER_CLI": True,
                "SECRET_KEY": self.base_env["SECRET_KEY"],
                "TRAINER_AUDIT_KEY": self.base_env["TRAINER_AUDIT_KEY"],
                "OPENAI_API_KEY": None, "OPENAI_BASE_URL": None, "REDIS_URL": None,
                "TRAINER_CUSTOMER_ENGINE": "scripted", "TRAINER_SCORER": "rules"})
        return self._app

    def close(self) -> None:
        if self._app is not None:
            from trainer.extensions import db

            with self._app.app_context():
                db.session.remove()
                db.engine.dispose()
        if self.keep:
            print(f"kept: {self.tmp}" + (f", schema {self.schema}" if self.postgres else ""))
            return
        shutil.rmtree(self.tmp, ignore_errors=True)
        if self.postgres:
            import psycopg

            with psycopg.connect(self.postgres, autocommit=True, connect_timeout=5) as conn:
                conn.execute(f'DROP SCHEMA "{self.schema}" CASCADE')


def _create_schema(url: str, schema: str) -> None:
    import psycopg

    try:
        with psycopg.connect(url, autocommit=True, connect_timeout=5) as conn:
            conn.execute(f'CREATE SCHEMA "{schema}"')
    except psycopg.Error as exc:
        raise SystemExit(f"PostgreSQL at {url} is not usable ({exc}); create the database "
                         "with scripts/ensure_pg_database.py URL") from None


@dataclass
class Server:
    url: str
    log: Path

    def problems(self) -> str:
        """What the server's log says went wrong: worker timeouts and exceptions, counted."""
        text = self.log.read_text(errors="replace") if self.log.exists() else ""
        found = Counter(_EXCEPTION.findall(text))
        timeouts = text.count("WORKER TIMEOUT")
        parts = ([f"{timeouts} WORKER TIMEOUT"] if timeouts else []) + \
            [f"{count}x {name}" for name, count in found.most_common(3)]
        return ", ".join(parts)


@contextmanager
def serve(site: Site, name: str, workers: int, timeout: int, **extra: str) -> Iterator[Server]:
    """gunicorn on 127.0.0.1, a port of its own choosing (read back from its log), and a
    `trainer worker` beside it when the site has Redis; both stopped on the way out."""
    slug = re.sub(r"\W+", "-", name).strip("-")
    log = site.tmp / f"{slug}.log"
    env = site.env(**extra)
    queue = f"faults-{os.getpid()}-{slug}"  # this run's own: its keys can go afterwards
    if site.redis:
        env.update(REDIS_URL=site.redis, TRAINER_QUEUE=queue)
    hook = site.tmp / "gunicorn_hooks.py"
    hook.write_text(_HOOK)
    processes = []
    with open(log, "w") as out:
        cmd = [sys.executable, "-m", "gunicorn", "-c", str(hook), "-w", str(workers),
               "-b", "127.0.0.1:0", "--timeout", str(timeout), "--graceful-timeout", "5",
               "--no-control-socket", "trainer.wsgi:app"]
        processes.append(subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=out, stderr=out,
                                          start_new_session=True))
        if site.redis:
            processes.append(subprocess.Popen([str(BIN / "trainer"), "worker"], cwd=ROOT,
                                              env=env, stdout=out, stderr=out,
                                              start_new_session=True))
    try:
        yield Server(_listening(processes[0], log, workers), log)
    finally:  # every request has had its answer by now: gunicorn's quick shutdown will do
        _stop(processes[0], signal.SIGINT)
        for process in processes[1:]:
            _stop(process, signal.SIGTERM)
        if site.redis:
            forget_queue(site.redis, queue)


def forget_queue(url: str, queue: str) -> None:
    """Delete the keys kept for ``queue`` (RQ's jobs, results and registries, the sweep's turn)."""
    from redis import Redis

    client = Redis.from_url(url)
    for key in client.scan_iter(f"*{queue}*"):
        client.delete(key)
    client.srem("rq:queues", f"rq:queue:{queue}")
    client.close()


def _listening(process: subprocess.Popen, log: Path, workers: int, wait: float = 90.0) -> str:
    """gunicorn's address, once every worker has loaded the app."""
    ends = time.monotonic() + wait
    while time.monotonic() < ends:
        text = log.read_text()
        found = re.search(r"Listening at: (http://127\.0\.0\.1:\d+)", text)
        if found and text.count(READY) >= workers:
            return found.group(1)
        if process.poll() is not None:
            break
        time.sleep(0.1)
    raise SystemExit(f"gunicorn did not start; its log ends:\n{log.read_text()[-2000:]}")


def _stop(process: subprocess.Popen, how: signal.Signals) -> None:
    """``how``, then after a while SIGKILL to the process group it leads (its own children)."""
    if process.poll() is None:
        process.send_signal(how)
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)
