"""What a call to an LLM is, whoever makes it: the request, the result, the failure and the
record kept of every try (an LLMCall row), the client protocol, and reading a reply's JSON."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, Protocol

from ..domain.errors import LLMError

_sending = threading.local()
# In a usage record: the records of the failed tries before it, oldest first (one row each).
EARLIER_TRIES = "earlier_tries"


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


def trace_sending(request: Any) -> None:
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


def sent_callback() -> Callable[[], None] | None:
    """This thread's on_sent callback, to hand on to the thread that runs the tries."""
    return getattr(_sending, "callback", None)
