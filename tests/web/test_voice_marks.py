"""What the pages show of voice mode and response times, without a browser: the marks under each
answer (how soon it started, spoken by which engine, corrected with what was heard), the
scorecard's response times beside the rubric, a manager's transcript with the kept recording's
player (asked for in one query, whatever the number of turns), and the play page's voice panel."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

from trainer.extensions import db
from trainer.models import Attempt, AudioClip, Turn
from trainer.models._types import utcnow
from trainer.services import play

from .. import factories

SCENARIO = "billing-double-charge"
WAV = b"RIFF....WAVEfmt "  # the player's source is only linked here, never decoded


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


@pytest.fixture
def people(app):
    with app.app_context():
        boss = factories.user("manager", email="boss@example.com", name="Bea Boss")
        other_boss = factories.user("manager", email="other@example.com", name="Otto Other")
        tara = factories.user(email="tara@example.com", name="Tara Singh", manager=boss)
        return {"boss": boss.id, "other": other_boss.id, "tara": tara.id}


def _spoken_attempt(tara_id: int, clip_expires_in: timedelta | None = None,
                    answers: int = 2) -> int:
    """A scored attempt: a spoken, corrected answer after 4.2 s (1.5 s long), then typed answers
    after 9 s; a kept clip for the spoken one when ``clip_expires_in`` is given."""
    tara = db.session.get(factories.User, tara_id)
    attempt = factories.scored_attempt(tara, SCENARIO)
    turns = [Turn(index=0, role="customer", text="I've been charged twice.", mood="angry"),
             Turn(index=1, role="trainee", text="I am sorry about the double charge.",
                  spoken=True, stt_engine="pocketsphinx", stt_confidence=0.8,
                  heard="i am sorry about the double to all", talk_ms=1_500,
                  response_ms=4_200)]
    for n in range(answers - 1):
        turns += [Turn(index=2 + 2 * n, role="customer", text="And?", mood="wary"),
                  Turn(index=3 + 2 * n, role="trainee", text="I will refund it today.",
                       response_ms=9_000)]
    attempt.turns.extend(turns)
    db.session.commit()
    if clip_expires_in is not None:
        db.session.add(AudioClip(attempt_id=attempt.id, user_id=tara.id, mime="audio/wav",
                                 data=WAV, duration_ms=1_500, turn_id=turns[1].id,
                                 expires_at=utcnow() + clip_expires_in))
        db.session.commit()
    return attempt.id


def test_the_scorecard_shows_response_times_and_each_answers_marks(app, client, auth, people):
    with app.app_context():
        attempt_id = _spoken_attempt(people["tara"])
    auth.login("tara@example.com")
    page = _text(client.get(f"/attempts/{attempt_id}/scorecard").get_data(as_text=True))
    assert "Response times" in page and "does not change the score" in page
    assert "Median response time 7 s" in page  # the middle of 4.2 s and 9 s
    assert "Longest response time 9 s" in page
    assert "Talk time 2 s (1 spoken answer)" in page
    assert "started answering after 4 s · spoken (pocketsphinx) · corrected" in page
    assert "What was heard i am sorry about the double to all" in page
    assert "started answering after 9 s" in page


def test_nothing_measured_says_so(app, client, auth, people):
    with app.app_context():
        tara = db.session.get(factories.User, people["tara"])
        attempt = factories.scored_attempt(tara, SCENARIO)
        attempt.turns.extend([Turn(index=0, role="customer", text="Hello?"),
                              Turn(index=1, role="trainee", text="Sorry, I'll fix it.")])
        db.session.commit()
        attempt_id = attempt.id
    auth.login("tara@example.com")
    html = client.get(f"/attempts/{attempt_id}/scorecard").get_data(as_text=True)
    assert "Not measured: no answer carries a response time" in _text(html)
    assert 'class="turn-marks"' not in html  # no mark under an answer with none to show


def test_a_manager_hears_a_kept_recording_and_the_trainee_too(app, client, auth, people):
    with app.app_context():
        attempt_id = _spoken_attempt(people["tara"], clip_expires_in=timedelta(days=3))
    player = f'src="/attempts/{attempt_id}/turns/1/audio"'
    auth.login("boss@example.com")
    html = client.get(f"/team/attempts/{attempt_id}").get_data(as_text=True)
    assert html.count("<audio") == 1 and player in html  # the spoken answer's, no other
    assert "spoken (pocketsphinx)" in _text(html) and "Median response time" in _text(html)
    assert client.get(f"/attempts/{attempt_id}/turns/1/audio").data == WAV
    auth.logout()
    auth.login("tara@example.com")
    assert player in client.get(f"/attempts/{attempt_id}/scorecard").get_data(as_text=True)


def test_an_expired_recording_has_no_player(app, client, auth, people):
    with app.app_context():
        attempt_id = _spoken_attempt(people["tara"], clip_expires_in=timedelta(days=-1))
    auth.login("boss@example.com")
    html = client.get(f"/team/attempts/{attempt_id}").get_data(as_text=True)
    assert "<audio" not in html and "spoken (pocketsphinx)" in _text(html)


def test_the_recordings_cost_one_query_however_long_the_transcript(app, client, auth, people,
                                                                     count_sql):
    with app.app_context():
        short = _spoken_attempt(people["tara"], timedelta(days=3), answers=1)
        long = _spoken_attempt(people["tara"], timedelta(days=3), answers=8)
    auth.login("boss@example.com")
    counts = []
    for attempt_id in (short, long):
        client.get(f"/team/attempts/{attempt_id}")  # warm: the library, the session
        with count_sql() as sql:
            assert client.get(f"/team/attempts/{attempt_id}").status_code == 200
        counts.append(sql.count)
        assert sum("audio_clip" in s for s in sql.statements) == 1, sql
    assert counts[0] == counts[1], counts


def test_a_typed_conversation_asks_for_no_recordings(app, client, auth, people, count_sql):
    """Most conversations are typed: their scorecard and review do not look for a clip."""
    with app.app_context():
        typed = _spoken_attempt(people["tara"], answers=3)
        turn = db.session.scalars(db.select(Turn).filter_by(attempt_id=typed, spoken=True)).one()
        turn.spoken = False
        db.session.commit()
    auth.login("boss@example.com")
    for _ in range(2):  # warm first: the library, the session
        with count_sql() as sql:
            html = client.get(f"/team/attempts/{typed}").get_data(as_text=True)
    assert "Median response time" in _text(html) and "<audio" not in html
    assert not sql.matching("audio_clip"), sql


def test_the_play_page_offers_voice_with_its_settings_and_the_answer_fields(app, client, auth,
                                                                            people):
    with app.app_context():
        attempt_id = play.start_attempt(db.session.get(factories.User, people["tara"]),
                                        SCENARIO).id
    auth.login("tara@example.com")
    html = client.get(f"/attempts/{attempt_id}").get_data(as_text=True)
    panel = re.search(r'<div id="voice"[^>]*>', html).group(0)
    assert " hidden" in panel  # without script the page is the text page it always was
    assert f'data-transcribe-url="/attempts/{attempt_id}/transcribe"' in panel
    assert f'data-speech-url="/attempts/{attempt_id}/turns/{{index}}/speech"' in panel
    assert 'data-tts="browser"' in panel and "data-max-seconds=" in panel
    assert '<script src="/static/js/voice.js?v=' in html and "<script>" not in html
    for name in ("spoken_token", "response_ms"):
        assert re.search(rf'<input[^>]*name="{name}"[^>]*type="hidden"[^>]*value=""', html) \
            or re.search(rf'<input[^>]*type="hidden"[^>]*name="{name}"', html), name
    assert 'data-turn="0"' in html and '<span class="says">' in html


def test_without_a_speech_engine_the_page_says_what_is_missing(app, client, auth, people,
                                                               monkeypatch):
    from trainer.services import voice

    monkeypatch.setattr(voice, "stt_missing",
                        lambda config: "Voice needs the trainer[voice] extra.")
    with app.app_context():
        attempt_id = play.start_attempt(db.session.get(factories.User, people["tara"]),
                                        SCENARIO).id
    auth.login("tara@example.com")
    html = client.get(f"/attempts/{attempt_id}").get_data(as_text=True)
    assert 'data-stt="no"' in html
    assert re.search(r'value="voice" disabled aria-describedby="voice-missing"', html)
    assert "Speaking is not available here. Voice needs the trainer[voice] extra." in _text(html)


def test_a_typed_answer_with_a_response_time_shows_it_on_the_play_page(app, client, auth,
                                                                      people):
    with app.app_context():
        attempt_id = play.start_attempt(db.session.get(factories.User, people["tara"]),
                                        SCENARIO).id
    auth.login("tara@example.com")
    page = client.get(f"/attempts/{attempt_id}")
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"',
                      page.get_data(as_text=True)).group(1)
    client.post(f"/attempts/{attempt_id}", data={
        "csrf_token": token, "answer": "I'm sorry, I will refund the second charge today.",
        "expected_turn": "1", "spoken_token": "", "response_ms": "3400"})
    html = client.get(f"/attempts/{attempt_id}").get_data(as_text=True)
    assert "started answering after 3 s" in _text(html) and "spoken (" not in html
    with app.app_context():
        turn = db.session.scalar(db.select(Turn).where(Turn.attempt_id == attempt_id,
                                                       Turn.role == "trainee"))
        assert (turn.response_ms, turn.spoken) == (3_400, False)
        assert db.session.get(Attempt, attempt_id).status == "in_progress"
