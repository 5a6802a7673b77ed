"""The OpenAI-compatible speech endpoints, through the ``openai`` client the LLM engines use
(OPENAI_API_KEY / OPENAI_BASE_URL): ``/v1/audio/transcriptions`` (TRAINER_STT_MODEL) and
``/v1/audio/speech`` (TRAINER_TTS_MODEL). Each call runs on a thread of a small pool and the
request walks away at the deadline; httpx's timeout bounds each read, not the whole call."""

from __future__ import annotations

import logging
import os
import threading
from concurrent.futures import ThreadPoolExecutor
from typing import TYPE_CHECKING

from .engines import Transcript, too_slow, within
from .errors import TYPE_INSTEAD, EngineUnavailable, SpeechError, SpeechFailed
from .settings import OPENAI, SpeechSettings
from .wav import WavAudio

if TYPE_CHECKING:
    import openai

log = logging.getLogger(__name__)

ENGINE_CHARS = 60  # Turn.stt_engine's width
THREADS = 8  # waiting on a server, not computing: more calls may wait at once
SPEECH_FORMAT = "mp3"  # audio/mpeg: every browser plays it
_pool = ThreadPoolExecutor(max_workers=THREADS, thread_name_prefix="speech-endpoint")
_clients: dict[tuple, openai.OpenAI] = {}
_lock = threading.Lock()


def _client(settings: SpeechSettings) -> openai.OpenAI:
    """One client per process and endpoint (a client made before a fork is not shared)."""
    try:
        import openai
    except ImportError:  # a dependency of trainer: only a broken install lacks it
        raise EngineUnavailable(f"The openai package is not installed. {TYPE_INSTEAD}") from None
    key = (os.getpid(), settings.api_key, settings.base_url, settings.timeout)
    with _lock:
        if key not in _clients:
            _clients[key] = openai.OpenAI(api_key=settings.api_key or "unused",
                                          base_url=settings.base_url or None,
                                          timeout=settings.timeout, max_retries=0)
        return _clients[key]


def _failure(what: str, exc: Exception, seconds: float) -> SpeechError:
    """The endpoint's failure as the sentence a trainee reads. A read that timed out after
    ``seconds`` (the client's timeout, set to the deadline) says so as ``within`` does: the
    two timers run the same length, and either may see it first."""
    import openai

    if isinstance(exc, SpeechError):
        return exc
    if isinstance(exc, openai.APITimeoutError):
        return too_slow(what, seconds)
    status = getattr(exc, "status_code", None)
    reason = f"answered {status}" if status else (
        "did not answer" if isinstance(exc, openai.APIConnectionError) else "failed")
    log.warning("%s: the speech endpoint %s (%s)", what, reason, exc)
    return SpeechFailed(f"{what} failed: the speech service {reason}. {TYPE_INSTEAD}")


class RemoteTranscriber:
    def __init__(self, settings: SpeechSettings):
        self.settings = settings
        self.name = f"{OPENAI}/{settings.stt_model}"[:ENGINE_CHARS]

    def transcribe(self, audio: WavAudio, wav: bytes) -> Transcript:
        client, model = _client(self.settings), self.settings.stt_model

        def call() -> str:
            try:
                result = client.audio.transcriptions.create(
                    model=model, file=("answer.wav", wav, "audio/wav"), response_format="json")
            except Exception as exc:
                raise _failure("Transcribing your answer", exc,
                               self.settings.timeout) from exc
            text = result if isinstance(result, str) else getattr(result, "text", None)
            if not isinstance(text, str):
                raise SpeechFailed("Transcribing your answer failed: the speech service sent "
                                   f"no text. {TYPE_INSTEAD}")
            return text

        text = within(_pool, self.settings.stt_deadline, "Transcribing your answer", call)
        return Transcript(" ".join(text.split()), self.name, None, audio.duration_ms)


def synthesize(settings: SpeechSettings, text: str, voice: str) -> bytes:
    """``text`` spoken in ``voice`` as MP3 bytes, from TRAINER_TTS_MODEL. Raises
    EngineUnavailable when no endpoint is set, SpeechFailed when it fails or is too slow."""
    if not settings.tts_model or not settings.endpoint_configured:
        raise EngineUnavailable("No speech endpoint is configured: the browser speaks the "
                                "customer's lines.")
    client, model = _client(settings), settings.tts_model

    def call() -> bytes:
        try:
            response = client.audio.speech.create(model=model, voice=voice, input=text,
                                                  response_format=SPEECH_FORMAT)
            audio = response.content
        except Exception as exc:
            raise _failure("Speaking the customer's line", exc, settings.timeout) from exc
        if not audio:
            raise SpeechFailed("Speaking the customer's line failed: the speech service sent "
                               "no audio.")
        return audio

    return within(_pool, settings.tts_deadline, "Speaking the customer's line", call)
