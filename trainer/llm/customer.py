"""The LLM customer: the scenario's persona in character, the scripted one standing in."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace

from ..domain.customer import GAVE_UP, OPEN, RESOLVED, TURN_LIMIT, CustomerReply, ScriptedCustomer
from ..domain.errors import LLMError
from ..domain.library import Scenario
from ..domain.transcript import TRAINEE, Turn
from .client import LLMCallFailed, LLMClient, LLMResult, failed
from .prompts import customer_request
from .runtime import default_client

MAX_REPLY_CHARS = 1200
# A customer who talks like a model or about the assessment has broken character.
_OUT_OF_CHARACTER = re.compile(
    r"\b(?:as an ai|i am an ai|i'm an ai|i'm (?:just )?(?:a|an) (?:bot|chatbot|assistant|"
    r"virtual assistant|(?:ai )?language model)|(?:ai )?language model|this is (?:a|an|just a) "
    r"(?:simulation|role-?play|training exercise)|rubric|grader|scorer|assessment criteria|"
    r"system prompt)\b", re.IGNORECASE)


@dataclass(frozen=True)
class Said:
    reply: str
    mood: str
    resolved: bool
    gave_up: bool


class LLMCustomer:
    name = "llm-1"

    def __init__(self, client: LLMClient | None = None, fallback: ScriptedCustomer | None = None):
        self.client = client if client is not None else default_client()
        self.fallback = fallback or ScriptedCustomer()

    def opening(self, scenario: Scenario) -> CustomerReply:
        """The scenario's own opening line: the author wrote it, no call needed."""
        return self.fallback.opening(scenario)

    def respond(self, scenario: Scenario, transcript: Sequence[Turn]) -> CustomerReply:
        if not transcript or transcript[-1].role != TRAINEE:
            raise ValueError("respond() needs a transcript ending with the trainee's newest turn")
        final = sum(t.role == TRAINEE for t in transcript) >= scenario.script.max_turns
        try:
            if self.client is None:
                raise LLMCallFailed("no LLM configured")
            result = self.client.complete(customer_request(scenario, transcript, final))
            said = read_reply(result)
        except LLMError as exc:
            return self._stand_in(scenario, transcript, exc)
        if said.gave_up:
            status = GAVE_UP
        elif said.resolved:
            status = RESOLVED
        else:
            status = TURN_LIMIT if final else OPEN  # the turn limit is ours, not the model's
        return CustomerReply(said.reply, said.mood, status, self.name, usage=result.usage)

    def _stand_in(self, scenario: Scenario, transcript: Sequence[Turn],
                  exc: LLMError) -> CustomerReply:
        reply = self.fallback.respond(scenario, transcript)
        reason = exc.reason if isinstance(exc, LLMCallFailed) else str(exc)
        note = f"LLM customer unavailable ({reason}); scripted reply used"
        return replace(reply, note="; ".join(filter(None, (note, reply.note))),
                       usage=getattr(exc, "usage", None))


def read_reply(result: LLMResult) -> Said:
    """The schema already holds; these are the checks a schema cannot make."""
    data = result.data
    text = " ".join(data["reply"].split())
    if not text:
        raise failed(result.usage, "empty reply")
    if len(text) > MAX_REPLY_CHARS:
        raise failed(result.usage, "reply too long")
    if _OUT_OF_CHARACTER.search(text):
        raise failed(result.usage, "out of character")
    if data["resolved"] and data["gave_up"]:
        raise failed(result.usage, "both resolved and gave up")
    return Said(text, data["mood"], data["resolved"], data["gave_up"])
