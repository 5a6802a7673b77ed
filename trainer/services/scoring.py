"""Scoring a finished attempt and storing its scorecard."""

from __future__ import annotations

import logging

from flask import current_app

from ..domain.library import Rubric, Scenario
from ..domain.scoring import Scorecard, get_scorer
from ..domain.transcript import Turn as Said
from ..extensions import db
from ..models import Attempt, Score
from ..models._types import utcnow
from ..models.attempt import SCORED

log = logging.getLogger(__name__)


def score_attempt(attempt: Attempt) -> Attempt:
    """Score with the configured scorer; any failure falls back to the rule scorer, and says so."""
    scenario = Scenario.from_dict(attempt.scenario_snapshot)
    rubric = Rubric.from_dict(attempt.rubric_snapshot)
    transcript = [Said(t.role, t.text) for t in attempt.turns]
    card = score_transcript(transcript, scenario, rubric, current_app.config["TRAINER_SCORER"])
    store_scorecard(attempt, card)
    return attempt


def score_transcript(transcript: list[Said], scenario: Scenario | None, rubric: Rubric,
                     kind: str = "rules") -> Scorecard:
    try:
        return get_scorer(kind).score(transcript, scenario, rubric)
    except Exception as exc:  # any scorer failure must still leave a score
        if kind == "rules":
            raise
        log.warning("scorer %s failed (%s); falling back to the rule scorer", kind, exc)
        card = get_scorer("rules").score(transcript, scenario, rubric)
        note = f"The {kind} scorer failed ({exc.__class__.__name__}); the rule scorer was used."
        return Scorecard(card.scorer, card.dimensions, card.overall, card.passed,
                         card.key_points_covered, card.key_points_missed, card.red_flags,
                         (*card.notes, note))


def store_scorecard(attempt: Attempt, card: Scorecard) -> None:
    for old in list(attempt.scores):
        attempt.scores.remove(old)
    db.session.flush()
    for name, dim in card.dimensions.items():
        attempt.scores.append(Score(dimension=name, level=dim.level, evidence=list(dim.evidence),
                                    feedback=dim.feedback, scorer=card.scorer))
    attempt.scorer = card.scorer
    attempt.overall = card.overall
    attempt.passed = card.passed
    attempt.key_points_covered = list(card.key_points_covered)
    attempt.key_points_missed = list(card.key_points_missed)
    attempt.red_flags = list(card.red_flags)
    attempt.score_notes = list(card.notes)
    attempt.status = SCORED
    attempt.scored_at = utcnow()
    db.session.commit()
