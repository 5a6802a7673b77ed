"""A manager's score override: a new level and a comment, the pass recomputed, audited; it is
also a review of the whole card (the levels left as they are count as agreed)."""

from __future__ import annotations

from ..domain.errors import TrainerError
from ..domain.library import DIMENSIONS
from ..domain.scoring import DimensionScore, summarise
from ..extensions import db
from ..models import Attempt, Score, User
from ..models._types import utcnow
from ..models.attempt import SCORED
from . import audit
from .reviews import ReviewRefused, check_reviewer, mark_reviewed
from .tracks import after_attempt_scored


class OverrideError(TrainerError):
    """The override cannot be made as asked (unknown dimension, level out of range, no comment)."""


OverrideRefused = ReviewRefused  # the same rule as every review: see access.review_refusal


def override_score(manager: User, attempt: Attempt, dimension: str, level: int, comment: str,
                   ip: str | None = None) -> Score:
    """Set a dimension's level; the scorer's first level is kept as ``original_level``."""
    check_reviewer(manager, attempt)
    comment = (comment or "").strip()
    score = _check(attempt, dimension, level, comment)
    old_level, passed_before = score.level, attempt.passed
    if not score.is_overridden:
        score.original_level = score.level
    score.level, score.override_comment = level, comment
    score.overridden_by_id, score.overridden_at = manager.id, utcnow()
    mark_reviewed(attempt, manager, score.overridden_at)
    rubric = attempt.rubric
    levels = {s.dimension: s.level for s in attempt.scores}
    attempt.overall, attempt.passed = summarise(
        rubric, {d.name: DimensionScore(levels.get(d.name)) for d in rubric.dimensions})
    audit.record("score.overridden", manager, attempt.user.email, comment,
                 {"attempt": attempt.id, "scenario": attempt.scenario_id,
                  "dimension": dimension, "scorer": score.scorer,
                  "old_level": old_level, "new_level": level,
                  "original_level": score.original_level, "passed_before": passed_before,
                  "passed_after": attempt.passed}, ip)
    db.session.commit()
    if attempt.passed and (not passed_before or attempt.copied_from):
        after_attempt_scored(attempt)  # a new (or released) pass may complete the rotation
    return score


def _check(attempt: Attempt, dimension: str, level: int, comment: str) -> Score:
    if attempt.status != SCORED:
        raise OverrideError("Only a scored attempt can be overridden.")
    if dimension not in DIMENSIONS:
        raise OverrideError(f"unknown dimension '{dimension}' (one of {', '.join(DIMENSIONS)})")
    score = attempt.score_for(dimension)
    if score is None:
        raise OverrideError(f"this attempt has no {dimension} score to override")
    if isinstance(level, bool) or not isinstance(level, int) or not 0 <= level <= 4:
        raise OverrideError(f"the level must be a whole number from 0 to 4, got {level!r}")
    if not comment:
        raise OverrideError("Say why the score is changed: a comment is required.")
    if level == score.level:
        raise OverrideError(f"{dimension} is already at level {level}")
    return score
