"""What bench/faults.py makes the app do under each fault, over HTTP as trainees would: play
attempts, post answers to one attempt at once, press Start twice, log in side by side."""

from __future__ import annotations

import threading
from collections import defaultdict
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

from bench._fault_browser import Browser, Tally
from bench._fault_site import PASSWORD

SCENARIO = "billing-double-charge"  # six turns at most: room for every workload below
ANSWER = ("I'm sorry you've had to chase this. I'll look into the charge myself today and "
          "call you back by 5pm tomorrow; your reference is {ref}.")
REDIRECT = 302  # what the play page answers when it took an answer


@dataclass
class Run:
    """What one fault's workload sent; the database is checked against it afterwards."""

    emails: list[str]
    tally: Tally = field(default_factory=Tally)
    answers: dict[str, list[int]] = field(default_factory=lambda: defaultdict(list))
    ended: set[int] = field(default_factory=set)  # attempts the bench finished: to be scored
    logins: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def sent(self, text: str, status: int) -> None:
        with self.lock:
            self.answers[text].append(status)

    def finished(self, attempt_id: int | None) -> None:
        if attempt_id is not None:
            with self.lock:
                self.ended.add(attempt_id)

    def acknowledged(self, text: str) -> bool:
        """The app said it took this answer (a redirect back to the conversation)."""
        return REDIRECT in self.answers.get(text, [])


def _each(items: list, work: Callable, parallel: int) -> None:
    with ThreadPoolExecutor(max(1, parallel)) as pool:
        for future in [pool.submit(work, n, item) for n, item in enumerate(items)]:
            future.result()


def _at_once(count: int, work: Callable[[int], object]) -> list:
    """``count`` calls released together (a barrier), for the widest race window."""
    barrier = threading.Barrier(count)

    def go(n: int) -> object:
        barrier.wait()
        return work(n)

    with ThreadPoolExecutor(count) as pool:
        return list(pool.map(go, range(count)))


def _signed_in(run: Run, url: str, email: str, timeout: float) -> Browser:
    browser = Browser(url, run.tally, timeout)
    browser.login(email, PASSWORD)
    browser.get("/")  # the dashboard: the logged-in session's CSRF token
    return browser


def play(url: str, emails: list[str], answers: int, parallel: int, timeout: float,
         tag: str) -> Run:
    """One attempt per trainee, ``parallel`` at a time: ``answers`` answers sent as the play page
    sends them (with its turn number), then the end page's button."""
    run = Run(emails)

    def attempt(n: int, email: str) -> None:
        browser = _signed_in(run, url, email, timeout)
        attempt_id = browser.start(SCENARIO)
        if attempt_id is None:
            return
        for i in range(answers):
            turn = browser.turn_number(attempt_id)
            if turn is None:
                break  # the customer ended it: the attempt is being scored
            text = ANSWER.format(ref=f"{tag}-{n}-{i}")
            run.sent(text, browser.answer(attempt_id, text, turn).status)
        browser.end(attempt_id)
        run.finished(attempt_id)

    _each(emails, attempt, parallel)
    return run


def answer_race(url: str, emails: list[str], rounds: int, burst: int, parallel: int,
                timeout: float, tag: str, with_turn: bool) -> Run:
    """Per trainee, ``rounds`` times: ``burst`` answers posted to one attempt at the same moment.
    With the turn number they are one form sent ``burst`` times (a double click, a resent
    page), so one copy should be stored; without it they are different answers (two tabs), and
    each should be stored with its own reply or refused with a message. Then ``burst`` presses
    of the end button at once."""
    run = Run(emails)

    def attempt(n: int, email: str) -> None:
        browser = _signed_in(run, url, email, timeout)
        attempt_id = browser.start(SCENARIO)
        if attempt_id is None:
            return
        for r in range(rounds):
            turn = browser.turn_number(attempt_id)
            if turn is None:
                break

            def send(k: int, r: int = r, turn: str = turn) -> None:
                text = ANSWER.format(ref=f"{tag}-{n}-{r}" + ("" if with_turn else f"-{k}"))
                run.sent(text, browser.answer(attempt_id, text,
                                              turn if with_turn else None).status)

            _at_once(burst, send)
        _at_once(burst, lambda k: browser.end(attempt_id))
        run.finished(attempt_id)

    _each(emails, attempt, parallel)
    return run


def double_start(url: str, emails: list[str], burst: int, parallel: int,
                 timeout: float) -> Run:
    """Per trainee, ``burst`` presses of one scenario's Practise button at the same moment: all
    should lead to one attempt."""
    run = Run(emails)

    def person(n: int, email: str) -> None:
        browser = _signed_in(run, url, email, timeout)
        _at_once(burst, lambda k: browser.start(SCENARIO))

    _each(emails, person, parallel)
    return run


def logins(url: str, emails: list[str], each: int, timeout: float) -> Run:
    """Every trainee logs in ``each`` times, all trainees at once, good and wrong passwords in
    turn: each try is one audited write (login.succeeded or login.failed)."""
    run = Run(emails)

    def person(n: int, email: str) -> None:
        for i in range(each):
            password = PASSWORD if (n + i) % 2 == 0 else PASSWORD + "-wrong"
            Browser(url, run.tally, timeout).login(email, password)  # a fresh browser each time
            with run.lock:
                run.logins += 1

    _each(emails, person, len(emails))
    return run
