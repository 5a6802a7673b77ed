"""A person's scored attempts as qualification records, and their eligibility for each level.

Records are built from plain columns (the attempt's few facts, its pass levels, its scores as
rows): never from an attempt's snapshots, which only the pages showing one attempt read. And only
the attempts that qualification can use are read (``_deciding_attempts``): their number is set by
the library's size, not by how often someone has played."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import UTC, datetime, timedelta
from functools import cache

from sqlalchemy import Select, and_, bindparam, case, exists, func, or_, select

from ..domain.modes import ASSESSED
from ..domain.qualification import AttemptRecord, Eligibility, Override, levels_for
from ..extensions import among, execute_plain, on_postgresql
from ..models import Attempt, Score, User
from ..models._types import utcnow
from ..models.attempt import SCORED
from .library import get_library

_ATTEMPT_COLUMNS = (Attempt.id, Attempt.user_id, Attempt.scenario_id, Attempt.category,
                    Attempt.difficulty, Attempt.finished_at, Attempt.passed, Attempt.pass_levels,
                    Attempt.mode, Attempt.copied_from, Attempt.reviewed_at)
# Wider than the 12 calendar months of qualification.WINDOW_MONTHS: the rule itself is exact.
PASS_WINDOW_BOUND = timedelta(days=370)
_SCORE_COLUMNS = (Score.attempt_id, Score.dimension, Score.level, Score.overridden_at,
                  Score.overridden_by_id, Score.original_level)


def _scored(array: bool):
    """What makes an attempt a record: scored and finished by ``now`` (abandoned ones never
    were). Bind parameters: ``user_ids`` (an array on PostgreSQL, with ``array``: see
    extensions.among), ``now`` (in UTC)."""
    return (among(Attempt.user_id, name="user_ids", array=array), Attempt.status == SCORED,
            Attempt.finished_at.is_not(None), Attempt.finished_at <= bindparam("now"))


def _deciding_attempts(passes_only: bool, array: bool):
    """The ids of the attempts that can change an eligibility or its reasons (domain/
    qualification.py), per person and scenario: the latest of each mode (why a scenario did not
    count), and the latest admissible pass at each difficulty with no overridden level, plus
    every admissible pass with one (a pass resting on the granter's own override does not count,
    so the one before it may). Every other attempt is an older repeat that decides nothing.
    ``passes_only``: only those passes, in the 12 months before ``now`` (bind parameter
    ``since``: whether someone is eligible, not why not)."""
    admissible_pass = and_(Attempt.passed.is_(True), Attempt.mode == ASSESSED,
                           or_(Attempt.copied_from.is_(None), Attempt.reviewed_at.is_not(None)))
    has_override = exists().where(Score.attempt_id == Attempt.id, Score.overridden_at.is_not(None))
    where = [*_scored(array)]
    if passes_only:
        where += [admissible_pass, Attempt.finished_at > bindparam("since")]
    flagged = select(  # the override check runs for passes only (CASE stops at the first match)
        Attempt.id, Attempt.user_id, Attempt.scenario_id, Attempt.mode, Attempt.difficulty,
        Attempt.finished_at, case((admissible_pass, 1), else_=0).label("admissible_pass"),
        case((and_(admissible_pass, has_override), 1), else_=0).label("overridden"),
    ).where(*where).subquery()
    f = flagged.c
    newest = (f.finished_at.desc(), f.id.desc())
    ranked = select(
        f.id, f.admissible_pass, f.overridden,
        func.row_number().over(partition_by=(f.user_id, f.scenario_id, f.mode),
                               order_by=newest).label("mode_rank"),
        func.row_number().over(partition_by=(f.user_id, f.scenario_id, f.difficulty,
                                             f.admissible_pass, f.overridden),
                               order_by=newest).label("pass_rank"),
    ).subquery()
    deciding_pass = and_(ranked.c.admissible_pass == 1,
                         or_(ranked.c.pass_rank == 1, ranked.c.overridden == 1))
    return select(ranked.c.id).where(deciding_pass if passes_only
                                     else or_(ranked.c.mode_rank == 1, deciding_pass))


@cache
def _records_statement(passes_only: bool, array: bool) -> Select:
    """The deciding attempts with their scores, one row per score (an attempt without scores
    once, its score columns null), by attempt. Built once per process: the dashboard runs it on
    every load, and building it cost more than running it."""
    return (select(*_ATTEMPT_COLUMNS, *_SCORE_COLUMNS)
            .outerjoin(Score, Score.attempt_id == Attempt.id)
            .where(Attempt.id.in_(_deciding_attempts(passes_only, array)))
            .order_by(Attempt.id, Score.id))


def records_of(user_ids: Iterable[int], now: datetime,
               passes_only: bool = False) -> dict[int, list[AttemptRecord]]:
    """Each user's scored attempts as qualification records, as of ``now``: those that decide
    an eligibility (practice ones too: the rules say why they do not count; abandoned attempts
    were never scored and are not records). One statement, whatever the number of people and
    attempts."""
    now = now.astimezone(UTC)
    params = {"user_ids": list(user_ids), "now": now, "since": now - PASS_WINDOW_BOUND}
    records: dict[int, list[AttemptRecord]] = defaultdict(list)
    record = None
    for row in execute_plain(_records_statement(passes_only, on_postgresql()), params):
        (attempt_id, user_id, scenario_id, category, difficulty, finished_at, passed,
         pass_levels, mode, copied_from, reviewed_at,
         _, dimension, level, overridden_at, by, original) = row
        if record is None or record.id != attempt_id:
            record = AttemptRecord(
                id=attempt_id, scenario_id=scenario_id, category=category,
                difficulty=difficulty, finished_at=finished_at, passed=bool(passed), levels={},
                pass_levels=pass_levels, mode=mode, overrides={}, copied_from=copied_from,
                reviewed=reviewed_at is not None)
            records[user_id].append(record)
        if dimension is not None:
            record.levels[dimension] = level
            if overridden_at is not None:
                record.overrides[dimension] = Override(by, original)
    return records


def eligibility_for(user: User, now: datetime | None = None,
                    granter_id: int | None = None) -> dict[str, list[Eligibility]]:
    """Per category (in library order), the user's eligibility for each level; with
    ``granter_id``, as that granter would see it (their own overrides are not evidence)."""
    now = now or utcnow()
    records = records_of([user.id], now)[user.id]
    return {cid: levels_for(records, category, now, granter_id)
            for cid, category in get_library().categories.items()}
