"""A person's scored attempts as qualification records, and their eligibility for each level.

Records are built from plain columns (the attempt's few facts, its pass levels, its scores as
rows): never from an attempt's snapshots, which only the pages showing one attempt read."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import select

from ..domain.qualification import AttemptRecord, Eligibility, Override, levels_for
from ..extensions import db
from ..models import Attempt, Score, User
from ..models._types import utcnow
from ..models.attempt import SCORED
from .library import get_library

_ATTEMPT_COLUMNS = (Attempt.id, Attempt.user_id, Attempt.scenario_id, Attempt.category,
                    Attempt.difficulty, Attempt.finished_at, Attempt.passed, Attempt.pass_levels,
                    Attempt.mode, Attempt.copied_from, Attempt.reviewed_at)
_SCORE_COLUMNS = (Score.attempt_id, Score.dimension, Score.level, Score.overridden_at,
                  Score.overridden_by_id, Score.original_level)


def _scored(user_ids: list[int]):
    """What makes an attempt a record: scored and finished (abandoned ones never were)."""
    return (Attempt.user_id.in_(user_ids), Attempt.status == SCORED,
            Attempt.finished_at.is_not(None))


def records_of(user_ids: Iterable[int]) -> dict[int, list[AttemptRecord]]:
    """Each user's scored attempts as qualification records (practice ones too: the rules say
    why they do not count; abandoned attempts were never scored and are not records). Two
    statements, whatever the number of people and attempts."""
    ids = list(user_ids)
    levels: dict[int, dict[str, int | None]] = defaultdict(dict)
    overrides: dict[int, dict[str, Override]] = defaultdict(dict)
    for attempt_id, dimension, level, overridden_at, by, original in db.session.execute(
            select(*_SCORE_COLUMNS).join(Attempt, Attempt.id == Score.attempt_id)
            .where(*_scored(ids)).order_by(Score.id)):
        levels[attempt_id][dimension] = level
        if overridden_at is not None:
            overrides[attempt_id][dimension] = Override(by, original)
    records: dict[int, list[AttemptRecord]] = defaultdict(list)
    for (attempt_id, user_id, scenario_id, category, difficulty, finished_at, passed,
         pass_levels, mode, copied_from, reviewed_at) in db.session.execute(
            select(*_ATTEMPT_COLUMNS).where(*_scored(ids)).order_by(Attempt.id)):
        records[user_id].append(AttemptRecord(
            id=attempt_id, scenario_id=scenario_id, category=category, difficulty=difficulty,
            finished_at=finished_at, passed=bool(passed), levels=levels.get(attempt_id, {}),
            pass_levels=pass_levels, mode=mode, overrides=overrides.get(attempt_id, {}),
            copied_from=copied_from, reviewed=reviewed_at is not None))
    return records


def eligibility_for(user: User, now: datetime | None = None,
                    granter_id: int | None = None) -> dict[str, list[Eligibility]]:
    """Per category (in library order), the user's eligibility for each level; with
    ``granter_id``, as that granter would see it (their own overrides are not evidence)."""
    records = records_of([user.id])[user.id]
    return {cid: levels_for(records, category, now or utcnow(), granter_id)
            for cid, category in get_library().categories.items()}
