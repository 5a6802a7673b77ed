"""The one door to an LLM: the injected client protocol and its OpenAI-compatible implementation,
which ends every call within a wall-clock deadline and keeps a record of every try."""

from __future__ import annotations

import functools
import json
import logging
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

from ..domain.errors import LLMError
from .compat import Compat
from .schema import schema_problem
from .settings import LLMSettings

if TYPE_CHECKING:  # imported where a client is made: a process that never calls an LLM skips it
    import openai

log = logging.getLogger(__name__)
_sending = threading.local()
# In a usage record: the records of the failed tries before it, oldest first (one row each).
EARLIER_TRIES = "earlier_tries"
RETRY_PAUSE = 0.5  # seconds before a retry (never past the deadline)
MIN_TRY_SECONDS = 0.2  # with less than this left before the deadline, no new try is started
# A try's own timeout ends this long before the deadline, so that a server that sends nothing
# fails as a plain "timeout" and the deadline is left for the one that drips.
TRY_MARGIN = 0.25
_RETRY_STATUSES = frozenset({408, 409, 429})  # and every 5xx: what openai's own retries retry


@dataclass(frozen=True)
class LLMRequest:
    purpose: str  # "customer" or "judge": picks the model and labels the record
    prompt_version: str
    messages: tuple[Mapping[str, str], ...]
    schema_name: str
    schema: Mapping[str, Any]  # what the reply must look like; sent and checked


@dataclass(frozen=True)
class LLMResult:
    data: dict[str, Any]  # the parsed JSON object, already checked against the request's schema
    usage: dict[str, Any]  # usage_record(): an LLMCall row; EARLIER_TRIES when it was retried


class LLMCallFailed(LLMError):
    """A call that produced nothing usable; ``reason`` is short ("timeout", "HTTP 500") and
    ``usage`` (when a call was made) is the record to keep."""

    def __init__(self, reason: str, usage: dict[str, Any] | None = None):
        super().__init__(reason)
        self.reason = reason
        self.usage = usage


class LLMClient(Protocol):
    def complete(self, request: LLMRequest) -> LLMResult:
        """Parsed, schema-checked JSON and its usage; raises LLMCallFailed on any failure."""
        ...


def usage_record(request: LLMRequest, model: str, latency_ms: int, tokens_in: int = 0,
                 tokens_out: int = 0, error: str = "", try_number: int = 1) -> dict[str, Any]:
    return {"purpose": request.purpose, "model": model,
            "prompt_version": request.prompt_version, "tokens_in": tokens_in,
            "tokens_out": tokens_out, "latency_ms": latency_ms, "ok": not error, "error": error,
            "try_number": try_number}


def failed(usage: dict[str, Any] | None, reason: str) -> LLMCallFailed:
    """Turn a call that answered, but unusably, into a failure that still keeps its record."""
    return LLMCallFailed(reason, {**usage, "ok": False, "error": reason} if usage else None)


def all_tries(usage: Mapping[str, Any]) -> list[dict[str, Any]]:
    """Every try behind a usage record, oldest first, each a record of its own."""
    return [*usage.get(EARLIER_TRIES, ()),
            {k: v for k, v in usage.items() if k != EARLIER_TRIES}]


@contextmanager
def on_sent(callback: Callable[[], None] | None) -> Iterator[None]:
    """Call ``callback`` once a request from this thread is written and its answer awaited."""
    _sending.callback = callback
    try:
        yield
    finally:
        _sending.callback = None


def _trace_sending(request: Any) -> None:
    """An httpx request hook: hands the request httpcore's "trace" extension, whose
    "receive_response_headers.started" event means that the request is on its way."""
    callback = getattr(_sending, "callback", None)
    if callback is not None:
        request.extensions["trace"] = lambda event, info: \
            callback() if event.endswith("receive_response_headers.started") else None


def parse_json(content: str | None) -> dict[str, Any]:
    """The JSON object in a reply (a Markdown code fence around it is tolerated)."""
    text = (content or "").strip()
    if not text:
        raise LLMCallFailed("empty output")
    if text.startswith("```"):
        text = text.strip("`").removeprefix("json").strip()
    try:
        data = json.loads(text)
    except json.JSONDecodeError:
        raise LLMCallFailed("output is not JSON") from None
    if not isinstance(data, dict):
        raise LLMCallFailed("output is not a JSON object")
    return data


class OpenAIClient:
    """Any OpenAI-compatible chat-completions endpoint. Each call runs its tries on a thread of
    its own, and the caller walks away at the deadline (``settings.deadline``, or less when
    ``budget`` says the web request it serves has less left): httpx's timeouts bound each read,
    not the whole, and a server that drips a byte a second never trips them."""

    def __init__(self, settings: LLMSettings, budget: Callable[[], float | None] | None = None):
        import openai

        self.settings = settings
        self.compat = Compat(settings.json_mode, settings.max_tokens_param)
        self._budget = budget  # the monotonic time the current web request's LLM time ends
        # A self-hosted server may need no key, but the client insists on one. Retries are ours.
        self._client = openai.OpenAI(
            api_key=settings.api_key or "unused", base_url=settings.base_url or None,
            timeout=settings.timeout, max_retries=0,
            http_client=_http_client_class()(event_hooks={"request": [_trace_sending]}))

    def complete(self, request: LLMRequest) -> LLMResult:
        started = time.monotonic()
        ends = started + self.settings.deadline
        budget = self._budget() if self._budget else None
        if budget is not None and budget < ends:
            ends = budget
        call = _Call(self, request, started, ends)
        thread = threading.Thread(target=call.run, args=(getattr(_sending, "callback", None),),
                                  daemon=True, name=f"llm-{request.purpose}-call")
        thread.start()
        thread.join(max(ends - time.monotonic(), 0.0))
        return call.outcome()

    def close(self) -> None:
        self._client.close()

    def attempt(self, request: LLMRequest, number: int, timeout: float) -> LLMResult:
        """One try. Raises _TryFailed, which says whether another try may help."""
        import openai

        model = self.settings.model_for(request.purpose)
        mode, param = self.compat.json_mode, self.compat.max_tokens_param
        started = time.perf_counter()

        def record(error: str = "", response: Any = None) -> dict[str, Any]:
            usage = getattr(response, "usage", None)
            return usage_record(request, getattr(response, "model", None) or model,
                                _ms(started), getattr(usage, "prompt_tokens", 0) or 0,
                                getattr(usage, "completion_tokens", 0) or 0, error, number)

        try:
            response = self._client.chat.completions.create(
                model=model, messages=list(request.messages), timeout=timeout,
                response_format=self._response_format(request, mode),
                **{param: self.settings.max_tokens_for(request.purpose)})
        except openai.APIStatusError as exc:
            reason = _reason(exc)
            change = self.compat.learn(exc.status_code, f"{exc.message} {exc.body}", mode, param)
            if change:
                raise _TryFailed(record(f"{reason}: {change}"), again="now") from None
            retry = exc.status_code in _RETRY_STATUSES or exc.status_code >= 500
            raise _TryFailed(record(reason), again="retry" if retry else "no") from None
        except openai.OpenAIError as exc:  # timeout, connection refused or reset
            raise _TryFailed(record(_reason(exc)), again="retry") from None
        except Exception as exc:  # anything else the client library did: a failed call all the same
            log.exception("LLM %s call to %s: the client raised", request.purpose, model)
            raise _TryFailed(record(f"client error: {exc.__class__.__name__}"), "no") from None
        try:
            return self._read(request, response, record(response=response))
        except LLMCallFailed as exc:
            again = "retry" if exc.reason.startswith(NOT_A_COMPLETION) else "no"
            raise _TryFailed(exc.usage or record(exc.reason), again) from None
        except Exception as exc:  # an answer shaped like nothing we know
            log.exception("LLM %s call to %s: unreadable answer", request.purpose, model)
            reason = f"unexpected output ({exc.__class__.__name__})"
            raise _TryFailed(record(reason, response), "no") from None

    def _read(self, request: LLMRequest, response: Any, record: dict[str, Any]) -> LLMResult:
        choices = getattr(response, "choices", None)
        if not isinstance(choices, list):  # openai hands back the text of a non-JSON body
            raise failed(record, NOT_A_COMPLETION)
        choice = choices[0] if choices else None
        if choice is not None and getattr(choice, "finish_reason", None) == "length":
            raise failed(record, f"output cut off at the token limit "
                                 f"({self.settings.max_tokens_for(request.purpose)})")
        try:
            data = parse_json(choice.message.content if choice else None)
        except LLMCallFailed as exc:
            raise failed(record, exc.reason) from None
        problem = schema_problem(data, request.schema)
        if problem:
            raise failed(record, f"schema mismatch: {problem}")
        return LLMResult(data, record)

    def _response_format(self, request: LLMRequest, mode: str | None = None) -> dict[str, Any]:
        if (mode or self.compat.json_mode) == "object":
            return {"type": "json_object"}
        return {"type": "json_schema", "json_schema": {
            "name": request.schema_name, "strict": True, "schema": dict(request.schema)}}


NOT_A_COMPLETION = "not a chat completion"


class _TryFailed(Exception):
    """One try's failure: its record, and whether to try again at once ("now": the client has
    just learnt what the server refuses), after a pause ("retry") or not at all ("no")."""

    def __init__(self, usage: dict[str, Any], again: str):
        super().__init__(usage["error"])
        self.usage = usage
        self.again = again


class _Call:
    """One call's tries, run on their own thread; the caller collects the outcome at the
    deadline, whatever the thread is doing then (a try it abandons is recorded as such)."""

    def __init__(self, client: OpenAIClient, request: LLMRequest, started: float, ends: float):
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
                except _TryFailed as exc:
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
        _log_try(usage)
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
                return LLMResult(self.result.data, _with_earlier(usage, records))
            if self.in_flight is not None:
                number, since = self.in_flight
                reason = f"no answer within {round(self.ends - self.started, 1):g} s"
                cut = usage_record(self.request, self.client.settings.model_for(
                    self.request.purpose), _ms(since, time.monotonic()), error=reason,
                    try_number=number)
                _log_try(cut)
                records.append(cut)
        if not records:
            raise LLMCallFailed("no time left for an LLM call")
        last = records[-1]
        raise LLMCallFailed(last["error"], _with_earlier(last, records[:-1]))


def _with_earlier(usage: dict[str, Any], earlier: list[dict[str, Any]]) -> dict[str, Any]:
    return {**usage, EARLIER_TRIES: earlier} if earlier else usage


def _log_try(usage: Mapping[str, Any]) -> None:
    log.warning("LLM %s call to %s, try %d, failed after %d ms: %s", usage["purpose"],
                usage["model"], usage["try_number"], usage["latency_ms"], usage["error"])


@functools.cache
def _http_client_class() -> type[openai.DefaultHttpxClient]:
    """The HTTP client class, defined on first use (it subclasses one of openai's)."""
    import openai

    class _HttpClient(openai.DefaultHttpxClient):
        """openai's default HTTP client, closed when dropped (as openai's own is): a client made
        for one CLI run has no owner to close it."""

        def __del__(self) -> None:
            if not self.is_closed:
                try:
                    self.close()
                except Exception:  # nothing more to be done while being collected
                    pass

    return _HttpClient


def _reason(exc: openai.OpenAIError) -> str:
    import openai

    if isinstance(exc, openai.APITimeoutError):
        return "timeout"
    if isinstance(exc, openai.APIStatusError):
        return f"HTTP {exc.status_code}"
    if isinstance(exc, openai.APIConnectionError):
        return "connection failed"
    return f"client error: {exc.__class__.__name__}"


def _ms(started: float, ended: float | None = None) -> int:
    return round(((ended if ended is not None else time.perf_counter()) - started) * 1000)
