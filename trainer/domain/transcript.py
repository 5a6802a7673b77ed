"""A role-play transcript: the turns exchanged between the simulated customer and the trainee."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

CUSTOMER = "customer"
TRAINEE = "trainee"
ROLES = (CUSTOMER, TRAINEE)


@dataclass(frozen=True)
class Turn:
    role: str  # "customer" or "trainee"
    text: str


Transcript = Sequence[Turn]


def trainee_turns(transcript: Iterable[Turn]) -> list[str]:
    """The trainee's own words, turn by turn: the only text a scorer may quote."""
    return [turn.text for turn in transcript if turn.role == TRAINEE]


def last_customer_line(transcript: Sequence[Turn]) -> str:
    for turn in reversed(transcript):
        if turn.role == CUSTOMER:
            return turn.text
    return ""
