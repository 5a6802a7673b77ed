"""What can go wrong with a spoken answer, each with a sentence for the person speaking."""

from __future__ import annotations

from ..domain.errors import TrainerError

TYPE_INSTEAD = "Type your answer instead."


class SpeechError(TrainerError):
    """Speech to text or text to speech could not be done; the message says so to the user."""


class EngineUnavailable(SpeechError):
    """The engine is not installed or not configured (e.g. the trainer[voice] extra)."""


class SpeechFailed(SpeechError):
    """The engine was there but failed, or did not answer in time."""


class AudioRejected(SpeechError):
    """The upload is not audio this app takes; ``reason`` is one of the REASONS below."""

    def __init__(self, message: str, reason: str):
        super().__init__(message)
        self.reason = reason


EMPTY, TOO_LONG, NOT_WAV, BAD_FORMAT = "empty", "too_long", "not_wav", "bad_format"
