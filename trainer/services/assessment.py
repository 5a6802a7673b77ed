"""Practice and assessed attempts in use: who sees a model answer, and near-copies held for a
manager's review (the rules themselves are in domain/modes.py and domain/overlap.py)."""

from __future__ import annotations

import logging
from collections import defaultdict
from functools import cache

from sqlalchemy import Select, bindparam, select

from ..domain.modes import ASSESSED, can_see_model_answer, is_admissible
from ..domain.overlap import Overlap, closest_copy
from ..extensions import db, execute_plain
from ..models import Attempt, Turn, User
from ..models.attempt import ABANDONED, SCORED

log = logging.getLogger(__name__)
MODEL_ANSWER = "model answer"
# Other people's passed answers compared with a new one: the newest this many. A copy spreads
# from recent passes; comparing a scorecard with years of history would make it slow to store.
PEERS_COMPARED = 200


def has_passed_assessed(user_id: int, scenario_id: str) -> bool:
    """Whether the person has an admissible assessed pass of the scenario (any variant)."""
    rows = execute_plain(_assessed_passes(), {"user_id": user_id, "scenario_id": scenario_id})
    return any(is_admissible(ASSESSED, copied, reviewed is not None) for copied, reviewed in rows)


@cache
def _assessed_passes() -> Select:
    """Built once per process: every scorecard of an assessed attempt runs it."""
    return select(Attempt.copied_from, Attempt.reviewed_at).where(
        Attempt.user_id == bindparam("user_id"), Attempt.scenario_id == bindparam("scenario_id"),
        Attempt.mode == ASSESSED, Attempt.status == SCORED, Attempt.passed.is_(True))


def model_answer_shown(attempt: Attempt, viewer: User) -> bool:
    """Whether ``viewer`` sees the model answer on this finished attempt's card: always in
    practice, in assessment only after an admissible pass of the scenario; a reviewer always.
    What is shown is the attempt's own snapshot: the variant that was played."""
    if attempt.status not in (SCORED, ABANDONED):
        return False
    is_reviewer = viewer.id != attempt.user_id  # only the person's managers get this far
    passed = (attempt.mode == ASSESSED and not is_reviewer
              and has_passed_assessed(attempt.user_id, attempt.scenario_id))
    return can_see_model_answer(attempt.mode, passed, is_reviewer)


def trainee_text(attempt: Attempt) -> str:
    return "\n".join(t.text for t in attempt.turns if t.role == "trainee")


def _peer_answers(attempt: Attempt) -> list[tuple[str, str]]:
    """Other people's passed answers to the same scenario, newest first, as (name, text)."""
    ids = list(db.session.scalars(
        select(Attempt.id).where(Attempt.scenario_id == attempt.scenario_id,
                                 Attempt.user_id != attempt.user_id, Attempt.status == SCORED,
                                 Attempt.passed.is_(True))
        .order_by(Attempt.finished_at.desc(), Attempt.id.desc()).limit(PEERS_COMPARED)))
    if not ids:
        return []
    texts: dict[int, list[str]] = defaultdict(list)
    for attempt_id, text in db.session.execute(
            select(Turn.attempt_id, Turn.text).where(Turn.attempt_id.in_(ids),
                                                     Turn.role == "trainee")
            .order_by(Turn.attempt_id, Turn.index)):
        texts[attempt_id].append(text)
    return [(f"attempt {i}", "\n".join(texts[i])) for i in ids if texts[i]]


def find_copy(attempt: Attempt) -> Overlap | None:
    """What the attempt's answer is a near-copy of: its own snapshot's model answer first (the
    figures of any variant read alike), then other people's passed answers."""
    answer = trainee_text(attempt)
    if not answer:
        return None
    model = attempt.scenario.model_answer or ""
    return (closest_copy(answer, {MODEL_ANSWER: model}) if model else None) \
        or closest_copy(answer, _peer_answers(attempt))


def flag_copy(attempt: Attempt) -> None:
    """With its scorecard (not committed): an assessed attempt that is a near-copy is flagged for
    a manager's review, the reason appended to the scorer's own; it is no evidence until then.
    Practice is not checked: copying a model answer out is a way to practise."""
    attempt.copied_from = None
    if attempt.mode != ASSESSED:
        return
    found = find_copy(attempt)
    if found is None:
        return
    what = ("the scenario's model answer" if found.source == MODEL_ANSWER
            else f"another person's passed answer ({found.source})")
    reason = (f"Near-copy of {what} ({found.share:.0%} of the wording in common, in 5-word "
              "runs): not evidence until a manager reviews it")
    log.info("attempt %s flagged as a near-copy of %s (%.2f)", attempt.id, found.source,
             found.share)
    attempt.copied_from = found.source
    attempt.needs_review = True
    attempt.review_reason = "; ".join(r for r in (attempt.review_reason, reason) if r)
