"""The OpenAI-compatible client behind the LLM client protocol (llm/calls.py): each call's tries
run against a wall-clock deadline (llm/tries.py); here, one try and reading its answer."""

from __future__ import annotations

import functools
import logging
import threading
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from .calls import (
    LLMCallFailed,
    LLMRequest,
    LLMResult,
    failed,
    parse_json,
    sent_callback,
    trace_sending,
    usage_record,
)
from .compat import Compat
from .schema import schema_problem
from .settings import LLMSettings
from .tries import Call, TryFailed, ms

if TYPE_CHECKING:  # imported where a client is made: a process that never calls an LLM skips it
    import openai

log = logging.getLogger(__name__)
_RETRY_STATUSES = frozenset({408, 409, 429})  # and every 5xx: what openai's own retries retry
NOT_A_COMPLETION = "not a chat completion"


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
            http_client=_http_client_class()(event_hooks={"request": [trace_sending]}))

    def complete(self, request: LLMRequest) -> LLMResult:
        started = time.monotonic()
        ends = started + self.settings.deadline
        budget = self._budget() if self._budget else None
        if budget is not None and budget < ends:
            ends = budget
        call = Call(self, request, started, ends)
        thread = threading.Thread(target=call.run, args=(sent_callback(),),
                                  daemon=True, name=f"llm-{request.purpose}-call")
        thread.start()
        thread.join(max(ends - time.monotonic(), 0.0))
        return call.outcome()

    def close(self) -> None:
        self._client.close()

    def attempt(self, request: LLMRequest, number: int, timeout: float) -> LLMResult:
        """One try. Raises TryFailed, which says whether another try may help."""
        import openai

        model = self.settings.model_for(request.purpose)
        mode, param = self.compat.json_mode, self.compat.max_tokens_param
        started = time.perf_counter()

        def record(error: str = "", response: Any = None) -> dict[str, Any]:
            usage = getattr(response, "usage", None)
            return usage_record(request, getattr(response, "model", None) or model,
                                ms(started), getattr(usage, "prompt_tokens", 0) or 0,
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
                raise TryFailed(record(f"{reason}: {change}"), again="now") from None
            retry = exc.status_code in _RETRY_STATUSES or exc.status_code >= 500
            raise TryFailed(record(reason), again="retry" if retry else "no") from None
        except openai.OpenAIError as exc:  # timeout, connection refused or reset
            raise TryFailed(record(_reason(exc)), again="retry") from None
        except Exception as exc:  # anything else the client library did: a failed call all the same
            log.exception("LLM %s call to %s: the client raised", request.purpose, model)
            raise TryFailed(record(f"client error: {exc.__class__.__name__}"), "no") from None
        try:
            return self._read(request, response, record(response=response))
        except LLMCallFailed as exc:
            again = "retry" if exc.reason.startswith(NOT_A_COMPLETION) else "no"
            raise TryFailed(exc.usage or record(exc.reason), again) from None
        except Exception as exc:  # an answer shaped like nothing we know
            log.exception("LLM %s call to %s: unreadable answer", request.purpose, model)
            reason = f"unexpected output ({exc.__class__.__name__})"
            raise TryFailed(record(reason, response), "no") from None

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
