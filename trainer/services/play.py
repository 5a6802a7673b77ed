"""Playing a scenario: start, answer (stored first), the customer's reply, the end."""

from __future__ import annotations

import logging

from flask import current_app
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from ..domain.customer import CustomerReply, get_customer_engine
from ..domain.errors import TrainerError
from ..domain.library import Scenario
from ..domain.modes import PRACTICE, is_abandoned
from ..domain.transcript import Turn as Said
from ..extensions import db
from ..models import Attempt, Turn, User
from ..models._types import utcnow
from ..models.attempt import ABANDONED, IN_PROGRESS, SCORING
from .jobs import enqueue_scoring
from .library import get_rubric
from .scoring import record_llm_call, score_attempt
from .variants import scenario_for_attempt

log = logging.getLogger(__name__)


class AnswerRejected(TrainerError):
    """The answer cannot be taken (empty, too long, or the conversation is over)."""


def start_attempt(user: User, scenario_id: str, mode: str = PRACTICE) -> Attempt:
    """Resume the user's unfinished attempt at this scenario in this mode (practice or
    assessed, domain/modes.py), or open a new one."""
    existing = unfinished_attempt(user, scenario_id, mode)
    if existing:
        return existing
    scenario = scenario_for_attempt(user, scenario_id)  # a variant; a follow-up's history
    engine = get_customer_engine(current_app.config["TRAINER_CUSTOMER_ENGINE"])
    opening = engine.opening(scenario)
    attempt = Attempt(user_id=user.id, scenario_id=scenario.id, category=scenario.category,
                      difficulty=scenario.difficulty, scenario_snapshot=scenario.to_dict(),
                      rubric_snapshot=get_rubric(scenario.rubric).to_dict(),
                      customer_engine=engine.name, mood=opening.mood, mode=mode)
    attempt.turns.append(_customer_turn(0, opening))
    db.session.add(attempt)
    db.session.commit()
    return attempt


def unfinished_attempt(user: User, scenario_id: str, mode: str) -> Attempt | None:
    return db.session.scalar(select(Attempt).where(
        Attempt.user_id == user.id, Attempt.scenario_id == scenario_id, Attempt.mode == mode,
        Attempt.status == IN_PROGRESS).order_by(Attempt.id.desc()).limit(1))


def submit_answer(attempt: Attempt, text: str, expected_index: int | None = None) -> Attempt:
    """Store the trainee's answer first, then let the customer reply; finish when it ends.
    ``expected_index`` (the turn number the page was showing) makes a resubmitted form harmless."""
    text = (text or "").strip()
    if attempt.is_finished:
        raise AnswerRejected("This conversation has ended; your scorecard is ready.")
    if not text:
        raise AnswerRejected("Write your answer to the customer first.")
    limit = current_app.config["ANSWER_MAX_CHARS"]
    if len(text) > limit:
        raise AnswerRejected(f"Keep your answer under {limit} characters "
                             f"(it has {len(text)}).")
    index = len(attempt.turns)
    if expected_index is not None and expected_index != index:
        return attempt  # the same form sent twice: the first one already counted
    attempt.turns.append(Turn(index=index, role="trainee", text=text))
    try:
        db.session.commit()  # the answer is safe before anything else happens to it
    except IntegrityError:
        db.session.rollback()
        return attempt
    engine, scenario, transcript = _customer_engine(attempt), scenario_of(attempt), \
        transcript_of(attempt)
    db.session.commit()  # hand the connection back: an LLM customer may take seconds
    reply = engine.respond(scenario, transcript)
    attempt.turns.append(_customer_turn(index + 1, reply, attempt.id))
    attempt.mood = reply.mood
    if reply.status != "open":
        return finish_attempt(attempt, reply.status)
    db.session.commit()
    return attempt


def end_attempt(attempt: Attempt) -> Attempt:
    """The trainee ends the conversation (after confirming): scored as it stands, or abandoned
    (not scored, never counted either way) when the customer never had a real answer."""
    if attempt.is_finished or not is_abandoned(attempt.trainee_turn_count):
        return finish_attempt(attempt, "ended")
    attempt.status = attempt.outcome = ABANDONED
    attempt.finished_at = utcnow()
    db.session.commit()
    return attempt


def finish_attempt(attempt: Attempt, outcome: str = "ended") -> Attempt:
    """Close the conversation and score it (the trainee may end it themselves: "ended"):
    queued for `trainer worker` when REDIS_URL is set, here and now otherwise."""
    if attempt.is_finished:
        return attempt
    attempt.outcome = outcome
    attempt.status = SCORING
    attempt.finished_at = utcnow()
    db.session.commit()  # "scoring" is safe before the job exists: the sweeper finds it
    if enqueue_scoring(attempt.id):
        return attempt
    return score_attempt(attempt)


def scenario_of(attempt: Attempt) -> Scenario:
    return Scenario.from_dict(attempt.scenario_snapshot)


def transcript_of(attempt: Attempt) -> list[Said]:
    return [Said(t.role, t.text) for t in attempt.turns]


def _customer_engine(attempt: Attempt):
    kind = attempt.customer_engine.split("-")[0]
    return get_customer_engine(kind if kind else current_app.config["TRAINER_CUSTOMER_ENGINE"])


def _customer_turn(index: int, reply: CustomerReply, attempt_id: int | None = None) -> Turn:
    """The customer's turn, linked to the LLM call behind it (made or failed), if any."""
    turn = Turn(index=index, role="customer", text=reply.text, mood=reply.mood, engine=reply.engine,
                note="; ".join(filter(None, (reply.reason, reply.note))) or None)
    if reply.usage:
        turn.llm_call_id = record_llm_call(reply.usage, attempt_id).id
    return turn
