"""Voice mode's use cases: what the play page may offer, transcribing a spoken answer (checked,
rate-limited, kept only when TRAINER_KEEP_AUDIO is on), the signed token that carries what was
heard to the answer, the customer's line as speech, playing a kept answer back, and deleting
clips past their time. The engines themselves are in trainer/speech."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import timedelta
from typing import Any, NamedTuple

from flask import current_app, url_for
from itsdangerous import BadData, URLSafeTimedSerializer
from sqlalchemy import delete, or_, select

from ..extensions import db
from ..models import Attempt, AudioClip, Turn, User
from ..models._types import utcnow
from ..speech import Transcript, check_wav, get_stt_engine, speech_settings
from ..speech.errors import EMPTY, AudioRejected, EngineUnavailable
from ..speech.remote import synthesize
from ..speech.settings import SERVER, SpeechSettings
from ..speech.wav import joined, wav_bytes
from .login_limits import take_per_minute

log = logging.getLogger(__name__)

TOKEN_SALT = "trainer.voice.heard"
# How long a transcript may wait before it is sent; a clip still unsent after this is deleted.
TOKEN_MAX_AGE = 3600
MAX_RESPONSE_MS = 3600 * 1000  # a response time beyond an hour is a broken clock
MAX_RECORDINGS = 10  # recordings one answer may be made of (each one's token is read)
WAV = "audio/wav"
NOTHING_HEARD = ("No words could be heard in that recording: speak close to the microphone "
                 "and try again, or type your answer.")
TOO_MANY = "That is a lot of recordings in a minute: wait a moment, or type your answer."
MARKER_DROPPED = ("Your answer was sent as written; it is not marked as spoken, because its "
                  "recording had expired or belongs to another conversation.")


def settings() -> SpeechSettings:
    return speech_settings(current_app.config)


def voice_options(attempt: Attempt) -> dict:
    """What the play page's voice mode needs: whether speech to text works here (and if not,
    what is missing), who speaks the customer (the server or the browser) and in which voice,
    the longest answer, and where to send a recording and fetch a line's audio."""
    config = settings()
    missing = stt_missing(config)
    base = url_for("trainee.attempt", attempt_id=attempt.id)
    return {"stt": missing is None, "stt_engine": config.stt_engine, "missing": missing,
            "tts": config.tts if config.endpoint_configured else "browser",
            "voice": voice_for(attempt, config), "max_seconds": config.max_seconds,
            "transcribe_url": url_for("voice.transcribe", attempt_id=attempt.id),
            "speech_url_template": base + "/turns/{index}/speech"}


def stt_missing(config: SpeechSettings) -> str | None:
    """A sentence saying what speech to text lacks here, or None when it can run."""
    try:
        get_stt_engine(config)
    except EngineUnavailable as exc:
        return str(exc)
    return None


def voice_for(attempt: Attempt, config: SpeechSettings) -> str:
    return attempt.scenario.customer.voice or config.tts_voice


@dataclass(frozen=True)
class Transcribed:
    """A spoken answer as heard, and the token that carries it to the answer form."""

    transcript: Transcript
    token: str


def take_upload_slot(user: User, config: SpeechSettings) -> bool:
    """One of the person's uploads this minute (counted where the login limits are, memory or
    Redis); False when the minute's are used up."""
    return take_per_minute("voice", f"user/{user.id}", config.per_minute)


def transcribe(attempt: Attempt, user: User, data: bytes) -> Transcribed:
    """The words in ``data`` (a WAV), checked first. Raises AudioRejected, EngineUnavailable or
    SpeechFailed, each with a sentence for the trainee. The audio is kept only when
    TRAINER_KEEP_AUDIO is on, unlinked until the answer is sent."""
    config = settings()
    audio = check_wav(data, config.max_seconds)
    heard = get_stt_engine(config).transcribe(audio, data)
    if not heard.text:
        raise AudioRejected(NOTHING_HEARD, EMPTY)
    clip_id = None
    if config.keep_audio:
        now = utcnow()
        clip = AudioClip(attempt_id=attempt.id, user_id=user.id, mime=WAV, data=data,
                         duration_ms=audio.duration_ms, created_at=now,
                         expires_at=now + timedelta(days=config.retention_days))
        db.session.add(clip)
        db.session.commit()
        clip_id = clip.id
    return Transcribed(heard, _serializer().dumps({
        "a": attempt.id, "h": heard.text, "e": heard.engine, "c": heard.confidence,
        "t": heard.duration_ms, "k": clip_id}))


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=TOKEN_SALT)


@dataclass(frozen=True)
class AnswerMeta:
    """What an answer carries beside its text: spoken or not, the engine's reading, the talk
    and response times, the kept clip; ``marker_dropped`` when a token came but was refused."""

    spoken: bool = False
    stt_engine: str | None = None
    stt_confidence: float | None = None
    heard: str | None = None
    talk_ms: int | None = None
    response_ms: int | None = None
    clip_ids: tuple[int, ...] = ()
    marker_dropped: bool = False


def answer_meta(attempt: Attempt, spoken_token: str | None,
                response_ms: str | None) -> AnswerMeta | None:
    """The meta of an answer from its form's hidden fields, or None when there is none.
    ``spoken_token`` holds one token per recording of the answer (space-separated): the answer
    is spoken with all their words and talk time. A token that is bad, expired or another
    attempt's never stops the answer: it is left out, and with none left the answer is taken as
    written, unspoken, with ``marker_dropped`` set so the page can say so."""
    wait = _response_ms(response_ms)
    tokens = (spoken_token or "").split()[:MAX_RECORDINGS]
    if not tokens:
        return AnswerMeta(response_ms=wait) if wait is not None else None
    heard = [reading for reading in (_reading(attempt, token) for token in tokens) if reading]
    if not heard:
        return AnswerMeta(response_ms=wait, marker_dropped=True)
    talk_ms = sum(r.talk_ms for r in heard)
    sure = [(r.confidence, r.talk_ms) for r in heard if r.confidence is not None]
    confidence = (sum(c * ms for c, ms in sure) / max(1, sum(ms for _, ms in sure))
                  if sure else None)  # the recordings' own, weighted by their length
    return AnswerMeta(spoken=True, stt_engine="+".join(dict.fromkeys(r.engine for r in heard)),
                      stt_confidence=confidence, heard=" ".join(r.text for r in heard),
                      talk_ms=talk_ms, response_ms=wait,
                      clip_ids=tuple(r.clip_id for r in heard if r.clip_id is not None))


class _Reading(NamedTuple):
    """One recording as its token carries it."""

    text: str
    engine: str
    confidence: float | None
    talk_ms: int
    clip_id: int | None


def _reading(attempt: Attempt, token: str) -> _Reading | None:
    try:
        data = _serializer().loads(token, max_age=TOKEN_MAX_AGE)
        if not isinstance(data, dict) or data.get("a") != attempt.id:
            raise BadData("another attempt's token")
        confidence = data.get("c")
        return _Reading(str(data["h"]), str(data["e"])[:60],
                        float(confidence) if confidence is not None else None, int(data["t"]),
                        int(data["k"]) if data.get("k") is not None else None)
    except (BadData, KeyError, TypeError, ValueError) as exc:
        log.info("attempt %s: a voice token was refused (%s); left out", attempt.id, exc)
        return None


def _response_ms(raw: str | None) -> int | None:
    try:
        value = int(str(raw).strip())
    except ValueError:
        return None
    return value if 0 <= value <= MAX_RESPONSE_MS else None


def meta_columns(meta: AnswerMeta | None, text: str) -> dict[str, Any]:
    """The columns ``meta`` sets on the trainee's new turn (written with the answer, in its
    transaction): the response time, and for a spoken answer the engine's reading and the talk
    time, with ``heard`` only when the text sent differs from it."""
    if meta is None:
        return {}
    columns: dict[str, Any] = {"response_ms": meta.response_ms}
    if meta.spoken:
        columns.update(spoken=True, stt_engine=meta.stt_engine,
                       stt_confidence=meta.stt_confidence, talk_ms=meta.talk_ms,
                       heard=meta.heard if meta.heard != text else None)
    return columns


def link_clips(attempt: Attempt, turn_id: int, meta: AnswerMeta | None) -> None:
    """A spoken answer's kept recordings linked to its turn ``turn_id`` (same transaction)."""
    if meta is not None and meta.spoken:
        _link_clips(attempt, turn_id, meta.clip_ids)


def _link_clips(attempt: Attempt, turn_id: int, clip_ids: tuple[int, ...]) -> None:
    """The answer's kept recordings, made one (in the order spoken) and linked to its turn."""
    found = {clip.id: clip for clip in db.session.scalars(select(AudioClip).where(
        AudioClip.id.in_(clip_ids), AudioClip.attempt_id == attempt.id,
        AudioClip.turn_id.is_(None)))} if clip_ids else {}
    clips = [found[i] for i in dict.fromkeys(clip_ids) if i in found]
    if not clips:
        return
    first, rest = clips[0], clips[1:]
    if rest:
        audio = joined([check_wav(clip.data, len(clips) * settings().max_seconds)
                        for clip in clips])
        first.data, first.duration_ms = wav_bytes(audio), audio.duration_ms
        for clip in rest:
            db.session.delete(clip)
    first.turn_id = turn_id


def customer_speech(attempt: Attempt, index: int) -> bytes | None:
    """The customer's line ``index`` spoken by the speech endpoint; None when there is no
    endpoint or no such customer line. Raises SpeechError when the endpoint fails."""
    config = settings()
    if config.tts != SERVER or not config.endpoint_configured:
        return None
    turn = next((t for t in attempt.turns if t.index == index), None)
    if turn is None or turn.role != "customer":
        return None
    return synthesize(config, turn.text, voice_for(attempt, config))


def kept_clip(attempt: Attempt, index: int) -> AudioClip | None:
    """The kept, unexpired recording of the trainee's turn ``index``, if any."""
    return db.session.scalar(
        select(AudioClip).join(Turn, AudioClip.turn_id == Turn.id).where(
            Turn.attempt_id == attempt.id, Turn.index == index,
            AudioClip.expires_at > utcnow()))


def sweep_clips() -> int:
    """Delete the clips past their retention and those never sent with an answer (their token
    has expired): for `trainer sweep`, the worker's sweep and the web sweep. The count deleted."""
    now = utcnow()
    unsent = now - timedelta(seconds=TOKEN_MAX_AGE)
    result = db.session.execute(delete(AudioClip).where(or_(
        AudioClip.expires_at <= now,
        (AudioClip.turn_id.is_(None)) & (AudioClip.created_at <= unsent))))
    db.session.commit()
    if result.rowcount:
        log.info("deleted %s audio clip(s) past their retention or never sent", result.rowcount)
    return result.rowcount
