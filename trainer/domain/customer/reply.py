"""What every simulated customer engine returns, and the interface they share."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from ..library import Scenario
from ..transcript import Turn

OPEN = "open"
RESOLVED = "resolved"
GAVE_UP = "gave_up"
TURN_LIMIT = "turn_limit"
STATUSES = (OPEN, RESOLVED, GAVE_UP, TURN_LIMIT)


@dataclass(frozen=True)
class CustomerReply:
    text: str
    mood: str  # one of library.MOODS
    status: str  # one of STATUSES; anything but "open" ends the role-play
    engine: str  # which engine produced it, e.g. "scripted-1"; stored with the turn
    note: str = ""  # e.g. why a fallback happened; empty normally
    usage: dict[str, Any] | None = None  # the LLM call behind this turn, if any (kept by services)
    reason: str = ""  # why the mood moved, for the trainee: "calmer: you gave a time"; may be empty


class CustomerEngine(Protocol):
    name: str

    def opening(self, scenario: Scenario) -> CustomerReply: ...

    def respond(self, scenario: Scenario, transcript: Sequence[Turn]) -> CustomerReply:
        """The customer's next line; ``transcript`` ends with the trainee's newest turn."""
        ...
