"""Voice mode in a real browser (Debian's headless Chromium through Playwright), its microphone a
WAV made with espeak-ng (tests/data/audio/answer.wav, played by Chromium's fake capture device),
its words heard by pocketsphinx on the server:

- a turn played by voice end to end: speaking chosen (and remembered), the talk button held, the
  words heard appear in the answer box, are sent, the customer answers and is read aloud, and the
  stored turn is spoken, with its engine, talk time and response time;
- the keyboard: Space held on the talk button records; a short press records until the next;
- the microphone refused: a message, typing back on, and a typed answer still carries its
  response time;
- the customer's voice from the server falling back to the browser's when the server fails;
- no speech engine: the choice says what is missing and typing stays;
- each state of voice mode passes axe-core's WCAG 2.2 A/AA rules.

The browser's speech synthesis is replaced, before any page script runs, by one that writes down
what it was asked to say (headless Chromium has no voices to listen to)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from trainer.extensions import db
from trainer.models import Turn

from .. import factories
from .browser import chromium, log_in, needs_chromium, new_page, serve
from .test_accessibility import axe_violations

sync_api = pytest.importorskip("playwright.sync_api")
expect = sync_api.expect
pytestmark = needs_chromium

ANSWER_WAV = Path(__file__).resolve().parents[1] / "data" / "audio" / "answer.wav"
FAKE_MICROPHONE = ("--use-fake-device-for-media-stream",
                   f"--use-file-for-fake-audio-capture={ANSWER_WAV}")
ALLOW_MICROPHONE = ("--use-fake-ui-for-media-stream",)  # without it, Chromium refuses
HEARD_WORD = "sorry"  # what pocketsphinx reliably hears in answer.wav (tests/data/audio/README.md)
FIRST_LINE = "charged twice for March"
BOX = "Your reply to the customer"
TRANSCRIBING = 30_000  # ms: pocketsphinx on a slow machine, with its model loaded the first time
WRITES_DOWN_SPEECH = """
  window.spokenLines = [];
  Object.defineProperty(window, "speechSynthesis", {configurable: true, value: {
    speak(u) { window.spokenLines.push(u.text); }, cancel() {}, getVoices() { return []; },
    pause() {}, resume() {}, speaking: false, pending: false}});
  window.announced = [];  // each sentence the voice panel's role="status" says, in order
  document.addEventListener("DOMContentLoaded", () => {
    const status = document.getElementById("voice-status");
    if (status) new MutationObserver(() => window.announced.push(status.textContent))
      .observe(status, {childList: true, characterData: true, subtree: true});
  });
"""
REFUSED = """navigator.mediaDevices.getUserMedia = () =>
  Promise.reject(new DOMException("Permission denied", "NotAllowedError"));"""


def _needs_pocketsphinx():
    pytest.importorskip("pocketsphinx", reason="pocketsphinx (the trainer[voice] extra) is not "
                                               "installed: the server cannot hear")


@pytest.fixture
def live_server(app):
    with app.app_context():
        boss = factories.user("manager", email="boss@example.com")
        factories.user(email="tara@example.com", name="Tara Singh", manager=boss)
    with serve(app) as base:
        yield base


@pytest.fixture
def microphone():
    """Chromium with a microphone that says answer.wav, allowed."""
    with chromium(FAKE_MICROPHONE + ALLOW_MICROPHONE) as browser:
        yield browser


@pytest.fixture
def refusing():
    """Chromium with a microphone whose use is refused (nobody answers the permission prompt)."""
    with chromium(FAKE_MICROPHONE) as browser:
        yield browser


def _open(browser):
    page = new_page(browser)
    page.add_init_script(WRITES_DOWN_SPEECH)
    return page


def _start(page, base: str) -> int:
    log_in(page, base, "tara@example.com")
    page.get_by_role("button", name="Practise Charged twice for the same month").click()
    page.get_by_role("log", name="Conversation").get_by_text(FIRST_LINE).wait_for()
    return int(page.url.rsplit("/", 1)[1].split("#")[0])


def _speaking(page):
    page.get_by_role("radio", name="speaking").check()
    talk = page.get_by_role("button", name="Hold to talk")
    expect(talk).to_be_visible()
    return talk


def _answers(app, attempt_id: int) -> list[Turn]:
    with app.app_context():
        turns = db.session.scalars(db.select(Turn).where(
            Turn.attempt_id == attempt_id, Turn.role == "trainee").order_by(Turn.index)).all()
        db.session.expunge_all()
        return turns


def _wait_seconds_recorded(page, seconds: int, limit: int = 60) -> None:
    """Until the recording's time left shows ``seconds`` gone: the clock is the audio itself."""
    expect(page.locator("#talk-time")).to_have_text(f"{limit - seconds} s left",
                                                    timeout=(seconds + 5) * 1000)


def test_a_turn_played_by_voice_end_to_end(app, microphone, live_server):
    _needs_pocketsphinx()
    page = _open(microphone)
    attempt_id = _start(page, live_server)
    talk = _speaking(page)
    status = page.locator("#voice-status")
    expect(status).to_contain_text("Speaking: hold the talk button")
    assert any(FIRST_LINE in line for line in page.evaluate("window.spokenLines"))

    talk.hover()
    page.mouse.down()
    recording = page.get_by_role("button", name="Recording… let go to stop")
    expect(recording).to_have_attribute("aria-pressed", "true")
    expect(status).to_have_text("Recording: speak now, and let go when you have finished.")
    _wait_seconds_recorded(page, 4)
    page.mouse.up()

    box = page.get_by_role("textbox", name=BOX)
    expect(box).to_have_value(re.compile(HEARD_WORD), timeout=TRANSCRIBING)
    expect(box).to_be_focused()  # ready to correct
    expect(status).to_contain_text("Heard:")
    assert page.locator("input[name=spoken_token]").input_value()
    page.get_by_role("button", name="Send reply").click()

    log = page.get_by_role("log", name="Conversation")
    expect(log.locator(".bubble")).to_have_count(3)  # the opening, the answer, the reply
    answer = log.locator(".bubble.trainee")
    expect(answer).to_contain_text(HEARD_WORD)
    expect(answer.locator(".turn-marks")).to_contain_text("spoken (pocketsphinx)")
    expect(answer.locator(".turn-marks")).to_contain_text("started answering after")
    reply = log.locator(".bubble.customer").last.locator(".says").inner_text()
    page.wait_for_function("line => window.spokenLines.includes(line)", arg=reply.strip())
    assert page.locator("input[name=spoken_token]").input_value() == ""  # the next is new
    assert page.locator("input[name=response_ms]").input_value() == ""
    (turn,) = _answers(app, attempt_id)
    assert turn.spoken and turn.stt_engine == "pocketsphinx" and HEARD_WORD in turn.text
    assert turn.talk_ms >= 3_500 and turn.response_ms is not None and turn.heard is None

    page.reload()  # the choice is remembered in this browser
    expect(page.get_by_role("radio", name="speaking")).to_be_checked()
    expect(page.get_by_role("button", name="Hold to talk")).to_be_visible()
    assert not page.errors, page.errors


def test_space_held_records_and_a_short_press_records_until_the_next(app, microphone,
                                                                     live_server):
    _needs_pocketsphinx()
    page = _open(microphone)
    _start(page, live_server)
    talk = _speaking(page)
    box = page.get_by_role("textbox", name=BOX)
    box.fill("Typed first.")  # nothing typed is lost
    talk.focus()
    page.keyboard.down("Space")
    expect(page.get_by_role("button", name="Recording… let go to stop")).to_be_focused()
    _wait_seconds_recorded(page, 4)
    page.keyboard.up("Space")
    expect(box).to_have_value(re.compile(r"^Typed first\. .*" + HEARD_WORD),
                              timeout=TRANSCRIBING)

    page.get_by_role("button", name="Hold to talk").focus()
    page.keyboard.press("Enter")  # a short press: recording goes on
    again = page.get_by_role("button", name="Recording… press again to stop")
    expect(again).to_be_focused()
    expect(page.locator("#voice-status")).to_have_text(
        "Recording. Press the button again when you have finished.")
    _wait_seconds_recorded(page, 4)
    page.keyboard.press("Enter")
    expect(page.locator("#voice-status")).to_contain_text("Heard:", timeout=TRANSCRIBING)
    # The second recording follows what was there: the typed words and the first recording.
    expect(box).to_have_value(re.compile(r"^Typed first\. .*" + HEARD_WORD + ".* " + HEARD_WORD))
    assert not page.errors, page.errors


def test_the_limit_stops_a_recording_and_send_as_heard_sends_it(app, microphone, live_server):
    _needs_pocketsphinx()
    app.config["TRAINER_VOICE_MAX_SECONDS"] = "4"
    page = _open(microphone)
    attempt_id = _start(page, live_server)
    talk = _speaking(page)
    page.get_by_label("Send as soon as it is heard, without correcting").check()
    expect(page.locator("#talk-help")).to_contain_text("Up to 4 seconds.")
    talk.hover()
    page.mouse.down()  # and held past the limit
    log = page.get_by_role("log", name="Conversation")
    expect(log.locator(".bubble")).to_have_count(3, timeout=TRANSCRIBING)  # sent, answered
    said = page.evaluate("window.announced")
    assert "4 seconds left." in said, said
    assert ("The recording stopped at its limit of 4 seconds. Transcribing what you said…"
            in said), said
    assert any(s.startswith("Heard: ") and s.endswith("Sending it.") for s in said), said
    page.mouse.up()  # letting go afterwards starts nothing
    expect(page.get_by_role("button", name="Hold to talk")).to_be_visible()
    (turn,) = _answers(app, attempt_id)
    assert turn.spoken and turn.heard is None and 3_500 <= turn.talk_ms <= 4_100


def test_a_refused_microphone_says_so_and_typing_still_works(app, refusing, live_server):
    page = _open(refusing)
    attempt_id = _start(page, live_server)
    talk = _speaking(page)
    talk.click()
    alert = page.get_by_role("alert")
    expect(alert).to_contain_text("The microphone is blocked for this page")
    expect(page.get_by_role("radio", name="typing")).to_be_checked()
    expect(page.get_by_role("button", name="Hold to talk")).to_be_hidden()
    box = page.get_by_role("textbox", name=BOX)
    expect(box).to_be_focused()
    page.keyboard.type("I'm so sorry, Priya. I have refunded the second charge today.")
    page.get_by_role("button", name="Send reply").click()
    expect(page.get_by_role("log").locator(".bubble")).to_have_count(3)
    (turn,) = _answers(app, attempt_id)
    assert not turn.spoken and turn.response_ms is not None and turn.response_ms >= 0
    page.reload()  # typing is remembered: the refusal would only repeat
    expect(page.get_by_role("radio", name="typing")).to_be_checked()


def test_the_servers_voice_failing_falls_back_to_the_browsers(app, microphone, live_server):
    app.config.update(TRAINER_TTS_MODEL="tts-1", OPENAI_BASE_URL="http://127.0.0.1:9/v1",
                      OPENAI_API_KEY="not-a-real-key")
    page = _open(microphone)
    asked = []
    page.on("request", lambda r: asked.append(r.url) if r.url.endswith("/speech") else None)
    _start(page, live_server)
    _speaking(page)
    page.wait_for_function("line => window.spokenLines.some(s => s.includes(line))",
                           arg=FIRST_LINE)
    assert asked and asked[0].endswith("/turns/0/speech")


def test_without_a_speech_engine_the_choice_says_what_is_missing(app, microphone, live_server,
                                                                 monkeypatch):
    from trainer.services import voice

    monkeypatch.setattr(voice, "stt_missing", lambda config: "Voice needs the trainer[voice] "
                                                             "extra.")
    page = _open(microphone)
    page.add_init_script("localStorage.setItem('trainer.answer-mode', 'voice')")
    _start(page, live_server)
    speaking = page.get_by_role("radio", name="speaking")
    expect(speaking).to_be_disabled()
    expect(speaking).to_have_accessible_description(
        "Speaking is not available here. Voice needs the trainer[voice] extra.")
    expect(page.get_by_role("radio", name="typing")).to_be_checked()
    expect(page.locator("#voice-controls")).to_be_hidden()
    assert page.locator("#voice-problem").is_hidden()


def test_each_voice_state_passes_axe(app, microphone, live_server, monkeypatch):
    _needs_pocketsphinx()
    app.config["TRAINER_KEEP_AUDIO"] = True  # the scorecard then has a player
    page = _open(microphone)
    _start(page, live_server)
    problems = []

    def check(label):
        problems.extend(f"{label}: {v}" for v in axe_violations(page))

    check("play, typing, voice offered")
    talk = _speaking(page)
    check("play, speaking, ready")
    talk.click()  # a click alone starts a recording that the next one stops
    again = page.get_by_role("button", name="Recording… press again to stop")
    expect(again).to_be_visible()
    expect(page.locator("#talk-time")).to_be_visible()
    check("play, speaking, recording")
    _wait_seconds_recorded(page, 2)
    again.click()
    expect(page.locator("#voice-status")).to_contain_text("Heard:", timeout=TRANSCRIBING)
    check("play, speaking, words heard")
    page.keyboard.type(" Thank you for waiting.")  # corrected before it is sent
    page.get_by_role("button", name="Send reply").click()
    expect(page.get_by_role("log").locator(".bubble")).to_have_count(3)
    expect(page.locator(".bubble.trainee .turn-marks")).to_contain_text("corrected")
    check("play, speaking, answered with marks")
    page.get_by_role("button", name="End the conversation…").click()
    page.get_by_role("button", name=re.compile("^Yes, ")).click()  # one answer: abandoned
    expect(page.get_by_role("heading", name="Response times")).to_be_visible()
    expect(page.locator("audio.turn-audio")).to_have_count(1)
    expect(page.locator("#talk-time-total")).not_to_have_text("not measured")
    check("scorecard, a spoken answer kept, response times")
    errors = list(page.errors)

    page = _open(microphone)  # this one's microphone is refused (the real refusal: above)
    page.add_init_script(REFUSED)
    _start(page, live_server)
    _speaking(page).click()
    expect(page.get_by_role("alert")).to_contain_text("The microphone is blocked")
    check("play, microphone refused")
    from trainer.services import voice

    monkeypatch.setattr(voice, "stt_missing", lambda config: "Voice needs the extra.")
    page.reload()
    expect(page.get_by_role("radio", name="speaking")).to_be_disabled()
    check("play, no speech engine")
    assert not problems, "axe-core (WCAG 2.2 AA) found:\n" + "\n".join(problems)
    errors += page.errors
    assert not [e for e in errors if "Content Security Policy" in e], errors
