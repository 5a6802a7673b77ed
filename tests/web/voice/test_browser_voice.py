"""Voice mode in a real browser (Debian's headless Chromium through Playwright), its words heard
by pocketsphinx on the server (tests/web/voice/steps.py: the microphone and the steps):

- a turn played by voice end to end: speaking chosen (and remembered), the talk button held, the
  words heard appear in the answer box, are sent, the customer answers and is read aloud, and the
  stored turn is spoken, with its engine, talk time and response time;
- the keyboard: Space held on the talk button records; a short press records until the next;
- the recording's limit stops it, and "send as heard" sends it."""

from __future__ import annotations

import re

from ..browser import needs_chromium
from .steps import (
    BOX,
    FIRST_LINE,
    HEARD_WORD,
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


def test_a_turn_played_by_voice_end_to_end(app, microphone, live_server):
    needs_pocketsphinx()
    page = open_page(microphone)
    attempt_id = start_attempt(page, live_server)
    talk = speaking_mode(page)
    status = page.locator("#voice-status")
    expect(status).to_contain_text("Speaking: hold the talk button")
    assert any(FIRST_LINE in line for line in page.evaluate("window.spokenLines"))

    talk.hover()
    page.mouse.down()
    recording = page.get_by_role("button", name="Recording… let go to stop")
    expect(recording).to_have_attribute("aria-pressed", "true")
    expect(status).to_have_text("Recording: speak now, and let go when you have finished.")
    wait_seconds_recorded(page, 4)
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
    (turn,) = trainee_answers(app, attempt_id)
    assert turn.spoken and turn.stt_engine == "pocketsphinx" and HEARD_WORD in turn.text
    assert turn.talk_ms >= 3_500 and turn.response_ms is not None and turn.heard is None

    page.reload()  # the choice is remembered in this browser
    expect(page.get_by_role("radio", name="speaking")).to_be_checked()
    expect(page.get_by_role("button", name="Hold to talk")).to_be_visible()
    assert not page.errors, page.errors


def test_space_held_records_and_a_short_press_records_until_the_next(app, microphone,
                                                                     live_server):
    needs_pocketsphinx()
    page = open_page(microphone)
    start_attempt(page, live_server)
    talk = speaking_mode(page)
    box = page.get_by_role("textbox", name=BOX)
    box.fill("Typed first.")  # nothing typed is lost
    talk.focus()
    page.keyboard.down("Space")
    expect(page.get_by_role("button", name="Recording… let go to stop")).to_be_focused()
    wait_seconds_recorded(page, 4)
    page.keyboard.up("Space")
    expect(box).to_have_value(re.compile(r"^Typed first\. .*" + HEARD_WORD),
                              timeout=TRANSCRIBING)

    page.get_by_role("button", name="Hold to talk").focus()
    page.keyboard.press("Enter")  # a short press: recording goes on
    again = page.get_by_role("button", name="Recording… press again to stop")
    expect(again).to_be_focused()
    expect(page.locator("#voice-status")).to_have_text(
        "Recording. Press the button again when you have finished.")
    wait_seconds_recorded(page, 4)
    page.keyboard.press("Enter")
    expect(page.locator("#voice-status")).to_contain_text("Heard:", timeout=TRANSCRIBING)
    # The second recording follows what was there: the typed words and the first recording.
    expect(box).to_have_value(re.compile(r"^Typed first\. .*" + HEARD_WORD + ".* " + HEARD_WORD))
    assert not page.errors, page.errors


def test_the_limit_stops_a_recording_and_send_as_heard_sends_it(app, microphone, live_server):
    needs_pocketsphinx()
    app.config["TRAINER_VOICE_MAX_SECONDS"] = "4"
    page = open_page(microphone)
    attempt_id = start_attempt(page, live_server)
    talk = speaking_mode(page)
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
    (turn,) = trainee_answers(app, attempt_id)
    assert turn.spoken and turn.heard is None and 3_500 <= turn.talk_ms <= 4_100
