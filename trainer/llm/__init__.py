"""The one place that talks to an LLM: settings, client, prompts, the LLM customer and judge."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import replace
from typing import Any

from flask import Flask

from ..config import DEFAULT_CUSTOMER_ENGINE, DEFAULT_SCORER
from ..domain.customer import CUSTOMER_ENGINES
from ..domain.scoring.registry import SCORERS
from .calls import LLMCallFailed, LLMClient, LLMRequest, LLMResult
from .client import OpenAIClient
from .compat import Change
from .customer import LLMCustomer
from .judge import LLMJudge
from .runtime import EXTENSION, LLMState, app_state, current_settings
from .settings import LLMSettings, settings_from

log = logging.getLogger(__name__)
KIND = "llm"
WORKER_TIMEOUT = 30  # gunicorn's default: a web request waiting longer on an LLM is killed


def register() -> None:
    """Make "llm" a customer engine and a scorer kind (the domain never imports this package)."""
    CUSTOMER_ENGINES[KIND] = LLMCustomer
    SCORERS[KIND] = LLMJudge


def configure(app: Flask) -> LLMSettings:
    """Read the LLM settings, register the LLM engines, and fall back to the scripted customer
    and the rule scorer (with a warning) when "llm" is asked for but no endpoint is set."""
    register()
    old = app.extensions.pop(EXTENSION, None)
    if old is not None:
        old.close()
    settings = settings_from(app.config)
    for key, default in (("TRAINER_CUSTOMER_ENGINE", DEFAULT_CUSTOMER_ENGINE),
                         ("TRAINER_SCORER", DEFAULT_SCORER)):
        if app.config.get(key) == KIND and not settings.configured:
            log.warning("%s=llm but neither OPENAI_API_KEY nor OPENAI_BASE_URL is set: using "
                        "'%s'", key, default)
            app.config[key] = default
    settings = replace(settings, customer_engine=app.config.get("TRAINER_CUSTOMER_ENGINE"),
                       scorer=app.config.get("TRAINER_SCORER"))
    if settings.configured and settings.deadline >= WORKER_TIMEOUT:
        log.warning("TRAINER_LLM_DEADLINE is %gs: a web request waiting that long on an LLM "
                    "outlasts gunicorn's default %ds worker timeout", settings.deadline,
                    WORKER_TIMEOUT)
    app.extensions[EXTENSION] = LLMState(settings)
    if settings.configured and KIND in (settings.customer_engine, settings.scorer):
        import openai  # noqa: F401  (used: loaded now, at start-up, not in a trainee's first turn)
    return settings


def llm_settings(config: Mapping[str, Any] | None = None) -> LLMSettings:
    """The settings in force: from ``config`` if given, else the current app's (as configured),
    else the environment. ``.configured`` tells whether an LLM is set up; ``.summary()`` and
    ``.describe()`` say so for people (the key is never included)."""
    return settings_from(config) if config is not None else current_settings()


def llm_changes() -> list[Change]:
    """What this process has learnt its LLM server refuses (json_schema mode, a max-tokens
    parameter) and sends instead, oldest first; empty before its first call."""
    state = app_state()
    return state.changes() if state is not None else []


def close(app: Flask) -> None:
    """Close the app's LLM connections (tests; a process that ends needs nothing)."""
    state = app.extensions.get(EXTENSION)
    if state is not None:
        state.close()


__all__ = ["KIND", "Change", "LLMCallFailed", "LLMClient", "LLMCustomer", "LLMJudge",
           "LLMRequest", "LLMResult", "LLMSettings", "OpenAIClient", "close", "configure",
           "llm_changes", "llm_settings", "register"]
