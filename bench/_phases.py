"""The load phases of bench/web_load.py: client threads that hit one endpoint for a time or a
request budget, the workers' CPU they cost, and each endpoint's ratio to the hello-world phases
run just before and just after it."""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field

from bench._server import Client, cpu_by_pid, cpu_used


@dataclass
class Result:
    name: str
    latencies: list[float] = field(default_factory=list)
    errors: dict[str, int] = field(default_factory=dict)
    first_error: str = ""
    elapsed: float = 0.0  # wall time of the phase, less the clients' bookkeeping time
    cpu: float = 0.0  # the gunicorn workers' CPU seconds during the phase

    @property
    def rate(self) -> float:
        return len(self.latencies) / self.elapsed if self.elapsed else 0.0

    def quantile(self, q: float) -> float:
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000 if ordered else 0.0

    @property
    def cpu_ms(self) -> float:
        return self.cpu / len(self.latencies) * 1000 if self.latencies else 0.0


@dataclass
class Measured:
    """An endpoint's phase between the hello-world phases run just before and just after it: its
    ratios are to their mean, so a machine whose speed drifts during the run (a shared host)
    moves both sides of each ratio alike."""

    result: Result
    before: Result
    after: Result

    @property
    def ratio(self) -> float:
        base = (self.before.rate + self.after.rate) / 2
        return self.result.rate / base if base else 0.0

    @property
    def by_cpu(self) -> float:
        base = (self.before.cpu_ms + self.after.cpu_ms) / 2
        return base / self.result.cpu_ms if self.result.cpu_ms else 0.0


def run_phase(name: str, states: list, hit, server_pids, duration: float,
              max_requests: int, warmup: int = 3) -> Result:
    """Every thread calls ``hit(state)`` (one timed request; bookkeeping inside it is timed by
    the state as ``state.bookkeeping``) until the time or the request budget runs out.
    ``server_pids()``: the processes whose CPU the requests cost (workers, database backends)."""
    result, lock = Result(name), threading.Lock()
    budget = [max_requests]
    for state in states:  # templates compiled, connections open: not part of the figure
        for _ in range(warmup):
            hit(state)
        state.bookkeeping = 0.0
    stop = time.monotonic() + duration

    def loop(state) -> None:
        while time.monotonic() < stop:
            with lock:
                if budget[0] <= 0:
                    return
                budget[0] -= 1
            try:
                answer = hit(state)
                ok, why = answer.status < 400, f"HTTP {answer.status}"
            except Exception as exc:  # noqa: BLE001 - a failed request is an error, not a crash
                answer, ok, why = None, False, f"{type(exc).__name__}: {exc}"[:120]
            with lock:
                if ok:
                    result.latencies.append(answer.seconds)
                else:
                    result.errors[why] = result.errors.get(why, 0) + 1
                    result.first_error = result.first_error or (
                        f"{why}: {answer.text[:200]!r}" if answer is not None else why)

    cpu, started = cpu_by_pid(server_pids()), time.perf_counter()
    threads = [threading.Thread(target=loop, args=(s,)) for s in states]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    wall = time.perf_counter() - started
    result.cpu = cpu_used(cpu, cpu_by_pid(server_pids()))
    result.elapsed = wall - sum(s.bookkeeping for s in states) / len(states)
    return result


class Browser:
    """A client thread's state: its connection and cookies (no bookkeeping: every request is
    the one measured)."""

    def __init__(self, base: str):
        self.client, self.bookkeeping = Client(base), 0.0
