"""The embedded speech-to-text engine: pocketsphinx (the trainer[voice] extra), offline, with
the en-US model its wheel carries. It decodes a clip holding the GIL throughout (about a fifth
of the clip's length), which would stall every other thread of a web process and let no deadline
fire, so it runs in a small pool of processes of its own, each with one decoder, and the
request walks away at the deadline (TRAINER_STT_DEADLINE)."""

from __future__ import annotations

import logging
import multiprocessing
import os
import threading
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from functools import cache
from importlib import util
from statistics import fmean

from .engines import Transcript, within
from .errors import TYPE_INSTEAD, EngineUnavailable, SpeechFailed
from .settings import POCKETSPHINX, SpeechSettings
from .wav import ENGINE_RATE, WavAudio, resampled

log = logging.getLogger(__name__)

MISSING = ("Voice needs the trainer[voice] extra: pip install 'trainer[voice]'. "
           f"{TYPE_INSTEAD}")
# Decoding processes per web process, each holding the model (about 150 MB). One: a sync
# gunicorn worker serves one request at a time; with threads, recordings wait their turn (about a
# second each) inside TRAINER_STT_DEADLINE.
PROCESSES = 1
# Not words: silence and the sentence marks; the model's noise symbols are in brackets.
NOT_WORDS = {"<s>", "</s>", "<sil>"}
_pool: tuple[int, ProcessPoolExecutor] | None = None
_lock = threading.Lock()
_decoder = None  # in each pool process: made on its first clip (about 0.2 s, the model loads)


@cache  # asked on every play page; installing the extra needs a restart anyway
def is_installed() -> bool:
    return util.find_spec("pocketsphinx") is not None


class PocketSphinx:
    name = POCKETSPHINX

    def __init__(self, settings: SpeechSettings):
        if not is_installed():
            raise EngineUnavailable(MISSING)
        self.settings = settings

    def transcribe(self, audio: WavAudio, wav: bytes) -> Transcript:
        pcm = resampled(audio)
        try:
            text, confidence = within(_processes(), self.settings.stt_deadline,
                                      "Transcribing your answer", _decode, pcm)
        except BrokenProcessPool:  # a decoding process died (killed, out of memory)
            _reset()
            raise SpeechFailed(f"The speech recogniser stopped unexpectedly. {TYPE_INSTEAD}") \
                from None
        return Transcript(text, POCKETSPHINX, confidence, audio.duration_ms)


def _processes() -> ProcessPoolExecutor:
    """This process's pool ("spawn": a fork of a threaded web worker is not safe)."""
    global _pool
    with _lock:
        if _pool is None or _pool[0] != os.getpid():
            context = multiprocessing.get_context("spawn")
            _pool = (os.getpid(), ProcessPoolExecutor(PROCESSES, mp_context=context))
        return _pool[1]


def _reset() -> None:
    global _pool
    with _lock:
        if _pool is not None and _pool[0] == os.getpid():
            _pool[1].shutdown(wait=False, cancel_futures=True)
        _pool = None


def _decode(pcm: bytes) -> tuple[str, float | None]:
    """In a pool process: the words in 16 kHz mono PCM, and how sure the decoder was of them
    (the mean of the words' posterior probabilities), decoded as one whole utterance."""
    global _decoder
    if _decoder is None:
        from pocketsphinx import Decoder

        _decoder = Decoder(samprate=ENGINE_RATE, loglevel="FATAL")
    _decoder.reinit_feat()  # nothing carried over from the last clip: the same clip, the same words
    _decoder.start_utt()
    _decoder.process_raw(pcm, full_utt=True)
    _decoder.end_utt()
    hypothesis = _decoder.hyp()
    words = [s.prob for s in _decoder.seg()
             if s.word not in NOT_WORDS and not s.word.startswith("[")]
    confidence = round(fmean(min(max(p, 0.0), 1.0) for p in words), 3) if words else None
    return (hypothesis.hypstr.strip() if hypothesis is not None else ""), confidence
