"""The scorer measured against managers: agreement of each scorer with the reviewed levels.

The database counts the (reviewer, scorer) level pairs in the window and ranks the widest gaps,
so the page reads a few rows per scorer and dimension, however many reviews there were."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import distinct, func, select

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
    reviewed = scoped(select(Attempt.id, Attempt.reviewed_at).where(
        Attempt.status == SCORED, Attempt.reviewed_at >= since, Attempt.reviewed_at <= now),
        viewer).subquery()
    pairs: dict[tuple[str, str], list[tuple[int, int]]] = defaultdict(list)
    unjudged: dict[tuple[str, str], int] = defaultdict(int)
    for scorer, dimension, label, scored, n in db.session.execute(
            select(Score.scorer, Score.dimension, Score.level, Score.scorer_level, func.count())
            .join(reviewed, reviewed.c.id == Score.attempt_id)
            .where(Score.dimension.in_(DIMENSIONS))  # a measured response time has no label
            .group_by(Score.scorer, Score.dimension, Score.level, Score.scorer_level)):
        if label is None or scored is None:
            unjudged[scorer, dimension] += n
        else:
            pairs[scorer, dimension].extend([(label, scored)] * n)
    attempts = db.session.scalar(select(func.count(distinct(Score.attempt_id)))
                                 .join(reviewed, reviewed.c.id == Score.attempt_id))
    widest = _widest(reviewed)
    names = sorted({scorer for scorer, _ in (*pairs, *unjudged)})
    return Calibration(since=since, until=now, attempts=attempts or 0, scorers=[
        ScorerCalibration(name, [_dimension(d, pairs[name, d], widest[name, d], unjudged[name, d])
                                 for d in _dimensions(name, pairs, unjudged)])
        for name in names])


def _widest(reviewed) -> dict[tuple[str, str], list[tuple[int, int, int]]]:
    """Per scorer and dimension, the SHOWN_DISAGREEMENTS (attempt, label, scored) furthest apart,
    newest review first among equal gaps: the database ranks them, so only those few are read."""
    gap = func.abs(Score.level - Score.scorer_level)
    ranked = (select(Score.scorer, Score.dimension, Score.attempt_id, Score.level,
                     Score.scorer_level.label("scored"),
                     func.row_number().over(
                         partition_by=(Score.scorer, Score.dimension),
                         order_by=(gap.desc(), reviewed.c.reviewed_at.desc(),
                                   reviewed.c.id.desc())).label("rank"))
              .join(reviewed, reviewed.c.id == Score.attempt_id)
              .where(Score.dimension.in_(DIMENSIONS), Score.level.is_not(None),
                     Score.scorer_level.is_not(None),
                     Score.level != Score.scorer_level).subquery())
    found: dict[tuple[str, str], list[tuple[int, int, int]]] = defaultdict(list)
    for scorer, dimension, attempt_id, label, scored in db.session.execute(
            select(ranked.c.scorer, ranked.c.dimension, ranked.c.attempt_id, ranked.c.level,
                   ranked.c.scored)
            .where(ranked.c.rank <= SHOWN_DISAGREEMENTS).order_by(ranked.c.rank)):
        found[scorer, dimension].append((attempt_id, label, scored))
    return found


def _dimensions(scorer: str, *found: dict) -> list[str]:
    """The dimensions judged on the words that ``scorer`` stored, in rubric order."""
    seen = {d for table in found for s, d in table if s == scorer}
    return [d for d in DIMENSIONS if d in seen]


def _dimension(name: str, pairs: list[tuple[int, int]], widest: list[tuple[int, int, int]],
               unjudged: int) -> DimensionAgreement:
    return DimensionAgreement(
        dimension=name, agreement=agreement(pairs),
        disagreements=biggest_disagreements(widest, SHOWN_DISAGREEMENTS), unjudged=unjudged)
