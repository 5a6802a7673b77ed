"""A person's scored attempts as qualification records, and their eligibility for each level."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from ..domain.qualification import AttemptRecord, Eligibility, Override, levels_for
from ..extensions import db
from ..models import Attempt, User
from ..models._types import utcnow
from ..models.attempt import SCORED
from .library import get_library


def record_of(attempt: Attempt) -> AttemptRecord:
    dims = attempt.rubric_snapshot.get("dimensions", [])
    return AttemptRecord(id=attempt.id, scenario_id=attempt.scenario_id,
                         category=attempt.category, difficulty=attempt.difficulty,
                         finished_at=attempt.finished_at, passed=bool(attempt.passed),
                         levels={s.dimension: s.level for s in attempt.scores},
                         pass_levels={d["name"]: d["pass_level"] for d in dims},
                         mode=attempt.mode,
                         overrides={s.dimension: Override(s.overridden_by_id, s.original_level)
                                    for s in attempt.scores if s.is_overridden},
                         copied_from=attempt.copied_from, reviewed=attempt.is_reviewed)


def records_of(user_ids: Iterable[int]) -> dict[int, list[AttemptRecord]]:
    """Each user's scored attempts as qualification records (practice ones too: the rules say
    why they do not count; abandoned attempts were never scored and are not records)."""
    ids = list(user_ids)
    records: dict[int, list[AttemptRecord]] = defaultdict(list)
    for attempt in db.session.scalars(
            select(Attempt).where(Attempt.user_id.in_(ids), Attempt.status == SCORED,
                                  Attempt.finished_at.is_not(None))
            .options(selectinload(Attempt.scores))):
        records[attempt.user_id].append(record_of(attempt))
    return records


def eligibility_for(user: User, now: datetime | None = None,
                    granter_id: int | None = None) -> dict[str, list[Eligibility]]:
    """Per category (in library order), the user's eligibility for each level; with
    ``granter_id``, as that granter would see it (their own overrides are not evidence)."""
    records = records_of([user.id])[user.id]
    return {cid: levels_for(records, category, now or utcnow(), granter_id)
            for cid, category in get_library().categories.items()}
