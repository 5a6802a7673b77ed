"""Requests per second and latency of the main pages under gunicorn, each beside a bare Flask
hello-world served by the same gunicorn settings in the same run (issue 10, "Figures").

Usage: python bench/web_load.py [--concurrency N] [--duration S] [--requests N] [--workers N]
                                [--worker-class sync] [--postgres URL]
Seeds a fresh database with the app's own demo data (migrations, then `trainer demo`'s seeding),
one extra trainee per client thread for the role-play turns, and an API token; starts gunicorn for
the app and for the hello-world; then loads each endpoint in turn with N client threads (one
connection and cookie jar each) for S seconds or N requests, whichever ends first, with a
hello-world phase half as long before the first and after each: an endpoint's ratio is to the
mean of the two around it, so a shared machine whose speed drifts during the run moves both
sides alike. Any answer but 2xx/3xx is an error. Runs on SQLite, then on PostgreSQL when
--postgres is given (that database's public schema is dropped and rebuilt: give the bench a
database of its own)."""

from __future__ import annotations

import argparse
import re
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench._phases import Browser, Measured, Result, run_phase  # noqa: E402
from bench._server import (  # noqa: E402
    Client,
    Gunicorn,
    app_config,
    csrf_token,
    login,
    postgres_backends,
    reset_postgres,
    sqlite_url,
)
from bench._turns import TurnPlayer  # noqa: E402

LOAD_PASSWORD = "bench-load-trainee-pass-4821"
AIMS = {"trainee dashboard": 0.3, "scorecard": 0.3, "role-play turn": 0.15, "routing API": 0.5}
HELLO_SHARE = 0.5  # a hello-world phase between two endpoints lasts this share of theirs


def prepare(url: str, instance: Path, threads: int) -> tuple[dict[str, str], str]:
    """Schema by the migrations, the demo data, a trainee per thread and an API token."""
    from flask_migrate import upgrade

    from trainer import create_app
    from trainer.extensions import db
    from trainer.services.demo import DEMO_LOGINS, seed_demo
    from trainer.services.tokens import create_token
    from trainer.services.users import create_user

    app = create_app(app_config(url, instance))
    with app.app_context():
        upgrade()
        seed_demo()
        for n in range(threads):  # manager2's team: the measured manager's page stays the demo's
            create_user(f"load{n}@example.com", f"Load Trainee {n}", "trainee", "billing",
                        manager_email="manager2@example.com", password=LOAD_PASSWORD)
        _, raw = create_token("bench web_load")
        db.session.remove()
        db.engine.dispose()
    return {role: (email, password) for role, email, password in DEMO_LOGINS}, raw


def measure(url: str, args, instance: Path) -> tuple[list[Measured], str]:
    logins, token = prepare(url, instance, args.concurrency)
    n = args.concurrency
    with Gunicorn("_hello:app", args.workers, args.worker_class, instance,
                  pythonpath=ROOT / "bench") as hello, \
            Gunicorn("trainer.wsgi:app", args.workers, args.worker_class, instance,
                     database_url=url) as app:
        hello.wait("/")
        app.wait("/login")

        def browsers(role: str | None = None, base: str = app.url) -> list[Browser]:
            out = [Browser(base) for _ in range(n)]
            for b in out:
                if role:
                    login(b.client, *logins[role])
            return out

        def phase(name, states, hit, server=app, duration=args.duration):
            def pids():
                return server.workers() + (postgres_backends(url) if server is app and
                                           not url.startswith("sqlite") else [])
            return run_phase(name, states, hit, pids, duration, args.requests)

        hellos = browsers(base=hello.url)

        def baseline(name: str) -> Result:
            return phase(name, hellos, get("/"), hello, args.duration * HELLO_SHARE)

        trainees = browsers("trainee")
        dashboard = trainees[0].client.get("/")
        if dashboard.status != 200:
            raise RuntimeError(f"the demo trainee's dashboard answered HTTP {dashboard.status}")
        page = dashboard.text
        scorecard = re.search(r'href="(/attempts/\d+/scorecard)"', page).group(1)
        scenario = re.search(r'action="(/scenarios/[^"]+/start)"', page).group(1)
        started = trainees[0].client.post(scenario, {"csrf_token": csrf_token(page),
                                                     "mode": "practice"})
        play = started.location.replace(app.url, "")

        def get(path, headers=None):
            return lambda b: b.client.get(path, headers)

        def fresh_login_page(b):
            b.client.cookies.clear()  # a new visitor each time
            return b.client.get("/login")

        players = [TurnPlayer(Client(app.url), f"load{i}@example.com", LOAD_PASSWORD, i)
                   for i in range(n)]
        bearer = {"Authorization": f"Bearer {token}"}
        endpoints = [("login page", browsers(), fresh_login_page),
                     ("trainee dashboard", trainees, get("/")),
                     ("play page", trainees, get(play)),
                     ("role-play turn", players, TurnPlayer.turn),
                     ("scorecard", trainees, get(scorecard)),
                     ("team view (manager)", browsers("manager"), get("/team/")),
                     ("routing API", browsers(), get(
                         "/api/v1/resolvers?category=billing-dispute&amount=20", bearer))]
        before = baseline("hello-world")
        results = []
        for name, states, hit in endpoints:  # each between the hello-worlds just before and after
            measured = phase(name, states, hit)
            after = baseline(f"hello-world after {name}")
            results.append(Measured(measured, before, after))
            before = after
        note = (f"role-play turns, warm-up included: {sum(p.turns for p in players)} answers over "
                f"{sum(p.started for p in players)} attempts, {sum(p.ended for p in players)} "
                "of them ended (and scored in the request that ended them)")
    return results, note


def report(title: str, results: list[Measured], note: str) -> list[str]:
    hellos = [results[0].before] + [m.after for m in results]
    rates = [h.rate for h in hellos]
    print(f"\n{title}")
    print(f"  hello-world: {rates[0]:,.0f} req/s first, {rates[-1]:,.0f} last, between "
          f"{min(rates):,.0f} and {max(rates):,.0f} across the run (this machine's noise: each "
          "endpoint is compared with the hello-worlds just before and just after it)")
    print(f"  {'endpoint':<22}{'requests':>9}{'errors':>7}{'req/s':>8}{'p50 ms':>8}"
          f"{'p95 ms':>8}{'p99 ms':>8}{'CPU ms':>8}{'x hello':>9}{'(by CPU)':>9}  aim")
    print(_row("hello-world", hellos[0], 1, 1, ""))
    misses = []
    for m in results:
        r, ratio, by_cpu = m.result, m.ratio, m.by_cpu
        aim, verdict = AIMS.get(r.name), ""
        if aim is not None:
            verdict = f">= {aim}x " + ("ok" if ratio >= aim else "MISS")
            if (ratio >= aim) != (by_cpu >= aim):  # the machine's noise decided it
                verdict += f" (by CPU: {'ok' if by_cpu >= aim else 'MISS'})"
            if ratio < aim:
                misses.append(f"{title}: {r.name} {ratio:.3f}x < {aim}x (by CPU {by_cpu:.3f}x)")
        print(_row(r.name, r, ratio, by_cpu, verdict))
        if r.errors:
            print(f"      errors {r.errors}; first: {r.first_error}")
    for h in hellos:
        if h.errors:
            print(f"  {h.name}: errors {h.errors}; first: {h.first_error}")
    print(f"  {note}")
    return misses


def _row(name: str, r: Result, ratio: float, by_cpu: float, verdict: str) -> str:
    return (f"  {name:<22}{len(r.latencies):>9}{sum(r.errors.values()):>7}{r.rate:>8.1f}"
            f"{r.quantile(0.5):>8.1f}{r.quantile(0.95):>8.1f}{r.quantile(0.99):>8.1f}"
            f"{r.cpu_ms:>8.2f}{ratio:>8.3f}x{by_cpu:>8.3f}x  {verdict}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--concurrency", type=int, default=4, help="client threads")
    parser.add_argument("--duration", type=float, default=10, help="seconds per endpoint")
    parser.add_argument("--requests", type=int, default=100_000,
                        help="at most this many requests per endpoint")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers (both servers)")
    parser.add_argument("--worker-class", default="sync", help="gunicorn worker class")
    parser.add_argument("--postgres", metavar="URL", help="also run on this PostgreSQL database "
                        "(its public schema is dropped and rebuilt)")
    args = parser.parse_args()
    print(f"{args.workers} {args.worker_class} gunicorn workers per server, {args.concurrency} "
          f"client threads, {args.duration:g} s or {args.requests} requests per endpoint")
    print("req/s: answers per second of the clients' time (time spent starting a new attempt "
          "when one ends is left out); CPU ms: the workers' CPU per answer, and PostgreSQL's "
          "for this database; x hello: req/s over hello-world's; (by CPU): hello-world's CPU "
          "per request over this one's")
    misses = []
    with tempfile.TemporaryDirectory(prefix="trainer-web-load-") as tmp:
        runs = [("SQLite", sqlite_url(Path(tmp) / "sqlite"), Path(tmp) / "sqlite")]
        if args.postgres:
            runs.append(("PostgreSQL", args.postgres, Path(tmp) / "postgres"))
        for title, url, instance in runs:
            instance.mkdir()
            if title == "PostgreSQL":
                reset_postgres(url)
            misses += report(title, *measure(url, args, instance))
    print("\nAims (issue 10): dashboard and scorecard >= 0.3x hello-world, role-play turn "
          ">= 0.15x, routing API >= 0.5x (judged on req/s).")
    print("Misses:\n  " + "\n  ".join(misses) if misses else "Every aim met.")


if __name__ == "__main__":
    main()
