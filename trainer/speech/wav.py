"""Checks on an uploaded answer (pure: bytes in, facts or a refusal out) and the one conversion
the embedded engine needs. The browser records 16 kHz mono 16-bit PCM WAV (static/js/voice.js);
anything else in the same family is taken, within bounds, and everything else is refused."""

from __future__ import annotations

import struct
from array import array
from dataclasses import dataclass

from .errors import BAD_FORMAT, EMPTY, NOT_WAV, TOO_LONG, AudioRejected

MIN_RATE, MAX_RATE = 8000, 48000  # telephone quality up to studio quality
SAMPLE_BYTES = 2  # 16-bit PCM
# Shorter than this is a click of the button, not an answer.
MIN_MS = 200
# Room for the RIFF header and any extra chunks (LIST, fact) a recorder adds.
HEADER_ALLOWANCE = 4096
PCM = 1
WAVE_FORMAT_EXTENSIBLE = 0xFFFE
ENGINE_RATE = 16000  # what the embedded engine's en-US model was trained on


@dataclass(frozen=True)
class WavAudio:
    """A checked WAV: its PCM samples (little-endian 16-bit), rate and length."""

    pcm: bytes
    rate: int
    duration_ms: int


def max_upload_bytes(max_seconds: int) -> int:
    """The largest upload worth reading: ``max_seconds`` at the highest rate taken."""
    return max_seconds * MAX_RATE * SAMPLE_BYTES + HEADER_ALLOWANCE


def check_wav(data: bytes, max_seconds: int) -> WavAudio:
    """The audio in ``data``, or AudioRejected with a sentence saying what is wrong."""
    if not data:
        raise AudioRejected("No audio arrived: hold the button while you speak.", EMPTY)
    if len(data) > max_upload_bytes(max_seconds):
        raise AudioRejected(f"That recording is too big: keep an answer under {max_seconds} "
                            "seconds.", TOO_LONG)
    if len(data) < 12 or data[:4] != b"RIFF" or data[8:12] != b"WAVE":
        raise AudioRejected("That is not a WAV recording: voice mode sends WAV audio. Reload "
                            "the page, or type your answer instead.", NOT_WAV)
    fmt, pcm = _chunks(data)
    if fmt is None or pcm is None:
        raise AudioRejected("That WAV recording is incomplete (no format or no sound data).",
                            NOT_WAV)
    tag, channels, rate, bits = _format(fmt)
    if tag != PCM or bits != SAMPLE_BYTES * 8 or channels != 1 or not MIN_RATE <= rate <= MAX_RATE:
        raise AudioRejected(
            "That WAV recording is in a format voice mode does not take: it needs 16-bit PCM, "
            f"one channel (mono), {MIN_RATE} to {MAX_RATE} samples a second (got "
            f"{_described(tag, channels, rate, bits)}).", BAD_FORMAT)
    pcm = pcm[:len(pcm) - len(pcm) % SAMPLE_BYTES]
    duration_ms = len(pcm) * 1000 // (rate * SAMPLE_BYTES)
    if duration_ms < MIN_MS:
        raise AudioRejected("That recording is too short to hear anything: hold the button "
                            "while you speak.", EMPTY)
    if duration_ms > max_seconds * 1000:
        raise AudioRejected(f"That recording is {duration_ms / 1000:.0f} seconds long: keep an "
                            f"answer under {max_seconds} seconds.", TOO_LONG)
    return WavAudio(pcm, rate, duration_ms)


def _chunks(data: bytes) -> tuple[bytes | None, bytes | None]:
    """The "fmt " and "data" chunks' bodies (a truncated data chunk keeps what is there)."""
    fmt = pcm = None
    at = 12
    while at + 8 <= len(data) and (fmt is None or pcm is None):
        name, size = data[at:at + 4], struct.unpack_from("<I", data, at + 4)[0]
        body = data[at + 8:at + 8 + size]
        if name == b"fmt ":
            fmt = body
        elif name == b"data":
            pcm = body
        at += 8 + size + size % 2  # chunks are padded to an even length
    return fmt, pcm


def _format(fmt: bytes) -> tuple[int, int, int, int]:
    """(format tag, channels, sample rate, bits per sample); an extensible header's real tag."""
    if len(fmt) < 16:
        return 0, 0, 0, 0
    tag, channels, rate, _, _, bits = struct.unpack_from("<HHIIHH", fmt)
    if tag == WAVE_FORMAT_EXTENSIBLE and len(fmt) >= 26:
        tag = struct.unpack_from("<H", fmt, 24)[0]  # the sub-format GUID's first two bytes
    return tag, channels, rate, bits


def _described(tag: int, channels: int, rate: int, bits: int) -> str:
    kind = "PCM" if tag == PCM else "compressed"
    layout = {1: "mono", 2: "stereo"}.get(channels, f"{channels} channels")
    return f"{bits}-bit {kind}, {layout}, {rate} a second"


def resampled(audio: WavAudio, rate: int = ENGINE_RATE) -> bytes:
    """The samples at ``rate`` (linear interpolation; enough for speech recognition)."""
    if audio.rate == rate:
        return audio.pcm
    source = array("h", audio.pcm)  # WAV is little-endian, as is every machine we run on
    count = len(source) * rate // audio.rate
    step = audio.rate / rate
    out = array("h", bytes(count * SAMPLE_BYTES))
    last = len(source) - 1
    for i in range(count):
        position = i * step
        j = int(position)
        k = min(j + 1, last)
        out[i] = int(source[j] + (source[k] - source[j]) * (position - j))
    return out.tobytes()


def joined(audios: list[WavAudio], rate: int = ENGINE_RATE) -> WavAudio:
    """Several recordings of one answer as one, in order, at ``rate``."""
    pcm = b"".join(resampled(audio, rate) for audio in audios)
    return WavAudio(pcm, rate, len(pcm) * 1000 // (rate * SAMPLE_BYTES))


def wav_bytes(audio: WavAudio) -> bytes:
    """``audio`` as a WAV file: a RIFF header, a PCM "fmt " chunk and the samples."""
    block = SAMPLE_BYTES  # mono
    header = struct.pack("<4sI4s4sIHHIIHH4sI", b"RIFF", 36 + len(audio.pcm), b"WAVE", b"fmt ",
                         16, PCM, 1, audio.rate, audio.rate * block, block, SAMPLE_BYTES * 8,
                         b"data", len(audio.pcm))
    return header + audio.pcm
