"""What the LLM judge path adds per scored attempt over the raw HTTP call, and its tokens.

Usage: python bench/llm_overhead.py [--attempts N] [--latency MS]
Starts the test suite's fake OpenAI-compatible server (tests/llm/fake_openai.py) on loopback with
a fixed artificial latency, then for each attempt times (a) the raw `openai` call with the same
request and (b) the app's whole scoring path: prompt, call, parsing, guards and the rule scorer
(LLMJudge.score; no database). Every attempt's transcript is fresh, so no cache answers for it.
Then prints the tokens one scored attempt costs for every shipped scenario."""

from __future__ import annotations

import argparse
import json
import re
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import openai  # noqa: E402

from tests.llm.fake_openai import FakeOpenAI, estimate_tokens, kind_of, ok  # noqa: E402
from trainer.domain.library import Scenario  # noqa: E402
from trainer.domain.loading import check_library  # noqa: E402
from trainer.domain.transcript import Turn  # noqa: E402
from trainer.llm.client import OpenAIClient  # noqa: E402
from trainer.llm.judge import LLMJudge  # noqa: E402
from trainer.llm.prompts import customer_request, judge_request  # noqa: E402
from trainer.llm.settings import settings_from  # noqa: E402

SECOND_REPLY = ("I understand. I'll look into it myself today and call you back by 5pm "
                "tomorrow with an update; your reference is TR-{n}.")


def judge_reply(body: dict) -> object:
    """A plausible judge answer quoting the newest staff turn, as a good model would."""
    user = body["messages"][-1]["content"]
    staff = [t["text"] for t in json.loads(re.search(r"<transcript>\n(.*)\n</transcript>", user,
                                                     re.S).group(1)) if t["speaker"] == "staff"]
    quote = staff[-1].split(".")[0][:80]
    dim = {"level": 3, "evidence": [quote], "feedback": "Specific and warm; say when you will "
                                                        "follow up, and check they are happy."}
    return ok({"empathy": dim, "ownership": {**dim, "level": 2}, "accuracy": {**dim, "level": 3}})


def respond(body: dict) -> object:
    if kind_of(body) == "judge":
        return judge_reply(body)
    return ok({"reply": "Right. And when exactly will that happen?", "mood": "wary",
               "resolved": False, "gave_up": False})


def transcript(scenario: Scenario, n: int) -> list[Turn]:
    word = "zq" + "".join(chr(97 + int(d)) for d in str(n))  # unique per attempt: no cache helps
    answer = re.sub(r"([.?!])(\s|$)", lambda m: f" {word}{m.group(1)}{m.group(2)}",
                    scenario.model_answer or "I'm sorry. I'll sort it out today.")
    return [Turn("customer", scenario.opening), Turn("trainee", answer),
            Turn("customer", "And when will that actually happen?"),
            Turn("trainee", SECOND_REPLY.format(n=n))]


def overhead(server: FakeOpenAI, scenarios: list[Scenario], rubric, attempts: int) -> None:
    settings = settings_from({"OPENAI_BASE_URL": server.url, "TRAINER_LLM_MODEL": "bench",
                              "TRAINER_LLM_TIMEOUT": "10", "TRAINER_LLM_RETRIES": "0"})
    app_client = OpenAIClient(settings)
    raw_client = openai.OpenAI(api_key="unused", base_url=server.url, timeout=10, max_retries=0)
    judge = LLMJudge(app_client)
    raw_times, app_times = [], []
    for n in range(-3, attempts):  # three warm-up rounds, not counted
        scenario = scenarios[n % len(scenarios)]
        turns = transcript(scenario, n + 10_000)
        request = judge_request(scenario, rubric, turns)
        started = time.perf_counter()
        raw_client.chat.completions.create(model="bench", messages=list(request.messages),
                                           response_format=app_client._response_format(request))
        raw = time.perf_counter() - started
        turns = transcript(scenario, n + 20_000)  # fresh words for the app path too
        started = time.perf_counter()
        card = judge.score(turns, scenario, rubric)
        full = time.perf_counter() - started
        assert card.scorer == "llm-1", card.notes
        if n >= 0:
            raw_times.append(raw)
            app_times.append(full)
    raw_client.close()
    app_client.close()
    raw, full = statistics.mean(raw_times), statistics.mean(app_times)
    added = full - raw
    print(f"{attempts} scored attempts, {len(scenarios)} scenarios, server latency "
          f"{server.latency * 1000:.0f} ms")
    print(f"  raw openai call:        mean {raw * 1000:7.1f} ms   median "
          f"{statistics.median(raw_times) * 1000:7.1f} ms")
    print(f"  app scoring path:       mean {full * 1000:7.1f} ms   median "
          f"{statistics.median(app_times) * 1000:7.1f} ms")
    print(f"  added per attempt:      {added * 1000:7.1f} ms = {added / raw * 100:.1f}% of the "
          f"raw call (aim: under 5%)")


def tokens(server: FakeOpenAI, scenarios: list[Scenario], rubric) -> None:
    print("\nTokens per scored attempt (two trainee turns: the model answer and a follow-up).")
    print("Prompt tokens are estimated by the fake server as characters / 4; completion tokens")
    print("the same way from its scripted reply (a real model's own count and wording differ).")
    print(f"  {'scenario':<40} {'judge in':>8} {'out':>5} {'customer in':>11} {'out':>5}")
    total = [0, 0, 0, 0]
    for scenario in scenarios:
        turns = transcript(scenario, 1)
        judge = _estimate(judge_request(scenario, rubric, turns).messages, judge_reply)
        customer = _estimate(customer_request(scenario, turns[:2], False).messages, respond)
        row = [*judge, *customer]
        total = [a + b for a, b in zip(total, row, strict=True)]
        print(f"  {scenario.id:<40} {row[0]:>8} {row[1]:>5} {row[2]:>11} {row[3]:>5}")
    count = len(scenarios)
    print(f"  {'mean':<40} {total[0] // count:>8} {total[1] // count:>5} "
          f"{total[2] // count:>11} {total[3] // count:>5}")
    print("  (customer: one LLM customer turn; an attempt has one per trainee answer)")


def _estimate(messages, reply_for) -> tuple[int, int]:
    body = {"messages": list(messages)}
    prompt = "".join(m["content"] for m in messages)
    return estimate_tokens(prompt), estimate_tokens(reply_for(body).content or "")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--attempts", type=int, default=40, help="scored attempts to time")
    parser.add_argument("--latency", type=float, default=200, help="server latency, ms")
    args = parser.parse_args()
    library, _ = check_library(ROOT / "scenarios", ROOT / "rubrics")
    scenarios = sorted(library.scenarios.values(), key=lambda s: s.id)
    rubric = library.rubrics["core"]
    with FakeOpenAI(latency=args.latency / 1000) as server:
        server.responder = respond
        overhead(server, scenarios, rubric, args.attempts)
        tokens(server, scenarios, rubric)


if __name__ == "__main__":
    main()
