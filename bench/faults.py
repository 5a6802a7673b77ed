"""The fault matrix of issue 9, run against the app under gunicorn: per fault, requests, 5xx,
answers stored, attempts scored exactly once, fallbacks noted and the slowest request.

Usage: python bench/faults.py [--quick] [--postgres URL] [--redis URL] [--only TEXT] [sizes...]
A fresh database (a temporary SQLite file, or a fresh schema on PostgreSQL) is seeded with
`trainer demo --no-serve` and the bench's trainees; then, for each fault, gunicorn is started on a
free loopback port (with a `trainer worker` when --redis is given) with its LLM pointed at a
loopback server that misbehaves that way (bench/fault_server.py), the workload runs over HTTP as
trainees would (bench/_fault_work.py), gunicorn is stopped, and the database is read back through
the app's own models (bench/_fault_checks.py). Rows that miss the aim are marked."""

from __future__ import annotations

import argparse
import sys
import time
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import _fault_work as work  # noqa: E402
from bench._fault_checks import Row, attempts_check, audit_check  # noqa: E402
from bench._fault_site import Site, serve  # noqa: E402
from bench.fault_server import FAULTS, FaultServer  # noqa: E402

# A request may take the LLM deadline (all its calls share it) plus this much, for the rule
# scorer, the database and a machine shared with the clients (2 cores here).
LATENCY_GRACE = 5.0
AIM = ("Aim: 0 5xx, 0 lost, 0 stored twice, a reply to every answer, every ended attempt scored "
       "exactly once, every fallback noted, every request within the LLM deadline + "
       f"{LATENCY_GRACE:g} s.")
SIZES = {  # flag: (default, --quick, help)
    "attempts": (8, 2, "attempts per LLM fault (one trainee each)"),
    "answers": (2, 2, "answers per attempt before ending it (2 or more, or it is abandoned)"),
    "workers": (4, 2, "gunicorn workers (sync, as the README deploys it)"),
    "burst": (4, 3, "requests sent to one attempt at the same moment"),
    "race_trainees": (6, 2, "trainees (one attempt each) per race"),
    "rounds": (4, 2, "bursts of answers per attempt in the races"),
    "login_trainees": (8, 4, "trainees logging in at once (N)"),
    "logins": (10, 4, "logins per trainee, good and wrong passwords in turn (M)"),
}


def options() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small counts, for a smoke run")
    for name, (default, quick, text) in SIZES.items():
        parser.add_argument(f"--{name.replace('_', '-')}", type=int, default=None,
                            help=f"{text} (default {default}, --quick {quick})")
    parser.add_argument("--llm-timeout", type=float, default=2.0,
                        help="TRAINER_LLM_TIMEOUT for the app, seconds (default 2; the app's own "
                             "default is 20)")
    parser.add_argument("--llm-retries", type=int, default=1, help="TRAINER_LLM_RETRIES")
    parser.add_argument("--gunicorn-timeout", type=int, default=30,
                        help="gunicorn's worker timeout, seconds (its default: 30)")
    parser.add_argument("--postgres", metavar="URL", help="run on this PostgreSQL database too, "
                        "in a schema of its own that is dropped afterwards")
    parser.add_argument("--redis", metavar="URL", help="score through this Redis with a "
                        "`trainer worker` (a queue of its own), instead of in the web process")
    parser.add_argument("--only", metavar="TEXT", help="only the faults whose name has TEXT")
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder (logs, "
                        "SQLite file) and the PostgreSQL schema")
    args = parser.parse_args()
    for name, (default, quick, _) in SIZES.items():
        if getattr(args, name) is None:
            setattr(args, name, quick if args.quick else default)
    if args.answers < 2 or args.burst < 2 or min(getattr(args, n) for n in SIZES) < 1:
        parser.error("--answers and --burst must be 2 or more, every size 1 or more")
    return args


@dataclass(frozen=True)
class Fault:
    name: str
    kind: str  # "llm" (a FAULTS entry), "race", "race-no-turn", "start" or "logins"
    trainees: int
    prefix: str  # of its trainees' emails, unique per fault: "faults3-0@example.com"

    def emails(self) -> list[str]:
        return [f"{self.prefix}-{n}@example.com" for n in range(self.trainees)]

    def warm_emails(self, workers: int) -> list[str]:
        """The untimed warm-up's trainees: one per gunicorn worker."""
        return [f"{self.prefix}-warm-{n}@example.com" for n in range(workers)]


def plan(args: argparse.Namespace) -> list[Fault]:
    """Every fault that will run, in order."""
    rows = [(name, "llm", args.attempts) for name in FAULTS]
    rows += [("race: answers, turn no.", "race", args.race_trainees),
             ("race: answers, no turn no.", "race-no-turn", args.race_trainees),
             ("race: double Start", "start", args.race_trainees),
             (f"audit: {args.login_trainees}x{args.logins} logins", "logins",
              args.login_trainees)]
    chosen = [row for row in rows if not args.only or args.only in row[0]]
    return [Fault(name, kind, n, f"faults{i}") for i, (name, kind, n) in enumerate(chosen)]


def llm_env(args: argparse.Namespace, server: FaultServer, customer: str) -> dict[str, str]:
    return {"OPENAI_API_KEY": "bench-key", "OPENAI_BASE_URL": server.url,
            "TRAINER_LLM_MODEL": "bench-model", "TRAINER_CUSTOMER_ENGINE": customer,
            "TRAINER_SCORER": "llm", "TRAINER_LLM_TIMEOUT": f"{args.llm_timeout:g}",
            "TRAINER_LLM_RETRIES": str(args.llm_retries)}


def workload(args, fault: Fault, url: str, timeout: float) -> work.Run:
    emails, tag = fault.emails(), fault.prefix
    if fault.kind == "llm":
        return work.play(url, emails, args.answers, args.workers, timeout, tag)
    if fault.kind.startswith("race"):
        return work.answer_race(url, emails, args.rounds, args.burst,
                                max(1, args.workers // args.burst), timeout, tag,
                                with_turn=fault.kind == "race")
    if fault.kind == "start":
        return work.double_start(url, emails, args.burst, 1, timeout)
    return work.logins(url, emails, args.logins, timeout)


def run_fault(args, site: Site, server: FaultServer, fault: Fault, limit: float) -> Row:
    """One fault: gunicorn up, an untimed warm-up attempt per worker on a healthy LLM (a fresh
    worker's first LLM use is slow, whatever the fault), the fault, its workload, the checks."""
    row = Row(fault.name, limit=limit)
    timeout = args.gunicorn_timeout + 15  # the client waits past gunicorn killing a worker
    server.use("llm ok (control)")  # the races keep it: a second scoring is a second call
    customer = "llm" if fault.kind == "llm" else "scripted"  # the races: as most sites run
    with serve(site, fault.name, args.workers, args.gunicorn_timeout,
               **llm_env(args, server, customer)) as app:
        warm = fault.warm_emails(args.workers)
        row.cold = work.play(app.url, warm, 2, len(warm), timeout,
                             f"{fault.prefix}w").tally.slowest
        if fault.kind == "llm":
            server.use(fault.name)
        run = workload(args, fault, app.url, timeout)
        if fault.kind == "logins":
            audit_check(site.app(), run, row)
        else:
            wait = 3 * limit + 30 if site.redis else 0.0  # for the worker to finish scoring
            attempts_check(site.app(), run, row, FAULTS[fault.name][1]
                           if fault.kind == "llm" else None, wait, one_each=fault.kind == "start")
        problems = app.problems()
    row.requests, row.failed, row.slowest = run.tally.requests, run.tally.failed, \
        run.tally.slowest
    if fault.kind == "logins":
        verify(site, row)
    if problems:
        row.notes.append(f"gunicorn log: {problems}")
    if row.failed or row.slowest > row.limit:
        row.notes.append(run.tally.worst())
    return row


def verify(site: Site, row: Row) -> None:
    """`trainer audit verify` on the whole log, as an operator would run it."""
    verified = site.trainer("audit", "verify")
    lines = (verified.stdout + verified.stderr).strip().splitlines()
    if verified.returncode:
        row.misses.append("audit verify")
    row.notes.append(f"trainer audit verify: exit {verified.returncode}"
                     + (f" ({lines[-1][:80]})" if lines else ""))


def print_table(rows: list[Row]) -> None:
    print(f"  {'fault':<28}{'reqs':>5}{'5xx':>5}{'stored':>8}{'lost':>5}{'twice':>6}"
          f"{'unans':>6}{'scored 1x':>10}{'fallback':>9}{'max s':>7}  aim")
    for row in rows:
        misses = row.judge()
        stored = _pair((row.stored, row.sent) if row.sent else None)
        print(f"  {row.name:<28}{row.requests:>5}{row.failed:>5}"
              f"{stored:>8}{row.lost:>5}{row.dup:>6}{row.unanswered:>6}"
              f"{_pair(row.scored):>10}{_pair(row.fallback):>9}{row.slowest:>7.1f}  "
              + ("ok" if not misses else "MISS: " + ", ".join(misses)))
    for row in rows:
        for note in row.notes:
            print(f"    {row.name}: {note}")
    cold = max(row.cold for row in rows)
    print(f"  Not in the table: the untimed warm-up (one attempt per fresh worker, healthy LLM) "
          f"took up to {cold:.1f} s a request.")


def _pair(pair: tuple[int, int] | None) -> str:
    return "-" if pair is None else f"{pair[0]}/{pair[1]}"


def run_site(args, site: Site, server: FaultServer) -> list[Row]:
    from trainer.llm.settings import settings_from

    deadline = settings_from(llm_env(args, server, "llm")).deadline
    limit = deadline + LATENCY_GRACE
    faults = plan(args)
    site.seed([email for f in faults for email in f.emails() + f.warm_emails(args.workers)])
    print(f"\n{site.label}: gunicorn -w {args.workers} (sync, timeout "
          f"{args.gunicorn_timeout} s); LLM timeout {args.llm_timeout:g} s, "
          f"{args.llm_retries} retr{'y' if args.llm_retries == 1 else 'ies'}, deadline "
          f"{deadline:g} s; {args.attempts} attempts x {args.answers} answers per LLM fault; "
          f"races {args.race_trainees} trainees x {args.rounds} rounds of {args.burst}")
    rows = []
    for fault in faults:
        started = time.monotonic()
        rows.append(run_fault(args, site, server, fault, limit))
        print(f"  ... {fault.name}: {time.monotonic() - started:.0f} s", file=sys.stderr,
              flush=True)
    print_table(rows)
    return rows


def main() -> None:
    args = options()
    print(__doc__.splitlines()[0])
    print(AIM)
    print("Columns: stored = distinct answers (or audit events) stored / sent; lost = taken by "
          "the app\n(redirected back) but not stored; twice = stored twice or attempts opened "
          "twice; unans = trainee\nturns with no customer reply; scored 1x = ended attempts "
          "scored exactly once (one judge call);\nfallback = turns and scorecards noting the "
          "fallback / expected (schema: written by the LLM in\njson_object mode; control: "
          "fallbacks that should not have happened / 0).")
    missed = 0
    with FaultServer() as server:
        for postgres in [None, args.postgres] if args.postgres else [None]:
            site = Site(postgres, args.redis, args.keep)
            try:
                missed += sum(1 for row in run_site(args, site, server) if row.judge())
            finally:
                site.close()
    print(f"\n{missed} row(s) miss the aim.")


if __name__ == "__main__":
    main()
