"""What a server has refused, learnt once per process: json_schema mode (llama-cpp-python's server
answers 500 "Input should be 'text' or 'json_object'") and a max-tokens parameter it does not
know. The client then sends what the server takes, and the admin page says so."""

from __future__ import annotations

import logging
import re
import threading
from dataclasses import dataclass
from datetime import UTC, datetime

log = logging.getLogger(__name__)

# A refusal of response_format's json_schema type: the error names the field or the types the
# server does accept. Looked for in 400, 422 (validation) and 500 (llama-cpp-python) answers.
_SCHEMA_REFUSED = re.compile(r"json_schema|response_format|'text' or 'json_object'", re.IGNORECASE)
_SCHEMA_STATUSES = frozenset({400, 422, 500})
# A refusal of the parameter itself (not of its value: "max_tokens is too large" is no refusal).
_PARAM_REFUSED = re.compile(r"unsupported|unrecognized|unknown|not supported|not permitted|"
                            r"extra (?:inputs|fields)|not allowed", re.IGNORECASE)
_PARAM_STATUSES = frozenset({400, 422})
OTHER_PARAM = {"max_tokens": "max_completion_tokens", "max_completion_tokens": "max_tokens"}


SCHEMA_REFUSED = "json_schema refused"  # in a refused try's recorded error, and in a Change


@dataclass(frozen=True)
class Change:
    when: datetime  # UTC
    setting: str  # "json_mode" or "max_tokens_param"
    value: str  # what is sent from now on: "object", "max_completion_tokens"...
    what: str  # "json_schema refused (HTTP 500): json_object mode from now on"


class Compat:
    """The JSON mode and max-tokens parameter in force for one client (one per process), and
    the changes made since it started. Each setting changes at most once: no flapping."""

    def __init__(self, json_mode: str, max_tokens_param: str):
        self.json_mode = json_mode
        self.max_tokens_param = max_tokens_param
        self.changes: list[Change] = []
        self._param_changed = False
        self._lock = threading.Lock()

    def learn(self, status: int, message: str, mode: str, param: str) -> str | None:
        """What to send from now on, given a refusal of a request sent with ``mode`` and
        ``param``; None when the refusal is about something else."""
        if mode == "schema" and status in _SCHEMA_STATUSES and _SCHEMA_REFUSED.search(message):
            with self._lock:
                if self.json_mode == "schema":
                    self.json_mode = "object"
                    self._note("json_mode", "object", f"{SCHEMA_REFUSED} (HTTP {status}): "
                                                      "json_object mode from now on")
            return f"{SCHEMA_REFUSED}; json_object mode from now on"
        if status in _PARAM_STATUSES and param in message and _PARAM_REFUSED.search(message):
            other = OTHER_PARAM[param]
            with self._lock:
                if self._param_changed and self.max_tokens_param == param:
                    return None  # both refused: nothing left to switch to
                if self.max_tokens_param == param:
                    self.max_tokens_param, self._param_changed = other, True
                    self._note("max_tokens_param", other,
                               f"{param} refused (HTTP {status}): {other} from now on")
            return f"{param} refused; {other} from now on"
        return None

    def _note(self, setting: str, value: str, what: str) -> None:
        self.changes.append(Change(datetime.now(UTC), setting, value, what))
        log.warning("LLM server: %s (for the rest of this process)", what)
