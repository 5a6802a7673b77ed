"""Scorecards and the registry of scorers; every scorer returns the same Scorecard."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol

from ..library import DIMENSIONS, Rubric, Scenario
from ..transcript import Transcript


@dataclass(frozen=True)
class DimensionScore:
    level: int | None  # 0..4, or None where the dimension cannot be judged
    evidence: tuple[str, ...] = ()  # verbatim quotes of the trainee's own words
    feedback: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {"level": self.level, "evidence": list(self.evidence), "feedback": self.feedback}


@dataclass(frozen=True)
class Scorecard:
    scorer: str  # e.g. "rules-2"
    dimensions: Mapping[str, DimensionScore]
    overall: float | None  # weighted mean of judged levels, 0..100
    passed: bool
    key_points_covered: tuple[str, ...] = ()
    key_points_missed: tuple[str, ...] = ()
    red_flags: tuple[str, ...] = ()
    notes: tuple[str, ...] = field(default=())  # e.g. "LLM judge failed: timeout; rule scorer used"
    usage: Mapping[str, Any] | None = None  # the LLM judge call behind it (kept by services)
    review_reason: str = ""  # non-empty: a manager should review this score (and why)

    def to_contract(self, item_id: str) -> dict[str, Any]:
        """The batch-scoring output line (DESIGN.md, contract), with the scorecard's notes and
        the reason a manager should review it, when there are any."""
        line: dict[str, Any] = {
            "id": item_id, "scorer": self.scorer,
            "dimensions": {name: self.dimensions[name].to_dict() for name in DIMENSIONS},
            "overall": self.overall, "passed": self.passed}
        if self.notes:
            line["notes"] = list(self.notes)
        if self.review_reason:
            line["review"] = self.review_reason
        return line


def summarise(rubric: Rubric,
              dimensions: Mapping[str, DimensionScore]) -> tuple[float | None, bool]:
    """Overall score and pass/fail: judged dimensions only, weighted; pass needs every judged
    dimension at or above its pass level. A dimension missing from ``dimensions`` is not judged;
    a measured one (response time) counts only beside at least one judged on the words, so that
    nobody passes on speed alone."""
    judged = [(d, dimensions[d.name].level) for d in rubric.dimensions
              if d.name in dimensions and dimensions[d.name].level is not None]
    total_weight = sum(d.weight for d, _ in judged)
    if total_weight == 0 or not any(d.name in DIMENSIONS for d, _ in judged):
        return None, False
    overall = sum(d.weight * level / 4 for d, level in judged) / total_weight * 100
    passed = all(level >= d.pass_level for d, level in judged)
    return round(overall, 1), passed


class Scorer(Protocol):
    name: str

    def score(self, transcript: Transcript, scenario: Scenario | None,
              rubric: Rubric) -> Scorecard: ...


def get_scorer(kind: str, **options: Any) -> Scorer:
    """Look a scorer up by its kind ("rules"; "llm" when the LLM module is configured)."""
    from .registry import SCORERS

    try:
        factory = SCORERS[kind]
    except KeyError:
        raise ValueError(f"unknown scorer '{kind}' (known: {', '.join(sorted(SCORERS))})") from None
    return factory(**options)
