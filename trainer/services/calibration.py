"""The scorer measured against managers: agreement of each scorer with the reviewed levels.

Only the labelled scores in the window are loaded (a few columns each, no snapshots), so the
page costs what the last 90 days of reviews cost, not the company's whole history."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select

from ..domain.agreement import Agreement, Disagreement, agreement, biggest_disagreements
from ..domain.library import DIMENSIONS
from ..extensions import db
from ..models import Attempt, Score, User
from ..models._types import utcnow
from ..models.attempt import SCORED
from .reviews import scoped

WINDOW_DAYS = 90  # long enough for a team's reviews to add up, short enough to follow a change
SHOWN_DISAGREEMENTS = 3  # per dimension: the attempts behind the widest gaps, newest first


@dataclass(frozen=True)
class DimensionAgreement:
    dimension: str
    agreement: Agreement
    disagreements: list[Disagreement]  # item = attempt id
    unjudged: int  # reviewed scores where either side gave no level (not counted in n)


@dataclass(frozen=True)
class ScorerCalibration:
    scorer: str  # the name stored with the scores, e.g. the rule scorer's or the LLM judge's
    dimensions: list[DimensionAgreement]


@dataclass(frozen=True)
class Calibration:
    since: datetime
    until: datetime
    attempts: int  # reviewed attempts in the window
    scorers: list[ScorerCalibration]  # by name


def calibration_for(viewer: User, now: datetime | None = None,
                    days: int = WINDOW_DAYS) -> Calibration:
    """Per scorer and dimension, how the scorer's levels agree with the reviewers' final levels
    on the attempts reviewed in the last ``days`` days in ``viewer``'s scope."""
    now = now or utcnow()
    since = now - timedelta(days=days)
    query = scoped(
        select(Score.scorer, Score.dimension, Score.level, Score.scorer_level, Attempt.id)
        .join(Attempt, Attempt.id == Score.attempt_id)
        .where(Attempt.status == SCORED, Attempt.reviewed_at >= since,
               Attempt.reviewed_at <= now)
        .order_by(Attempt.reviewed_at.desc(), Attempt.id.desc()), viewer)
    items: dict[tuple[str, str], list[tuple[int, int, int]]] = defaultdict(list)
    unjudged: dict[tuple[str, str], int] = defaultdict(int)
    attempts: set[int] = set()
    for scorer, dimension, label, scored, attempt_id in db.session.execute(query):
        attempts.add(attempt_id)
        if label is None or scored is None:
            unjudged[scorer, dimension] += 1
        else:
            items[scorer, dimension].append((attempt_id, label, scored))
    names = sorted({scorer for scorer, _ in (*items, *unjudged)})
    return Calibration(since=since, until=now, attempts=len(attempts), scorers=[
        ScorerCalibration(name, [_dimension(d, items[name, d], unjudged[name, d])
                                 for d in _dimensions(name, items, unjudged)])
        for name in names])


def _dimensions(scorer: str, *found: dict) -> list[str]:
    """The rubric's dimensions first, in order, then any other a scorer stored."""
    seen = {d for table in found for s, d in table if s == scorer}
    return [d for d in DIMENSIONS if d in seen] + sorted(seen - set(DIMENSIONS))


def _dimension(name: str, items: list[tuple[int, int, int]], unjudged: int) -> DimensionAgreement:
    return DimensionAgreement(
        dimension=name, agreement=agreement((label, scored) for _, label, scored in items),
        disagreements=biggest_disagreements(items, SHOWN_DISAGREEMENTS), unjudged=unjudged)
