"""Role-play turns for bench/web_load.py: a trainee who answers real attempts through the play
form (CSRF token, the page's turn number) and starts a new attempt when one ends."""

from __future__ import annotations

import re
import time

from bench._server import Client, Response, csrf_token, login

ANSWERS = (
    "I'm so sorry - I can see exactly what went wrong here, and it must have been really "
    "frustrating to chase this. I'll sort it out myself today and call you back by 5pm "
    "tomorrow with an update. Your reference is TR-{n}.",
    "I understand. I'll look into this for you and see what I can do; reference TR-{n}.",
    "Thanks for your patience. I've checked the record and I'm putting it right now: you'll "
    "have written confirmation by email within two working days (case TR-{n}). Is there "
    "anything else I can do?",
    "Sorry for any inconvenience. Someone will look into case TR-{n} and get back to you.",
)
_EXPECTED = re.compile(r'name="expected_turn"[^>]*value="(\d+)"')
_LIMIT = re.compile(r"turn (?:<[^>]+>)?\d+(?:</[^>]+>)? of (\d+)")
_START = re.compile(r'action="(/scenarios/[^"]+/start)"')


class TurnPlayer:
    """One client thread's trainee. ``turn()`` makes one timed answer; what it must do around
    that (start an attempt, check one ended) is added to ``bookkeeping`` seconds."""

    def __init__(self, client: Client, email: str, password: str, seed: int):
        self.client, self.seed = client, seed
        self.bookkeeping = 0.0
        self.turns = self.started = self.ended = 0
        login(client, email, password)
        page = client.get("/").text
        self.csrf, self.starts = csrf_token(page), _START.findall(page)
        self.path: str | None = None
        self.expected = self.answers = self.limit = 0

    def turn(self) -> Response:
        if self.path is None:
            self._aside(self._start)
        answer = self._answer()
        if answer.status == 302 and "/scorecard" in answer.location:
            # the customer ended the conversation on our previous answer: a new attempt
            self.bookkeeping += answer.seconds
            self.ended += 1
            self._aside(self._start)
            answer = self._answer()
        if answer.status == 302:
            self.turns, self.answers, self.expected = self.turns + 1, self.answers + 1, \
                self.expected + 2
            if self.answers >= self.limit:  # the turn limit: this answer ended it
                self._aside(self._check_ended)
        return answer

    def _answer(self) -> Response:
        text = ANSWERS[(self.seed + self.turns) % len(ANSWERS)].format(n=self.seed * 10**6
                                                                          + self.turns)
        return self.client.post(self.path, {"csrf_token": self.csrf, "answer": text,
                                            "expected_turn": str(self.expected)})

    def _aside(self, step) -> None:
        started = time.perf_counter()
        step()
        self.bookkeeping += time.perf_counter() - started

    def _start(self) -> None:
        """Start the next scenario in the dashboard's list (practice) and read its play page."""
        start = self.starts[(self.seed + self.started) % len(self.starts)]
        answer = self.client.post(start, {"csrf_token": self.csrf, "mode": "practice"})
        if answer.status != 302:
            raise RuntimeError(f"starting {start} failed: HTTP {answer.status}")
        self.path = "/" + answer.location.split("://", 1)[-1].split("/", 1)[-1]
        page = self.client.get(self.path).text
        self.expected = int(_EXPECTED.search(page).group(1))
        self.limit = int(_LIMIT.search(page).group(1))
        self.csrf, self.answers, self.started = csrf_token(page), 0, self.started + 1

    def _check_ended(self) -> None:
        """At the turn limit the attempt must have ended: a turn number out of step (an answer
        silently taken as a resubmission) would show here as a play page instead."""
        answer, self.path = self.client.get(self.path), None
        if not (answer.status == 302 and "/scorecard" in answer.location):
            raise RuntimeError(f"{self.path} still open at its turn limit: the bench's turn "
                               "numbers are out of step with the page's")
        self.ended += 1
