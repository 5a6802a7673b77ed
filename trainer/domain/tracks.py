"""Training tracks (onboarding and the annual rotation): scenarios/tracks.yaml and who is due when.

The file has two optional sections::

    onboarding:
      due_days: 30                 # due this many days after the person's start date
      departments:                 # department name -> the scenarios its new hires must pass
        billing: [billing-price-rise-notice, billing-double-charge]
        default: [billing-price-rise-notice, tech-app-locked-out]   # everyone else
      assessed: true               # only assessed passes count (default false: any pass)
    rotation:
      every_months: 12             # due this long after the last completion (or the start date)
      due_soon_days: 30            # shown as due this many days before (default 30)
      scenarios: [billing-double-charge, delivery-damaged-sofa, tech-app-locked-out]
      renews: [billing-dispute, delivery-problem]   # categories whose clearances it renews
      assessed: true               # only assessed passes count (default false: any pass)

Onboarding is done once every scenario of the person's department (or of ``default``) has been
passed; a department with no list and no ``default`` has no onboarding. The rotation is the same
for every department; it is completed when every one of its scenarios has been passed since the
previous completion, all within ``every_months`` of each other, and is then due again
``every_months`` after that completion, when the current clearances in the ``renews``
categories are extended too. Due dates are inclusive: overdue starts the day after. A track
with ``assessed: true`` counts only admissible passes (assessed, and not a near-copy waiting for a
manager's review: see modes.py); without it, practice passes count as well.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

from dateutil.relativedelta import relativedelta

from .errors import Problem
from .fields import FieldReader, open_file

TRACKS_FILE = "tracks.yaml"
DEFAULT_DEPARTMENT = "default"
DONE, DUE, OVERDUE = "done", "due", "overdue"


@dataclass(frozen=True)
class Onboarding:
    due_days: int
    departments: Mapping[str, tuple[str, ...]]
    assessed: bool = False  # only admissible (assessed) passes count

    def scenarios_for(self, department: str | None) -> tuple[str, ...]:
        return self.departments.get(department or "", self.departments.get(DEFAULT_DEPARTMENT, ()))


@dataclass(frozen=True)
class Rotation:
    every_months: int
    scenarios: tuple[str, ...]
    renews: tuple[str, ...] = ()
    due_soon_days: int = 30
    assessed: bool = False  # only admissible (assessed) passes count


@dataclass(frozen=True)
class Tracks:
    onboarding: Onboarding | None = None
    rotation: Rotation | None = None


@dataclass(frozen=True)
class Pass:
    """A passed attempt as the tracks see it: which scenario, on which (UTC) day."""

    scenario_id: str
    on: date
    attempt_id: int | None = None
    admissible: bool = False  # assessed and not held for review (modes.is_admissible)


def _counted(passes: Iterable[Pass], assessed_only: bool) -> list[Pass]:
    return [p for p in passes if p.admissible or not assessed_only]


@dataclass(frozen=True)
class TrackStatus:
    track: str  # "onboarding" or "rotation"
    state: str  # "done", "due" or "overdue"
    due_date: date | None  # None: no start date on record, so no date to hold them to
    completed_at: date | None  # the (last) completion
    missing: tuple[str, ...] = field(default=())  # scenario ids still to pass, in track order


def onboarding_status(onboarding: Onboarding, start_date: date | None, department: str | None,
                      passes: Iterable[Pass], today: date) -> TrackStatus | None:
    """Done once every scenario of the department's set is passed; None when there is no set."""
    wanted = onboarding.scenarios_for(department)
    if not wanted:
        return None
    first: dict[str, date] = {}
    for p in _counted(passes, onboarding.assessed):
        if p.scenario_id in wanted and (p.scenario_id not in first or p.on < first[p.scenario_id]):
            first[p.scenario_id] = p.on
    missing = tuple(s for s in wanted if s not in first)
    due = start_date + timedelta(days=onboarding.due_days) if start_date else None
    if not missing:
        return TrackStatus("onboarding", DONE, due, max(first.values()))
    return TrackStatus("onboarding", _open_state(due, today), due, None, missing)


def rotation_completions(rotation: Rotation, passes: Iterable[Pass]) -> list[Pass]:
    """The passes that completed a cycle, oldest first (passes on one day keep their order)."""
    return _cycles(rotation, passes)[0]


def _cycles(rotation: Rotation, passes: Iterable[Pass]) -> tuple[list[Pass], dict[str, date]]:
    """The completing passes, and the latest pass of each scenario since the last completion."""
    completions: list[Pass] = []
    latest: dict[str, date] = {}
    for p in sorted(_counted(passes, rotation.assessed), key=lambda p: p.on):
        if p.scenario_id not in rotation.scenarios:
            continue
        latest[p.scenario_id] = p.on
        window_start = p.on - relativedelta(months=rotation.every_months)
        if all(latest.get(s, date.min) > window_start for s in rotation.scenarios):
            completions.append(p)
            latest = {}
    return completions, latest


def rotation_status(rotation: Rotation, start_date: date | None, passes: Iterable[Pass],
                    today: date) -> TrackStatus:
    """Done after a completion until ``due_soon_days`` before the next due date, then due, then
    overdue the day after it; a person who never completed it is due from the start date."""
    completions, latest = _cycles(rotation, [p for p in passes if p.on <= today])
    last = completions[-1].on if completions else None
    anchor = last or start_date
    due = anchor + relativedelta(months=rotation.every_months) if anchor else None
    if last and due and today < due - timedelta(days=rotation.due_soon_days):
        return TrackStatus("rotation", DONE, due, last)
    window_start = today - relativedelta(months=rotation.every_months)
    missing = tuple(s for s in rotation.scenarios if latest.get(s, date.min) <= window_start)
    return TrackStatus("rotation", _open_state(due, today), due, last, missing)


def _open_state(due: date | None, today: date) -> str:
    return OVERDUE if due is not None and today > due else DUE


def read_tracks(r: FieldReader, library_scenario_ids: Iterable[str],
                category_ids: Iterable[str]) -> Tracks:
    """Read tracks.yaml; unknown scenarios and categories are problems at their line."""
    scenario_ids, categories = set(library_scenario_ids), set(category_ids)
    if not r.mapping(()):
        return Tracks()
    r.unknown_keys((), {"onboarding", "rotation"})
    onboarding = rotation = None
    if r.has(("onboarding",)) and r.mapping(("onboarding",)):
        r.unknown_keys(("onboarding",), {"due_days", "departments", "assessed"})
        departments = r.mapping(("onboarding", "departments"))
        onboarding = Onboarding(
            due_days=r.integer(("onboarding", "due_days"), 1, 365),
            departments={str(name): _ids(r, ("onboarding", "departments", name), scenario_ids,
                                         "scenario") for name in departments},
            assessed=_flag(r, ("onboarding", "assessed")))
    if r.has(("rotation",)) and r.mapping(("rotation",)):
        at = ("rotation",)
        r.unknown_keys(at, {"every_months", "due_soon_days", "scenarios", "renews", "assessed"})
        rotation = Rotation(every_months=r.integer((*at, "every_months"), 1, 36),
                            scenarios=_ids(r, (*at, "scenarios"), scenario_ids, "scenario"),
                            renews=_ids(r, (*at, "renews"), categories, "category", False),
                            due_soon_days=r.integer((*at, "due_soon_days"), 0, 365, 30),
                            assessed=_flag(r, (*at, "assessed")))
    return Tracks(onboarding, rotation)


def _flag(r: FieldReader, path: tuple) -> bool:
    """An optional true/false field (false when absent)."""
    if not r.has(path):
        return False
    value = r.raw(path)
    if not isinstance(value, bool):
        r.problem(path, f"field '{r.name(path)}' must be true or false, got {value!r}")
        return False
    return value


def _ids(r: FieldReader, path: tuple, known: set[str], noun: str,
         required: bool = True) -> tuple[str, ...]:
    """A list of known ids; each unknown or repeated one is a problem at its own line."""
    ids: list[str] = []
    for i in range(len(r.items(path, required, 1 if required else 0))):
        ident = r.ident((*path, i))
        if not ident:
            continue
        if ident in ids:
            r.problem((*path, i), f"field '{r.name((*path, i))}': '{ident}' is listed twice")
        elif ident not in known:
            close = difflib.get_close_matches(ident, sorted(known), n=1)
            hint = f"did you mean '{close[0]}'?" if close else f"no such {noun} in the library"
            r.problem((*path, i), f"field '{r.name((*path, i))}': unknown {noun} '{ident}' "
                                  f"({hint})")
        else:
            ids.append(ident)
    return tuple(ids)


def check_tracks(path: Path, library_scenario_ids: Iterable[str],
                 category_ids: Iterable[str]) -> tuple[Tracks, list[Problem]]:
    """Read the tracks file at ``path``: no file means no tracks."""
    if not path.is_file():
        return Tracks(), []
    reader = open_file(path)
    if isinstance(reader, Problem):
        return Tracks(), [reader]
    tracks = read_tracks(reader, library_scenario_ids, category_ids)
    return tracks, reader.problems
