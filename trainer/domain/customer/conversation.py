"""The scripted customer's reading of a conversation, replayed from the transcript: the mood in
whole steps with the reason for each move, what has been covered, and whether the customer is
ready to settle (everything covered) or has settled (the trainee then closed the loop)."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import NamedTuple

from ..analysis import ReplyAnalysis, analyse_reply
from ..library import MOODS, Scenario
from ..transcript import CUSTOMER, TRAINEE, Turn
from .acts import (
    CALMING,
    acts_of,
    calming_reason,
    closes_the_loop,
    is_hurtful,
    steady_reason,
    upsetting_reason,
)
from .reply import GAVE_UP, OPEN, RESOLVED, TURN_LIMIT

WARY = MOODS.index("wary")  # the least a customer must feel before they settle
CALM = MOODS.index("calm")  # the best mood while open: "satisfied" only comes with resolution
_STEPPING = frozenset({"step", "done"})  # a concrete next step, which the customer needs to settle
# What moves things on, with or without a key point: a step, a time, a reference, a follow-up.
_PROGRESS = _STEPPING | {"time", "reference", "follow-up"}


@dataclass(frozen=True)
class Reading:
    """What the customer has made of the conversation so far."""

    level: int  # index into MOODS; below 0 means they have had enough
    latest: ReplyAnalysis  # the trainee's newest reply
    acts: frozenset[str]  # what the newest reply did (acts.py), with the key point ids it covered
    new_points: frozenset[str]  # key points the newest reply covered for the first time
    turns: int  # trainee turns so far
    covered: frozenset[str]  # key point ids covered in any turn
    listened: bool  # some reply made the customer feel heard
    concrete: bool  # some reply gave a concrete next step
    reason: str  # why the mood moved (or did not) on the newest reply: "calmer: you gave a time"
    kind: str  # which lines answer the newest reply: "calmer", "angrier" or "pressing"
    ready: bool  # everything covered: the customer says what would settle it
    was_ready: bool  # ...and had already said so, in answer to the reply before
    said: tuple[str, ...]  # the customer's lines so far, opening first
    flagged_before: frozenset[str]  # red flags said (and so objected to) in earlier replies

    @property
    def mood(self) -> str:
        return MOODS[max(0, min(self.level, CALM))]


def read_conversation(scenario: Scenario, transcript: Sequence[Turn]) -> Reading:
    """Analyse every trainee turn in order and fold the mood, the coverage and the readiness."""
    level = MOODS.index(start_mood(scenario))
    said: list[str] = [] if transcript and transcript[0].role == CUSTOMER else [scenario.opening]
    covered: frozenset[str] = frozenset()
    flagged: frozenset[str] = frozenset()
    listened = concrete = ready = False
    reading = None
    for turn in transcript:
        if turn.role == CUSTOMER:
            said.append(turn.text)
            continue
        if turn.role != TRAINEE:
            continue
        # Heard is judged against the opening alone: the customer's own later lines ("thank you
        # for saying sorry") would otherwise make a bare "sorry" sound specific.
        analysis = analyse_reply(turn.text, scenario)
        acts = acts_of(turn.text, analysis) | analysis.key_points
        new_points = analysis.key_points - covered
        step = next_level(level, acts, listened, bool(new_points))
        level = step.level
        covered |= analysis.key_points
        listened = listened or "heard" in acts
        concrete = concrete or bool(acts & _STEPPING)
        reading = Reading(level, analysis, acts, new_points, (reading.turns if reading else 0) + 1,
                          covered, listened, concrete, step.reason, step.kind, False, ready,
                          tuple(said), flagged)
        flagged |= analysis.red_flags
        ready = is_ready(scenario, reading)
        reading = replace(reading, ready=ready)
    if reading is None:
        raise ValueError("respond() needs at least one trainee turn")
    return reading


class Step(NamedTuple):
    level: int
    reason: str  # "calmer: you gave a time", "angrier: that blamed me", "no change: ..."
    kind: str  # which lines answer it: "calmer", "angrier" or "pressing"


def next_level(level: int, acts: frozenset[str], heard_before: bool, new_points: bool) -> Step:
    """The mood after one reply, in whole steps, and why. Anything hurtful costs a step. Being
    heard (now or before) and given something that moves it on (a step, a time, a reference, a
    follow-up or an answer) earns one, up to calm, and two the first time they feel heard; being
    heard with nothing more earns one, up to wary, since sympathy alone settles nothing."""
    level = max(level, 0)  # an earlier fall below furious only ends things on the latest reply
    if is_hurtful(acts):
        return Step(level - 1, f"angrier: {upsetting_reason(acts)}", "angrier")
    heard = "heard" in acts
    if (heard or heard_before) and (acts & _PROGRESS or new_points):
        moved = min(level + 1 + (heard and not heard_before), CALM)
        direction = "calmer" if moved > level else "no change"
        return Step(moved, f"{direction}: {calming_reason(acts, new_points)}", "calmer")
    if heard and not heard_before and level < WARY:
        return Step(level + 1, f"calmer: {CALMING['heard']}", "pressing")
    return Step(level, f"no change: {steady_reason(acts)}", "pressing")


def points_needed(scenario: Scenario) -> int:
    """Key points the customer must have heard: all of one or two, else two thirds."""
    total = len(scenario.key_points)
    return total if total <= 2 else math.ceil(2 * total / 3)


def is_ready(scenario: Scenario, reading: Reading) -> bool:
    """Ready to say what would settle it: every key point covered (or enough of them, the rest
    asked about once already), a concrete step given, heard, at least wary, and the newest reply
    spoiled nothing."""
    if is_hurtful(reading.acts) or reading.level < WARY:
        return False
    missing = [k for k in scenario.key_points if k.id not in reading.covered]
    asked = all(not k.probe or any(k.probe in line for line in reading.said) for k in missing)
    enough = not missing or (asked and len(scenario.key_points) - len(missing)
                             >= points_needed(scenario))
    return enough and reading.concrete and reading.listened


def conversation_status(scenario: Scenario, reading: Reading) -> str:
    """Gave up, settled (asked what would settle it, then heard the trainee close the loop),
    out of turns, or still open."""
    if reading.level < 0:
        return GAVE_UP
    if reading.was_ready and reading.ready and closes_the_loop(reading.acts):
        return RESOLVED
    if reading.turns >= scenario.script.max_turns:
        return TURN_LIMIT
    return OPEN


def start_mood(scenario: Scenario) -> str:
    mood = scenario.customer.mood
    return mood if mood in MOODS else "frustrated"
