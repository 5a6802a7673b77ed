"""Library insight per complaint category: how many of the people a viewer looks after hold each
authority level right now, and how many are ready for one (eligible above what they hold, not
yet granted); worst coverage first.

Holders are one SQL aggregate; readiness is clearance_lists.ready_counts, which applies
ready_team's rule (a constant number of statements: the people's ids, their records, their
clearances)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select

from ..extensions import db
from ..models import Clearance, User
from ..models._types import utcnow
from .clearance_lists import ready_counts
from .library import get_library
from .team import people_ids


@dataclass(frozen=True)
class LevelInsight:
    level: int
    title: str
    max_limit: float
    holders: int  # active people holding a current clearance at exactly this level
    ready: int  # people whose highest earned level above what they hold is this one


@dataclass(frozen=True)
class CategoryInsight:
    category_id: str
    title: str
    levels: tuple[LevelInsight, ...]

    @property
    def holders(self) -> int:
        return sum(lv.holders for lv in self.levels)

    @property
    def ready(self) -> int:
        return sum(lv.ready for lv in self.levels)


def category_insights(viewer: User, now: datetime | None = None) -> list[CategoryInsight]:
    """Every category of the library with its levels' holders and ready people in ``viewer``'s
    scope, worst coverage first (see worst_covered_first)."""
    now = now or utcnow()
    held = _holders(viewer, now)
    ready = ready_counts(viewer, now)
    found = [CategoryInsight(cid, category.title, tuple(
        LevelInsight(lv.level, lv.title, lv.max_limit, held.get((cid, lv.level), 0),
                     ready.get((cid, lv.level), 0))
        for lv in category.levels))
        for cid, category in get_library().categories.items()]
    return sorted(found, key=worst_covered_first)


def worst_covered_first(insight: CategoryInsight) -> tuple:
    """The order of the page: the fewest people holding any level first (a complaint nobody may
    resolve is the worst gap), then the most people ready and waiting for a grant, then title."""
    return (insight.holders, -insight.ready, insight.title)


def _holders(viewer: User, now: datetime) -> dict[tuple[str, int], int]:
    """Per category and level, the active people in scope holding a current clearance."""
    rows = db.session.execute(
        select(Clearance.category, Clearance.level, func.count(Clearance.user_id.distinct()))
        .where(Clearance.is_current(now),
               Clearance.user_id.in_(people_ids(viewer, active_only=True)))
        .group_by(Clearance.category, Clearance.level))
    return {(category, level): n for category, level, n in rows}


CATEGORY_COLUMNS = ("category", "category_title", "level", "level_title", "max_limit", "holders",
                    "ready")


def category_rows(insights: list[CategoryInsight]) -> list[dict]:
    """The category table as CSV rows (CATEGORY_COLUMNS), one per level, in the page's order."""
    return [{"category": c.category_id, "category_title": c.title, "level": lv.level,
             "level_title": lv.title, "max_limit": lv.max_limit, "holders": lv.holders,
             "ready": lv.ready}
            for c in insights for lv in c.levels]
