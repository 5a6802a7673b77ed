"""What transcripts show of voice mode: the ``response_times`` and ``duration`` filters
(domain/response_times.py) and ``kept_audio(attempt)``, the turns whose recording the viewer may
play, asked for in one query for the whole transcript (templates/trainee/_transcript.html)."""

from __future__ import annotations

from flask import Flask
from flask_login import current_user
from sqlalchemy import select

from ..domain.response_times import ResponseTimes, duration_text, summarise
from ..extensions import db
from ..models import Attempt, AudioClip, Turn
from ..models._types import utcnow
from ..services.access import can_hear_attempt


def init_voice_marks(app: Flask) -> None:
    app.add_template_filter(response_times, "response_times")
    app.add_template_filter(duration_text, "duration")
    app.add_template_global(kept_audio, "kept_audio")


def response_times(turns) -> ResponseTimes:
    return summarise(turns)


def kept_audio(attempt: Attempt) -> frozenset[int]:
    """The indexes of ``attempt``'s turns with an unexpired recording that the current user may
    play (the trainee and their managers: web/voice.audio checks the same); empty, without a
    query, for anyone else and for a conversation with no spoken answer (a clip is only ever
    linked to one: services/voice.link_clips)."""
    if not (any(t.spoken for t in attempt.turns) and current_user.is_authenticated
            and can_hear_attempt(current_user, attempt)):
        return frozenset()
    return frozenset(db.session.scalars(
        select(Turn.index).join(AudioClip, AudioClip.turn_id == Turn.id).where(
            Turn.attempt_id == attempt.id, AudioClip.expires_at > utcnow())))
