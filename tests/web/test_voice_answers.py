"""A spoken answer sent from the play page: stored as the text sent, marked spoken with what the
engine heard; a bad token never loses the answer; response times; kept recordings (only with
TRAINER_KEEP_AUDIO), who may play them back, and their deletion by `trainer sweep`."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from trainer.extensions import db
from trainer.models import AudioClip, Turn
from trainer.models._types import utcnow
from trainer.services import voice

from .. import factories
from ..conftest import csrf_token, post_form
from ..speech.wavs import fixture
from .conftest import HEARD
from .test_voice import playing, send


@pytest.fixture
def people(app):
    with app.app_context():
        boss = factories.user("manager", email="boss@example.com")
        other_boss = factories.user("manager", email="other@example.com")
        factories.user("trainee", email="tara@example.com", manager=boss)
        factories.user("trainee", email="tom@example.com", manager=other_boss)
        factories.user("admin", email="admin@example.com")


def say(client, url, text, token="", response_ms="", expected="1"):
    return client.post(url, data={"csrf_token": csrf_token(client, "/"), "answer": text,
                                  "expected_turn": expected, "spoken_token": token,
                                  "response_ms": response_ms})


def answer_turn(app, url, index=1) -> Turn:
    attempt_id = int(url.rsplit("/", 1)[1])
    with app.app_context():
        turn = db.session.scalar(select(Turn).where(Turn.attempt_id == attempt_id,
                                                    Turn.index == index))
        db.session.expunge(turn)
        return turn


def clips(app) -> list[AudioClip]:
    with app.app_context():
        found = list(db.session.scalars(select(AudioClip)))
        for clip in found:
            db.session.expunge(clip)
        return found


def test_an_answer_sent_as_heard_is_stored_spoken_with_the_engines_reading(client, auth, app,
                                                                        people, speech):
    url = playing(client, auth)
    heard = send(client, url, fixture("answer.wav")).get_json()
    sent = say(client, url, heard["text"], heard["token"], response_ms="2350")
    assert sent.status_code == 302
    turn = answer_turn(app, url)
    assert turn.text == HEARD and turn.spoken and turn.stt_engine == "openai/whisper-1"
    assert turn.stt_confidence is None and turn.talk_ms == heard["talk_ms"]
    assert turn.heard is None  # sent as heard: nothing to keep beside the text
    assert turn.response_ms == 2350
    assert answer_turn(app, url, 2).role == "customer"  # and the customer answered it
    assert clips(app) == []  # TRAINER_KEEP_AUDIO is off: no audio stored


def test_a_corrected_transcript_keeps_what_was_heard_beside_what_was_sent(client, auth, app,
                                                                          people, speech):
    url = playing(client, auth)
    heard = send(client, url, fixture("answer.wav")).get_json()
    corrected = "I am sorry about the double charge. I will refund the £39.99 today."
    say(client, url, corrected, heard["token"])
    turn = answer_turn(app, url)
    assert turn.text == corrected and turn.spoken and turn.heard == HEARD


@pytest.mark.parametrize("token", ["forged", "other-attempt", "expired"])
def test_a_bad_token_loses_nothing_and_the_answer_is_not_marked_spoken(client, auth, app, people,
                                                                       speech, token):
    from itsdangerous.timed import TimestampSigner

    url = playing(client, auth)
    heard = send(client, url, fixture("answer.wav")).get_json()
    if token == "forged":
        value = heard["token"][:-3] + "abc"
    elif token == "other-attempt":
        other = post_form(client, "/", "/scenarios/delivery-damaged-sofa/start")
        value = send(client, other.headers["Location"], fixture("answer.wav")).get_json()["token"]
    else:  # the same transcript, signed two hours ago
        with app.app_context(), pytest.MonkeyPatch.context() as patch:
            payload = voice._serializer().loads(heard["token"])
            patch.setattr(TimestampSigner, "get_timestamp",
                          lambda self: int(utcnow().timestamp()) - 7200)
            value = voice._serializer().dumps(payload)
    sent = say(client, url, "I will refund it today.", value)
    assert sent.status_code == 302
    turn = answer_turn(app, url)
    assert turn.text == "I will refund it today." and not turn.spoken
    assert turn.stt_engine is None and turn.heard is None
    page = client.get(sent.headers["Location"]).get_data(as_text=True)
    assert "it is not marked as spoken" in page


@pytest.mark.parametrize("raw, stored", [("0", 0), ("3600000", 3600000), ("3600001", None),
                                         ("-5", None), ("soon", None), ("", None)])
def test_a_typed_answer_keeps_a_plausible_response_time_only(client, auth, app, people, raw,
                                                             stored):
    url = playing(client, auth)
    say(client, url, "I am sorry, I will refund it today.", response_ms=raw)
    turn = answer_turn(app, url)
    assert turn.response_ms == stored and not turn.spoken


def kept(client, auth, app, speech) -> str:
    app.config.update(TRAINER_KEEP_AUDIO=True, TRAINER_AUDIO_RETENTION_DAYS="7")
    url = playing(client, auth)
    heard = send(client, url, fixture("answer.wav")).get_json()
    say(client, url, heard["text"], heard["token"])
    auth.logout()
    return url


def test_a_kept_recording_is_linked_to_its_answer_until_its_retention_ends(client, auth, app,
                                                                           people, speech):
    url = kept(client, auth, app, speech)
    (clip,) = clips(app)
    assert clip.turn_id == answer_turn(app, url).id and clip.mime == "audio/wav"
    assert clip.data == fixture("answer.wav")
    assert timedelta(days=6, hours=23) < clip.expires_at - utcnow() <= timedelta(days=7)


@pytest.mark.parametrize("who, status", [("tara@example.com", 200), ("boss@example.com", 200),
                                         ("admin@example.com", 404), ("tom@example.com", 404),
                                         ("other@example.com", 404)])
def test_only_the_trainee_and_their_managers_may_play_a_recording_back(client, auth, app,
                                                                        people, speech, who,
                                                                        status):
    url = kept(client, auth, app, speech)
    auth.login(who)
    played = client.get(f"{url}/turns/1/audio")
    assert played.status_code == status
    if status == 200:
        assert played.mimetype == "audio/wav" and played.data == fixture("answer.wav")
        assert played.headers["Cache-Control"] == "private, no-store"
    assert client.get(f"{url}/turns/2/audio").status_code == 404  # the customer's: no clip


def test_trainer_sweep_deletes_recordings_past_their_retention_and_unsent_ones(
        client, auth, app, people, speech, runner):
    url = kept(client, auth, app, speech)
    auth.login("tara@example.com")
    send(client, url, fixture("answer.wav"))  # transcribed, never sent
    send(client, url, fixture("answer.wav"))  # the same, an hour and more ago
    with app.app_context():
        first, _, old = db.session.scalars(select(AudioClip).order_by(AudioClip.id))
        old.created_at = utcnow() - timedelta(hours=1, minutes=1)
        first_id = first.id
        db.session.commit()
    assert client.get(f"{url}/turns/1/audio").status_code == 200
    result = runner.invoke(args=["sweep"])
    assert "1 audio clip(s) past their retention or never sent: deleted." in result.output
    assert len(clips(app)) == 2  # the sent one, and the one still waiting to be sent
    with app.app_context():
        db.session.get(AudioClip, first_id).expires_at = utcnow() - timedelta(seconds=1)
        db.session.commit()
    assert client.get(f"{url}/turns/1/audio").status_code == 404  # expired: gone already
    result = runner.invoke(args=["sweep"])
    assert "1 audio clip(s)" in result.output
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(AudioClip)) == 1
    assert answer_turn(app, url).spoken  # the answer itself stays


def test_without_a_speech_endpoint_the_customers_voice_is_the_browsers(client, auth, people):
    url = playing(client, auth)
    missing = client.get(f"{url}/turns/0/speech")
    assert missing.status_code == 404
    assert "the browser speaks" in missing.get_json()["error"]


def test_the_speech_endpoint_speaks_the_customers_lines_in_the_scenarios_voice(
        client, auth, app, people, speech):
    from ..speech.fake_speech import MP3

    app.config.update(TRAINER_TTS_MODEL="tts-1", TRAINER_TTS_VOICE="echo")
    url = playing(client, auth)
    spoken = client.get(f"{url}/turns/0/speech")
    assert spoken.status_code == 200 and spoken.mimetype == "audio/mpeg"
    assert spoken.data == MP3
    assert speech.requests[-1]["voice"] == "echo"
    assert "charged twice" in speech.requests[-1]["input"].lower()
    say(client, url, "I am sorry, I will refund it today.")
    assert client.get(f"{url}/turns/1/speech").status_code == 404  # the trainee's own line
    assert client.get(f"{url}/turns/9/speech").status_code == 404
    speech.status = 500
    failed = client.get(f"{url}/turns/2/speech")
    assert failed.status_code == 503 and "failed" in failed.get_json()["error"]
    auth.logout()
    auth.login("boss@example.com")
    assert client.get(f"{url}/turns/0/speech").status_code == 404  # only the trainee plays


def test_a_refused_spoken_answer_keeps_its_words_and_its_marker_to_send_again(client, auth, app,
                                                                              people, speech):
    app.config["ANSWER_MAX_CHARS"] = 20
    url = playing(client, auth)
    heard = send(client, url, fixture("answer.wav")).get_json()
    refused = say(client, url, heard["text"], heard["token"])
    assert refused.status_code == 422
    page = refused.get_data(as_text=True)
    assert heard["text"] in page and heard["token"] in page
    app.config["ANSWER_MAX_CHARS"] = 4000
    say(client, url, heard["text"], heard["token"])
    assert answer_turn(app, url).spoken


def test_an_answer_spoken_in_two_recordings_counts_both(client, auth, app, people, speech):
    """Speaking, pausing, speaking again: both recordings' words and talk time are the answer's,
    and (kept) one recording of both plays back; a stale token among them is only left out."""
    app.config.update(TRAINER_KEEP_AUDIO=True)
    url = playing(client, auth)
    first = send(client, url, fixture("answer.wav")).get_json()
    second = send(client, url, fixture("callback.wav")).get_json()
    with app.app_context():  # another conversation's recording
        stale = voice._serializer().dumps({"a": 0, "h": "x", "e": "openai", "c": None, "t": 9,
                                           "k": None})
    both = f"{first['text']} {second['text']}"
    say(client, url, both, f"{first['token']} {stale} {second['token']}")
    turn = answer_turn(app, url)
    assert turn.spoken and turn.heard is None  # sent as heard, from both recordings
    assert turn.talk_ms == first["talk_ms"] + second["talk_ms"]
    (clip,) = clips(app)  # one recording, made of the two, in the order spoken
    assert clip.turn_id == turn.id
    assert abs(clip.duration_ms - turn.talk_ms) <= 1  # each length was rounded down on its own
    played = client.get(f"{url}/turns/1/audio")
    assert played.status_code == 200 and played.data == clip.data
    assert played.data[:4] == b"RIFF" and len(played.data) > len(fixture("answer.wav"))
