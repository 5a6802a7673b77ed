"""One person's standing at a glance: tracks, clearances and progress towards each level."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from ..domain.qualification import Eligibility
from ..domain.tracks import TrackStatus
from ..models import Clearance, User
from ..models._types import utcnow
from .clearance_lists import clearances_of
from .eligibility import eligibility_for
from .tracks import statuses_for


@dataclass(frozen=True)
class Overview:
    tracks: list[TrackStatus]
    current: list[Clearance]  # counting right now
    expiring: list[Clearance]  # current, but ending within 30 days
    past: list[Clearance]  # expired or revoked, newest first
    progress: dict[str, list[Eligibility]]  # category id -> each level's eligibility
    now: datetime


def person_overview(user: User, now: datetime | None = None,
                    granter_id: int | None = None) -> Overview:
    """``granter_id``: whose grant the progress is judged for (a manager looking at a report)."""
    now = now or utcnow()
    everything = clearances_of(user)
    current = [c for c in everything if c.is_current(now)]
    return Overview(
        tracks=statuses_for(user, now.date()),
        current=current,
        expiring=[c for c in current if c.is_expiring_soon(now)],
        past=sorted((c for c in everything if not c.is_current(now)),
                    key=lambda c: c.granted_at, reverse=True),
        progress=eligibility_for(user, now, granter_id),
        now=now)
