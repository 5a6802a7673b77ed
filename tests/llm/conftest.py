"""LLM fixtures: the fake OpenAI-compatible server, a real client, an app on the LLM engines."""

from __future__ import annotations

import json
from typing import Any

import pytest

from trainer.llm import close, configure
from trainer.llm.client import OpenAIClient
from trainer.llm.settings import settings_from

from .fake_openai import FakeOpenAI, Reply, ok

TIMEOUT = 1.0  # seconds: small, so a "slow" reply (SLOW) is past it
SLOW = 3.0


def llm_config(server: FakeOpenAI, **extra: Any) -> dict[str, Any]:
    return {"OPENAI_API_KEY": "test-key", "OPENAI_BASE_URL": server.url,
            "TRAINER_LLM_MODEL": "fake-model", "TRAINER_LLM_JUDGE_MODEL": "fake-judge",
            "TRAINER_LLM_TIMEOUT": str(TIMEOUT), "TRAINER_LLM_RETRIES": "0", **extra}


@pytest.fixture
def fake_openai():
    with FakeOpenAI() as server:
        yield server


@pytest.fixture
def llm_client(fake_openai):
    client = OpenAIClient(settings_from(llm_config(fake_openai)))
    yield client
    client.close()


@pytest.fixture
def app(app, fake_openai):
    """The shared app fixture, switched to the LLM engines on the fake server."""
    app.config.update(llm_config(fake_openai), TRAINER_CUSTOMER_ENGINE="llm",
                      TRAINER_SCORER="llm")
    configure(app)
    yield app
    close(app)


def customer_json(reply: str = "Right. So when exactly will I see that money?",
                  mood: str = "wary", resolved: bool = False, gave_up: bool = False) -> Reply:
    return ok({"reply": reply, "mood": mood, "resolved": resolved, "gave_up": gave_up})


def dimension(level: int | None, evidence: list[str] | None = None,
              feedback: str = "Judge feedback on this dimension.") -> dict[str, Any]:
    return {"level": level, "evidence": evidence or [], "feedback": feedback}


def judge_json(empathy: dict[str, Any], ownership: dict[str, Any],
               accuracy: dict[str, Any]) -> Reply:
    return ok({"empathy": empathy, "ownership": ownership, "accuracy": accuracy})


def sent_user_text(body: dict[str, Any]) -> str:
    return next(m["content"] for m in body["messages"] if m["role"] == "user")


def sent_system_text(body: dict[str, Any]) -> str:
    return next(m["content"] for m in body["messages"] if m["role"] == "system")


def delimited(text: str, tag: str) -> Any:
    """The JSON between <tag> and </tag> in a prompt."""
    start = text.index(f"<{tag}>") + len(tag) + 2
    return json.loads(text[start: text.index(f"</{tag}>")])
