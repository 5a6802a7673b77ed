"""The scenario a new attempt plays: one variant drawn at random (not the person's last ones), and
for a follow-up the history of the same person's own first contact (domain/followup.py)."""

from __future__ import annotations

import random
from typing import Any

from flask import current_app
from sqlalchemy import select

from ..domain.followup import History, codes_in, extract_history
from ..domain.library import Scenario
from ..domain.variants import draw_seed, render_variant, variant_count
from ..extensions import db
from ..models import Attempt, User
from ..models.attempt import IN_PROGRESS
from .library import get_library, get_scenario

RECENT_VARIANTS_AVOIDED = 3  # a retry does not replay the variants of the person's last attempts
_rng = random.SystemRandom()


def scenario_for_attempt(user: User, scenario_id: str) -> Scenario:
    """The rendered scenario for ``user``'s new attempt; its ``variant`` (seed and values) and,
    for a follow-up, its ``history`` lines go into the attempt's snapshot with it."""
    scenario = get_scenario(scenario_id)  # an unknown id raises here
    template = get_library().templates.get(scenario_id)
    if template is None or not (template.variables or template.scenario.follows):
        return scenario  # one variant only: the library's own
    seed = 0 if current_app.config.get("TRAINER_VARIANTS") == "default" else \
        draw_seed(variant_count(template.variables), _rng, _recent_seeds(user, scenario_id))
    follows = template.scenario.follows
    if not follows:
        return render_variant(template, seed)
    first = first_contact(user, follows)
    earlier, source = _history(first, follows)
    inherited = None
    if first is not None:
        played = (first.scenario_snapshot or {}).get("variant")
        inherited = (played or {}).get("values") or None
        seed = seed if played else 0  # played before variants: the default has its figures
    return render_variant(template, seed, inherited, earlier, source)


def first_contact(user: User, scenario_id: str) -> Attempt | None:
    """The person's most recent finished attempt at ``scenario_id`` (practice or assessed)."""
    return db.session.scalar(select(Attempt).where(
        Attempt.user_id == user.id, Attempt.scenario_id == scenario_id,
        Attempt.status != IN_PROGRESS).order_by(Attempt.id.desc()).limit(1))


def _history(first: Attempt | None, follows: str) -> tuple[History | None, str]:
    library = get_library()
    title = library.scenarios[follows].title if follows in library.scenarios else follows
    if first is None:
        return None, (f"You have not handled \u201c{title}\u201d yourself, so these are a "
                      "colleague's notes from the first contact:")
    snapshot: dict[str, Any] = first.scenario_snapshot or {}
    case_file = [snapshot.get("opening", ""), *snapshot.get("facts", ()),
                 *snapshot.get("policy", ())]
    said = [t.text for t in first.turns if t.role == "trainee"]
    when = first.finished_at or first.started_at
    day = f" on {when.day} {when:%B %Y}" if when else ""
    return (extract_history(said, [c for text in case_file for c in codes_in(text)]),
            f"From your own first contact, \u201c{title}\u201d{day} (attempt {first.id}):")


def _recent_seeds(user: User, scenario_id: str) -> list[int]:
    snapshots = db.session.scalars(select(Attempt.scenario_snapshot).where(
        Attempt.user_id == user.id, Attempt.scenario_id == scenario_id)
        .order_by(Attempt.id.desc()).limit(RECENT_VARIANTS_AVOIDED))
    seeds = [((s or {}).get("variant") or {}).get("seed") for s in snapshots]
    return [s for s in seeds if isinstance(s, int)]
