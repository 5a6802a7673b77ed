"""A real SMTP server for the mail tests: aiosmtpd on a free loopback port, collecting what it
receives as parsed messages. Tests wait for messages by polling, never by sleeping blindly."""

from __future__ import annotations

import email
import re
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from email import policy
from email.message import EmailMessage

import pytest

aiosmtpd = pytest.importorskip("aiosmtpd", reason="aiosmtpd (the `test` extra) is not installed")
from aiosmtpd.controller import Controller  # noqa: E402
from aiosmtpd.smtp import AuthResult, LoginPassword  # noqa: E402

LINK = re.compile(r"https?://[^\s\"<>]+")


class Collector:
    """The server's handler: every message it accepts, parsed, in order."""

    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []
        self.envelopes: list[tuple[str, list[str]]] = []
        self._cond = threading.Condition()

    async def handle_DATA(self, server, session, envelope) -> str:  # noqa: N802 (aiosmtpd's name)
        message = email.message_from_bytes(envelope.original_content or envelope.content,
                                           policy=policy.default)
        with self._cond:
            self.messages.append(message)
            self.envelopes.append((envelope.mail_from, list(envelope.rcpt_tos)))
            self._cond.notify_all()
        return "250 Message accepted"

    def wait_for(self, count: int, timeout: float = 10.0) -> list[EmailMessage]:
        """At least ``count`` messages, waiting up to ``timeout`` seconds for them."""
        deadline = time.monotonic() + timeout
        with self._cond:
            while len(self.messages) < count:
                left = deadline - time.monotonic()
                if left <= 0:
                    raise AssertionError(f"expected {count} message(s), got "
                                         f"{len(self.messages)}")
                self._cond.wait(left)
            return list(self.messages)

    def clear(self) -> None:
        with self._cond:
            self.messages.clear()
            self.envelopes.clear()


class Server:
    def __init__(self, controller: Controller, collector: Collector, port: int):
        self.controller, self.collector, self.port = controller, collector, port

    @property
    def messages(self) -> list[EmailMessage]:
        return list(self.collector.messages)

    def wait_for(self, count: int, timeout: float = 10.0) -> list[EmailMessage]:
        return self.collector.wait_for(count, timeout)

    def url(self, user: str | None = None, password: str | None = None) -> str:
        who = f"{user}:{password}@" if user else ""
        return f"smtp://{who}127.0.0.1:{self.port}"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _authenticator(user: str, password: str):
    def check(server, session, envelope, mechanism, auth_data) -> AuthResult:
        ok = (isinstance(auth_data, LoginPassword) and auth_data.login == user.encode()
              and auth_data.password == password.encode())
        return AuthResult(success=ok, handled=False)
    return check


@contextmanager
def running(user: str | None = None, password: str | None = None) -> Iterator[Server]:
    """An SMTP server on 127.0.0.1, optionally asking for a login (without TLS: loopback)."""
    collector = Collector()
    extra = {}
    if user:
        extra = {"authenticator": _authenticator(user, password or ""),
                 "auth_require_tls": False}  # AUTH offered and checked (loopback, no TLS)
    for attempt in range(5):  # aiosmtpd needs a port number; one taken meanwhile is retried
        port = free_port()
        controller = Controller(collector, hostname="127.0.0.1", port=port, ready_timeout=10,
                                **extra)
        try:
            controller.start()  # returns once the server answers on the port
        except (OSError, RuntimeError, TimeoutError):
            if attempt == 4:
                raise
            continue
        break
    try:
        yield Server(controller, collector, port)
    finally:
        controller.stop()


def parts(message: EmailMessage) -> tuple[str, str]:
    """(the plain-text part, the HTML part) of a multipart/alternative message."""
    assert message.get_content_type() == "multipart/alternative"
    text = message.get_body(("plain",)).get_content()
    html = message.get_body(("html",)).get_content()
    return text, html


def links(text: str) -> list[str]:
    return LINK.findall(text)
