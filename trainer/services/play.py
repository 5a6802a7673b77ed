"""Playing a scenario: start, answer (stored first), the customer's reply, the end. Each step that
checks the conversation and then writes to it does both under the row's lock (services/locks.py),
so racing requests are refused with a reason instead of interleaving their turns."""

from __future__ import annotations

import logging
from functools import cache
from typing import Any, NamedTuple

from flask import current_app
from sqlalchemy import Insert, Select, Update, bindparam, func, insert, select, update

from ..domain.customer import CustomerEngine, CustomerReply, get_customer_engine
from ..domain.errors import TrainerError
from ..domain.library import Scenario
from ..domain.modes import PRACTICE, is_abandoned
from ..domain.transcript import Turn as Said
from ..extensions import db, execute_plain
from ..llm import llm_settings
from ..models import Attempt, Turn, User
from ..models._types import utcnow
from ..models.attempt import ABANDONED, IN_PROGRESS, SCORING
from . import locks, voice
from .jobs import enqueue_scoring
from .library import get_rubric
from .scoring import record_llm_call, score_attempt
from .variants import scenario_for_attempt

log = logging.getLogger(__name__)


class AnswerRejected(TrainerError):
    """The answer cannot be taken (empty, too long, or the conversation is over)."""


class AnswerConflict(AnswerRejected):
    """Another request got to the conversation first: this answer was not taken, and may be
    sent again once the person has read what changed."""


ENDED = "This conversation has ended; your scorecard is ready."
PENDING = ("Your previous answer is still being answered. Read the customer's reply, then send "
           "this one again.")
MOVED_ON = ("The conversation moved on while you were typing. Read the customer's latest reply, "
            "then send your answer again.")
# An answer still without a reply this long after the customer's own deadline was left by a
# request that died between storing it and storing the reply: the next visit answers it.
REPLY_GRACE_SECONDS = 10


def start_attempt(user: User, scenario_id: str, mode: str = PRACTICE) -> Attempt:
    """Resume the user's unfinished attempt at this scenario in this mode (practice or
    assessed, domain/modes.py), or open a new one: one only, however many clicks."""
    existing = unfinished_attempt(user, scenario_id, mode)
    if existing:
        return existing
    scenario = scenario_for_attempt(user, scenario_id)  # a variant; a follow-up's history
    engine = get_customer_engine(current_app.config["TRAINER_CUSTOMER_ENGINE"])
    opening = engine.opening(scenario)
    locks.lock(user)  # one start at a time per person; checked again under the lock
    existing = unfinished_attempt(user, scenario_id, mode)
    if existing:
        db.session.commit()
        return existing
    attempt = Attempt(user_id=user.id, scenario_id=scenario.id, category=scenario.category,
                      difficulty=scenario.difficulty, scenario_snapshot=scenario.to_dict(),
                      rubric_snapshot=get_rubric(scenario.rubric).to_dict(),
                      customer_engine=engine.name, mood=opening.mood, mode=mode)
    attempt.turns.append(Turn(**_customer_turn_columns(0, opening, None)))
    db.session.add(attempt)
    db.session.commit()
    return attempt


def unfinished_attempt(user: User, scenario_id: str, mode: str) -> Attempt | None:
    return db.session.scalar(select(Attempt).where(
        Attempt.user_id == user.id, Attempt.scenario_id == scenario_id, Attempt.mode == mode,
        Attempt.status == IN_PROGRESS).order_by(Attempt.id.desc()).limit(1))


def submit_answer(attempt: Attempt, text: str, expected_index: int | None = None,
                  meta: voice.AnswerMeta | None = None) -> Attempt:
    """Store the trainee's answer first (committed), then let the customer reply; finish when it
    ends. ``expected_index`` (the turn number the page was showing) makes a resubmitted form
    harmless. ``meta`` (services/voice.py: spoken, response time) is stored on the answer's turn
    in the same commit. Raises AnswerConflict when another request got there first."""
    text = (text or "").strip()
    if attempt.is_finished:
        raise AnswerRejected(ENDED)
    if not text:
        raise AnswerRejected("Write your answer to the customer first.")
    limit = current_app.config["ANSWER_MAX_CHARS"]
    if len(text) > limit:
        raise AnswerRejected(f"Keep your answer under {limit} characters "
                             f"(it has {len(text)}).")
    exchange = _store_answer(attempt, text, expected_index, meta)
    if exchange is None:
        return attempt  # the same form sent twice: the first one already counted
    return _reply(attempt, exchange)


def _store_answer(attempt: Attempt, text: str, expected_index: int | None,
                  meta: voice.AnswerMeta | None = None) -> _Exchange | None:
    """Allocate the answer's turn under the attempt's lock and commit it; the checks are made
    again under the lock, where no other answer, reply or end can come in between. What the
    customer needs to reply is read from the locked state before the commit, so nothing is read
    again while the customer thinks."""
    locks.lock(attempt, fresh=("status", "turns"))  # the rest of the row is as it was started
    turns = attempt.turns
    index = len(turns)
    refusal = None
    if attempt.is_finished:
        refusal = AnswerRejected(ENDED)
    elif expected_index is not None and expected_index != index:
        resent = 0 < expected_index < index and turns[expected_index].role == "trainee" \
            and turns[expected_index].text == text
        if resent:
            db.session.rollback()
            return None
        refusal = AnswerConflict(MOVED_ON)
    elif turns and turns[-1].role == "trainee":
        refusal = AnswerConflict(PENDING)
    if refusal is not None:
        db.session.rollback()  # let go of the lock
        raise refusal
    exchange = _exchange(attempt, index, [*attempt.transcript, Said("trainee", text)])
    answer_id = _insert_turn(attempt_id=attempt.id, index=index, role="trainee", text=text,
                             **voice.meta_columns(meta, text))
    voice.link_clips(attempt, answer_id, meta)
    db.session.commit()  # the answer is safe before anything else happens to it
    return exchange


class _Exchange(NamedTuple):
    """What the customer replies to: the trainee's turn ``index`` and the talk up to it."""

    index: int
    engine: CustomerEngine
    scenario: Scenario
    transcript: list[Said]
    attempt_id: int


def _exchange(attempt: Attempt, index: int, transcript: list[Said] | None = None) -> _Exchange:
    """``transcript``: the talk up to turn ``index``, when the attempt's turns do not hold it yet
    (the answer just added)."""
    talk = transcript if transcript is not None else attempt.transcript
    return _Exchange(index, _customer_engine(attempt), attempt.scenario, talk[:index + 1],
                     attempt.id)


def _reply(attempt: Attempt, exchange: _Exchange) -> Attempt:
    """The customer's reply to the trainee's turn, stored if the conversation is still where it
    was; no lock (and no transaction) is held while the engine (perhaps an LLM) thinks."""
    index = exchange.index
    reply = exchange.engine.respond(exchange.scenario, exchange.transcript)
    if reply.status == "open" and _store_open_reply(exchange, reply):
        return attempt
    locks.lock(attempt)
    if attempt.is_finished or len(attempt.turns) != index + 1:
        log.info("attempt %s: the reply to turn %s came after the conversation had moved on "
                 "(ended, or answered by another request); it is dropped", attempt.id, index)
        if reply.usage:  # the call was made and paid for: keep its record all the same
            record_llm_call(reply.usage, attempt.id)
        db.session.commit()
        return attempt
    _insert_turn(**_customer_turn_columns(index + 1, reply, attempt.id))
    attempt.mood = reply.mood
    if reply.status != "open":
        return _close(attempt, reply.status)
    db.session.commit()
    return attempt


def _store_open_reply(exchange: _Exchange, reply: CustomerReply) -> bool:
    """The usual reply, one that keeps the conversation open, stored without reloading the
    attempt: its mood set only while it is in progress (the update holds its row, as a lock
    would), the turn added only while the answer is still the newest. False, nothing changed,
    when either is no longer so (``_reply`` then looks again under the lock, and says why)."""
    attempt_id = exchange.attempt_id
    still_open = locks.update_locked(
        _mood_update(), {"attempt_id": attempt_id, "mood": reply.mood, "open": IN_PROGRESS},
        f"attempt {attempt_id}")
    newest = execute_plain(_newest_turn(), {"attempt_id": attempt_id}).scalar()
    if still_open != 1 or newest != exchange.index:
        db.session.rollback()
        return False
    _insert_turn(**_customer_turn_columns(exchange.index + 1, reply, attempt_id))
    db.session.commit()
    return True


def _insert_turn(**columns: Any) -> int:
    """Write one turn with a plain INSERT, in the session's transaction; its id. The ORM's flush
    of the same row (through the attempt and its loaded turns) cost more than the insert. The
    commit that follows expires the attempt, so its turns are read afresh on next use."""
    return execute_plain(_turn_insert(), columns).inserted_primary_key[0]


@cache
def _turn_insert() -> Insert:
    """Built once per process: every turn runs it."""
    return insert(Turn)


@cache
def _mood_update() -> Update:
    """Built once per process: every turn runs it."""
    return (update(Attempt).where(Attempt.id == bindparam("attempt_id"),
                                  Attempt.status == bindparam("open"))
            .values(mood=bindparam("mood")).execution_options(synchronize_session=False))


@cache
def _newest_turn() -> Select:
    return select(func.max(Turn.index)).where(Turn.attempt_id == bindparam("attempt_id"))


def is_awaiting_reply(attempt: Attempt) -> bool:
    """Whether the trainee's last answer has no reply yet (being written, or lost)."""
    return not attempt.is_finished and bool(attempt.turns) and attempt.turns[-1].role == "trainee"


def reply_to_pending(attempt: Attempt) -> bool:
    """Reply to an answer left without one by a request that died in between (a crash, a killed
    worker, an engine error), once that request can no longer be replying itself. True when a
    reply was stored. Never raises: a page view must not fail on it; the next one tries again."""
    if not is_awaiting_reply(attempt):
        return False
    last = attempt.turns[-1]
    waited = (utcnow() - last.created_at).total_seconds()
    if waited < llm_settings().deadline + REPLY_GRACE_SECONDS:
        return False
    log.warning("attempt %s: answer %s had no reply after %.0fs; replying now", attempt.id,
                last.index, waited)
    try:
        exchange = _exchange(attempt, last.index)
        db.session.commit()  # hand the connection back: an LLM customer may take seconds
        _reply(attempt, exchange)
    except Exception:  # logged; the answer stays stored for the next visit to try again
        db.session.rollback()
        log.exception("attempt %s: replying to a lost answer failed", attempt.id)
        return False
    return not is_awaiting_reply(attempt)


def end_attempt(attempt: Attempt) -> Attempt:
    """The trainee ends the conversation (after confirming): scored as it stands, or abandoned
    (not scored, never counted either way) when the customer never had a real answer. An answer
    still awaiting its reply is part of what is scored; the reply, when it comes, is dropped."""
    locks.lock(attempt)
    if attempt.is_finished:
        db.session.rollback()
        return attempt
    if not is_abandoned(attempt.trainee_turn_count):
        return _close(attempt, "ended")
    attempt.status = attempt.outcome = ABANDONED
    attempt.finished_at = utcnow()
    db.session.commit()
    return attempt


def finish_attempt(attempt: Attempt, outcome: str = "ended") -> Attempt:
    """Close the conversation and score it (the trainee may end it themselves: "ended"), once:
    an attempt closed meanwhile is returned as it is."""
    locks.lock(attempt)
    if attempt.is_finished:
        db.session.rollback()
        return attempt
    return _close(attempt, outcome)


def _close(attempt: Attempt, outcome: str) -> Attempt:
    """Under the attempt's lock: mark it closed, then score it, queued for `trainer worker` when
    REDIS_URL is set, here and now otherwise."""
    attempt.outcome = outcome
    attempt.status = SCORING
    attempt.finished_at = utcnow()
    db.session.commit()  # "scoring" is safe before the job exists: the sweeper finds it
    if enqueue_scoring(attempt.id):
        return attempt
    return score_attempt(attempt)


def _customer_engine(attempt: Attempt):
    kind = attempt.customer_engine.split("-")[0]
    return get_customer_engine(kind if kind else current_app.config["TRAINER_CUSTOMER_ENGINE"])


def _customer_turn_columns(index: int, reply: CustomerReply,
                           attempt_id: int | None) -> dict[str, Any]:
    """The columns of the customer's turn ``index`` (of the attempt ``attempt_id``, None for the
    opening of one not stored yet), linked to the LLM call behind it (made or failed), if any:
    that call is recorded now."""
    return {"attempt_id": attempt_id, "index": index, "role": "customer", "text": reply.text,
            "mood": reply.mood, "engine": reply.engine,
            "note": "; ".join(filter(None, (reply.reason, reply.note))) or None,
            "llm_call_id": record_llm_call(reply.usage, attempt_id).id if reply.usage else None}
