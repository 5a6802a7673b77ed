"""Voice mode in a real browser when something is missing or refused, and its accessibility:

- the microphone refused: a message, typing back on, and a typed answer still carries its
  response time;
- the customer's voice from the server falling back to the browser's when the server fails;
- no speech engine: the choice says what is missing and typing stays;
- each state of voice mode passes axe-core's WCAG 2.2 A/AA rules."""

from __future__ import annotations

import re

from ..browser import needs_chromium
from ..test_accessibility import axe_violations
from .steps import (
    BOX,
    FIRST_LINE,
    REFUSED,
    TRANSCRIBING,
    expect,
    needs_pocketsphinx,
    open_page,
    speaking_mode,
    start_attempt,
    trainee_answers,
    wait_seconds_recorded,
)

pytestmark = needs_chromium


def test_a_refused_microphone_says_so_and_typing_still_works(app, refusing, live_server):
    page = open_page(refusing)
    attempt_id = start_attempt(page, live_server)
    talk = speaking_mode(page)
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
    (turn,) = trainee_answers(app, attempt_id)
    assert not turn.spoken and turn.response_ms is not None and turn.response_ms >= 0
    page.reload()  # typing is remembered: the refusal would only repeat
    expect(page.get_by_role("radio", name="typing")).to_be_checked()


def test_the_servers_voice_failing_falls_back_to_the_browsers(app, microphone, live_server):
    app.config.update(TRAINER_TTS_MODEL="tts-1", OPENAI_BASE_URL="http://127.0.0.1:9/v1",
                      OPENAI_API_KEY="not-a-real-key")
    page = open_page(microphone)
    asked = []
    page.on("request", lambda r: asked.append(r.url) if r.url.endswith("/speech") else None)
    start_attempt(page, live_server)
    speaking_mode(page)
    page.wait_for_function("line => window.spokenLines.some(s => s.includes(line))",
                           arg=FIRST_LINE)
    assert asked and asked[0].endswith("/turns/0/speech")


def test_without_a_speech_engine_the_choice_says_what_is_missing(app, microphone, live_server,
                                                                 monkeypatch):
    from trainer.services import voice

    monkeypatch.setattr(voice, "stt_missing", lambda config: "Voice needs the trainer[voice] "
                                                             "extra.")
    page = open_page(microphone)
    page.add_init_script("localStorage.setItem('trainer.answer-mode', 'voice')")
    start_attempt(page, live_server)
    speaking = page.get_by_role("radio", name="speaking")
    expect(speaking).to_be_disabled()
    expect(speaking).to_have_accessible_description(
        "Speaking is not available here. Voice needs the trainer[voice] extra.")
    expect(page.get_by_role("radio", name="typing")).to_be_checked()
    expect(page.locator("#voice-controls")).to_be_hidden()
    assert page.locator("#voice-problem").is_hidden()


def test_each_voice_state_passes_axe(app, microphone, live_server, monkeypatch):
    needs_pocketsphinx()
    app.config["TRAINER_KEEP_AUDIO"] = True  # the scorecard then has a player
    page = open_page(microphone)
    start_attempt(page, live_server)
    problems = []

    def check(label):
        problems.extend(f"{label}: {v}" for v in axe_violations(page))

    check("play, typing, voice offered")
    talk = speaking_mode(page)
    check("play, speaking, ready")
    talk.click()  # a click alone starts a recording that the next one stops
    again = page.get_by_role("button", name="Recording… press again to stop")
    expect(again).to_be_visible()
    expect(page.locator("#talk-time")).to_be_visible()
    check("play, speaking, recording")
    wait_seconds_recorded(page, 2)
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

    page = open_page(microphone)  # this one's microphone is refused (the real refusal: above)
    page.add_init_script(REFUSED)
    start_attempt(page, live_server)
    speaking_mode(page).click()
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
