"""WAV bytes for the voice tests: the committed fixtures, and made-up ones in any format."""

from __future__ import annotations

import io
import wave
from pathlib import Path

AUDIO = Path(__file__).resolve().parents[1] / "data" / "audio"


def fixture(name: str) -> bytes:
    return (AUDIO / name).read_bytes()


def made(seconds: float = 1.0, rate: int = 16000, channels: int = 1, width: int = 2,
         level: int = 0) -> bytes:
    """A WAV of ``seconds`` of a constant ``level`` (silence by default)."""
    frames = int(seconds * rate)
    sample = level.to_bytes(width, "little", signed=width > 1) if width > 1 else bytes([128])
    out = io.BytesIO()
    with wave.open(out, "wb") as w:
        w.setnchannels(channels)
        w.setsampwidth(width)
        w.setframerate(rate)
        w.writeframes(sample * channels * frames)
    return out.getvalue()
