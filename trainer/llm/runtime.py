"""The client an engine gets when none is injected: the app's shared one, or the env's."""

from __future__ import annotations

import os
import threading
import time

from flask import current_app, g, has_app_context, has_request_context

from .calls import LLMClient
from .client import OpenAIClient
from .compat import Change
from .settings import LLMSettings, settings_from

EXTENSION = "trainer_llm"
_BUDGET = "trainer_llm_budget_ends"


class LLMState:
    """One app's settings and its client, built on first use in each process (a client made
    before gunicorn or RQ forks must not share its connections with the children)."""

    def __init__(self, settings: LLMSettings):
        self.settings = settings
        self._client: OpenAIClient | None = None
        self._pid = 0
        self._lock = threading.Lock()

    def client(self) -> OpenAIClient | None:
        if not self.settings.configured:
            return None
        with self._lock:
            if self._client is None or self._pid != os.getpid():
                self._client = OpenAIClient(self.settings, budget=self.request_budget)
                self._pid = os.getpid()
            return self._client

    def request_budget(self) -> float | None:
        """When a web request's time for LLM calls ends: one deadline for all the calls one
        request makes (the customer's reply and, without Redis, the judge after it), counted
        from the first, so that the page answers inside the server's worker timeout."""
        if not has_request_context():
            return None
        return g.setdefault(_BUDGET, time.monotonic() + self.settings.deadline)

    def changes(self) -> list[Change]:
        """What this process has learnt its server refuses (compat.py); none before a call."""
        with self._lock:
            client = self._client if self._pid == os.getpid() else None
        return list(client.compat.changes) if client else []

    def close(self) -> None:
        with self._lock:
            if self._client is not None and self._pid == os.getpid():
                self._client.close()
            self._client = None


def app_state() -> LLMState | None:
    return current_app.extensions.get(EXTENSION) if has_app_context() else None


def current_settings() -> LLMSettings:
    state = app_state()
    return state.settings if state else settings_from()


def default_client() -> LLMClient | None:
    """None when no LLM is configured: the engines then fall back, and say so."""
    state = app_state()
    if state is not None:
        return state.client()
    settings = settings_from()
    return OpenAIClient(settings) if settings.configured else None
