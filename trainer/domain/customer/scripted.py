"""The scripted customer: deterministic lines from the scenario file, chosen by what each reply
did, never repeating a line while an unused one fits, and never reading out the answer key."""

from __future__ import annotations

from collections.abc import Sequence

from ..library import MOODS, Line, RedFlag, Scenario
from ..transcript import TRAINEE, Turn
from .acts import calming_reason
from .conversation import (
    WARY,
    Reading,
    conversation_status,
    read_conversation,
    start_mood,
)
from .lines import (
    ASK_ANYTHING,
    ASK_FOR_ASSURANCE,
    ASK_MISSING_POINT,
    ASK_NEXT_STEP,
    ASK_TO_BE_HEARD,
    CLOSING_AGAIN,
    GENERIC_CLOSING,
    GENERIC_GAVE_UP,
    GENERIC_LINES,
    GENERIC_OPENING,
    GENERIC_RESOLVED,
    TURN_LIMIT_CALM,
    TURN_LIMIT_UPSET,
)
from .reply import GAVE_UP, OPEN, RESOLVED, CustomerReply


class ScriptedCustomer:
    """Stateless: every reply is derived from the whole transcript, so a page reload or another
    web worker gives the same line."""

    name = "scripted-1"

    def opening(self, scenario: Scenario) -> CustomerReply:
        if scenario.opening:
            return CustomerReply(scenario.opening, start_mood(scenario), OPEN, self.name)
        return CustomerReply(GENERIC_OPENING, start_mood(scenario), OPEN, self.name,
                             note="scenario has no opening; generic line used")

    def respond(self, scenario: Scenario, transcript: Sequence[Turn]) -> CustomerReply:
        if not transcript or transcript[-1].role != TRAINEE:
            raise ValueError("respond() needs a transcript ending with the trainee's newest turn")
        reading = read_conversation(scenario, transcript)
        status = conversation_status(scenario, reading)
        if status == OPEN:
            text, note = open_line(scenario, reading)
            return CustomerReply(text, reading.mood, OPEN, self.name, note, reason=reading.reason)
        if status == RESOLVED:
            why = calming_reason(reading.acts, bool(reading.new_points))
            return CustomerReply(scenario.script.resolved or GENERIC_RESOLVED, MOODS[-1],
                                 RESOLVED, self.name, reason=f"satisfied: {why}")
        if status == GAVE_UP:
            why = reading.reason.partition(": ")[2]
            return CustomerReply(scenario.script.gave_up or GENERIC_GAVE_UP, MOODS[0], GAVE_UP,
                                 self.name, reason=f"gave up: {why}")
        line = TURN_LIMIT_CALM if reading.level >= WARY else TURN_LIMIT_UPSET
        return CustomerReply(line, reading.mood, status, self.name, reason=reading.reason)


def reaction(scenario: Scenario, reading: Reading) -> str:
    """Which kind of line answers the newest reply: objection (a red flag not yet objected to),
    then what the mood step says: angrier, calmer or pressing."""
    return "objection" if _objections(scenario, reading) else reading.kind


def open_line(scenario: Scenario, reading: Reading) -> tuple[str, str]:
    """The line while the complaint stays open, and a note when the scenario lacked a line.
    Calmer and pressing lines always end with something to answer; no whole line is said twice."""
    kind = reaction(scenario, reading)
    note = ""
    if kind == "objection":
        flags = _objections(scenario, reading)
        bases = [f.objection or GENERIC_LINES["objection"][0].say for f in flags]
        bare = [f.id for f in flags if not f.objection]
        if bare:
            note = f"red flag {', '.join(bare)} has no objection; generic line used"
    elif reading.ready and kind != "calmer":
        bases = []
    else:
        bases = fitting_lines(scenario, kind, reading)
    asks, ask_note = _asks(scenario, reading)
    note = "; ".join(filter(None, (note, ask_note)))
    always = reading.ready or kind in ("calmer", "pressing")
    combos = [_joined(base, ask, always) for base in bases or [""] for ask in asks]
    combos += [f"{base} {ask}".strip() for base in bases for ask in asks]
    return next((c for c in combos if c not in reading.said), combos[0]), note


def fitting_lines(scenario: Scenario, kind: str, reading: Reading) -> list[str]:
    """The lines of this kind whose ``when`` the newest reply meets: the most specific first,
    the scenario's before the stock ones, lines not yet said before those already said."""
    fitting = [line for line in (*getattr(scenario.script, kind), *GENERIC_LINES[kind])
               if _fits(line, reading)]
    ordered = sorted(fitting, key=lambda line: -len(line.when))  # stable: file order kept
    return _unused_first([line.say for line in ordered], reading.said)


def _fits(line: Line, reading: Reading) -> bool:
    return all(condition in reading.acts for condition in line.when)


def _objections(scenario: Scenario, reading: Reading) -> list[RedFlag]:
    """Red flags in the newest reply not said before: each objection is made once."""
    return [f for f in scenario.red_flags
            if f.id in reading.latest.red_flags - reading.flagged_before]


def _asks(scenario: Scenario, reading: Reading) -> tuple[list[str], str]:
    """What the customer asks for next. Ready: what would settle it. Otherwise, most important
    first: missing key points in scenario order, a next step, to be heard (or, heard but still
    upset, reassured), then anything at all; questions not yet asked before those already asked."""
    if reading.ready:
        # The scenario's closing sums up every key point; settling for less, the generic one.
        complete = all(k.id in reading.covered for k in scenario.key_points)
        closing = (scenario.script.closing if complete else "") or GENERIC_CLOSING
        return _unused_first([closing, *CLOSING_AGAIN], reading.said), ""
    missing = [k for k in scenario.key_points if k.id not in reading.covered]
    asks = [k.probe or ASK_MISSING_POINT[n % 2] for n, k in enumerate(missing)]
    bare = [k.id for k in missing if not k.probe]
    if not reading.concrete:
        asks.append(ASK_NEXT_STEP)
    if not reading.listened:
        asks.append(ASK_TO_BE_HEARD)
    elif reading.level < WARY:
        asks.append(ASK_FOR_ASSURANCE)
    asks += ASK_ANYTHING
    note = f"key point {', '.join(bare)} has no probe; generic line used" if bare else ""
    return _unused_first(list(dict.fromkeys(asks)), reading.said), note


def _unused_first(lines: list[str], said: Sequence[str]) -> list[str]:
    """Stable: lines never said keep their order ahead of lines already said."""
    return sorted(dict.fromkeys(lines), key=lambda line: any(line in s for s in said))


def _joined(base: str, ask: str, always: bool) -> str:
    if not base:
        return ask
    return f"{base} {ask}" if always or not base.rstrip().endswith("?") else base
