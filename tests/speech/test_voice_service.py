"""services/voice.py without HTTP: what the play page is told voice mode can do here, the answer
meta read from the form's hidden fields, and the clip sweep run by the web requests."""

from __future__ import annotations

from datetime import timedelta

import pytest
from flask_login import login_user
from sqlalchemy import select

from trainer.extensions import db
from trainer.models import AudioClip
from trainer.models._types import utcnow
from trainer.services import jobs, play, voice
from trainer.speech import sphinx

from .. import factories

SCENARIO = "billing-double-charge"


@pytest.fixture
def attempt(app):
    with app.test_request_context():
        person = factories.user("trainee", email="tara@example.com")
        login_user(person)
        yield play.start_attempt(person, SCENARIO)


def test_on_the_embedded_defaults_the_page_offers_pocketsphinx_and_the_browsers_voice(
        app, attempt, monkeypatch):
    monkeypatch.setattr(sphinx, "is_installed", lambda: True)
    options = voice.voice_options(attempt)
    assert options == {
        "stt": True, "stt_engine": "pocketsphinx", "missing": None, "tts": "browser",
        "voice": "alloy", "max_seconds": 60,
        "transcribe_url": f"/attempts/{attempt.id}/transcribe",
        "speech_url_template": f"/attempts/{attempt.id}/turns/{{index}}/speech"}


def test_without_the_extra_the_page_says_what_is_missing(app, attempt, monkeypatch):
    monkeypatch.setattr(sphinx, "is_installed", lambda: False)
    options = voice.voice_options(attempt)
    assert not options["stt"]
    assert options["missing"].startswith("Voice needs the trainer[voice] extra: pip install "
                                         "'trainer[voice]'.")


def test_configured_endpoints_and_the_scenarios_voice_are_offered(app, attempt):
    app.config.update(OPENAI_BASE_URL="http://127.0.0.1:9/v1", TRAINER_STT_MODEL="whisper-1",
                      TRAINER_TTS_MODEL="tts-1", TRAINER_VOICE_MAX_SECONDS="30")
    snapshot = dict(attempt.scenario_snapshot)
    snapshot["customer"] = {**snapshot["customer"], "voice": "nova"}
    attempt.scenario_snapshot = snapshot
    options = voice.voice_options(attempt)
    assert (options["stt"], options["stt_engine"], options["tts"], options["voice"],
            options["max_seconds"]) == (True, "openai", "server", "nova", 30)


def test_a_bad_voice_setting_stops_the_start_and_says_which(monkeypatch):
    from trainer import create_app
    from trainer.config import TestConfig
    from trainer.keys import ConfigError

    monkeypatch.setenv("TRAINER_VOICE_MAX_SECONDS", "a minute")
    monkeypatch.setenv("TRAINER_STT_DEADLINE", "-1")
    with pytest.raises(ConfigError) as caught:
        create_app({k: getattr(TestConfig, k) for k in dir(TestConfig) if k.isupper()})
    assert "TRAINER_VOICE_MAX_SECONDS: input should be a valid integer" in str(caught.value)
    assert "TRAINER_STT_DEADLINE: input should be greater than 0 (got '-1')" in str(caught.value)


def test_unset_voice_settings_take_their_defaults(app, attempt):
    config = voice.settings()
    assert (config.max_seconds, config.stt_deadline, config.per_minute, config.keep_audio,
            config.retention_days, config.tts_voice) == (60, 15.0, 20, False, 30, "alloy")


@pytest.mark.parametrize("token, response_ms, expected", [
    ("", "", None),
    ("", "1200", voice.AnswerMeta(response_ms=1200)),
    ("", "12.5", None),
    ("not-a-token", "", voice.AnswerMeta(marker_dropped=True)),
])
def test_answer_meta_from_the_hidden_fields(app, attempt, token, response_ms, expected):
    assert voice.answer_meta(attempt, token, response_ms) == expected


def test_a_token_carries_what_was_heard_to_the_answer(app, attempt):
    token = voice._serializer().dumps({"a": attempt.id, "h": "i will refund it",
                                       "e": "pocketsphinx", "c": 0.61, "t": 2300, "k": None})
    assert voice.answer_meta(attempt, token, "800") == voice.AnswerMeta(
        spoken=True, stt_engine="pocketsphinx", stt_confidence=0.61, heard="i will refund it",
        talk_ms=2300, response_ms=800)


def test_the_web_sweep_deletes_expired_clips_too(app, attempt):
    now = utcnow()
    for expires in (now - timedelta(seconds=1), now + timedelta(days=1)):
        db.session.add(AudioClip(attempt_id=attempt.id, user_id=attempt.user_id, mime="audio/wav",
                                 data=b"RIFF", duration_ms=1000, created_at=now,
                                 expires_at=expires))
    db.session.commit()
    jobs.sweep_if_due()
    left = db.session.scalars(select(AudioClip)).all()
    assert [c.expires_at > now for c in left] == [True]
