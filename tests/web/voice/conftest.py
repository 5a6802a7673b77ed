"""The voice-mode browser tests' fixtures: the app served, and Chromium with a fake microphone
that says answer.wav, allowed or refused."""

from __future__ import annotations

import pytest

from ... import factories
from ..browser import chromium, serve
from .steps import ALLOW_MICROPHONE, FAKE_MICROPHONE


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
