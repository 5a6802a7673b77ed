"""Voice mode's transcribe route through the test client: what is refused and how (each with a
JSON sentence and a status), who may send, the rate limit, and the engine's fallbacks."""

from __future__ import annotations

import io

import pytest

from trainer.speech import sphinx

from .. import factories
from ..conftest import csrf_token, post_form
from ..speech.wavs import fixture, made
from .conftest import HEARD

SCENARIO = "billing-double-charge"


@pytest.fixture
def people(app):
    with app.app_context():
        boss = factories.user("manager", email="boss@example.com")
        factories.user("trainee", email="tara@example.com", manager=boss)
        factories.user("trainee", email="tom@example.com", manager=boss)


def playing(client, auth, email="tara@example.com") -> str:
    """Log in and start the scenario: the attempt's URL."""
    auth.login(email)
    started = post_form(client, "/", f"/scenarios/{SCENARIO}/start")
    return started.headers["Location"]


def send(client, attempt_url: str, data: bytes | None, token: str | None = "page", **form):
    """POST a recording as the play page does (multipart, the CSRF token in X-CSRFToken)."""
    headers = {"X-CSRFToken": csrf_token(client, "/")} if token == "page" else {}
    fields = dict(form)
    if data is not None:
        fields["audio"] = (io.BytesIO(data), "answer.wav", "audio/wav")
    return client.post(f"{attempt_url}/transcribe", data=fields, headers=headers,
                       content_type="multipart/form-data")


def test_a_recording_comes_back_as_text_with_a_token(client, auth, people, speech):
    url = playing(client, auth)
    answer = send(client, url, fixture("answer.wav"))
    assert answer.status_code == 200
    body = answer.get_json()
    assert body["text"] == HEARD and body["engine"] == "openai/whisper-1"
    assert body["confidence"] is None and 4000 <= body["talk_ms"] <= 4100
    assert body["token"]
    assert speech.requests[0]["file"] == fixture("answer.wav")


@pytest.mark.parametrize("data, status, words", [
    (None, 400, "No audio arrived"),
    (b"", 400, "No audio arrived"),
    (made(0.1), 400, "too short"),
    (made(5), 413, "keep an answer under 3 seconds"),
    (b"<html>not audio</html>", 415, "not a WAV recording"),
    (made(1, channels=2), 415, "stereo"),
    (made(1, width=1), 415, "8-bit"),
])
def test_bad_uploads_are_refused_with_a_sentence(client, auth, app, people, speech, data,
                                                 status, words):
    app.config["TRAINER_VOICE_MAX_SECONDS"] = "3"
    url = playing(client, auth)
    refused = send(client, url, data)
    assert refused.status_code == status
    assert words in refused.get_json()["error"]
    assert speech.requests == []  # refused before any engine heard it


def test_an_upload_beyond_the_byte_bound_is_refused_before_it_is_read(client, auth, app, people,
                                                                      speech):
    app.config["TRAINER_VOICE_MAX_SECONDS"] = "1"
    url = playing(client, auth)
    refused = send(client, url, b"RIFF" + bytes(400_000))
    assert refused.status_code == 413
    assert refused.get_json() == {
        "error": "That recording is too big: keep an answer under 1 seconds."}


def test_without_the_csrf_token_it_is_refused(client, auth, people, speech):
    url = playing(client, auth)
    refused = send(client, url, fixture("answer.wav"), token=None)
    assert refused.status_code == 400
    assert "reload it" in refused.get_json()["error"]
    assert speech.requests == []


def test_the_csrf_token_may_come_as_a_form_field(client, auth, people, speech):
    url = playing(client, auth)
    taken = send(client, url, fixture("answer.wav"), token=None,
                 csrf_token=csrf_token(client, "/"))
    assert taken.status_code == 200


def test_someone_elses_attempt_is_not_found(client, auth, people, speech):
    url = playing(client, auth)
    auth.logout()
    for someone in ("tom@example.com", "boss@example.com"):
        auth.login(someone)
        refused = send(client, url, fixture("answer.wav"))
        assert refused.status_code == 404, someone
        assert refused.get_json() == {"error": "There is no such conversation of yours."}
        auth.logout()
    auth.login("tom@example.com")
    assert send(client, "/attempts/999999", fixture("answer.wav")).status_code == 404
    assert speech.requests == []


def test_a_finished_conversation_takes_no_recording(client, auth, people, speech):
    url = playing(client, auth)
    post_form(client, f"{url}/end", data={"confirm": "yes"})
    refused = send(client, url, fixture("answer.wav"))
    assert refused.status_code == 409
    assert "ended" in refused.get_json()["error"]


def test_too_many_recordings_a_minute_are_refused(client, auth, app, people, speech):
    app.config["TRAINER_VOICE_PER_MINUTE"] = "2"
    url = playing(client, auth)
    assert [send(client, url, fixture("answer.wav")).status_code for _ in range(3)] == \
        [200, 200, 429]
    refused = send(client, url, fixture("answer.wav"))
    assert refused.get_json()["error"].startswith("That is a lot of recordings in a minute")
    assert len(speech.requests) == 2


def test_without_the_voice_extra_it_says_what_is_missing(client, auth, app, people,
                                                       monkeypatch):
    monkeypatch.setattr(sphinx, "is_installed", lambda: False)
    url = playing(client, auth)
    refused = send(client, url, fixture("answer.wav"))
    assert refused.status_code == 503
    assert refused.get_json() == {"error": "Voice needs the trainer[voice] extra: pip install "
                                           "'trainer[voice]'. Type your answer instead."}


def test_a_failing_speech_service_says_to_type_instead(client, auth, people, speech):
    speech.status = 502
    url = playing(client, auth)
    refused = send(client, url, fixture("answer.wav"))
    assert refused.status_code == 503
    assert refused.get_json()["error"].endswith("Type your answer instead.")


@pytest.mark.skipif(not sphinx.is_installed(), reason="needs the trainer[voice] extra")
def test_the_embedded_engine_transcribes_offline(client, auth, people):
    url = playing(client, auth)
    answer = send(client, url, fixture("callback.wav"))
    assert answer.status_code == 200
    body = answer.get_json()
    assert {"sorry", "understand", "tomorrow"} <= set(body["text"].split())
    assert body["engine"] == "pocketsphinx" and 0 < body["confidence"] <= 1
    nothing = send(client, url, fixture("silence.wav"))
    assert nothing.status_code == 400
    assert nothing.get_json()["error"].startswith("No words could be heard")


def test_the_pages_allow_the_microphone_and_recorded_audio_on_this_site_only(client):
    headers = client.get("/login").headers
    assert "microphone=(self)" in headers["Permissions-Policy"]
    assert "camera=()" in headers["Permissions-Policy"]
    assert "media-src 'self' blob:" in headers["Content-Security-Policy"]
