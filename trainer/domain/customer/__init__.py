"""Simulated customers: the shared interface and the registry of engines, looked up by kind."""

from __future__ import annotations

from typing import Any

from .reply import (
    GAVE_UP,
    OPEN,
    RESOLVED,
    STATUSES,
    TURN_LIMIT,
    CustomerEngine,
    CustomerReply,
)
from .scripted import ScriptedCustomer

# Kind -> engine class, like CTFd's FLAG_CLASSES; the LLM persona registers here as "llm".
CUSTOMER_ENGINES: dict[str, type] = {"scripted": ScriptedCustomer}


def get_customer_engine(kind: str, **options: Any) -> CustomerEngine:
    """Look a customer engine up by its kind ("scripted"; "llm" once that module is configured)."""
    try:
        factory = CUSTOMER_ENGINES[kind]
    except KeyError:
        known = ", ".join(sorted(CUSTOMER_ENGINES))
        raise ValueError(f"unknown customer engine '{kind}' (known: {known})") from None
    return factory(**options)


__all__ = ["CUSTOMER_ENGINES", "GAVE_UP", "OPEN", "RESOLVED", "STATUSES", "TURN_LIMIT",
           "CustomerEngine", "CustomerReply", "ScriptedCustomer", "get_customer_engine"]
