"""A routing system's webhook endpoint for the tests: a real HTTP server on loopback that checks
each request's signature by the documented recipe (not the app's code), and the helpers that
point the app at it."""

from __future__ import annotations

import hashlib
import hmac
import http.server
import json
import threading
import time

from sqlalchemy import select

from trainer.extensions import db
from trainer.models import OutboundDelivery
from trainer.services import webhooks

CATEGORY = "billing-dispute"


class Receiver:
    """A routing system's webhook endpoint: an http.server in a thread on a free port. It checks
    every signature with the secret it is given (the documented recipe, not the app's code),
    answers ``fail_status`` to the first ``fail_first`` requests and 204 afterwards."""

    def __init__(self, fail_first: int = 0, fail_status: int = 500, delay: float = 0.0):
        self.secret = ""
        self.fail_first, self.fail_status, self.delay = fail_first, fail_status, delay
        self.requests: list[dict] = []  # every request, failed ones included
        self._lock = threading.Lock()
        receiver = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                time.sleep(receiver.delay)
                with receiver._lock:
                    seen = len(receiver.requests)
                    receiver.requests.append({"headers": dict(self.headers), "body": body,
                                              "verified": receiver.verify(self.headers, body)})
                code = receiver.fail_status if seen < receiver.fail_first else 204
                self.send_response(code)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_port}/hooks/trainer"

    def verify(self, headers, body: bytes) -> bool:
        parts = dict(p.split("=", 1) for p in headers.get("Trainer-Signature", "").split(","))
        good = hmac.new(self.secret.encode(), parts["t"].encode() + b"." + body,
                        hashlib.sha256).hexdigest()
        return hmac.compare_digest(good, parts["v1"]) and abs(time.time() - int(parts["t"])) < 60

    @property
    def accepted(self) -> list[dict]:
        """The events it took (answered 2xx), parsed."""
        return [json.loads(r["body"]) for r in self.requests[self.fail_first:]]

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(5)


def receivers():
    """A maker of receivers that stops them all afterwards: ``yield from`` it in a fixture."""
    made: list[Receiver] = []

    def make(**kwargs) -> Receiver:
        made.append(Receiver(**kwargs))
        return made[-1]

    yield make
    for receiver in made:
        receiver.stop()


def subscribe(receiver: Receiver, admin=None):
    endpoint, secret = webhooks.add_endpoint(receiver.url, "router", admin)
    receiver.secret = secret
    return endpoint


def deliveries() -> list[OutboundDelivery]:
    db.session.expire_all()
    return list(db.session.scalars(select(OutboundDelivery).order_by(OutboundDelivery.id)))
