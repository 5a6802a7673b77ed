"""Scorer kinds by name, looked up once (like CTFd's FLAG_CLASSES)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from .rules import RuleScorer

SCORERS: dict[str, Callable[..., Any]] = {"rules": RuleScorer}
