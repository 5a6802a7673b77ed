"""Attempts played for real through the app's services (scripted customer, rule scorer, variants,
near-copy flags), read back as templates that bench/_dataset.py clones onto other people."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import insert, select

from trainer.domain.modes import ASSESSED, PRACTICE
from trainer.extensions import db
from trainer.models import Attempt, Score, Turn, User
from trainer.services import play
from trainer.services.library import get_library

GOOD = ("I'm so sorry - I can see what went wrong here, and it must have been frustrating to "
        "chase this. I'll sort it out myself today and call you back by 5pm tomorrow with an "
        "update; your reference is TR-4471.")
FOLLOW_UP = ("I'll follow this up personally and email you the confirmation today. Is there "
             "anything else I can help with?")
VAGUE = "Sorry for any inconvenience. Someone will look into it."
BRUSH_OFF = "That's not my department, you'll have to call the other team yourself."
# (answers, how it ends, mode) per scenario; the open one last, as start_attempt resumes it.
SCRIPTS = (
    (("model", FOLLOW_UP), "finish", ASSESSED),
    ((GOOD, FOLLOW_UP), "finish", ASSESSED),
    ((BRUSH_OFF, VAGUE), "finish", ASSESSED),
    ((VAGUE, GOOD, FOLLOW_UP), "finish", PRACTICE),
    ((GOOD,), "end", PRACTICE),  # one answer, then ended: abandoned
    ((VAGUE,), "open", PRACTICE),  # still in progress
)
TURN_GAP = timedelta(seconds=45)  # between turns of a cloned attempt


@dataclass(frozen=True)
class Template:
    attempt: dict[str, Any]
    turns: tuple[dict[str, Any], ...]
    scores: tuple[dict[str, Any], ...]

    @property
    def status(self) -> str:
        return self.attempt["status"]

    @property
    def turns_n(self) -> int:
        return len(self.turns)

    def clone(self, attempt_id: int, user_id: int, started: datetime, reviewer: int | None
              ) -> tuple[dict, list[dict], list[dict]]:
        """The rows of the same attempt, played by ``user_id`` from ``started``."""
        finished = started + TURN_GAP * len(self.turns)
        scored = finished + timedelta(seconds=2) if self.attempt["scored_at"] else None
        attempt = {**self.attempt, "id": attempt_id, "user_id": user_id, "started_at": started,
                   "finished_at": finished if self.attempt["finished_at"] else None,
                   "scored_at": scored, "reviewed_by_id": reviewer,
                   "reviewed_at": scored + timedelta(days=1) if reviewer else None}
        if reviewer:
            attempt["needs_review"] = False  # a review takes it off the queue
        turns = [{**t, "attempt_id": attempt_id, "created_at": started + TURN_GAP * t["index"]}
                 for t in self.turns]
        scores = [{**s, "attempt_id": attempt_id, "created_at": scored} for s in self.scores]
        return attempt, turns, scores


def play_templates(player: User, scenario_limit: int | None = None) -> list[Template]:
    """Play every script on every scenario (the first ``scenario_limit`` only, if given) as
    ``player``, the way the play page does, and read the rows back."""
    scenarios = sorted(get_library().scenarios)[:scenario_limit]
    for scenario_id in scenarios:
        for answers, ending, mode in SCRIPTS:
            attempt = play.start_attempt(player, scenario_id, mode)
            for answer in answers:
                if attempt.is_finished:
                    break
                if answer == "model":
                    answer = attempt.scenario.model_answer or GOOD
                play.submit_answer(attempt, answer, len(attempt.turns))
            if ending == "finish":
                play.finish_attempt(attempt, "ended")
            elif ending == "end":
                play.end_attempt(attempt)
    return _read_back(player.id)


def copy_templates(templates: list[Template], player_id: int) -> None:
    """The played attempts, as they were, into another database (the same ids and times)."""
    for model, rows in ((Attempt, [{**t.attempt, "user_id": player_id} for t in templates]),
                        (Turn, [turn for t in templates for turn in t.turns]),
                        (Score, [score for t in templates for score in t.scores])):
        if rows:
            db.session.execute(insert(model.__table__), rows)


def _read_back(user_id: int) -> list[Template]:
    attempts = db.session.execute(select(Attempt.__table__).where(
        Attempt.user_id == user_id).order_by(Attempt.id)).mappings().all()
    ids = [a["id"] for a in attempts]
    turns: dict[int, list[dict]] = {i: [] for i in ids}
    scores: dict[int, list[dict]] = {i: [] for i in ids}
    for table, into in ((Turn.__table__, turns), (Score.__table__, scores)):
        for row in db.session.execute(select(table).where(table.c.attempt_id.in_(ids))
                                      .order_by(table.c.id)).mappings():
            into[row["attempt_id"]].append({k: v for k, v in row.items() if k != "id"})
    return [Template({**a}, tuple(turns[a["id"]]), tuple(scores[a["id"]])) for a in attempts]
