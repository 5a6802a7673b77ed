"""Each main page's time and SQL statement count on a small and a large data set, and a gunicorn
worker's peak memory (issue 10, "Figures").

Usage: python bench/scale.py [--size F] [--small F] [--repeat N] [--slow S] [--postgres URL]
                             [--no-server]
The large data set is issue 10's (2,000 users, 50,000 attempts, 255,000 turns, 5,000 clearances,
27,000 audit events, a manager with 200 reports, a trainee with 500 attempts) times --size; the
small one is the same times --small. Each is seeded into a fresh database (SQLite in a temporary
folder, or the --postgres database, whose public schema is dropped and rebuilt): attempts played
for real through the app's services, then cloned in bulk (bench/_dataset.py); on PostgreSQL then
VACUUM ANALYZE, as autovacuum would do a minute after such a load. Pages are loaded
in-process with the Flask test client, logged in through the login form: the first load, then
--repeat more (only one when it took over --slow seconds), judged on the fastest; statements are
counted with SQLAlchemy's before_cursor_execute. Then one sync gunicorn worker serves each page
once, in order, and its peak resident memory is read from /proc."""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench._server import (  # noqa: E402
    Client,
    Gunicorn,
    app_config,
    csrf_token,
    login,
    memory_mb,
    reset_postgres,
    sqlite_url,
)

PAGE_MS, GROWTH, WORKER_MB = 100, 1.5, 150  # the aims


def pages(seeded) -> list[tuple[str, str, str]]:
    """(name, who, path): who is a login ("trainee", "manager", "admin") or "token"."""
    from trainer.services.history import LINES_PAGE

    deepest = max(1, seeded.size["heavy"] // LINES_PAGE)  # a whole page at either size
    return [
        ("trainee dashboard (heavy trainee)", "trainee", "/"),
        ("its deepest whole page of history", "trainee", f"/?page={deepest}"),
        ("scorecard", "trainee", f"/attempts/{seeded.scorecard_id}/scorecard"),
        ("person page (manager)", "manager", f"/team/people/{seeded.heavy_id}"),
        ("team view (manager's reports)", "manager", "/team/"),
        ("review queue (manager)", "manager", "/team/review"),
        ("library insight (manager)", "manager", "/insight/"),
        ("library insight (admin)", "admin", "/insight/"),
        ("team view (admin, everyone)", "admin", "/team/"),
        ("admin users list", "admin", "/admin/users"),
        ("audit page", "admin", "/admin/audit"),
        ("routing page", "manager", "/resolve?category=billing-dispute&amount=40"),
        ("routing API", "token", "/api/v1/resolvers?category=billing-dispute"),
        ("routing API, amount 40", "token", "/api/v1/resolvers?category=billing-dispute&amount=40"),
    ]


def logins(seeded) -> dict[str, str]:
    return {"trainee": seeded.heavy, "manager": seeded.manager, "admin": seeded.admin}


def build(url: str, instance: Path, factor: float, label: str, templates=None):
    """A fresh, migrated database holding the data set; returns the app and what was seeded."""
    from flask_migrate import upgrade

    from bench._dataset import seed
    from trainer import create_app
    from trainer.extensions import db

    if not url.startswith("sqlite"):
        reset_postgres(url)
    app = create_app(app_config(url, instance))
    with app.app_context():
        upgrade()
        started = time.perf_counter()
        seeded = seed(factor, templates)
        total = time.perf_counter() - started
        if not url.startswith("sqlite"):
            _analyze(db.engine)
    steps = ", ".join(f"{k} {v:.1f}s" for k, v in seeded.seconds.items())
    counts = ", ".join(f"{k} {v:,}" for k, v in seeded.counts.items() if v)
    empty = [k for k, v in seeded.counts.items() if not v]
    print(f"\n{label} data set (x{factor:g}) seeded in {total:.1f}s ({steps})\n  rows: {counts}"
          f"\n  empty tables: {', '.join(empty) or 'none'}\n  audit chain: {seeded.chain}"
          f"\n  the heavy trainee has {seeded.size['heavy']:,} attempts; the manager "
          f"{seeded.size['reports']:,} reports")
    return app, seeded


def _analyze(engine) -> None:
    """What autovacuum does a minute after a bulk load: the planner's statistics and the
    visibility map, without which PostgreSQL plans for tables it has never measured and its
    index-only scans read the table too. (SQLite is left as the app leaves it: never analysed.)"""
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.exec_driver_sql("VACUUM ANALYZE")


@dataclass(frozen=True)
class Load:
    ms: float  # wall time, the fastest of the repeated loads (the least disturbed by others)
    median: float  # wall time, their median
    first: float  # wall time of the first load
    cpu: float  # this process's CPU time (SQLite's work included; PostgreSQL's not), fastest
    sql: int  # statements sent for one load (the most common count)
    kb: float  # size of the answer
    status: int


def measure(app, seeded, repeat: int, slow: float) -> dict[str, Load]:
    """page -> its Load, in-process."""
    from sqlalchemy import event

    from bench._dataset import PASSWORD
    from trainer.extensions import db

    counter = [0]
    with app.app_context():
        engine = db.engine

    def count(*_args) -> None:
        counter[0] += 1

    event.listen(engine, "before_cursor_execute", count)
    clients = {}
    for role, email in logins(seeded).items():
        clients[role] = app.test_client()
        token = csrf_token(clients[role].get("/login").get_data(as_text=True))
        answer = clients[role].post("/login", data={"csrf_token": token, "email": email,
                                                    "password": PASSWORD})
        assert answer.status_code == 302, f"logging in as {email}: {answer.status_code}"
    clients["token"] = app.test_client()
    bearer = {"Authorization": f"Bearer {seeded.token}"}
    results = {}
    for name, who, path in pages(seeded):
        times, cpu, sql = [], [], []
        for n in range(1 + repeat):
            counter[0] = 0
            started, cpu_started = time.perf_counter(), time.process_time()
            answer = clients[who].get(path, headers=bearer if who == "token" else None)
            times.append(time.perf_counter() - started)
            cpu.append(time.process_time() - cpu_started)
            sql.append(counter[0])
            if n >= 1 and times[-1] > slow:  # one repeat always: a first load may be cold
                break
        later = slice(1, None) if len(times) > 1 else slice(None)
        results[name] = Load(min(times[later]) * 1000, statistics.median(times[later]) * 1000,
                             times[0] * 1000, min(cpu[later]) * 1000,
                             statistics.mode(sql[later]), len(answer.data) / 1024,
                             answer.status_code)
    event.remove(engine, "before_cursor_execute", count)
    return results


def worker_memory(url: str, instance: Path, seeded) -> tuple[float, float, str, list[str]]:
    """(RSS after start, peak RSS, page after which the peak was reached, problems) of one sync
    gunicorn worker (default 30 s timeout) serving each page once."""
    from bench._dataset import PASSWORD

    problems, peak, at = [], 0.0, "start"
    with Gunicorn("trainer.wsgi:app", 1, "sync", instance, database_url=url) as server:
        server.wait("/login")
        pid = server.workers()[0]
        start = memory_mb(pid)[1]
        clients = {"token": Client(server.url, timeout=180)}
        for role, email in logins(seeded).items():
            clients[role] = Client(server.url, timeout=180)
            login(clients[role], email, PASSWORD)
        bearer = {"Authorization": f"Bearer {seeded.token}"}
        for name, who, path in pages(seeded):
            sampled, done = [0.0], threading.Event()

            def sample(pid=pid, sampled=sampled, done=done) -> None:
                while not done.is_set():  # a worker killed mid-page takes its peak with it
                    try:
                        sampled[0] = max(sampled[0], memory_mb(pid)[1])
                    except OSError:
                        return
                    done.wait(0.1)

            watcher = threading.Thread(target=sample)
            watcher.start()
            try:
                answer = clients[who].get(path, bearer if who == "token" else None)
                status = answer.status
            except OSError as exc:
                status = type(exc).__name__
            done.set()
            watcher.join()
            if sampled[0] > peak:
                peak, at = sampled[0], name
            if status != 200:
                problems.append(f"{name}: {status} through gunicorn")
            if server.workers() != [pid]:
                problems.append(f"{name}: the worker died (timeout or memory) and was replaced")
                server.wait("/login")
                pid = server.workers()[0]
    return start, peak, at, problems


def report(results: dict[str, dict[str, Load]], memory: dict) -> None:
    small, large = results["small"], results["large"]
    print(f"{'':<34}{'---- small ----':>19}  {'--------------- large ---------------':>46}")
    print(f"{'page':<34}{'ms':>7}{'CPU':>7}{'SQL':>5}  {'ms':>8}{'median':>8}{'first':>8}"
          f"{'CPU':>7}{'SQL':>5}{'KB':>8}  {'x small':>7}  aim")
    misses = []
    for name, big in large.items():
        few = small[name]
        growth = big.ms / few.ms if few.ms else 0.0
        failed = [f"{big.ms:.0f} ms > {PAGE_MS}"] if big.ms > PAGE_MS else []
        failed += [f"{growth:.1f}x small"] if growth > GROWTH else []
        failed += [f"HTTP {load.status}" for load in (few, big) if load.status != 200]
        if failed:
            misses.append(f"{name}: {', '.join(failed)}")
        print(f"{name:<34}{few.ms:>7.1f}{few.cpu:>7.1f}{few.sql:>5}  {big.ms:>8.1f}"
              f"{big.median:>8.1f}{big.first:>8.0f}{big.cpu:>7.1f}{big.sql:>5}{big.kb:>8.0f}  "
              f"{growth:>6.1f}x  " + ("MISS: " + ", ".join(failed) if failed else "ok"))
    for label, (start, peak, at, problems) in memory.items():
        mark = "ok" if peak <= WORKER_MB else "MISS"
        print(f"{label}: gunicorn worker {start:.0f} MB after start, peak {peak:.0f} MB (reached "
              f"at: {at}); aim under {WORKER_MB} MB: {mark}")
        if peak > WORKER_MB:
            misses.append(f"{label}: worker peak {peak:.0f} MB > {WORKER_MB} MB")
        misses += [f"{label}: {p}" for p in problems]
    print(f"\nAims (issue 10): every page under {PAGE_MS} ms at the large size and within "
          f"{GROWTH}x its small-size time (wall, fastest of the repeated loads); a worker's "
          f"peak memory under {WORKER_MB} MB.")
    print("Misses:\n  " + "\n  ".join(misses) if misses else "Every aim met.")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=float, default=1.0, help="large data set: issue 10's x F")
    parser.add_argument("--small", type=float, default=0.02, help="small data set: x F")
    parser.add_argument("--repeat", type=int, default=5, help="timed loads after the first")
    parser.add_argument("--slow", type=float, default=3.0,
                        help="seconds: a page whose repeated load is slower is not repeated again")
    parser.add_argument("--postgres", metavar="URL", help="run on this PostgreSQL database "
                        "instead of SQLite (its public schema is dropped and rebuilt)")
    parser.add_argument("--no-server", action="store_true", help="skip the gunicorn memory pass")
    args = parser.parse_args()
    results, memory = {}, {}
    with tempfile.TemporaryDirectory(prefix="trainer-scale-") as tmp:
        templates = None  # played once, on the first data set; copied into the second
        for label, factor in (("small", args.small), ("large", args.size)):
            instance = Path(tmp) / label
            instance.mkdir()
            url = args.postgres or sqlite_url(instance)
            app, seeded = build(url, instance, factor, label, templates)
            templates = seeded.templates
            results[label] = measure(app, seeded, args.repeat, args.slow)
            if not args.no_server:
                memory[label] = worker_memory(url, instance, seeded)
            with app.app_context():
                from trainer.extensions import db

                db.engine.dispose()
    print(f"\nDatabase: {'PostgreSQL' if args.postgres else 'SQLite'}. Pages in-process (Flask "
          "test client). ms: wall time, the fastest of the repeated loads (on a shared machine the "
          "least disturbed), their median, and the first load; CPU: this process's CPU ms, "
          "fastest (SQLite's work included, PostgreSQL's not); SQL: statements per load; KB: "
          "the answer's size.")
    report(results, memory)


if __name__ == "__main__":
    main()
