"""LLM settings from the app config or the environment, checked, with their defaults: the one
place these are defined (config.py passes the environment's values on as they are)."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from typing import Any

from ..config import DEFAULT_CUSTOMER_ENGINE, DEFAULT_SCORER
from ..domain.errors import LLMError

DEFAULT_MODEL = "gpt-4o-mini"
DEFAULT_TIMEOUT = 20.0  # seconds, per try: how long a try may go without a byte
DEFAULT_RETRIES = 1
# Seconds for a whole call, retries included, unless TRAINER_LLM_DEADLINE says otherwise: the
# tries' timeouts added up, plus DEADLINE_GRACE for the pauses between them, but never more than
# MAX_DEFAULT_DEADLINE, so that a web request waiting on an LLM answers well inside gunicorn's
# default 30 s worker timeout.
MAX_DEFAULT_DEADLINE = 20.0
DEADLINE_GRACE = 1.0
# Output bounds: a customer reply is one to three sentences in a small JSON object (about 100
# tokens); the judge's verdict is three levels with quotes and feedback (about 400).
DEFAULT_CUSTOMER_MAX_TOKENS = 400
DEFAULT_JUDGE_MAX_TOKENS = 1500
JSON_MODES = ("schema", "object")  # response_format json_schema (strict), or plain json_object
DEFAULT_JSON_MODE = "schema"
# How the output bound is sent: OpenAI's own API wants max_completion_tokens (its reasoning
# models refuse max_tokens); most self-hosted servers know only max_tokens.
MAX_TOKENS_PARAMS = ("max_tokens", "max_completion_tokens")


@dataclass(frozen=True)
class LLMSettings:
    api_key: str | None = None
    base_url: str | None = None
    model: str = DEFAULT_MODEL
    customer_model: str | None = None
    judge_model: str | None = None
    timeout: float = DEFAULT_TIMEOUT
    retries: int = DEFAULT_RETRIES
    deadline: float = MAX_DEFAULT_DEADLINE  # seconds per call, retries included
    json_mode: str = DEFAULT_JSON_MODE
    customer_max_tokens: int = DEFAULT_CUSTOMER_MAX_TOKENS
    judge_max_tokens: int = DEFAULT_JUDGE_MAX_TOKENS
    max_tokens_param: str = "max_tokens"
    customer_engine: str = DEFAULT_CUSTOMER_ENGINE  # the engines in force (configure() checks)
    scorer: str = DEFAULT_SCORER

    @property
    def configured(self) -> bool:
        """An endpoint to talk to: a key (OpenAI itself) or a base URL (a self-hosted server)."""
        return bool(self.api_key or self.base_url)

    def model_for(self, purpose: str) -> str:
        chosen = {"customer": self.customer_model, "judge": self.judge_model}.get(purpose)
        return chosen or self.model

    def max_tokens_for(self, purpose: str) -> int:
        return self.judge_max_tokens if purpose == "judge" else self.customer_max_tokens

    def describe(self) -> dict[str, Any]:
        """What an admin may see: everything but the key, and a one-line summary."""
        info = {k: v for k, v in asdict(self).items() if k != "api_key"}
        info.update(configured=self.configured, api_key_set=bool(self.api_key),
                    endpoint=self.base_url or "https://api.openai.com/v1",
                    customer_model=self.model_for("customer"),
                    judge_model=self.model_for("judge"), summary=self.summary())
        return info

    def summary(self) -> str:
        if not self.configured:
            return ("No LLM configured (set OPENAI_API_KEY or OPENAI_BASE_URL): the scripted "
                    "customer and the rule scorer are used.")
        return (f"LLM at {self.base_url or 'api.openai.com'}: customer engine "
                f"'{self.customer_engine}' ({self.model_for('customer')}), scorer "
                f"'{self.scorer}' ({self.model_for('judge')}), timeout {self.timeout:g}s, "
                f"{self.retries} retr{'y' if self.retries == 1 else 'ies'}, at most "
                f"{self.deadline:g}s a call.")


def settings_from(source: Mapping[str, Any] | None = None) -> LLMSettings:
    """Read the settings from an app config or the environment (default); bad numbers raise."""
    source = os.environ if source is None else source

    def text(key: str) -> str | None:
        value = source.get(key)
        return str(value).strip() or None if value is not None else None

    mode = _choice(text("TRAINER_LLM_JSON_MODE") or DEFAULT_JSON_MODE, "TRAINER_LLM_JSON_MODE",
                   JSON_MODES)
    base_url = text("OPENAI_BASE_URL")
    param = _choice(text("TRAINER_LLM_MAX_TOKENS_PARAM") or
                    ("max_tokens" if base_url else "max_completion_tokens"),
                    "TRAINER_LLM_MAX_TOKENS_PARAM", MAX_TOKENS_PARAMS)
    timeout = _number(text("TRAINER_LLM_TIMEOUT"), DEFAULT_TIMEOUT, "TRAINER_LLM_TIMEOUT", float)
    retries = _number(text("TRAINER_LLM_RETRIES"), DEFAULT_RETRIES, "TRAINER_LLM_RETRIES", int)
    deadline = _number(text("TRAINER_LLM_DEADLINE"),
                       min(timeout * (retries + 1) + DEADLINE_GRACE, MAX_DEFAULT_DEADLINE),
                       "TRAINER_LLM_DEADLINE", float)
    return LLMSettings(
        api_key=text("OPENAI_API_KEY"), base_url=base_url,
        model=text("TRAINER_LLM_MODEL") or DEFAULT_MODEL,
        customer_model=text("TRAINER_LLM_CUSTOMER_MODEL"),
        judge_model=text("TRAINER_LLM_JUDGE_MODEL"),
        timeout=timeout, retries=retries, deadline=deadline, json_mode=mode,
        customer_max_tokens=_tokens(text("TRAINER_LLM_CUSTOMER_MAX_TOKENS"),
                                    DEFAULT_CUSTOMER_MAX_TOKENS, "TRAINER_LLM_CUSTOMER_MAX_TOKENS"),
        judge_max_tokens=_tokens(text("TRAINER_LLM_JUDGE_MAX_TOKENS"), DEFAULT_JUDGE_MAX_TOKENS,
                                 "TRAINER_LLM_JUDGE_MAX_TOKENS"),
        max_tokens_param=param,
        customer_engine=text("TRAINER_CUSTOMER_ENGINE") or DEFAULT_CUSTOMER_ENGINE,
        scorer=text("TRAINER_SCORER") or DEFAULT_SCORER,
    )


def _choice(raw: str, key: str, allowed: tuple[str, ...]) -> str:
    value = raw.lower()
    if value not in allowed:
        raise LLMError(f"{key} must be one of {', '.join(allowed)}, got '{raw}'")
    return value


def _tokens(raw: str | None, default: int, key: str) -> int:
    value = _number(raw, default, key, int)
    if value < 1:
        raise LLMError(f"{key} must be 1 or more, got '{raw}'")
    return value


def _number(raw: str | None, default: Any, key: str, kind: type) -> Any:
    if raw is None:
        return default
    try:
        value = kind(raw)
    except ValueError:
        raise LLMError(f"{key} must be a {'whole ' if kind is int else ''}number, "
                       f"got '{raw}'") from None
    least = "more than 0" if kind is float else "0 or more"
    if value < 0 or (kind is float and value == 0):
        raise LLMError(f"{key} must be {least}, got '{raw}'")
    return value
