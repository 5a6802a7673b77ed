"""The speech engines on real audio: pocketsphinx offline on the espeak-ng fixtures, and the
OpenAI-compatible endpoints against a real local HTTP server (fake_speech.py), including one that
fails and one too slow, which give up inside the deadline with a sentence to type instead."""

from __future__ import annotations

import dataclasses
import time

import pytest

from trainer.speech import (
    EngineUnavailable,
    SpeechFailed,
    check_wav,
    get_stt_engine,
    speech_settings,
)
from trainer.speech.remote import synthesize

from .fake_speech import MP3, SPEECH, TRANSCRIPTIONS, FakeSpeech
from .wavs import fixture

needs_pocketsphinx = pytest.mark.skipif(
    not __import__("trainer.speech.sphinx", fromlist=["x"]).is_installed(),
    reason="needs the trainer[voice] extra (pocketsphinx)")


def _heard(name: str, **config):
    data = fixture(name)
    engine = get_stt_engine(speech_settings(config))
    return engine.transcribe(check_wav(data, 60), data)


@needs_pocketsphinx
@pytest.mark.parametrize("name, words", [
    ("answer.wav", {"sorry", "about", "double"}),
    ("callback.wav", {"sorry", "understand", "back", "tomorrow"}),
])
def test_pocketsphinx_hears_the_key_words_offline(name, words):
    heard = _heard(name)
    assert words <= set(heard.text.split()), heard.text
    assert heard.engine == "pocketsphinx"
    assert 0 < heard.confidence <= 1
    assert 4000 <= heard.duration_ms <= 4500


@needs_pocketsphinx
def test_pocketsphinx_is_deterministic():
    assert len({_heard("callback.wav").text for _ in range(3)}) == 1


@needs_pocketsphinx
def test_pocketsphinx_hears_nothing_in_noise():
    heard = _heard("silence.wav")
    assert heard.text == "" and heard.confidence is None


@needs_pocketsphinx
def test_pocketsphinx_gives_up_at_the_deadline_with_a_sentence():
    start = time.monotonic()
    with pytest.raises(SpeechFailed) as failed:
        _heard("answer.wav", TRAINER_STT_DEADLINE="0.01")
    assert time.monotonic() - start < 1
    assert str(failed.value) == ("Transcribing your answer took longer than 0.01 seconds. "
                                 "Type your answer instead.")


def test_without_the_extra_pocketsphinx_is_unavailable_and_says_how_to_get_it(monkeypatch):
    from trainer.speech import sphinx

    monkeypatch.setattr(sphinx, "is_installed", lambda: False)
    with pytest.raises(EngineUnavailable) as missing:
        get_stt_engine(speech_settings({}))
    assert "pip install 'trainer[voice]'" in str(missing.value)


@pytest.fixture
def server():
    with FakeSpeech() as fake:
        yield fake


def _remote(server, **extra):
    return {"OPENAI_BASE_URL": server.url, "TRAINER_STT_MODEL": "whisper-1",
            "TRAINER_TTS_MODEL": "tts-1", "TRAINER_STT_DEADLINE": "2", **extra}


def test_the_transcription_endpoint_gets_the_wav_and_its_text_comes_back(server):
    heard = _heard("answer.wav", **_remote(server))
    assert heard.text == "I am sorry about the double charge I will refund it today"
    assert heard.engine == "openai/whisper-1" and heard.confidence is None
    sent = server.requests[0]
    assert sent["path"] == TRANSCRIPTIONS and sent["model"] == "whisper-1"
    assert sent["file"] == fixture("answer.wav")


def test_a_failing_transcription_endpoint_says_so_and_to_type_instead(server):
    server.status = 500
    with pytest.raises(SpeechFailed) as failed:
        _heard("answer.wav", **_remote(server))
    assert str(failed.value) == ("Transcribing your answer failed: the speech service answered "
                                 "500. Type your answer instead.")


def test_a_slow_transcription_endpoint_is_given_up_inside_the_deadline(server):
    server.delay = 5
    start = time.monotonic()
    with pytest.raises(SpeechFailed) as failed:
        _heard("answer.wav", **_remote(server, TRAINER_STT_DEADLINE="0.5"))
    assert time.monotonic() - start < 1.5
    assert "took longer than 0.5 seconds. Type your answer instead." in str(failed.value)


def _read_times_out_first(server):
    """The settings with the client's read timeout well inside the deadline, so the endpoint's
    own timeout, not the wait for it, is what gives up (in use the two are the same length)."""
    server.delay = 5
    settings = speech_settings(_remote(server, TRAINER_STT_DEADLINE="10"))
    return dataclasses.replace(settings, timeout=0.3)


def test_a_transcription_read_that_times_out_says_it_took_too_long(server):
    data = fixture("answer.wav")
    engine = get_stt_engine(_read_times_out_first(server))
    with pytest.raises(SpeechFailed) as failed:
        engine.transcribe(check_wav(data, 60), data)
    assert str(failed.value) == ("Transcribing your answer took longer than 0.3 seconds. "
                                 "Type your answer instead.")


def test_a_speech_read_that_times_out_says_it_took_too_long(server):
    with pytest.raises(SpeechFailed) as failed:
        synthesize(_read_times_out_first(server), "Hi", "alloy")
    assert str(failed.value) == ("Speaking the customer's line took longer than 0.3 seconds. "
                                 "Type your answer instead.")


def test_an_endpoint_model_without_an_endpoint_is_unavailable():
    with pytest.raises(EngineUnavailable) as missing:
        get_stt_engine(speech_settings({"TRAINER_STT_MODEL": "whisper-1"}))
    assert "neither OPENAI_API_KEY nor OPENAI_BASE_URL is set" in str(missing.value)


def test_the_speech_endpoint_speaks_a_line_in_the_voice_asked_for(server):
    audio = synthesize(speech_settings(_remote(server)), "Where is my refund?", "nova")
    assert audio == MP3
    sent = server.requests[0]
    assert (sent["path"], sent["model"], sent["voice"], sent["input"]) == (
        SPEECH, "tts-1", "nova", "Where is my refund?")
    assert sent["response_format"] == "mp3"


def test_a_slow_speech_endpoint_is_given_up_inside_the_deadline(server):
    server.delay = 5
    start = time.monotonic()
    with pytest.raises(SpeechFailed):
        synthesize(speech_settings(_remote(server, TRAINER_STT_DEADLINE="0.5")), "Hi", "alloy")
    assert time.monotonic() - start < 1.5
