"""Qualification and clearance rules: who is eligible for which level, for how long, and when a
clearance counts ("current") or is about to stop ("expiring soon"). These two are the rules that
models/clearance.py turns into SQL beside the Python (Clearance.is_current, is_expiring_soon);
who may grant is domain/permissions.py."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any, TypeVar

from dateutil.relativedelta import relativedelta

from .library import AuthorityLevel, Category
from .modes import ASSESSED, is_admissible

WINDOW_MONTHS = 12  # a passed attempt counts towards qualification for this long, to the instant
CLEARANCE_MONTHS = 12  # the longest a clearance may run before it must be renewed or re-granted
EXPIRY_WARNING_DAYS = 30  # a current clearance ending within this many days is "expiring soon"

When = TypeVar("When", date, datetime)


@dataclass(frozen=True)
class Override:
    """A manager's change to one dimension's level: who made it, and the scorer's own level."""

    by: int | None  # the user id of whoever overrode it last
    original_level: int | None


@dataclass(frozen=True)
class AttemptRecord:
    """What qualification needs to know about one scored attempt."""

    id: int
    scenario_id: str
    category: str
    difficulty: int
    finished_at: datetime
    passed: bool
    levels: Mapping[str, int | None]  # dimension -> level, None where it was not judged
    pass_levels: Mapping[str, int]  # dimension -> the rubric's pass level
    mode: str  # practice or assessed (domain/modes.py): only assessed attempts are evidence
    overrides: Mapping[str, Override] = field(default_factory=dict)  # overridden dimensions
    copied_from: str | None = None  # flagged as a near-copy of this (domain/overlap.py)
    reviewed: bool = False  # a manager confirmed or overrode the card

    @property
    def is_admissible(self) -> bool:
        """Assessed, and not a near-copy still waiting for a manager's review."""
        return is_admissible(self.mode, self.copied_from, self.reviewed)

    @property
    def shortfalls(self) -> tuple[str, ...]:
        """The judged dimensions below their pass level, in rubric order."""
        return _shortfalls(self.levels, self.pass_levels)

    @property
    def is_clean_pass(self) -> bool:
        """Passed with every judged dimension at or above its pass level."""
        return self.passed and not self.shortfalls


def pass_levels_of(rubric_snapshot: Mapping[str, Any]) -> dict[str, int]:
    """Each dimension's pass level in a stored rubric (``Rubric.to_dict()``), in rubric order: all
    that qualification needs of it (models/attempt.py keeps a copy beside each snapshot)."""
    return {d["name"]: d["pass_level"] for d in rubric_snapshot.get("dimensions", [])}


def _shortfalls(levels: Mapping[str, int | None],
                pass_levels: Mapping[str, int]) -> tuple[str, ...]:
    # In the rubric's order (pass_levels'), never the order the scores were read in: that is
    # the database's choice. A dimension the rubric does not name has no pass level to miss.
    return tuple(name for name, needed in pass_levels.items()
                 if levels.get(name) is not None and levels[name] < needed)


def rests_on_override_by(record: AttemptRecord, person_id: int | None) -> bool:
    """Whether ``record``'s clean pass needs an override made by ``person_id``: with that
    person's overrides undone (the scorer's own levels back), it would not be a clean pass."""
    if person_id is None or not record.is_clean_pass:
        return False
    undone = {name: o.original_level for name, o in record.overrides.items()
              if o.by == person_id}
    if not undone:
        return False
    levels = {**record.levels, **undone}
    judged = any(level is not None for level in levels.values())
    return not judged or bool(_shortfalls(levels, record.pass_levels))


def is_evidence_for(record: AttemptRecord, granter_id: int | None) -> bool:
    """A clean pass of an admissible attempt (assessed, not a near-copy waiting for a review)
    counts as evidence for a grant unless it passes only by the granter's own override (anyone
    else's override counts: a second pair of eyes made it)."""
    return (record.is_clean_pass and record.is_admissible
            and not rests_on_override_by(record, granter_id))


@dataclass(frozen=True)
class Eligibility:
    category: str
    level: int
    eligible: bool
    reason: str  # spelled out for people: what counted, and what is still missing
    attempt_ids: tuple[int, ...]  # the qualifying attempts, one per scenario, newest first
    passed_count: int
    required: int
    # Scenarios passed only by the granter's own override (the newest such attempt each): not
    # counted; a grant that needs them is an exception with a written justification.
    overridden_by_granter: tuple[int, ...] = ()


def add_months(when: When, months: int) -> When:
    """The same time of day ``months`` calendar months later (31 Jan + 1 month -> 28/29 Feb)."""
    return when + relativedelta(months=months)


def counts_at(record: AttemptRecord, now: datetime) -> bool:
    """Whether ``record`` falls in the 12-month qualification window ending at ``now``."""
    return record.finished_at <= now < add_months(record.finished_at, WINDOW_MONTHS)


def eligibility(records: Iterable[AttemptRecord], category: Category, level: AuthorityLevel,
                now: datetime, granter_id: int | None = None, explain: bool = True) -> Eligibility:
    """Eligible when ``level.scenarios_required`` different scenarios of ``category`` were passed
    cleanly at ``level.min_difficulty`` or more within the 12 months before ``now``, in
    admissible attempts (assessed; a near-copy only once a manager reviewed it).

    ``granter_id``: who would grant; a pass that rests on their own override does not count.
    ``explain=False``: the reason of a level not reached gives the count only, not why each
    other scenario did not count (a list of who is ready needs no more)."""
    mine = sorted((r for r in records if r.category == category.id),
                  key=lambda r: r.finished_at, reverse=True)
    best: dict[str, AttemptRecord] = {}
    lifted: dict[str, AttemptRecord] = {}
    for record in mine:
        if not (record.is_clean_pass and record.is_admissible
                and record.difficulty >= level.min_difficulty and counts_at(record, now)):
            continue
        if rests_on_override_by(record, granter_id):
            lifted.setdefault(record.scenario_id, record)
        else:
            best.setdefault(record.scenario_id, record)
    lifted = {sid: r for sid, r in lifted.items() if sid not in best}
    passed = sorted(best)
    required = level.scenarios_required
    ids = tuple(r.id for r in sorted(best.values(), key=lambda r: r.finished_at, reverse=True))
    if len(passed) >= required:
        reason = f"Eligible: passed {_listed(passed)}"
    else:
        misses = _near_misses(mine, best, lifted, level, now) if explain else []
        reason = "; ".join([_progress(len(passed), level), *misses])
    return Eligibility(category=category.id, level=level.level, eligible=len(passed) >= required,
                       reason=reason, attempt_ids=ids, passed_count=len(passed),
                       required=required,
                       overridden_by_granter=tuple(r.id for r in sorted(
                           lifted.values(), key=lambda r: r.finished_at, reverse=True)))


def levels_for(records: Iterable[AttemptRecord], category: Category, now: datetime,
               granter_id: int | None = None, explain: bool = True) -> list[Eligibility]:
    """Eligibility for every level of ``category``, lowest first."""
    records = list(records)
    return [eligibility(records, category, level, now, granter_id, explain)
            for level in category.levels]


def highest_eligible(records: Iterable[AttemptRecord], category: Category, now: datetime,
                     above: int = 0, granter_id: int | None = None) -> Eligibility | None:
    """The highest level of ``category`` above level ``above`` that the records make someone
    eligible for (None when there is none): what ``levels_for`` would say, asking ``eligibility``
    only of the levels that could be met, highest first. A level needs that many different
    scenarios passed cleanly, so one needing more than were passed at all is not asked."""
    records = [r for r in records if r.category == category.id]
    passed = len({r.scenario_id for r in records if r.is_clean_pass})
    for level in reversed(category.levels):
        if level.level > above and level.scenarios_required <= passed:
            found = eligibility(records, category, level, now, granter_id, explain=False)
            if found.eligible:
                return found
    return None


def _progress(count: int, level: AuthorityLevel) -> str:
    noun = "scenario" if level.scenarios_required == 1 else "scenarios"
    text = f"{count} of {level.scenarios_required} {noun} passed"
    if level.min_difficulty > 1:
        text += f" at difficulty {level.min_difficulty} or more"
    return text


def _near_misses(records: list[AttemptRecord], counted: Mapping[str, AttemptRecord],
                 lifted: Mapping[str, AttemptRecord], level: AuthorityLevel,
                 now: datetime) -> list[str]:
    """Why each other scenario tried did not count, judged by its latest assessed attempt (its
    latest practice one when it was only practised)."""
    notes: dict[str, str] = {sid: f"{sid} passed only by the granter's own override"
                             for sid in lifted}
    for record in sorted(records, key=lambda r: r.mode != ASSESSED):  # stable: newest first
        if record.scenario_id in counted or record.scenario_id in notes \
                or record.finished_at > now:
            continue
        if record.difficulty < level.min_difficulty:
            notes[record.scenario_id] = (f"{record.scenario_id} is below difficulty "
                                         f"{level.min_difficulty}")
        elif not counts_at(record, now):
            notes[record.scenario_id] = f"{record.scenario_id} was last tried over 12 months ago"
        elif record.mode != ASSESSED:
            notes[record.scenario_id] = (f"{record.scenario_id} "
                                         f"{'passed' if record.passed else 'tried'} in practice "
                                         "only (practice never counts)")
        elif record.is_clean_pass and not record.is_admissible:
            notes[record.scenario_id] = (f"{record.scenario_id} passed, but held for a manager's "
                                         "review as a near-copy")
        elif record.shortfalls:
            notes[record.scenario_id] = (f"{_listed(list(record.shortfalls))} below pass level "
                                         f"in {record.scenario_id}")
        else:
            notes[record.scenario_id] = f"{record.scenario_id} not passed yet"
    return [notes[key] for key in sorted(notes)]


def _listed(items: list[str]) -> str:
    return items[0] if len(items) == 1 else f"{', '.join(items[:-1])} and {items[-1]}"


def default_expiry(granted_at: datetime) -> datetime:
    return add_months(granted_at, CLEARANCE_MONTHS)


def expiry_allowed(granted_at: datetime, expires_at: datetime) -> bool:
    """After the grant, and never later than 12 calendar months after it."""
    return granted_at < expires_at <= default_expiry(granted_at)


def is_current(granted_at: datetime, expires_at: datetime, revoked_at: datetime | None,
               now: datetime) -> bool:
    """A clearance counts from its grant (that instant included) until the instant it expires
    (excluded), unless revoked. Clearance.is_current is this, in Python and in SQL."""
    return revoked_at is None and granted_at <= now < expires_at


def warning_window(now: datetime, days: int = EXPIRY_WARNING_DAYS) -> tuple[datetime, datetime]:
    """The expiry instants that are "soon" at ``now``: after ``now`` (not yet expired), and no
    later than ``days`` days on: ``start < expires_at <= end``."""
    return now, now + timedelta(days=days)


def expiring_soon(expires_at: datetime, now: datetime, days: int = EXPIRY_WARNING_DAYS) -> bool:
    """Still running, but stops within ``days`` days (the holder and their manager are told)."""
    start, end = warning_window(now, days)
    return start < expires_at <= end
