"""The scenario, rubric and category library as frozen dataclasses (see README: authoring guide)."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, fields
from functools import cached_property
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .tracks import Tracks
    from .variants import ScenarioTemplate

DIMENSIONS = ("empathy", "ownership", "accuracy")  # judged on the trainee's words, every rubric
# Measured, not judged: how quickly the trainee starts answering. A rubric opts in by naming it
# (domain/response_times.py scores it from the times the play page records).
RESPONSE_TIME = "response_time"
RESPONSE_TIME_MEASURES = ("median", "longest")  # which of the conversation's waits is scored
# The customer's mood, worst to best; a scenario starts at one of these and the role-play moves it.
MOODS = ("furious", "angry", "frustrated", "wary", "calm", "satisfied")
DEFAULT_MAX_TURNS = 6


@dataclass(frozen=True)
class KeyPoint:
    """What a right answer states or does (accuracy)."""

    id: str
    text: str
    hints: tuple[str, ...] = ()  # optional phrasings that count as covering it
    probe: str = ""  # what the scripted customer asks while this point is still missing


@dataclass(frozen=True)
class RedFlag:
    """What a wrong answer does (caps accuracy at 0)."""

    id: str
    text: str
    hints: tuple[str, ...] = ()  # optional phrasings that count as saying it
    objection: str = ""  # what the scripted customer says when the trainee says it


@dataclass(frozen=True)
class Customer:
    name: str = "the customer"
    persona: str = ""
    mood: str = "frustrated"
    goal: str = ""
    # The speech endpoint's voice for this customer (voice mode with TRAINER_TTS_MODEL set);
    # empty: TRAINER_TTS_VOICE.
    voice: str = ""


@dataclass(frozen=True)
class Line:
    """A scripted customer line and when it fits: every key point id or act in ``when`` must be
    in the trainee's reply (see trainer/domain/customer/acts.py); no ``when`` fits any reply."""

    say: str
    when: tuple[str, ...] = ()

    @classmethod
    def of(cls, item: str | dict[str, Any]) -> Line:
        """From a snapshot: a plain string (older attempts) or a mapping."""
        if isinstance(item, str):
            return cls(item)
        return cls(item["say"], tuple(item.get("when", ())))


@dataclass(frozen=True)
class Script:
    """The scripted customer's lines beyond the opening, chosen by what the trainee's reply did."""

    max_turns: int = DEFAULT_MAX_TURNS
    calmer: tuple[Line, ...] = ()  # heard, and given a concrete next step or an answer
    pressing: tuple[Line, ...] = ()  # partly heard, still waiting for something concrete
    angrier: tuple[Line, ...] = ()  # brushed off, blamed, sent elsewhere or ignored
    closing: str = ""  # what would settle it, asked once everything is covered
    resolved: str = ""  # closing line when satisfied
    gave_up: str = ""  # closing line when they have had enough

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Script:
        kinds = ("calmer", "pressing", "angrier")
        return cls(**{k: v for k, v in data.items() if k not in kinds},
                   **{k: tuple(Line.of(i) for i in data.get(k, ())) for k in kinds})


@dataclass(frozen=True)
class Scenario:
    id: str
    title: str = ""
    category: str = ""
    department: str = ""
    difficulty: int = 1
    rubric: str = "core"
    customer: Customer = field(default_factory=Customer)
    opening: str = ""
    facts: tuple[str, ...] = ()
    policy: tuple[str, ...] = ()
    key_points: tuple[KeyPoint, ...] = ()
    red_flags: tuple[RedFlag, ...] = ()
    script: Script = field(default_factory=Script)
    model_answer: str = ""
    follows: str = ""  # a follow-up contact: the id of the scenario it follows (variants.py)
    history: tuple[str, ...] = ()  # a follow-up's case-file history: the first contact's promises
    # The variant played, {"seed", "values"}; not part of equality (the rendered text is).
    variant: dict[str, Any] | None = field(default=None, compare=False, hash=False)

    def to_dict(self) -> dict[str, Any]:
        """A plain copy, stored with each attempt so later edits never change a past result."""
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Scenario:
        return cls(
            **{k: v for k, v in data.items() if k in _SCENARIO_FIELDS and k not in {
                "customer", "facts", "policy", "key_points", "red_flags", "script", "history"}},
            history=tuple(data.get("history", ())),
            customer=Customer(**data.get("customer", {})),
            facts=tuple(data.get("facts", ())),
            policy=tuple(data.get("policy", ())),
            key_points=tuple(KeyPoint(**_tupled(k, "hints")) for k in data.get("key_points", ())),
            red_flags=tuple(RedFlag(**_tupled(r, "hints")) for r in data.get("red_flags", ())),
            script=Script.from_dict(data.get("script", {})),
        )

    @property
    def has_case_file(self) -> bool:
        """Whether accuracy can be judged: there is something a right answer must contain."""
        return bool(self.key_points or self.red_flags)


@dataclass(frozen=True)
class RubricDimension:
    name: str
    weight: float
    pass_level: int
    description: str
    levels: tuple[str, ...]  # behavioural description of levels 0..4
    # response_time only: the longest wait, in seconds, for levels 1..4 (each no longer than the
    # one before), and which wait is held to it (RESPONSE_TIME_MEASURES).
    seconds: tuple[float, ...] = ()
    measure: str = ""

    @property
    def title(self) -> str:
        return self.name.replace("_", " ").capitalize()


@dataclass(frozen=True)
class Rubric:
    id: str
    title: str
    dimensions: tuple[RubricDimension, ...]

    def dimension(self, name: str) -> RubricDimension:
        return next(d for d in self.dimensions if d.name == name)

    @property
    def response_time(self) -> RubricDimension | None:
        """The response-time dimension, when this rubric opts in to scoring it."""
        return next((d for d in self.dimensions if d.name == RESPONSE_TIME), None)

    @property
    def judged_on_words(self) -> tuple[RubricDimension, ...]:
        """The dimensions a scorer reads from what was said (all but the measured one)."""
        return tuple(d for d in self.dimensions if d.name in DIMENSIONS)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Rubric:
        dims = tuple(RubricDimension(**{**d, "levels": tuple(d["levels"]),
                                        "seconds": tuple(d.get("seconds", ()))})
                     for d in data["dimensions"])
        return cls(id=data["id"], title=data["title"], dimensions=dims)


@dataclass(frozen=True)
class AuthorityLevel:
    """One rung of resolution authority in a category, and what qualifies someone for it."""

    level: int
    title: str
    max_limit: float  # the most a holder may grant or refund at this level
    scenarios_required: int  # distinct scenarios of the category passed...
    min_difficulty: int  # ...at this difficulty or more, within the last 12 months


@dataclass(frozen=True)
class Category:
    id: str
    title: str
    description: str
    levels: tuple[AuthorityLevel, ...]

    def level(self, number: int) -> AuthorityLevel | None:
        return self._by_number.get(number)

    @cached_property
    def _by_number(self) -> dict[int, AuthorityLevel]:
        return {lv.level: lv for lv in self.levels}


@dataclass(frozen=True)
class Library:
    scenarios: dict[str, Scenario]
    rubrics: dict[str, Rubric]
    categories: dict[str, Category]
    tracks: Tracks | None = None  # onboarding and rotation (scenarios/tracks.yaml), if any
    # Each scenario as written, placeholders unfilled, to render other variants (variants.py).
    templates: dict[str, ScenarioTemplate] = field(default_factory=dict)


_SCENARIO_FIELDS = frozenset(f.name for f in fields(Scenario))  # a snapshot's other keys: ignored


def _tupled(data: dict[str, Any], *keys: str) -> dict[str, Any]:
    return {k: (tuple(v) if k in keys else v) for k, v in data.items()}
