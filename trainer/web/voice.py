"""Voice mode's routes (services/voice.py does the work): a spoken answer transcribed, the
customer's line as speech, and a kept recording played back. The first two answer JSON errors
with a sentence the play page shows beside the answer box, which always stays usable."""

from __future__ import annotations

from flask import Blueprint, Response, abort, current_app, jsonify, request
from flask_login import current_user, login_required
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import RequestEntityTooLarge

from ..extensions import csrf, db
from ..models import Attempt
from ..services import voice
from ..services.access import can_hear_attempt
from ..speech import AudioRejected, EngineUnavailable, SpeechError, max_upload_bytes
from ..speech.errors import EMPTY, TOO_LONG

bp = Blueprint("voice", __name__)

MULTIPART_ALLOWANCE = 64 * 1024  # the form's boundaries, headers and CSRF field
REJECTED_STATUS = {EMPTY: 400, TOO_LONG: 413}  # anything else is not audio we take: 415
EXPIRED_PAGE = "This page has expired: reload it, then speak your answer again."
NOT_FOUND = "There is no such conversation of yours."
NO_SPEECH = "No speech service is configured: the browser speaks the customer's lines."


def _refuse(status: int, sentence: str):
    return jsonify(error=sentence), status


def _playing(attempt_id: int) -> Attempt | None:
    """The attempt if it is the current user's own (managers read transcripts; only the
    trainee speaks), else None: a 404, saying nothing about whose it is."""
    attempt = db.session.get(Attempt, attempt_id)
    return attempt if attempt is not None and attempt.user_id == current_user.id else None


@bp.post("/attempts/<int:attempt_id>/transcribe")
@login_required
@csrf.exempt  # checked below, once the body's size bound is set
def transcribe(attempt_id: int):
    config = voice.settings()
    request.max_content_length = max_upload_bytes(config.max_seconds) + MULTIPART_ALLOWANCE
    try:
        if current_app.config.get("WTF_CSRF_ENABLED", True):
            csrf.protect()
        upload = request.files.get("audio")
    except CSRFError:
        return _refuse(400, EXPIRED_PAGE)
    except RequestEntityTooLarge:
        return _refuse(413, f"That recording is too big: keep an answer under "
                            f"{config.max_seconds} seconds.")
    attempt = _playing(attempt_id)
    if attempt is None:
        return _refuse(404, NOT_FOUND)
    if attempt.is_finished:
        return _refuse(409, "This conversation has ended; your answer was not sent.")
    if not voice.take_upload_slot(current_user, config):
        return _refuse(429, voice.TOO_MANY)
    try:
        done = voice.transcribe(attempt, current_user, upload.read() if upload else b"")
    except AudioRejected as exc:
        return _refuse(REJECTED_STATUS.get(exc.reason, 415), str(exc))
    except SpeechError as exc:  # not installed, not configured, failed or too slow
        return _refuse(503, str(exc))
    heard = done.transcript
    return jsonify(text=heard.text, engine=heard.engine, confidence=heard.confidence,
                   talk_ms=heard.duration_ms, token=done.token)


@bp.get("/attempts/<int:attempt_id>/turns/<int:index>/speech")
@login_required
def speech(attempt_id: int, index: int):
    """The customer's line as audio/mpeg from the speech endpoint; 404 without one (the
    browser speaks it), 503 with a sentence when the endpoint fails (the browser speaks it)."""
    attempt = _playing(attempt_id)
    if attempt is None:
        return _refuse(404, NOT_FOUND)
    try:
        audio = voice.customer_speech(attempt, index)
    except EngineUnavailable:
        audio = None
    except SpeechError as exc:
        return _refuse(503, str(exc))
    if audio is None:
        return _refuse(404, NO_SPEECH)
    return Response(audio, mimetype="audio/mpeg")


@bp.get("/attempts/<int:attempt_id>/turns/<int:index>/audio")
@login_required
def audio(attempt_id: int, index: int):
    """A kept recording of the trainee's answer: for the trainee and their managers only
    (domain/permissions.can_hear); not found for anyone else, or once it has expired."""
    attempt = db.get_or_404(Attempt, attempt_id)
    if not can_hear_attempt(current_user, attempt):
        abort(404)
    clip = voice.kept_clip(attempt, index)
    if clip is None:
        abort(404)
    response = Response(clip.data, mimetype=clip.mime)
    response.headers["Cache-Control"] = "private, no-store"
    return response
