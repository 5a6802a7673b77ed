"""Upload checks on a spoken answer, without HTTP: what is taken, and each refusal's sentence."""

from __future__ import annotations

import pytest

from trainer.speech import AudioRejected, check_wav, max_upload_bytes
from trainer.speech.errors import BAD_FORMAT, EMPTY, NOT_WAV, TOO_LONG
from trainer.speech.wav import WavAudio, resampled

from .wavs import fixture, made


def test_the_browser_format_is_taken_with_its_length():
    audio = check_wav(fixture("answer.wav"), max_seconds=60)
    assert audio.rate == 16000
    assert 4000 <= audio.duration_ms <= 4100  # soxi: 4.06 s


@pytest.mark.parametrize("rate", [8000, 22050, 44100, 48000])
def test_other_rates_in_range_are_taken(rate):
    assert check_wav(made(0.5, rate=rate), 60).duration_ms == 500


@pytest.mark.parametrize("data, reason, words", [
    (b"", EMPTY, "No audio arrived"),
    (made(0.1), EMPTY, "too short"),
    (b"ID3\x04" + bytes(2000), NOT_WAV, "not a WAV recording"),
    (b"RIFF\x00\x00\x00\x00WAVE", NOT_WAV, "incomplete"),
    (made(1, channels=2), BAD_FORMAT, "got 16-bit PCM, stereo, 16000 a second"),
    (made(1, width=1), BAD_FORMAT, "8-bit PCM, mono"),
    (made(1, rate=96000), BAD_FORMAT, "96000 a second"),
    (made(1, rate=4000), BAD_FORMAT, "4000 a second"),
])
def test_each_refusal_says_what_is_wrong(data, reason, words):
    with pytest.raises(AudioRejected) as refused:
        check_wav(data, 60)
    assert refused.value.reason == reason
    assert words in str(refused.value)


def test_a_recording_longer_than_the_limit_is_refused_with_the_limit():
    with pytest.raises(AudioRejected) as refused:
        check_wav(made(3.5), max_seconds=3)
    assert refused.value.reason == TOO_LONG
    assert str(refused.value) == "That recording is 4 seconds long: keep an answer under 3 seconds."


def test_more_bytes_than_the_limit_allows_are_refused_before_reading_the_header():
    data = b"RIFF" + bytes(max_upload_bytes(2))
    with pytest.raises(AudioRejected) as refused:
        check_wav(data, max_seconds=2)
    assert refused.value.reason == TOO_LONG and "too big" in str(refused.value)


def test_the_byte_bound_allows_the_longest_answer_at_the_highest_rate():
    assert len(made(60, rate=48000)) <= max_upload_bytes(60)
    assert check_wav(made(60, rate=48000), 60).duration_ms == 60000


def test_resampling_keeps_the_length_and_the_shape():
    ramp = WavAudio(b"".join(i.to_bytes(2, "little", signed=True) for i in range(0, 8000, 1000)),
                    8000, 1)
    out = resampled(ramp, 16000)
    samples = [int.from_bytes(out[i:i + 2], "little", signed=True) for i in range(0, len(out), 2)]
    assert samples[:5] == [0, 500, 1000, 1500, 2000]
    assert len(samples) == 16


def test_recordings_joined_play_one_after_the_other_at_the_engines_rate():
    from trainer.speech.wav import ENGINE_RATE, WavAudio, check_wav, joined, wav_bytes

    low = WavAudio(b"\x01\x00" * 8000, 8000, 1000)  # one second at 8 kHz
    high = WavAudio(b"\x02\x00" * 16000, 16000, 1000)
    both = joined([low, high])
    assert (both.rate, both.duration_ms) == (ENGINE_RATE, 2000)
    again = check_wav(wav_bytes(both), 60)  # a WAV the upload checks themselves accept
    assert again == both
