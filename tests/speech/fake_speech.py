"""A small OpenAI-compatible speech server on loopback for the voice tests: it answers
``/v1/audio/transcriptions`` (multipart, JSON text back) and ``/v1/audio/speech`` (audio bytes
back), keeps what it was sent, and can be told to fail or to be slow."""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass, field
from email.parser import BytesParser
from email.policy import HTTP
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

TRANSCRIPTIONS, SPEECH = "/v1/audio/transcriptions", "/v1/audio/speech"
# The start of an MP3 frame (MPEG-1 layer III, 128 kbit/s, 44.1 kHz), then silence: what the
# route hands on is checked by its bytes, not played.
MP3 = b"\xff\xfb\x90\x64" + bytes(413)


@dataclass
class FakeSpeech:
    """``with FakeSpeech() as server:``; point OPENAI_BASE_URL at ``server.url``. ``text`` is
    what every transcription says; ``status`` other than 200 fails every request; ``delay``
    makes every answer that many seconds late."""

    text: str = "I am sorry about the double charge I will refund it today"
    status: int = 200
    delay: float = 0.0
    requests: list[dict[str, Any]] = field(default_factory=list)
    _server: ThreadingHTTPServer | None = None
    _stopping: threading.Event = field(default_factory=threading.Event)

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}/v1"

    def __enter__(self) -> FakeSpeech:
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
        self._server.daemon_threads = True
        self._server.fake = self
        threading.Thread(target=self._server.serve_forever, args=(0.05,), daemon=True).start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stopping.set()  # wakes a slow answer
        self._server.shutdown()
        self._server.server_close()

    def answer(self, path: str, content_type: str, body: bytes) -> tuple[int, str, bytes]:
        if path == TRANSCRIPTIONS:
            parts = _multipart(content_type, body)
            self.requests.append({"path": path, **parts})
        elif path == SPEECH:
            self.requests.append({"path": path, **json.loads(body)})
        else:
            return 404, "application/json", b'{"error": {"message": "no such route"}}'
        if self._stopping.wait(self.delay):
            return 503, "application/json", b'{"error": {"message": "stopping"}}'
        if self.status != 200:
            return self.status, "application/json", json.dumps(
                {"error": {"message": f"scripted {self.status}"}}).encode()
        if path == SPEECH:
            return 200, "audio/mpeg", MP3
        return 200, "application/json", json.dumps({"text": self.text}).encode()


def _multipart(content_type: str, body: bytes) -> dict[str, Any]:
    """The form's fields (text) and files (bytes) by name."""
    message = BytesParser(policy=HTTP).parsebytes(
        b"Content-Type: " + content_type.encode() + b"\r\n\r\n" + body)
    fields: dict[str, Any] = {}
    for part in message.iter_parts():
        name = part.get_param("name", header="content-disposition")
        data = part.get_payload(decode=True)
        fields[name] = data if part.get_filename() else data.decode()
    return fields


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        status, kind, data = self.server.fake.answer(
            self.path, self.headers.get("Content-Type", ""), body)
        try:
            self.send_response(status)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)
        except OSError:  # the client gave up (its deadline)
            self.close_connection = True

    def log_message(self, format: str, *args: Any) -> None:
        pass
