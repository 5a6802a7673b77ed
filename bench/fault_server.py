"""An OpenAI-compatible server on loopback that misbehaves on purpose, one named fault at a time.

Built on the test suite's fake server (tests/llm/fake_openai.py), which already sends delays,
drips, errors, HTML pages and llama-cpp-python's refusal of json_schema; this module only names
the faults bench/faults.py runs and writes plausible customer and judge answers."""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from tests.llm.fake_openai import FakeOpenAI, Reply, error, html, kind_of, ok  # noqa: E402

NEVER = 3600.0  # seconds: "never answers" (the server's stop wakes the sleeping reply)
DRIP_SECONDS = 1.0  # between bytes: each read arrives in time, the reply never ends
OUT_OF_RANGE = 7  # a level the rubric has no description for (0 to 4)
FABRICATED = "I have refunded you five thousand pounds and sacked the whole billing team."
CUSTOMER = {"reply": "Right. And when exactly will that happen?", "mood": "wary",
            "resolved": False, "gave_up": False}


def staff_lines(body: dict[str, Any]) -> list[str]:
    """The staff turns of the transcript a judge prompt carries (empty if it has none)."""
    user = next((m["content"] for m in body.get("messages", []) if m["role"] == "user"), "")
    found = re.search(r"<transcript>\n(.*)\n</transcript>", user, re.S)
    try:
        turns = json.loads(found.group(1)) if found else []
    except json.JSONDecodeError:
        return []
    return [t.get("text", "") for t in turns if t.get("speaker") == "staff"]


def verdict(body: dict[str, Any], level: int = 3, quote: str | None = None) -> dict[str, Any]:
    """A judge's answer quoting the newest staff turn (or ``quote``, which may be made up)."""
    staff = staff_lines(body)
    evidence = [quote] if quote else [staff[-1].split(".")[0][:80]] if staff else []
    dim = {"level": level, "evidence": evidence,
           "feedback": "Specific and warm; say when you will follow up."}
    return {"empathy": dim, "ownership": {**dim, "level": min(level, 2)}, "accuracy": dim}


def _healthy(body: dict[str, Any]) -> Reply:
    return ok(verdict(body)) if kind_of(body) == "judge" else ok(CUSTOMER)


def _judge_only(judge: Callable[[dict[str, Any]], Reply]) -> Callable[[dict[str, Any]], Reply]:
    return lambda body: judge(body) if kind_of(body) == "judge" else ok(CUSTOMER)


def _dripped(body: dict[str, Any]) -> Reply:
    return ok(verdict(body) if kind_of(body) == "judge" else CUSTOMER, drip=DRIP_SECONDS)


# name: (responder, what the app should note: "none" (nothing falls back), "both" (the scripted
# customer and the rule scorer take over), "judge" (the rule scorer does), "quotes" (the judge's
# made-up quotes are dropped), "schema" (json_object mode from then on; the LLM still answers))
FAULTS: dict[str, tuple[Callable[[dict[str, Any]], Reply], str]] = {
    "llm ok (control)": (_healthy, "none"),
    "llm timeout": (lambda body: ok(CUSTOMER, delay=NEVER), "both"),
    "llm drip 1 B/s": (_dripped, "both"),
    "llm 500": (lambda body: error(500), "both"),
    "llm 200 HTML": (lambda body: html(200), "both"),
    "llm level 7": (_judge_only(lambda body: ok(verdict(body, level=OUT_OF_RANGE))), "judge"),
    "llm fabricated quote": (_judge_only(lambda body: ok(verdict(body, quote=FABRICATED))),
                             "quotes"),
    "llm schema refused": (_healthy, "schema"),
}


class FaultServer(FakeOpenAI):
    """The fake server switched to one of FAULTS with ``use(name)``."""

    def __init__(self, latency: float = 0.05):
        super().__init__(latency=latency)
        self.use("llm ok (control)")

    def use(self, name: str) -> None:
        self.responder, expect = FAULTS[name]
        self.refuse_schema = expect == "schema"  # answered 500 as llama-cpp-python does
