"""Voice settings as the speech code uses them: read from the app's config, where
trainer/settings.py checked them and holds their defaults (the one place they are defined). Read
again for each use, since tests change the config while the app runs; a bad value there raises
ConfigError, as it would have stopped the app from starting."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from ..settings import VoiceSettings, checked

POCKETSPHINX, OPENAI = "pocketsphinx", "openai"
SERVER, BROWSER = "server", "browser"  # who speaks the customer's lines
_VOICE = VoiceSettings()  # the defaults
DEFAULT_STT_DEADLINE = _VOICE.TRAINER_STT_DEADLINE
DEFAULT_VOICE = _VOICE.TRAINER_TTS_VOICE  # "alloy", one of OpenAI's; self-hosted servers differ
DEFAULT_MAX_SECONDS = _VOICE.TRAINER_VOICE_MAX_SECONDS  # a minute is a long answer on the phone
DEFAULT_PER_MINUTE = _VOICE.TRAINER_VOICE_PER_MINUTE  # a conversation needs a few
DEFAULT_RETENTION_DAYS = _VOICE.TRAINER_AUDIO_RETENTION_DAYS


@dataclass(frozen=True)
class SpeechSettings:
    stt_model: str | None = None  # set: the OpenAI-compatible transcription endpoint
    stt_deadline: float = DEFAULT_STT_DEADLINE
    tts_model: str | None = None  # set: the OpenAI-compatible speech endpoint
    tts_voice: str = DEFAULT_VOICE
    tts_deadline: float = DEFAULT_STT_DEADLINE
    max_seconds: int = DEFAULT_MAX_SECONDS
    per_minute: int = DEFAULT_PER_MINUTE
    keep_audio: bool = False
    retention_days: int = DEFAULT_RETENTION_DAYS
    api_key: str | None = None  # the LLM's endpoint (OPENAI_API_KEY / OPENAI_BASE_URL)
    base_url: str | None = None
    timeout: float = DEFAULT_STT_DEADLINE  # seconds per read, as for the LLM calls

    @property
    def stt_engine(self) -> str:
        return OPENAI if self.stt_model else POCKETSPHINX

    @property
    def tts(self) -> str:
        return SERVER if self.tts_model else BROWSER

    @property
    def endpoint_configured(self) -> bool:
        return bool(self.api_key or self.base_url)


def speech_settings(config: Mapping[str, Any]) -> SpeechSettings:
    """The settings in ``config`` (an app's config), with the defaults for what is unset."""
    given = {key: config[key] for key in VoiceSettings.model_fields if config.get(key) is not None}
    voice = checked(VoiceSettings, given)

    def text(key: str) -> str | None:
        value = config.get(key)
        return str(value).strip() or None if value is not None else None

    return SpeechSettings(
        stt_model=voice.TRAINER_STT_MODEL, stt_deadline=voice.TRAINER_STT_DEADLINE,
        tts_model=voice.TRAINER_TTS_MODEL, tts_voice=voice.TRAINER_TTS_VOICE,
        tts_deadline=voice.TRAINER_STT_DEADLINE, max_seconds=voice.TRAINER_VOICE_MAX_SECONDS,
        per_minute=voice.TRAINER_VOICE_PER_MINUTE, keep_audio=voice.TRAINER_KEEP_AUDIO,
        retention_days=voice.TRAINER_AUDIO_RETENTION_DAYS,
        api_key=text("OPENAI_API_KEY"), base_url=text("OPENAI_BASE_URL"),
        timeout=voice.TRAINER_STT_DEADLINE,  # per read, bounded by the whole transcription's
    )
