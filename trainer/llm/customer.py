"""The LLM customer: the scenario's persona in character, the scripted one standing in."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, replace

from ..domain.customer import GAVE_UP, OPEN, RESOLVED, TURN_LIMIT, CustomerReply, ScriptedCustomer
from ..domain.errors import LLMError
from ..domain.library import Scenario
from ..domain.transcript import TRAINEE, Turn
from .calls import LLMCallFailed, LLMClient, LLMResult, failed
from .customer_checks import problem
from .prompts import customer_request
from .runtime import default_client

log = logging.getLogger(__name__)
MAX_REPLY_CHARS = 1200


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
        result = None
        try:
            if self.client is None:
                raise LLMCallFailed("no LLM configured")
            result = self.client.complete(customer_request(scenario, transcript, final))
            said = read_reply(result, scenario, transcript)
        except LLMError as exc:
            return self._stand_in(scenario, transcript, exc)
        except Exception as exc:  # whatever went wrong, the trainee's turn gets its answer
            log.exception("the LLM customer failed unexpectedly; the scripted one stands in")
            return self._stand_in(scenario, transcript, failed(
                result.usage if result else None, f"unexpected error: {exc.__class__.__name__}"))
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


def read_reply(result: LLMResult, scenario: Scenario, transcript: Sequence[Turn]) -> Said:
    """The schema already holds; these are the checks a schema cannot make
    (customer_checks.py)."""
    data = result.data
    text = " ".join(data["reply"].split())
    if not text:
        raise failed(result.usage, "empty reply")
    if len(text) > MAX_REPLY_CHARS:
        raise failed(result.usage, "reply too long")
    refused = problem(text, data["mood"], data["resolved"], data["gave_up"], scenario, transcript)
    if refused:
        raise failed(result.usage, refused)
    return Said(text, data["mood"], data["resolved"], data["gave_up"])
