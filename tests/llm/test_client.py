"""The OpenAI client over real HTTP to the fake server, and the settings that build it."""

from __future__ import annotations

import pytest

from trainer import create_app
from trainer.config import TestConfig
from trainer.domain.errors import LLMError
from trainer.llm import llm_settings
from trainer.llm.client import LLMCallFailed, LLMRequest, OpenAIClient
from trainer.llm.settings import settings_from

from .conftest import SLOW, TIMEOUT, llm_config
from .fake_openai import Reply, error, ok

SCHEMA = {"type": "object", "required": ["reply", "n"],
          "properties": {"reply": {"type": "string"}, "n": {"type": "integer", "enum": [1, 2]}}}
REQUEST = LLMRequest("judge", "test-1", ({"role": "user", "content": "Say hi as JSON."},),
                     "test_reply", SCHEMA)


def test_a_good_reply_is_parsed_with_its_usage(llm_client, fake_openai):
    fake_openai.script(ok({"reply": "hi", "n": 1}, usage={"prompt_tokens": 12,
                                                          "completion_tokens": 5}))
    result = llm_client.complete(REQUEST)
    assert result.data == {"reply": "hi", "n": 1}
    usage = result.usage
    assert (usage["tokens_in"], usage["tokens_out"], usage["ok"], usage["error"]) == \
        (12, 5, True, "")
    assert usage["model"] == "fake-judge" and usage["purpose"] == "judge"  # the judge's model
    assert usage["prompt_version"] == "test-1" and 0 <= usage["latency_ms"] < 1000
    body = fake_openai.bodies()[0]
    assert body["model"] == "fake-judge"
    assert body["response_format"]["type"] == "json_schema"
    assert body["response_format"]["json_schema"]["schema"] == SCHEMA


def test_json_object_mode_for_servers_without_json_schema(fake_openai):
    client = OpenAIClient(settings_from(llm_config(fake_openai, TRAINER_LLM_JSON_MODE="object")))
    fake_openai.script(ok({"reply": "hi", "n": 2}))
    try:
        assert client.complete(REQUEST).data["n"] == 2
    finally:
        client.close()
    assert fake_openai.bodies()[0]["response_format"] == {"type": "json_object"}


@pytest.mark.parametrize(("reply", "reason"), [
    (Reply('{"reply": "hi", "n": 1}', delay=SLOW), "timeout"),
    (error(500), "HTTP 500"),
    (error(429), "HTTP 429"),
    (ok("Sure! Here is your JSON: {reply: hi}"), "output is not JSON"),
    (ok('{"reply": "hi", "n": '), "output is not JSON"),
    (ok(""), "empty output"),
    (ok("[1, 2]"), "output is not a JSON object"),
    (ok({"reply": "hi"}), "schema mismatch: $: missing 'n'"),
    (ok({"reply": "hi", "n": 7}), "schema mismatch: $.n: 7 is not one of [1, 2]"),
    (ok({"reply": "hi", "n": True}), "schema mismatch: $.n: expected integer, got boolean"),
])
def test_every_failure_raises_llm_error_with_a_record(llm_client, fake_openai, reply, reason):
    fake_openai.script(reply)
    with pytest.raises(LLMCallFailed) as caught:
        llm_client.complete(REQUEST)
    assert isinstance(caught.value, LLMError) and caught.value.reason == reason
    usage = caught.value.usage
    assert usage["ok"] is False and usage["error"] == reason and usage["model"]
    if reason == "timeout":
        assert TIMEOUT * 1000 <= usage["latency_ms"] < SLOW * 1000
    if reason.startswith(("output", "schema", "empty")):
        assert usage["tokens_in"] > 0  # the call answered, so its tokens were spent


def test_retries_are_explicit(fake_openai):
    client = OpenAIClient(settings_from(llm_config(fake_openai, TRAINER_LLM_RETRIES="1")))
    fake_openai.script(error(500), ok({"reply": "second time", "n": 1}))
    try:
        assert client.complete(REQUEST).data["reply"] == "second time"
    finally:
        client.close()
    assert len(fake_openai.bodies()) == 2


def test_no_server_is_a_connection_failure():
    client = OpenAIClient(settings_from({"OPENAI_BASE_URL": "http://127.0.0.1:9/v1",
                                         "TRAINER_LLM_RETRIES": "0"}))
    try:
        with pytest.raises(LLMCallFailed, match="connection failed"):
            client.complete(REQUEST)
    finally:
        client.close()


def test_settings_defaults_and_models():
    settings = settings_from({})
    assert not settings.configured and settings.model == "gpt-4o-mini"
    assert (settings.timeout, settings.retries, settings.json_mode) == (20.0, 1, "schema")
    assert "No LLM configured" in settings.summary()
    mixed = settings_from({"OPENAI_API_KEY": "sk-secret", "TRAINER_LLM_MODEL": "m",
                           "TRAINER_LLM_CUSTOMER_MODEL": "small", "TRAINER_LLM_TIMEOUT": "7.5"})
    assert mixed.configured and mixed.timeout == 7.5
    assert (mixed.model_for("customer"), mixed.model_for("judge")) == ("small", "m")
    assert "sk-secret" not in str(mixed.describe()) and mixed.describe()["api_key_set"]
    assert settings_from({"OPENAI_BASE_URL": "http://llm.local/v1"}).configured  # self-hosted


@pytest.mark.parametrize(("key", "value"), [("TRAINER_LLM_TIMEOUT", "soon"),
                                            ("TRAINER_LLM_TIMEOUT", "0"),
                                            ("TRAINER_LLM_RETRIES", "-1"),
                                            ("TRAINER_LLM_RETRIES", "1.5"),
                                            ("TRAINER_LLM_JSON_MODE", "xml")])
def test_bad_settings_fail_loudly(key, value):
    with pytest.raises(LLMError, match=key):
        settings_from({key: value})


def _plain_config(**extra):
    return {**{k: getattr(TestConfig, k) for k in dir(TestConfig) if k.isupper()}, **extra}


def test_without_a_key_nothing_changes_and_the_app_says_so():
    app = create_app(_plain_config(TRAINER_CUSTOMER_ENGINE="llm", TRAINER_SCORER="llm"))
    assert app.config["TRAINER_CUSTOMER_ENGINE"] == "scripted"
    assert app.config["TRAINER_SCORER"] == "rules"
    with app.app_context():
        settings = llm_settings()
    assert not settings.configured
    assert (settings.customer_engine, settings.scorer) == ("scripted", "rules")
    assert "scripted customer and the rule scorer" in settings.summary()


def test_with_a_key_the_llm_engines_are_opt_in(fake_openai):
    app = create_app(_plain_config(**llm_config(fake_openai)))
    with app.app_context():
        settings = llm_settings()
    assert settings.configured and (settings.customer_engine, settings.scorer) == \
        ("scripted", "rules")  # a key alone changes nothing until the engines ask for llm
    app = create_app(_plain_config(**llm_config(fake_openai), TRAINER_SCORER="llm"))
    with app.app_context():
        assert llm_settings().scorer == "llm" and "scorer 'llm'" in llm_settings().summary()
