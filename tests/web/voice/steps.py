"""Shared by the voice-mode browser tests in this folder (their fixtures: conftest.py):
Chromium with a fake microphone that says a WAV made with espeak-ng (tests/data/audio/answer.wav),
the browser's speech synthesis replaced, before any page script runs, by one that writes down
what it was asked to say (headless Chromium has no voices to listen to), and the steps every
test takes: log in, start the scenario, choose speaking."""

from __future__ import annotations

from pathlib import Path

import pytest

from trainer.extensions import db
from trainer.models import Turn

from ..browser import log_in, new_page

sync_api = pytest.importorskip("playwright.sync_api")
expect = sync_api.expect

ANSWER_WAV = Path(__file__).resolve().parents[2] / "data" / "audio" / "answer.wav"
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


def needs_pocketsphinx():
    pytest.importorskip("pocketsphinx", reason="pocketsphinx (the trainer[voice] extra) is not "
                                               "installed: the server cannot hear")


def open_page(browser):
    page = new_page(browser)
    page.add_init_script(WRITES_DOWN_SPEECH)
    return page


def start_attempt(page, base: str) -> int:
    log_in(page, base, "tara@example.com")
    page.get_by_role("button", name="Practise Charged twice for the same month").click()
    page.get_by_role("log", name="Conversation").get_by_text(FIRST_LINE).wait_for()
    return int(page.url.rsplit("/", 1)[1].split("#")[0])


def speaking_mode(page):
    page.get_by_role("radio", name="speaking").check()
    talk = page.get_by_role("button", name="Hold to talk")
    expect(talk).to_be_visible()
    return talk


def trainee_answers(app, attempt_id: int) -> list[Turn]:
    with app.app_context():
        turns = db.session.scalars(db.select(Turn).where(
            Turn.attempt_id == attempt_id, Turn.role == "trainee").order_by(Turn.index)).all()
        db.session.expunge_all()
        return turns


def wait_seconds_recorded(page, seconds: int, limit: int = 60) -> None:
    """Until the recording's time left shows ``seconds`` gone: the clock is the audio itself."""
    expect(page.locator("#talk-time")).to_have_text(f"{limit - seconds} s left",
                                                    timeout=(seconds + 5) * 1000)
