"""Shared by the web benches: a fresh database for the app, gunicorn on a free loopback port,
a small cookie-keeping HTTP client, logging in with the CSRF token, and workers' CPU and memory."""

from __future__ import annotations

import http.client
import os
import re
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
SECRET_KEY = "bench-secret-key-not-for-production"
AUDIT_KEY = "bench-audit-key-not-for-production"
# Never inherited by a bench server: they would point it at someone else's database, Redis or LLM.
_DROPPED_ENV = ("DATABASE_URL", "REDIS_URL", "OPENAI_API_KEY", "OPENAI_BASE_URL",
                "RATELIMIT_STORAGE_URI", "TRAINER_INSTANCE_PATH", "FLASK_DEBUG")
_CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
_TICKS = os.sysconf("SC_CLK_TCK")


def sqlite_url(directory: Path) -> str:
    return f"sqlite:///{directory / 'trainer.db'}"


def reset_postgres(url: str) -> None:
    """Drop and recreate the public schema of the bench's own PostgreSQL database (every table,
    alembic_version included), so the migrations then build it from nothing."""
    from sqlalchemy import create_engine, text

    from trainer.config import database_url

    engine = create_engine(database_url(url))
    with engine.begin() as conn:
        conn.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))
    engine.dispose()


def app_config(url: str, instance: Path) -> dict:
    """The settings a production server would have (no TESTING), on the bench's database."""
    from trainer.config import database_url

    os.environ["TRAINER_INSTANCE_PATH"] = str(instance)
    return {"SQLALCHEMY_DATABASE_URI": database_url(url), "SECRET_KEY": SECRET_KEY,
            "TRAINER_AUDIT_KEY": AUDIT_KEY, "RATELIMIT_STORAGE_URI": "memory://",
            "REDIS_URL": None, "OPENAI_API_KEY": None, "OPENAI_BASE_URL": None,
            "TRAINER_CUSTOMER_ENGINE": "scripted", "TRAINER_SCORER": "rules"}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Gunicorn:
    """``gunicorn APP`` on 127.0.0.1 with the bench's keys and database; a context manager."""

    def __init__(self, app: str, workers: int, worker_class: str, instance: Path,
                 database_url: str | None = None, pythonpath: Path | None = None,
                 timeout: int = 30):
        self.port, self.count = free_port(), workers
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = instance / f"gunicorn-{app.split(':')[0]}.log"
        env = {k: v for k, v in os.environ.items() if k not in _DROPPED_ENV}
        env.update(SECRET_KEY=SECRET_KEY, TRAINER_AUDIT_KEY=AUDIT_KEY,
                   RATELIMIT_STORAGE_URI="memory://", TRAINER_INSTANCE_PATH=str(instance))
        if database_url:
            env["DATABASE_URL"] = database_url
        self.args = [sys.executable, "-m", "gunicorn", "-w", str(workers), "-k", worker_class,
                     "-b", f"127.0.0.1:{self.port}", "--timeout", str(timeout),
                     "--log-level", "warning", "--chdir", str(ROOT)]
        if pythonpath:
            self.args += ["--pythonpath", str(pythonpath)]
        self.args.append(app)
        self.env = env
        self.proc: subprocess.Popen | None = None

    def __enter__(self) -> Gunicorn:
        with open(self.log, "ab") as log:
            self.proc = subprocess.Popen(self.args, env=self.env, stdout=log, stderr=log)
        return self

    def wait(self, path: str = "/", timeout: float = 60) -> None:
        """Until the server answers ``path`` with all its workers forked (each then imports the
        app on its own: the benches warm up before they measure)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"gunicorn exited ({self.proc.returncode}); see {self.log}")
            try:
                if Client(self.url, timeout=5).get(path).status < 500 and \
                        len(self.workers()) >= self.count:
                    time.sleep(1)  # the other workers import the app too; let them finish
                    return
            except OSError:
                pass
            time.sleep(0.2)
        raise RuntimeError(f"gunicorn did not answer {path} within {timeout}s; see {self.log}")

    def workers(self) -> list[int]:
        return children(self.proc.pid)

    def __exit__(self, kind, *exc) -> None:
        if kind is not None and self.log.exists():  # failing: show what the server said
            tail = self.log.read_text(errors="replace").splitlines()[-25:]
            print(f"--- last lines of {self.log}:", *tail, sep="\n", file=sys.stderr)
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


def children(pid: int) -> list[int]:
    try:
        text = Path(f"/proc/{pid}/task/{pid}/children").read_text()
    except OSError:
        return []
    return [int(p) for p in text.split()]


def cpu_by_pid(pids: list[int]) -> dict[int, float]:
    """User plus system CPU seconds each process has used so far (Linux /proc)."""
    out = {}
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        out[pid] = (int(fields[11]) + int(fields[12])) / _TICKS  # utime, stime
    return out


def cpu_used(before: dict[int, float], after: dict[int, float]) -> float:
    """CPU seconds between two readings (a process born in between counts from zero)."""
    return sum(seconds - before.get(pid, 0.0) for pid, seconds in after.items())


def postgres_backends(url: str) -> list[int]:
    """The local PostgreSQL server's processes serving this URL's database (found by their
    process titles, "postgres: ... USER DBNAME HOST..."), so the benches can count their CPU."""
    name = url.rsplit("/", 1)[-1].split("?")[0]
    pids = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                title = (entry / "cmdline").read_bytes().decode(errors="replace")
            except OSError:
                continue
            words = title.replace("\0", " ").split()
            if title.startswith("postgres:") and name in words[3:5]:
                pids.append(int(entry.name))
    return pids


def memory_mb(pid: int) -> tuple[float, float]:
    """(current RSS, peak RSS) of a process in MB, from /proc/PID/status."""
    values = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        key, _, rest = line.partition(":")
        if key in ("VmRSS", "VmHWM"):
            values[key] = int(rest.split()[0]) / 1024
    return values.get("VmRSS", 0.0), values.get("VmHWM", 0.0)


@dataclass
class Response:
    status: int
    headers: dict[str, str]
    body: bytes
    seconds: float

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", "replace")

    @property
    def location(self) -> str:
        return self.headers.get("location", "")


class Client:
    """One browser: its own connection (kept alive when the server allows), its cookies, and no
    following of redirects (a redirect is an answer; the benches decide what to load next)."""

    def __init__(self, base_url: str, timeout: float = 120):
        host, port = base_url.removeprefix("http://").split(":")
        self.conn = http.client.HTTPConnection(host, int(port), timeout=timeout)
        self.cookies: dict[str, str] = {}
        self.used = False

    def get(self, path: str, headers: dict | None = None) -> Response:
        return self.request("GET", path, headers=headers)

    def post(self, path: str, form: dict) -> Response:
        return self.request("POST", path, form=form)

    def request(self, method: str, path: str, form: dict | None = None,
                headers: dict | None = None) -> Response:
        sent = dict(headers or {})
        body = urlencode(form) if form is not None else None
        if body is not None:
            sent["Content-Type"] = "application/x-www-form-urlencoded"
        if self.cookies:
            sent["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        for retry in (self.used, False):  # a kept-alive connection the server closed: once more
            started = time.perf_counter()
            try:
                self.conn.request(method, path, body=body, headers=sent)
                answer = self.conn.getresponse()
                data = answer.read()
                break
            except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
                self.conn.close()
                if not retry:
                    raise
        seconds = time.perf_counter() - started
        self.used = not answer.will_close
        for cookie in answer.headers.get_all("Set-Cookie") or ():
            name, _, value = cookie.split(";", 1)[0].partition("=")
            if value and "max-age=0" not in cookie.lower():
                self.cookies[name.strip()] = value
            else:
                self.cookies.pop(name.strip(), None)
        return Response(answer.status, {k.lower(): v for k, v in answer.getheaders()}, data,
                        seconds)

    def close(self) -> None:
        self.conn.close()


def csrf_token(html: str) -> str:
    found = _CSRF.search(html)
    if not found:
        raise RuntimeError("no CSRF token on the page")
    return found.group(1)


def login(client: Client, email: str, password: str) -> None:
    """Log in through the login form, CSRF token and all; raises unless it worked."""
    token = csrf_token(client.get("/login").text)
    answer = client.post("/login", {"csrf_token": token, "email": email, "password": password})
    if answer.status != 302:
        raise RuntimeError(f"logging in as {email} failed: HTTP {answer.status}")
