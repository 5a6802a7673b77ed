"""Failed-login limits per account and per address, counted in the ``limits`` library's storage
(this process's memory, or Redis when REDIS_URL is set) with its fixed-window strategy: the library
Flask-Limiter is built on, without Flask-Limiter's per-request hooks (no route has a limit of its
own, and those hooks cost every request about a tenth of a millisecond for nothing).

A slot is taken *before* the password is checked, in one atomic step per counter, so parallel
guesses cannot all pass a check that has not counted the others yet; a correct password gives its
slot back (and clears the account's count, as a success always has)."""

from __future__ import annotations

import hashlib
import math
import threading
import time
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass

from flask import Flask, current_app
from limits import RateLimitItemPerMinute, RateLimitItemPerSecond
from limits.storage import MemoryStorage, Storage, storage_from_string
from limits.strategies import FixedWindowRateLimiter

EXTENSION = "trainer.login_limits"
# MemoryStorage can lose an increment when two threads create the same key at once; one lock per
# process makes its counts exact (Redis counts atomically in a script and needs none).
_MEMORY_LOCK = threading.Lock()


@dataclass(frozen=True)
class Counters:
    """One app's counting: its ``storage`` and the fixed-window ``limiter`` over it (the two
    attributes Flask-Limiter's Limiter had, so callers read them the same way)."""

    storage: Storage
    limiter: FixedWindowRateLimiter


def init_login_limits(app: Flask) -> None:
    """One storage per app (tests build several apps), from RATELIMIT_STORAGE_URI as
    Flask-Limiter read it. No route carries a limit of its own; the auth service asks directly."""
    config = app.config
    if not config.get("RATELIMIT_STORAGE_URI"):
        config["RATELIMIT_STORAGE_URI"] = config.get("REDIS_URL") or "memory://"
    config.setdefault("RATELIMIT_KEY_PREFIX", "trainer")
    storage = storage_from_string(config["RATELIMIT_STORAGE_URI"],
                                  **(config.get("RATELIMIT_STORAGE_OPTIONS") or {}))
    app.extensions[EXTENSION] = Counters(storage, FixedWindowRateLimiter(storage))


@dataclass(frozen=True)
class Reservation:
    """The outcome of asking to check one password: ``allowed``, or ``retry_seconds`` to wait."""

    allowed: bool
    keys: tuple[tuple[RateLimitItemPerSecond, str], ...] = ()
    retry_seconds: int = 0

    @property
    def retry_minutes(self) -> int:
        return max(1, math.ceil(self.retry_seconds / 60))

    @property
    def wait(self) -> str:
        """How long to wait, in words: "15 minutes", "1 minute"."""
        return f"{self.retry_minutes} minute{'' if self.retry_minutes == 1 else 's'}"


def _limiter() -> Counters:
    return current_app.extensions[EXTENSION]


def _counters(email: str, ip: str | None) -> list[tuple[RateLimitItemPerSecond, str]]:
    config = current_app.config
    window = max(1, int(config["LOGIN_WINDOW_SECONDS"]))
    # Hashed, so that Redis holds no email addresses.
    account = hashlib.sha256(email.encode()).hexdigest()[:32]
    counters = [(RateLimitItemPerSecond(config["LOGIN_MAX_FAILURES"], window,
                                        namespace=_namespace()), f"account/{account}")]
    if ip:
        per_ip = RateLimitItemPerSecond(config["LOGIN_MAX_FAILURES_PER_IP"], window,
                                        namespace=_namespace())
        counters.append((per_ip, f"ip/{ip}"))
    return counters


def take_per_minute(kind: str, key: str, per_minute: int) -> bool:
    """One of ``key``'s ``per_minute`` slots of ``kind`` (voice uploads, say) this minute, counted
    in the same storage as the login limits; False when the minute's are used up."""
    item = RateLimitItemPerMinute(per_minute, namespace=_namespace(kind))
    return _limiter().limiter.hit(item, key)


def _namespace(kind: str = "login") -> str:
    """Where one kind of count lives in the shared storage (login; voice uploads)."""
    return f"{current_app.config['RATELIMIT_KEY_PREFIX']}/{kind}"


def _atomically() -> AbstractContextManager:
    return _MEMORY_LOCK if isinstance(_limiter().storage, MemoryStorage) else nullcontext()


def reserve(email: str, ip: str | None) -> Reservation:
    """Take one slot from the account's and the address's counters, or none if either is full."""
    strategy = _limiter().limiter
    taken: list[tuple[RateLimitItemPerSecond, str]] = []
    for item, key in _counters(email, ip):
        with _atomically():
            allowed = strategy.hit(item, key)
        if not allowed:
            _give_back(taken + [(item, key)])
            reset = strategy.get_window_stats(item, key).reset_time
            return Reservation(False, retry_seconds=max(1, math.ceil(reset - time.time())))
        taken.append((item, key))
    return Reservation(True, tuple(taken))


def _give_back(taken: list[tuple[RateLimitItemPerSecond, str]]) -> None:
    storage = _limiter().storage
    for item, key in taken:
        with _atomically():
            full_key = item.key_for(key)
            if storage.get(full_key) > 0:
                storage.incr(full_key, item.get_expiry(), amount=-1)


def succeeded(reservation: Reservation) -> None:
    """The password was right: it was not a failure. The account starts counting afresh; the
    address gets its slot back (other accounts' failures from it still count)."""
    strategy = _limiter().limiter
    for item, key in reservation.keys:
        if key.startswith("account/"):
            strategy.clear(item, key)
        else:
            _give_back([(item, key)])


def forget(email: str, ip: str | None = None) -> None:
    """Forget the counts of this account (and address): it may try again at once."""
    strategy = _limiter().limiter
    for item, key in _counters(email, ip):
        strategy.clear(item, key)
