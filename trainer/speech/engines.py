"""Speech-to-text engines behind one interface, looked up by name, and the deadline every call
to one runs under: a request waits at most that long, whatever the engine does."""

from __future__ import annotations

import logging
from collections.abc import Callable
from concurrent.futures import Executor
from concurrent.futures import TimeoutError as FutureTimeout
from dataclasses import dataclass
from typing import Protocol, TypeVar

from .errors import TYPE_INSTEAD, EngineUnavailable, SpeechFailed
from .settings import OPENAI, POCKETSPHINX, SpeechSettings
from .wav import WavAudio

log = logging.getLogger(__name__)
T = TypeVar("T")


@dataclass(frozen=True)
class Transcript:
    """What an engine heard: the words, who heard them, how sure it was (0..1, or None when
    the engine does not say), and how long the audio was."""

    text: str
    engine: str
    confidence: float | None
    duration_ms: int


class SpeechToText(Protocol):
    name: str

    def transcribe(self, audio: WavAudio, wav: bytes) -> Transcript: ...


def within(pool: Executor, seconds: float, what: str, work: Callable[..., T], *args) -> T:
    """``work(*args)`` on ``pool``, given up after ``seconds`` (it may run on, but nobody waits
    for it): SpeechFailed then says so. Whatever ``work`` raises passes through."""
    future = pool.submit(work, *args)
    try:
        return future.result(timeout=seconds)
    except FutureTimeout:
        future.cancel()  # still queued behind others: never started
        raise too_slow(what, seconds) from None


def too_slow(what: str, seconds: float) -> SpeechFailed:
    """The one failure for a call given up at its deadline, whichever timer saw it first: the
    wait here, or the engine's own timeout set to the same number of seconds."""
    log.warning("%s took longer than %gs: given up", what, seconds)
    return SpeechFailed(f"{what} took longer than {seconds:g} seconds. {TYPE_INSTEAD}")


def get_stt_engine(settings: SpeechSettings) -> SpeechToText:
    """The engine in force: the OpenAI-compatible endpoint when TRAINER_STT_MODEL is set, else
    pocketsphinx. Raises EngineUnavailable (with what is missing) when it cannot be used."""
    return STT_ENGINES[settings.stt_engine](settings)


def _pocketsphinx(settings: SpeechSettings) -> SpeechToText:
    from .sphinx import PocketSphinx

    return PocketSphinx(settings)


def _openai(settings: SpeechSettings) -> SpeechToText:
    if not settings.endpoint_configured:
        raise EngineUnavailable("Speech to text is set to an OpenAI-compatible endpoint "
                                "(TRAINER_STT_MODEL), but neither OPENAI_API_KEY nor "
                                f"OPENAI_BASE_URL is set. {TYPE_INSTEAD}")
    from .remote import RemoteTranscriber

    return RemoteTranscriber(settings)


# name -> factory; a factory raises EngineUnavailable when its engine cannot run here.
STT_ENGINES: dict[str, Callable[[SpeechSettings], SpeechToText]] = {
    POCKETSPHINX: _pocketsphinx,
    OPENAI: _openai,
}
