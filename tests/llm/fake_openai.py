"""A small OpenAI-compatible server on loopback for tests and benches, with scripted replies."""

from __future__ import annotations

import json
import math
import threading
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

PATH = "/v1/chat/completions"


@dataclass(frozen=True)
class Reply:
    """One scripted answer: a chat completion whose message is ``content``, or an HTTP error."""

    content: str | None = ""
    status: int = 200
    delay: float = 0.0  # seconds before answering (on top of the server's latency)
    usage: dict[str, int] | None = None  # default: estimated, characters / 4


def ok(data: Any, **options: Any) -> Reply:
    """A reply whose message is ``data`` as JSON (or ``data`` itself when it is a string)."""
    return Reply(data if isinstance(data, str) else json.dumps(data), **options)


def error(status: int = 500, **options: Any) -> Reply:
    return Reply(None, status=status, **options)


def estimate_tokens(text: str) -> int:
    """What the server reports as tokens: characters / 4, rounded up (a common rule of thumb)."""
    return math.ceil(len(text) / 4)


def kind_of(body: dict[str, Any]) -> str:
    """"customer" or "judge": which of the app's prompts a request carries."""
    system = next((m["content"] for m in body.get("messages", []) if m["role"] == "system"), "")
    return "judge" if "You assess" in system else "customer"


class FakeOpenAI:
    """Start with ``with FakeOpenAI() as server:``; point a client at ``server.url``; queue
    replies with ``server.script(...)`` or answer every request with ``server.responder``."""

    def __init__(self, latency: float = 0.0):
        self.latency = latency
        self.requests: list[dict[str, Any]] = []
        self.responder: Callable[[dict[str, Any]], Reply] | None = None
        self._queue: deque[Reply] = deque()
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        self._server: ThreadingHTTPServer | None = None

    @property
    def url(self) -> str:
        assert self._server is not None, "start the server first"
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}/v1"

    def script(self, *replies: Reply) -> None:
        with self._lock:
            self._queue.extend(replies)

    def bodies(self, kind: str | None = None) -> list[dict[str, Any]]:
        with self._lock:
            return [b for b in self.requests if kind is None or kind_of(b) == kind]

    def start(self) -> FakeOpenAI:
        self._server = _Server(("127.0.0.1", 0), _Handler)
        self._server.fake = self
        threading.Thread(target=self._server.serve_forever, args=(0.05,), daemon=True).start()
        return self

    def stop(self) -> None:
        self._stopping.set()  # wakes any reply still sleeping
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()

    def __enter__(self) -> FakeOpenAI:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def answer(self, body: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        with self._lock:
            self.requests.append(body)
            reply = self._queue.popleft() if self._queue else None
        if reply is None:
            reply = self.responder(body) if self.responder else error(500)
        if self._stopping.wait(self.latency + reply.delay):
            return 503, {"error": {"message": "server stopping"}}
        if reply.status != 200:
            return reply.status, {"error": {"message": f"scripted {reply.status}",
                                            "type": "server_error"}}
        return 200, completion(body, reply)


def completion(body: dict[str, Any], reply: Reply) -> dict[str, Any]:
    prompt = "".join(str(m.get("content", "")) for m in body.get("messages", []))
    usage = reply.usage or {"prompt_tokens": estimate_tokens(prompt),
                            "completion_tokens": estimate_tokens(reply.content or "")}
    usage = {**usage, "total_tokens": usage["prompt_tokens"] + usage["completion_tokens"]}
    return {"id": "chatcmpl-fake", "object": "chat.completion", "created": 1700000000,
            "model": body.get("model", "fake-model"), "usage": usage,
            "choices": [{"index": 0, "finish_reason": "stop", "logprobs": None,
                         "message": {"role": "assistant", "content": reply.content}}]}


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    fake: FakeOpenAI

    def handle_error(self, request: Any, client_address: Any) -> None:
        """A client that gave up (timeout) before the reply is expected here, not an error."""


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, as a real endpoint does
    disable_nagle_algorithm = True  # headers and body go out at once, no delayed-ACK stall
    server: _Server

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length", 0))
        try:
            body = json.loads(self.rfile.read(length))
        except json.JSONDecodeError:
            return self._send(400, {"error": {"message": "request body is not JSON"}})
        if self.path != PATH:
            return self._send(404, {"error": {"message": f"no route {self.path}"}})
        self._send(*self.server.fake.answer(body))

    def _send(self, status: int, payload: dict[str, Any]) -> None:
        data = json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, format: str, *args: Any) -> None:
        pass
