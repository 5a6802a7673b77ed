"""One LLM call's tries, run on a thread of their own against a wall-clock deadline: retries
with a pause, a try cut short at the deadline recorded as such, and every try's record kept."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Mapping
from typing import Any

from .calls import EARLIER_TRIES, LLMCallFailed, LLMRequest, LLMResult, on_sent, usage_record

log = logging.getLogger(__name__)
RETRY_PAUSE = 0.5  # seconds before a retry (never past the deadline)
MIN_TRY_SECONDS = 0.2  # with less than this left before the deadline, no new try is started
# A try's own timeout ends this long before the deadline, so that a server that sends nothing
# fails as a plain "timeout" and the deadline is left for the one that drips.
TRY_MARGIN = 0.25


class TryFailed(Exception):
    """One try's failure: its record, and whether to try again at once ("now": the client has
    just learnt what the server refuses), after a pause ("retry") or not at all ("no")."""

    def __init__(self, usage: dict[str, Any], again: str):
        super().__init__(usage["error"])
        self.usage = usage
        self.again = again


class Call:
    """One call's tries, run on their own thread; the caller collects the outcome at the
    deadline, whatever the thread is doing then (a try it abandons is recorded as such)."""

    def __init__(self, client: Any, request: LLMRequest, started: float, ends: float):
        self.client, self.request, self.started, self.ends = client, request, started, ends
        self.records: list[dict[str, Any]] = []  # the tries that ended, oldest first
        self.result: LLMResult | None = None
        self.in_flight: tuple[int, float] | None = None  # (try number, when it started)
        self.abandoned = False
        self._lock = threading.Lock()

    def run(self, sent: Callable[[], None] | None) -> None:
        settings = self.client.settings
        retries, number, changes = settings.retries, 0, 0
        with on_sent(sent):
            while (left := self.ends - time.monotonic()) >= MIN_TRY_SECONDS + TRY_MARGIN:
                number += 1
                with self._lock:
                    if self.abandoned:
                        return
                    self.in_flight = (number, time.monotonic())
                try:
                    result = self.client.attempt(self.request, number,
                                                 min(settings.timeout, left - TRY_MARGIN))
                except TryFailed as exc:
                    if not self._keep(exc.usage):
                        return
                    again = exc.again
                    if again == "now" and changes < 2:  # a schema mode, a max-tokens parameter
                        changes += 1
                        continue
                    if again == "no" or retries <= 0:
                        return
                    retries -= 1
                    time.sleep(min(RETRY_PAUSE, max(self.ends - time.monotonic(), 0.0)))
                    continue
                with self._lock:
                    if not self.abandoned:
                        self.in_flight, self.result = None, result
                return

    def _keep(self, usage: dict[str, Any]) -> bool:
        """Keep a failed try's record, unless the caller has already left."""
        with self._lock:
            if self.abandoned:
                return False
            self.in_flight = None
            self.records.append(usage)
        log_try(usage)
        return True

    def outcome(self) -> LLMResult:
        """The result, or LLMCallFailed with the record of every try (the one the deadline cut
        short included): called by the caller at the deadline or once the tries are over."""
        with self._lock:
            self.abandoned = True
            records = list(self.records)
            if self.result is not None:
                usage = self.result.usage
                if records:
                    log.info("LLM %s call to %s answered on try %d", usage["purpose"],
                             usage["model"], usage["try_number"])
                return LLMResult(self.result.data, with_earlier(usage, records))
            if self.in_flight is not None:
                number, since = self.in_flight
                reason = f"no answer within {round(self.ends - self.started, 1):g} s"
                cut = usage_record(self.request, self.client.settings.model_for(
                    self.request.purpose), ms(since, time.monotonic()), error=reason,
                    try_number=number)
                log_try(cut)
                records.append(cut)
        if not records:
            raise LLMCallFailed("no time left for an LLM call")
        last = records[-1]
        raise LLMCallFailed(last["error"], with_earlier(last, records[:-1]))


def with_earlier(usage: dict[str, Any], earlier: list[dict[str, Any]]) -> dict[str, Any]:
    return {**usage, EARLIER_TRIES: earlier} if earlier else usage


def log_try(usage: Mapping[str, Any]) -> None:
    log.warning("LLM %s call to %s, try %d, failed after %d ms: %s", usage["purpose"],
                usage["model"], usage["try_number"], usage["latency_ms"], usage["error"])


def ms(started: float, ended: float | None = None) -> int:
    return round(((ended if ended is not None else time.perf_counter()) - started) * 1000)
