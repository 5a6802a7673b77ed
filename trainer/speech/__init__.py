"""The one place that talks to speech services (as trainer/llm/ is for LLMs): upload checks,
speech to text (pocketsphinx embedded, or an OpenAI-compatible endpoint) and the customer's
voice (the browser's own, or an OpenAI-compatible endpoint)."""

from __future__ import annotations

from .engines import STT_ENGINES, SpeechToText, Transcript, get_stt_engine
from .errors import AudioRejected, EngineUnavailable, SpeechError, SpeechFailed
from .settings import SpeechSettings, speech_settings
from .wav import WavAudio, check_wav, max_upload_bytes

__all__ = ["STT_ENGINES", "AudioRejected", "EngineUnavailable", "SpeechError", "SpeechFailed",
           "SpeechSettings", "SpeechToText", "Transcript", "WavAudio", "check_wav",
           "get_stt_engine", "max_upload_bytes", "speech_settings"]
