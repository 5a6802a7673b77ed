"""The OpenAI client over real HTTP to the fake server, and the settings that build it."""

from __future__ import annotations

import logging
import time

import pytest

from trainer import create_app
from trainer.config import TestConfig
from trainer.domain.errors import LLMError
from trainer.llm import llm_settings
from trainer.llm.calls import EARLIER_TRIES, LLMCallFailed, LLMRequest, all_tries
from trainer.llm.client import OpenAIClient
from trainer.llm.settings import settings_from

from .conftest import SLOW, TIMEOUT, llm_config
from .fake_openai import Reply, error, html, ok

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
    (html(), "not a chat completion"),  # 200 with a proxy's HTML page: no AttributeError
    (ok({"reply": "hi", "n": 1}, finish_reason="length"),
     "output cut off at the token limit (1500)"),
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


def client_for(fake_openai, **settings) -> OpenAIClient:
    return OpenAIClient(settings_from(llm_config(fake_openai, **settings)))


def test_retries_are_explicit_and_every_try_is_recorded_and_logged(fake_openai, caplog):
    client = client_for(fake_openai, TRAINER_LLM_RETRIES="1")
    fake_openai.script(error(500), ok({"reply": "second time", "n": 1}))
    try:
        with caplog.at_level(logging.WARNING, logger="trainer.llm.tries"):
            result = client.complete(REQUEST)
    finally:
        client.close()
    assert result.data["reply"] == "second time" and len(fake_openai.bodies()) == 2
    first, second = all_tries(result.usage)
    assert (first["try_number"], first["ok"], first["error"]) == (1, False, "HTTP 500")
    assert (second["try_number"], second["ok"], second["error"]) == (2, True, "")
    assert "judge call to fake-judge, try 1, failed after" in caplog.text
    assert "HTTP 500" in caplog.text


def test_a_failed_call_keeps_every_try(fake_openai):
    client = client_for(fake_openai, TRAINER_LLM_RETRIES="2")
    fake_openai.script(error(503), html(), error(500))
    try:
        with pytest.raises(LLMCallFailed, match="HTTP 500") as caught:
            client.complete(REQUEST)
    finally:
        client.close()
    tries = all_tries(caught.value.usage)
    assert [(t["try_number"], t["error"]) for t in tries] == \
        [(1, "HTTP 503"), (2, "not a chat completion"), (3, "HTTP 500")]
    assert EARLIER_TRIES not in tries[-1]


def test_unusable_output_is_not_retried(fake_openai):
    client = client_for(fake_openai, TRAINER_LLM_RETRIES="2")
    fake_openai.script(ok("no JSON here"))
    try:
        with pytest.raises(LLMCallFailed, match="output is not JSON"):
            client.complete(REQUEST)
    finally:
        client.close()
    assert len(fake_openai.bodies()) == 1  # the same prompt would give the same kind of answer


def test_the_deadline_holds_against_a_server_that_drips_bytes(fake_openai):
    """Headers at once, then a byte every 0.3 s: every read returns well inside the 1 s
    timeout, so only a wall-clock deadline ends the call (it would take minutes otherwise)."""
    client = client_for(fake_openai, TRAINER_LLM_DEADLINE="2", TRAINER_LLM_RETRIES="3")
    fake_openai.script(Reply('{"reply": "hi", "n": 1}', drip=0.3))
    started = time.monotonic()
    try:
        with pytest.raises(LLMCallFailed, match=r"no answer within 2 s") as caught:
            client.complete(REQUEST)
    finally:
        client.close()
    assert time.monotonic() - started < 15  # generous: the drip alone lasts over a minute
    usage = caught.value.usage
    assert usage["ok"] is False and usage["try_number"] == 1 and usage["latency_ms"] >= 1500


def test_retries_stop_at_the_deadline(fake_openai):
    client = client_for(fake_openai, TRAINER_LLM_DEADLINE="3", TRAINER_LLM_RETRIES="10")
    fake_openai.responder = lambda body: Reply('{"reply": "late", "n": 1}', delay=SLOW)
    started = time.monotonic()
    try:
        with pytest.raises(LLMCallFailed) as caught:
            client.complete(REQUEST)
    finally:
        client.close()
    assert time.monotonic() - started < 15
    tries = all_tries(caught.value.usage)
    assert 1 < len(tries) < 10 and [t["try_number"] for t in tries] == \
        list(range(1, len(tries) + 1))
    assert all(t["ok"] is False for t in tries)


def test_max_tokens_is_sent_for_the_customer_and_the_judge(fake_openai):
    client = client_for(fake_openai, TRAINER_LLM_CUSTOMER_MAX_TOKENS="123",
                        TRAINER_LLM_JUDGE_MAX_TOKENS="456")
    fake_openai.responder = lambda body: ok({"reply": "hi", "n": 1})
    try:
        client.complete(REQUEST)
        client.complete(LLMRequest("customer", "t", REQUEST.messages, "x", SCHEMA))
    finally:
        client.close()
    assert [b["max_tokens"] for b in fake_openai.bodies()] == [456, 123]


def test_a_refused_max_tokens_parameter_is_swapped_for_the_other(fake_openai):
    client = client_for(fake_openai, TRAINER_LLM_MAX_TOKENS_PARAM="max_tokens")
    fake_openai.refuse_max_tokens = True
    fake_openai.responder = lambda body: ok({"reply": "hi", "n": 1})
    try:
        first = client.complete(REQUEST)
        client.complete(REQUEST)
    finally:
        client.close()
    sent = [("max_tokens" in b, b.get("max_completion_tokens")) for b in fake_openai.bodies()]
    assert sent == [(True, None), (False, 1500), (False, 1500)]
    assert "max_tokens refused" in all_tries(first.usage)[0]["error"]
    assert [c.value for c in client.compat.changes] == ["max_completion_tokens"]


def test_a_refused_json_schema_mode_falls_back_to_object_mode_for_good(fake_openai, caplog):
    """llama-cpp-python's server: 500 "Input should be 'text' or 'json_object'"."""
    client = client_for(fake_openai)
    fake_openai.refuse_schema = True
    fake_openai.responder = lambda body: ok({"reply": "hi", "n": 1})
    try:
        with caplog.at_level(logging.WARNING, logger="trainer.llm"):
            first = client.complete(REQUEST)
            second = client.complete(REQUEST)
    finally:
        client.close()
    kinds = [b["response_format"]["type"] for b in fake_openai.bodies()]
    assert kinds == ["json_schema", "json_object", "json_object"]
    refused, answered = all_tries(first.usage)
    assert refused["error"] == "HTTP 500: json_schema refused; json_object mode from now on"
    assert answered["ok"] and EARLIER_TRIES not in second.usage
    assert client.compat.json_mode == "object" and len(client.compat.changes) == 1
    assert "json_object mode from now on (for the rest of this process)" in caplog.text


def test_an_ordinary_500_changes_no_mode(fake_openai):
    client = client_for(fake_openai)
    fake_openai.script(error(500, message="CUDA out of memory"))
    try:
        with pytest.raises(LLMCallFailed, match="HTTP 500"):
            client.complete(REQUEST)
    finally:
        client.close()
    assert client.compat.json_mode == "schema" and client.compat.changes == []


def test_anything_the_client_library_raises_is_a_failed_call(llm_client, monkeypatch):
    def broken(**kwargs):
        raise AttributeError("'NoneType' object has no attribute 'model_dump'")

    monkeypatch.setattr(llm_client._client.chat.completions, "create", broken)
    with pytest.raises(LLMCallFailed, match="client error: AttributeError") as caught:
        llm_client.complete(REQUEST)
    assert caught.value.usage["ok"] is False


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
    assert settings.deadline == 20.0  # well inside gunicorn's 30 s, retries included
    assert (settings.customer_max_tokens, settings.judge_max_tokens) == (400, 1500)
    assert settings.max_tokens_param == "max_completion_tokens"  # OpenAI's own API
    assert settings_from({"OPENAI_BASE_URL": "http://x/v1"}).max_tokens_param == "max_tokens"
    # the deadline follows the tries' timeouts (plus a second for the pauses), up to 20 s
    short = settings_from({"TRAINER_LLM_TIMEOUT": "3", "TRAINER_LLM_RETRIES": "1"})
    assert short.deadline == 7.0
    assert settings_from({"TRAINER_LLM_TIMEOUT": "60"}).deadline == 20.0
    assert settings_from({"TRAINER_LLM_DEADLINE": "8.5"}).deadline == 8.5
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
                                            ("TRAINER_LLM_JSON_MODE", "xml"),
                                            ("TRAINER_LLM_DEADLINE", "0"),
                                            ("TRAINER_LLM_DEADLINE", "soon"),
                                            ("TRAINER_LLM_JUDGE_MAX_TOKENS", "0"),
                                            ("TRAINER_LLM_CUSTOMER_MAX_TOKENS", "many"),
                                            ("TRAINER_LLM_MAX_TOKENS_PARAM", "max_output")])
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
