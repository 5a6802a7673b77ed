"""`trainer score --scorer llm` through click's runner against the fake server."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from trainer.cli.library import score_command

from .conftest import dimension, judge_json, llm_config
from .fake_openai import error, kind_of

LINES = [
    {"id": "a", "scenario": "billing-double-charge",
     "transcript": [{"role": "customer", "text": "I've been charged twice for March."},
                    {"role": "trainee", "text": "I'm so sorry, Priya. I'll look into this."}]},
    {"id": "b", "customer": "My parcel never came.", "reply": "I'm so sorry. I'll look into this."},
]


@pytest.fixture
def batch(tmp_path):
    path = tmp_path / "in.jsonl"
    path.write_text("".join(json.dumps(line) + "\n" for line in LINES))
    return path


def run(env: dict[str, str], path) -> tuple[int, list[dict], str]:
    result = CliRunner().invoke(score_command, ["--scorer", "llm", str(path)], env=env)
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    return result.exit_code, lines, result.stderr


def test_score_with_the_llm_judge(fake_openai, batch):
    fake_openai.responder = lambda body: judge_json(
        dimension(3, ["I'm so sorry"]), dimension(2, ["I'll look into this."]), dimension(1))
    code, out, err = run(llm_config(fake_openai), batch)
    assert code == 0 and err == ""
    assert [line["id"] for line in out] == ["a", "b"]
    assert {line["scorer"] for line in out} == {"llm-1"}
    assert out[0]["dimensions"]["empathy"] == {"level": 3, "evidence": ["I'm so sorry"],
                                               "feedback": "Judge feedback on this dimension."}
    assert out[0]["dimensions"]["accuracy"]["level"] == 1
    assert out[1]["dimensions"]["accuracy"]["level"] is None  # no scenario: not judged
    contract = {"id", "scorer", "dimensions", "overall", "passed"}
    assert contract <= set(out[0]) <= contract | {"notes", "review"}
    # the judge and the rule scorer are 2+ levels apart here: the app would flag these attempts
    # for review, and so does the output, saying why
    assert all("LLM judge and rule scorer differ by 2+ levels" in line["review"] for line in out)
    assert [kind_of(b) for b in fake_openai.bodies()] == ["judge", "judge"]


def test_a_failing_judge_falls_back_per_line_and_says_so_on_stderr(fake_openai, batch):
    fake_openai.responder = lambda body: error(500)
    code, out, err = run(llm_config(fake_openai), batch)
    assert code == 0  # every line was scored, by the rule scorer
    assert {line["scorer"] for line in out} == {"rules-2"}
    assert err.splitlines() == ["a: LLM judge unavailable (HTTP 500); rule scorer used.",
                                "b: LLM judge unavailable (HTTP 500); rule scorer used."]


def test_without_an_endpoint_the_llm_scorer_refuses(batch, monkeypatch):
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    monkeypatch.delenv("OPENAI_BASE_URL", raising=False)
    code, out, err = run({}, batch)
    assert code == 1 and out == []
    assert "--scorer llm needs OPENAI_API_KEY or OPENAI_BASE_URL" in err
