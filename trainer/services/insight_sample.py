"""Library insight's sample (services/insight.py): the latest SAMPLE_PER_SCENARIO scored attempts
of each scenario shown, with what only their JSON columns hold (the key points missed, the red
flags said), their trainee turns counted and the first line of their accuracy evidence. Two
statements: the ids, then those attempts; a table page of 10 scenarios reads up to 2,000."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Text, cast, func, select, union_all

from ..extensions import among, db, execute_plain
from ..models import Attempt, Score, Turn

# The latest scored attempts per scenario whose key points, red flags, quotes and turns are read.
SAMPLE_PER_SCENARIO = 200
QUOTED_DIMENSION = "accuracy"  # key points and red flags are what accuracy judges
_NEWEST = (Attempt.finished_at.desc(), Attempt.id.desc())  # the sample's order


@dataclass(frozen=True)
class Sampled:
    """One sampled attempt: what its scorecard stored, as read in the sample statement."""

    scenario_id: str
    missed: list[str]
    red_flags: list[str]
    turns: int
    accuracy_level: int | None  # the scorer's own level, whatever a manager set since
    quote: str | None  # the first line of its accuracy evidence (the rest is never shown)


def sample(filters: tuple, scenario_ids: list[str], everyone: bool) -> list[Sampled]:
    """The latest SAMPLE_PER_SCENARIO scored attempts of each scenario (by when they finished),
    newest first, with their trainee turns counted and the first line of their accuracy
    evidence: two statements, the ids (_sampled_ids), then those attempts. Reading them in one
    statement let the planner join the whole company's attempts, scores and turns: over a
    second for an admin at 50,000 attempts on PostgreSQL."""
    ids = _sampled_ids(filters, scenario_ids, everyone)
    if not ids:
        return []
    turns = (select(func.count(Turn.id))
             .where(Turn.attempt_id == Attempt.id, Turn.role == "trainee").scalar_subquery())
    rows = execute_plain(
        select(Attempt.scenario_id, cast(Attempt.key_points_missed, Text),
               cast(Attempt.red_flags, Text), turns,
               _accuracy(Score.scorer_level), _accuracy(Score.evidence[0].as_string()))
        .where(among(Attempt.id, ids)).order_by(Attempt.scenario_id, *_NEWEST))
    lists = _Lists()
    return [Sampled(sid, lists[missed], lists[flags], int(n or 0), level, quote or None)
            for sid, missed, flags, n, level, quote in rows]


class _Lists(dict):
    """The id lists of the sample's JSON columns, read as text and decoded once per distinct
    text: a few hundred distinct lists among 2,000 attempts (decoding each row's two lists was
    about a third of the sample's time). The lists are shared: read them, never change them."""

    def __missing__(self, text: str | None) -> list[str]:
        found = self[text] = _strings(json.loads(text) if text else None)
        return found


def _accuracy(column):
    """``column`` of the sampled attempt's accuracy score, one index probe each: joined instead,
    PostgreSQL read every accuracy score of the company to hash them (60 of 105 ms)."""
    return (select(column).where(Score.attempt_id == Attempt.id,
                                 Score.dimension == QUOTED_DIMENSION).scalar_subquery())


def _sampled_ids(filters: tuple, scenario_ids: list[str], everyone: bool) -> list[int]:
    """The sample's attempt ids. Everyone's (an admin): each scenario's read apart, walking
    ix_attempt_scenario_finished_covering newest first and stopping at the sample. A team's:
    numbered per scenario among the team's own attempts (read person by person from their
    covering index), since walking a scenario's attempts for a team's would read everyone's."""
    if not scenario_ids:
        return []
    if everyone:
        latest = [select(Attempt.id).where(*filters, Attempt.scenario_id == sid)
                  .order_by(*_NEWEST).limit(SAMPLE_PER_SCENARIO).subquery()
                  for sid in scenario_ids]
        return list(db.session.scalars(union_all(*(select(each.c.id) for each in latest))))
    ranked = (select(Attempt.id, func.row_number().over(
        partition_by=Attempt.scenario_id, order_by=_NEWEST).label("rank"))
        .where(*filters).subquery())
    return list(db.session.scalars(select(ranked.c.id)
                                   .where(ranked.c.rank <= SAMPLE_PER_SCENARIO)))


def _strings(value: Any) -> list[str]:
    """A JSON list column as a list of strings (anything else, or a null, as nothing)."""
    return [str(v) for v in value if v] if isinstance(value, list) else []
