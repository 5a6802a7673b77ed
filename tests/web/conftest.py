"""Fixtures the voice pages share: speech to text on a local OpenAI-compatible server."""

from __future__ import annotations

import pytest

from ..speech.fake_speech import FakeSpeech

HEARD = "I am sorry about the double charge I will refund it today"


@pytest.fixture
def speech(app):
    """The app's speech to text on a local OpenAI-compatible server (fast and exact)."""
    with FakeSpeech(text=HEARD) as server:
        app.config.update(OPENAI_BASE_URL=server.url, TRAINER_STT_MODEL="whisper-1",
                          TRAINER_STT_DEADLINE="3")
        yield server
