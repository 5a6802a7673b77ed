"""The one door to an LLM: the injected client protocol and its OpenAI-compatible implementation."""

from __future__ import annotations

import json
import logging
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, Protocol

import openai

from ..domain.errors import LLMError
from .schema import schema_problem
from .settings import LLMSettings

log = logging.getLogger(__name__)
_sending = threading.local()
# The keys of a usage record: exactly the LLMCall columns the services layer stores.
USAGE_FIELDS = ("purpose", "model", "prompt_version", "tokens_in", "tokens_out", "latency_ms",
                "ok", "error")


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
    usage: dict[str, Any]  # USAGE_FIELDS


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
                 tokens_out: int = 0, error: str = "") -> dict[str, Any]:
    return {"purpose": request.purpose, "model": model,
            "prompt_version": request.prompt_version, "tokens_in": tokens_in,
            "tokens_out": tokens_out, "latency_ms": latency_ms, "ok": not error, "error": error}


def failed(usage: dict[str, Any] | None, reason: str) -> LLMCallFailed:
    """Turn a call that answered, but unusably, into a failure that still keeps its record."""
    return LLMCallFailed(reason, {**usage, "ok": False, "error": reason} if usage else None)


@contextmanager
def on_sent(callback: Callable[[], None]) -> Iterator[None]:
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
    """Any OpenAI-compatible chat-completions endpoint, with explicit timeout and retries."""

    def __init__(self, settings: LLMSettings):
        self.settings = settings
        # A self-hosted server may need no key, but the client insists on one.
        self._client = openai.OpenAI(
            api_key=settings.api_key or "unused", base_url=settings.base_url or None,
            timeout=settings.timeout, max_retries=settings.retries,
            http_client=_HttpClient(event_hooks={"request": [_trace_sending]}))

    def complete(self, request: LLMRequest) -> LLMResult:
        model = self.settings.model_for(request.purpose)
        started = time.perf_counter()
        try:
            response = self._client.chat.completions.create(
                model=model, messages=list(request.messages),
                response_format=self._response_format(request))
        except openai.OpenAIError as exc:
            reason = _reason(exc)
            log.warning("LLM %s call to %s failed: %s", request.purpose, model, reason)
            raise LLMCallFailed(reason, usage_record(request, model, _ms(started),
                                                     error=reason)) from exc
        usage = getattr(response, "usage", None)
        record = usage_record(request, getattr(response, "model", None) or model, _ms(started),
                              getattr(usage, "prompt_tokens", 0) or 0,
                              getattr(usage, "completion_tokens", 0) or 0)
        choice = response.choices[0] if response.choices else None
        try:
            data = parse_json(choice.message.content if choice else None)
        except LLMCallFailed as exc:
            raise failed(record, exc.reason) from None
        problem = schema_problem(data, request.schema)
        if problem:
            raise failed(record, f"schema mismatch: {problem}")
        return LLMResult(data, record)

    def close(self) -> None:
        self._client.close()

    def _response_format(self, request: LLMRequest) -> dict[str, Any]:
        if self.settings.json_mode == "object":
            return {"type": "json_object"}
        return {"type": "json_schema", "json_schema": {
            "name": request.schema_name, "strict": True, "schema": dict(request.schema)}}


class _HttpClient(openai.DefaultHttpxClient):
    """openai's default HTTP client, closed when dropped (as openai's own is): a client made for
    one CLI run has no owner to close it."""

    def __del__(self) -> None:
        if not self.is_closed:
            try:
                self.close()
            except Exception:  # nothing more to be done while being collected
                pass


def _reason(exc: openai.OpenAIError) -> str:
    if isinstance(exc, openai.APITimeoutError):
        return "timeout"
    if isinstance(exc, openai.APIStatusError):
        return f"HTTP {exc.status_code}"
    if isinstance(exc, openai.APIConnectionError):
        return "connection failed"
    return f"client error: {exc.__class__.__name__}"


def _ms(started: float) -> int:
    return round((time.perf_counter() - started) * 1000)
