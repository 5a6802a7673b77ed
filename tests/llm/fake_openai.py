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
    """One scripted answer: a chat completion whose message is ``content``, an HTTP error, or
    (``raw``) a body of any kind, as a proxy in the way might send."""

    content: str | None = ""
    status: int = 200
    delay: float = 0.0  # seconds before answering (on top of the server's latency)
    usage: dict[str, int] | None = None  # default: estimated, characters / 4
    message: str = ""  # an error's message (default: "scripted <status>")
    raw: str | None = None  # the body itself, sent as ``content_type``
    content_type: str = "application/json"
    drip: float = 0.0  # seconds between bytes: headers at once, then the body a byte at a time
    finish_reason: str = "stop"


def ok(data: Any, **options: Any) -> Reply:
    """A reply whose message is ``data`` as JSON (or ``data`` itself when it is a string)."""
    return Reply(data if isinstance(data, str) else json.dumps(data), **options)


def error(status: int = 500, **options: Any) -> Reply:
    return Reply(None, status=status, **options)


def html(status: int = 200, **options: Any) -> Reply:
    """An HTML page where JSON was expected: a proxy's error page, a captive portal."""
    page = "<!DOCTYPE html><html><body><h1>502 Bad Gateway</h1><p>nginx</p></body></html>"
    return Reply(raw=page, status=status, content_type="text/html", **options)


# What llama-cpp-python's server answers to response_format {"type": "json_schema", ...}.
SCHEMA_REFUSAL = "[{'type': 'literal_error', 'loc': ('body', 'response_format', 'type'), " \
                 "'msg': \"Input should be 'text' or 'json_object'\", 'input': 'json_schema'}]"


def _json(payload: dict[str, Any]) -> bytes:
    return json.dumps(payload).encode()


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
        # As llama-cpp-python's server: json_schema mode answered 500, before any script.
        self.refuse_schema = False
        # As OpenAI for its reasoning models: max_tokens answered 400 (max_completion_tokens).
        self.refuse_max_tokens = False
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

    @property
    def stopping(self) -> threading.Event:
        return self._stopping

    def answer(self, body: dict[str, Any]) -> tuple[int, str, bytes, float]:
        """Status, content type, body and the seconds between its bytes (0: all at once)."""
        with self._lock:
            self.requests.append(body)
            refused = self._refusal(body)
            reply = None if refused else self._queue.popleft() if self._queue else None
        if refused:
            reply = refused
        elif reply is None:
            reply = self.responder(body) if self.responder else error(500)
        if self._stopping.wait(self.latency + reply.delay):
            return 503, "application/json", _json({"error": {"message": "server stopping"}}), 0
        if reply.raw is not None:
            return reply.status, reply.content_type, reply.raw.encode(), reply.drip
        if reply.status != 200:
            message = reply.message or f"scripted {reply.status}"
            payload = {"error": {"message": message, "type": "server_error"}}
            return reply.status, "application/json", _json(payload), reply.drip
        return 200, "application/json", _json(completion(body, reply)), reply.drip

    def _refusal(self, body: dict[str, Any]) -> Reply | None:
        if self.refuse_schema and body.get("response_format", {}).get("type") == "json_schema":
            return error(500, message=SCHEMA_REFUSAL)
        if self.refuse_max_tokens and "max_tokens" in body:
            return error(400, message="Unsupported parameter: 'max_tokens' is not supported "
                                      "with this model. Use 'max_completion_tokens' instead.")
        return None


def completion(body: dict[str, Any], reply: Reply) -> dict[str, Any]:
    prompt = "".join(str(m.get("content", "")) for m in body.get("messages", []))
    usage = reply.usage or {"prompt_tokens": estimate_tokens(prompt),
                            "completion_tokens": estimate_tokens(reply.content or "")}
    usage = {**usage, "total_tokens": usage["prompt_tokens"] + usage["completion_tokens"]}
    return {"id": "chatcmpl-fake", "object": "chat.completion", "created": 1700000000,
            "model": body.get("model", "fake-model"), "usage": usage,
            "choices": [{"index": 0, "finish_reason": reply.finish_reason, "logprobs": None,
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
        self._send_raw(*self.server.fake.answer(body))

    def _send(self, status: int, payload: dict[str, Any]) -> None:
        self._send_raw(status, "application/json", _json(payload), 0)

    def _send_raw(self, status: int, content_type: str, data: bytes, drip: float) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        if not drip:
            self.wfile.write(data)
            return
        self.wfile.flush()
        for n in range(len(data)):  # a byte at a time: every read returns in time, none ends
            if self.server.fake.stopping.wait(drip):
                self.close_connection = True
                return
            try:
                self.wfile.write(data[n:n + 1])
                self.wfile.flush()
            except OSError:  # the client gave up
                self.close_connection = True
                return

    def log_message(self, format: str, *args: Any) -> None:
        pass
