"""The scripted customer: deterministic lines from the scenario file, chosen by each reply."""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass

from ..analysis import ReplyAnalysis, analyse_reply
from ..library import MOODS, KeyPoint, RedFlag, Scenario
from ..transcript import CUSTOMER, TRAINEE, Turn, last_customer_line
from .reply import GAVE_UP, OPEN, RESOLVED, TURN_LIMIT, CustomerReply

# Mood is kept in half-steps of MOODS, so that empathy alone can move it "a little".
STEP = 2
WARY = MOODS.index("wary")  # the least a customer must feel before they accept a resolution
CALM = MOODS.index("calm")  # the best mood while open: "satisfied" only comes with resolution
LISTENED = 2  # the empathy level at which the customer feels heard (specific acknowledgement)

GENERIC_LINES = {
    "calmer": ("Right, thank you - that helps.", "OK, that's more like it."),
    "pressing": ("Fine, but I need more than that.", "I've heard that kind of thing before."),
    "angrier": ("That's not good enough.", "Are you even listening to me?"),
}
GENERIC_RESOLVED = "Thank you. That's sorted, then."
GENERIC_GAVE_UP = "Forget it. I'll take this further myself."
TURN_LIMIT_CALM = ("I'll leave it there for now. I'll wait to hear back from you - "
                   "please don't make me chase it.")
TURN_LIMIT_UPSET = ("We're going round in circles. I'll wait to hear back, and if I don't, "
                    "I'm escalating this.")
ASK_NEXT_STEP = "So what exactly happens next, and when?"
ASK_TO_BE_HEARD = "Does anyone there actually understand what this has put me through?"
ASK_ANYTHING = "So what happens now?"
ASK_FOR_ASSURANCE = "And how do I know it will actually happen this time?"
_IRREGULAR = {"is": "be", "has": "have", "does": "do", "goes": "go"}
# A second verb in a key point ("logs a complaint and gives a reference"), known by what follows.
_AND_VERB = re.compile(r"\band (\w+s) (?=(?:a|an|the|his|her|their|them|him|it)\b)")


@dataclass(frozen=True)
class Reading:
    """What the customer has made of the conversation so far, replayed from the transcript."""

    level: int  # mood in half-steps of MOODS; below 0 means they have had enough
    latest: ReplyAnalysis  # the trainee's newest reply
    turns: int  # trainee turns so far
    covered: frozenset[str]  # key point ids covered in any turn
    listened: bool  # some reply reached empathy LISTENED
    concrete: bool  # some reply gave a concrete next step

    @property
    def mood(self) -> str:
        return MOODS[max(0, min(self.level // STEP, CALM))]


class ScriptedCustomer:
    """Stateless: every reply is derived from the whole transcript, so a page reload or another
    web worker gives the same line."""

    name = "scripted-1"

    def opening(self, scenario: Scenario) -> CustomerReply:
        if scenario.opening:
            return CustomerReply(scenario.opening, _start_mood(scenario), OPEN, self.name)
        return CustomerReply(f"I need some help. {_goal_ask(scenario)}", _start_mood(scenario),
                             OPEN, self.name, note="scenario has no opening; generic line used")

    def respond(self, scenario: Scenario, transcript: Sequence[Turn]) -> CustomerReply:
        if not transcript or transcript[-1].role != TRAINEE:
            raise ValueError("respond() needs a transcript ending with the trainee's newest turn")
        reading = read_conversation(scenario, transcript)
        status = conversation_status(scenario, reading)
        if status == OPEN:
            previous = last_customer_line(transcript) or scenario.opening
            text, note = _open_line(scenario, reading, previous)
            return CustomerReply(text, reading.mood, OPEN, self.name, note)
        if status == RESOLVED:
            return CustomerReply(scenario.script.resolved or GENERIC_RESOLVED, MOODS[-1],
                                 RESOLVED, self.name)
        if status == GAVE_UP:
            return CustomerReply(scenario.script.gave_up or GENERIC_GAVE_UP, MOODS[0], GAVE_UP,
                                 self.name)
        line = TURN_LIMIT_CALM if reading.level // STEP >= WARY else TURN_LIMIT_UPSET
        return CustomerReply(line, reading.mood, TURN_LIMIT, self.name)


def read_conversation(scenario: Scenario, transcript: Sequence[Turn]) -> Reading:
    """Analyse every trainee turn (with the customer line it answered) and fold the mood."""
    level = STEP * MOODS.index(_start_mood(scenario))
    previous = scenario.opening
    found: list[ReplyAnalysis] = []
    for turn in transcript:
        if turn.role == CUSTOMER:
            previous = turn.text
        elif turn.role == TRAINEE:
            analysis = analyse_reply(turn.text, scenario, previous)
            level = next_level(level, analysis)
            found.append(analysis)
    if not found:
        raise ValueError("respond() needs at least one trainee turn")
    return Reading(level=level, latest=found[-1], turns=len(found),
                   covered=frozenset().union(*(a.key_points for a in found)),
                   listened=any(a.empathy >= LISTENED for a in found),
                   concrete=any(a.concrete_step for a in found))


def is_brush_off(analysis: ReplyAnalysis) -> bool:
    """Brushed off, blamed or deflected: dismissive, or no ownership taken at all."""
    return analysis.dismissive or analysis.ownership == 0


def next_level(level: int, analysis: ReplyAnalysis) -> int:
    """The mood after one reply, in half-steps: a red flag and a brush-off each cost a whole
    step; being heard and given something concrete earns one (up to calm), being heard alone
    half a step, but sympathy without substance never calms anyone past wary."""
    level = max(level, 0)  # an earlier fall below furious only ends things on the latest reply
    hurt = bool(analysis.red_flags) + is_brush_off(analysis)
    if hurt:
        return level - STEP * hurt
    if analysis.empathy < LISTENED:
        return level
    if analysis.concrete_step or analysis.key_points:
        return min(level + STEP, STEP * CALM + 1)
    return max(level, min(level + STEP // 2, STEP * WARY + 1))


def points_needed(scenario: Scenario) -> int:
    """Key points the customer must have heard: all of one or two, else two thirds."""
    total = len(scenario.key_points)
    return total if total <= 2 else math.ceil(2 * total / 3)


def conversation_status(scenario: Scenario, reading: Reading) -> str:
    if reading.level < 0:
        return GAVE_UP
    if has_heard_enough(scenario, reading):
        return RESOLVED
    if reading.turns >= scenario.script.max_turns:
        return TURN_LIMIT
    return OPEN


def has_heard_enough(scenario: Scenario, reading: Reading) -> bool:
    """Enough key points across the conversation, a concrete step, felt heard, at least wary,
    and the newest reply spoiled nothing."""
    latest = reading.latest
    if latest.red_flags or is_brush_off(latest):
        return False
    ids = {point.id for point in scenario.key_points}
    return (len(reading.covered & ids) >= points_needed(scenario) and reading.concrete
            and reading.listened and reading.level // STEP >= WARY)


def reaction(analysis: ReplyAnalysis) -> str:
    """Which kind of line answers this reply: objection, angrier, calmer or pressing."""
    if analysis.red_flags:
        return "objection"
    if is_brush_off(analysis):
        return "angrier"
    if analysis.empathy >= LISTENED and (analysis.concrete_step or analysis.key_points):
        return "calmer"
    return "pressing"


def _open_line(scenario: Scenario, reading: Reading, previous: str) -> tuple[str, str]:
    """The line while the complaint stays open (and a note when a generic line stood in).
    Always ends with something to answer; never the previous customer line again."""
    kind = reaction(reading.latest)
    bases, note = _bases(scenario, reading.latest, kind)
    if kind != "objection":  # rotate by turn so repeated replies meet different lines
        start = reading.turns % len(bases)
        bases = bases[start:] + bases[:start]
    asks = _asks(scenario, reading)
    always_ask = kind in ("calmer", "pressing")
    candidates = [_ending_with_ask(base, ask, always_ask) for base in bases for ask in asks]
    candidates += [f"{base} {ask}" for base in bases for ask in asks]
    return next(c for c in candidates if c != previous), note


def _ending_with_ask(base: str, ask: str, always: bool) -> str:
    return f"{base} {ask}" if always or not base.rstrip().endswith("?") else base


def _bases(scenario: Scenario, analysis: ReplyAnalysis, kind: str) -> tuple[list[str], str]:
    if kind == "objection":
        flags = [f for f in scenario.red_flags if f.id in analysis.red_flags]
        lines = [f.objection or _generic_objection(f) for f in flags]
        bare = [f.id for f in flags if not f.objection]
        note = f"red flag {', '.join(bare)} has no objection; generic line used" if bare else ""
        return lines or ["Hold on - that's not right."], note
    lines = list(getattr(scenario.script, kind))
    if lines:
        return lines, ""
    return list(GENERIC_LINES[kind]), f"scenario has no script.{kind} lines; generic line used"


def _asks(scenario: Scenario, reading: Reading) -> list[str]:
    """What the customer still wants, most important first: missing key points in scenario
    order, then a next step, then to be heard (or, heard but still upset, reassured), then
    their goal."""
    asks = [point.probe or _generic_probe(point) for point in scenario.key_points
            if point.id not in reading.covered]
    if not reading.concrete:
        asks.append(ASK_NEXT_STEP)
    if not reading.listened:
        asks.append(ASK_TO_BE_HEARD)
    elif reading.level // STEP < WARY:
        asks.append(ASK_FOR_ASSURANCE)
    asks += [_goal_ask(scenario), ASK_ANYTHING]
    return list(dict.fromkeys(asks))


def _goal_ask(scenario: Scenario) -> str:
    goal = scenario.customer.goal.strip().rstrip(".!")
    if not goal:
        return "What are you going to do about it?"
    return f"All I'm asking is this: {_lower_first(goal)}. What are you going to do about it?"


def _generic_probe(point: KeyPoint) -> str:
    """'Gives a refund reference' -> 'Can you give a refund reference?' (key points are written
    as what the trainee does; the customer asks for it)."""
    first, _, rest = point.text.strip().rstrip(".").partition(" ")
    rest = _AND_VERB.sub(lambda m: f"and {_base_form(m.group(1))} ", rest)
    return f"Can you {' '.join(filter(None, (_base_form(first), rest)))}?"


def _base_form(verb: str) -> str:
    """'gives' -> 'give', 'apologises' -> 'apologise', 'fixes' -> 'fix', 'applies' -> 'apply'."""
    word = verb.lower()
    if word in _IRREGULAR:
        return _IRREGULAR[word]
    if not word.isalpha() or not word.endswith("s") or word.endswith("ss") or len(word) < 4:
        return word
    if word.endswith("ies"):
        return word[:-3] + "y"
    if word.endswith(("sses", "shes", "ches", "xes", "zes")):
        return word[:-2]
    return word[:-1]


def _generic_objection(flag: RedFlag) -> str:
    return f"Hold on - that's not acceptable ({_lower_first(flag.text.rstrip('.'))})."


def _lower_first(text: str) -> str:
    first = text.split(" ", 1)[0]
    if first == "I" or first.startswith("I'") or first[1:2].isupper():  # "I", "I'm", "UK"
        return text
    return text[:1].lower() + text[1:]


def _start_mood(scenario: Scenario) -> str:
    mood = scenario.customer.mood
    return mood if mood in MOODS else "frustrated"
