"""Scoring a finished attempt and storing its scorecard, with the LLM calls behind it."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import replace
from functools import cache
from typing import Any

from flask import current_app
from sqlalchemy import Delete, Insert, Update, bindparam, delete, insert, update

from ..domain import response_times
from ..domain.library import Rubric, Scenario
from ..domain.scoring import Scorecard, get_scorer
from ..domain.transcript import Turn as Said
from ..extensions import db, execute_plain
from ..llm.calls import all_tries
from ..models import Attempt, LLMCall, Score
from ..models._types import utcnow
from ..models.attempt import SCORED, SCORING
from . import outbound
from .assessment import flag_copy
from .tracks import after_attempt_scored

log = logging.getLogger(__name__)
_LIMITS = {"purpose": 16, "model": 120, "prompt_version": 40, "error": 2000}
_COLUMNS = ("purpose", "model", "prompt_version", "tokens_in", "tokens_out", "latency_ms", "ok",
            "error", "try_number")


def score_attempt(attempt: Attempt) -> Attempt:
    """Score with the configured scorer and store the card, once: an attempt already scored is
    returned unchanged, so a job that runs twice (or two at once) scores it once."""
    if attempt.status == SCORED:
        return attempt
    scenario, rubric, transcript = attempt.scenario, attempt.rubric, attempt.transcript
    db.session.commit()  # hand the connection back: an LLM judge may take seconds
    card = score_transcript(transcript, scenario, rubric, current_app.config["TRAINER_SCORER"])
    if not claim_for_scoring(attempt.id):
        log.info("attempt %s was scored meanwhile; this scorecard is discarded", attempt.id)
        if card.usage:  # the call was made and paid for: keep its record all the same
            record_llm_call(card.usage, attempt.id)
        db.session.commit()
        db.session.refresh(attempt)
        return attempt
    store_scorecard(attempt, card)
    return attempt


def score_transcript(transcript: list[Said], scenario: Scenario | None, rubric: Rubric,
                     kind: str = "rules") -> Scorecard:
    """The LLM judge falls back to the rule scorer by itself; this catches what nothing
    expected, from any scorer but the rule scorer."""
    try:
        return get_scorer(kind).score(transcript, scenario, rubric)
    except Exception as exc:  # any scorer failure must still leave a score
        if kind == "rules":
            raise
        log.exception("scorer %s failed; falling back to the rule scorer", kind)
        card = get_scorer("rules").score(transcript, scenario, rubric)
        note = f"The {kind} scorer failed ({exc.__class__.__name__}); the rule scorer was used."
        return replace(card, notes=(*card.notes, note))


def store_scorecard(attempt: Attempt, card: Scorecard) -> None:
    """Store (or replace) the attempt's scores, the judge call behind them and the review flag;
    a rubric that opts in to response time has it scored here, from the turns' measured times."""
    rubric = attempt.rubric
    if rubric.response_time is not None:
        card = response_times.with_response_time(card, rubric,
                                                 response_times.summarise(attempt.turns))
    call = record_llm_call(card.usage, attempt.id) if card.usage else None
    # Plain statements, not the ORM's flush of a collection (a millisecond of a scored turn);
    # the collection is read afresh, in this transaction, by whatever reads it next.
    execute_plain(_scores_deleted(), {"attempt_id": attempt.id})
    execute_plain(_score_insert(), [
        {"attempt_id": attempt.id, "dimension": name, "level": dim.level,
         "evidence": list(dim.evidence), "feedback": dim.feedback, "scorer": card.scorer,
         "llm_call_id": call.id if call else None} for name, dim in card.dimensions.items()])
    db.session.expire(attempt, ["scores"])
    attempt.scorer = card.scorer
    attempt.overall = card.overall
    attempt.passed = card.passed
    attempt.key_points_covered = list(card.key_points_covered)
    attempt.key_points_missed = list(card.key_points_missed)
    attempt.red_flags = list(card.red_flags)
    attempt.score_notes = list(card.notes)
    attempt.needs_review = bool(card.review_reason)
    attempt.review_reason = card.review_reason
    flag_copy(attempt)  # a near-copy of a model answer or a peer's pass waits for a manager
    attempt.status = SCORED
    attempt.scored_at = utcnow()
    outbound.attempt_scored(attempt)  # xAPI: completed, and passed or failed when assessed
    db.session.commit()
    after_attempt_scored(attempt)  # completing the rotation renews the clearances it covers


def record_llm_call(usage: Mapping[str, Any], attempt_id: int | None) -> LLMCall:
    """Keep an LLM call (made or failed) for cost and latency reports, one row per try (the
    retries before the last, with their errors, included); returns the last try's row, the one
    a turn or a score links to. Flushed, not committed."""
    call = None
    for one in all_tries(usage):
        values = {k: one[k] for k in _COLUMNS if k in one}
        for key, limit in _LIMITS.items():
            if isinstance(values.get(key), str):
                values[key] = values[key][:limit]
        call = LLMCall(attempt_id=attempt_id, **values)
        db.session.add(call)
    db.session.flush()
    assert call is not None
    return call


def claim_for_scoring(attempt_id: int) -> bool:
    """Mark the attempt scored if it is still waiting for its score ("scoring"): of two scorers
    at once (a job and the sweeper's fallback, a job run twice) exactly one gets True and
    stores, since the row stays locked until the commit that stores the card. An attempt still
    in progress, abandoned or scored already is never claimed."""
    return execute_plain(_claim(), {"attempt_id": attempt_id}).rowcount == 1


@cache
def _scores_deleted() -> Delete:
    return delete(Score).where(Score.attempt_id == bindparam("attempt_id"))


@cache
def _score_insert() -> Insert:
    return insert(Score)


@cache
def _claim() -> Update:
    """Built once per process, run outside the ORM (its bulk-update path cost a millisecond)."""
    return (update(Attempt).where(Attempt.id == bindparam("attempt_id"),
                                  Attempt.status == SCORING).values(status=SCORED))
