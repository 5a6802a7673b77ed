"""A small HTTP client for bench/faults.py: one browser's cookies, CSRF tokens read from the
pages as a browser would send them, and every request's status and latency kept in a Tally."""

from __future__ import annotations

import html
import http.client
import re
import threading
import time
from dataclasses import dataclass, field
from urllib.parse import urlencode, urlsplit

_CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
_TURN = re.compile(r'name="expected_turn"[^>]*value="(\d*)"')
_ATTEMPT = re.compile(r"/attempts/(\d+)")
_NUMBER = re.compile(r"/\d+")
NO_ANSWER = 0  # the status kept for a request that got no HTTP answer (reset, timeout)


@dataclass
class Tally:
    """Every request a fault's run made: (status, seconds, what), safe to add to from threads."""

    hits: list[tuple[int, float, str]] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, status: int, seconds: float, what: str = "") -> None:
        with self.lock:
            self.hits.append((status, seconds, what))

    @property
    def requests(self) -> int:
        return len(self.hits)

    @property
    def failed(self) -> int:
        """5xx answers, and requests that got no answer at all (a worker killed mid-request)."""
        return sum(1 for status, _, _ in self.hits if status >= 500 or status == NO_ANSWER)

    @property
    def slowest(self) -> float:
        return max((seconds for _, seconds, _ in self.hits), default=0.0)

    def worst(self) -> str:
        """The slowest request and the first failed one, for the notes under the table."""
        if not self.hits:
            return ""
        status, seconds, what = max(self.hits, key=lambda hit: hit[1])
        out = f"slowest {what} {status or 'no answer'} in {seconds:.1f} s"
        failed = [hit for hit in self.hits if hit[0] >= 500 or hit[0] == NO_ANSWER]
        if failed:
            status, seconds, what = failed[0]
            out += f"; first failed {what} {status or 'no answer'} after {seconds:.1f} s"
        return out


@dataclass(frozen=True)
class Answer:
    status: int
    location: str
    body: str


class Browser:
    """One person's browser: cookies shared by its requests (several may be in flight at once)."""

    def __init__(self, base_url: str, tally: Tally, timeout: float):
        parts = urlsplit(base_url)
        self.host, self.port = parts.hostname or "127.0.0.1", parts.port or 80
        self.tally, self.timeout = tally, timeout
        self.cookies: dict[str, str] = {}
        self._lock = threading.Lock()
        self.token = ""  # the session's CSRF token, from the last page that carried one

    def get(self, path: str) -> Answer:
        return self._send("GET", path, None)

    def post(self, path: str, form: dict[str, str]) -> Answer:
        return self._send("POST", path, {"csrf_token": self.token, **form})

    def _send(self, method: str, path: str, form: dict[str, str] | None) -> Answer:
        with self._lock:
            headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
        body = None
        if form is not None:
            body = urlencode(form)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        what = f"{method} {_NUMBER.sub('/N', path)}"
        started = time.perf_counter()
        connection = http.client.HTTPConnection(self.host, self.port, timeout=self.timeout)
        try:
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            text = response.read().decode("utf-8", "replace")
        except (OSError, http.client.HTTPException):
            self.tally.add(NO_ANSWER, time.perf_counter() - started, what)
            return Answer(NO_ANSWER, "", "")
        finally:
            connection.close()
        self.tally.add(response.status, time.perf_counter() - started, what)
        self._keep_cookies(response.headers.get_all("Set-Cookie") or [])
        found = _CSRF.search(text)
        if found:
            self.token = html.unescape(found.group(1))
        return Answer(response.status, response.headers.get("Location", ""), text)

    def _keep_cookies(self, lines: list[str]) -> None:
        with self._lock:
            for line in lines:
                name, _, value = line.split(";", 1)[0].partition("=")
                if value and "max-age=0" not in line.lower():
                    self.cookies[name.strip()] = value.strip()
                else:
                    self.cookies.pop(name.strip(), None)

    # The trainee's pages, as the templates send them.

    def login(self, email: str, password: str) -> Answer:
        self.get("/login")
        return self.post("/login", {"email": email, "password": password})

    def start(self, scenario_id: str, mode: str = "practice") -> int | None:
        """Press "Practise" on the dashboard; the attempt id it leads to, if any."""
        if not self.token:
            self.get("/")
        answer = self.post(f"/scenarios/{scenario_id}/start", {"mode": mode})
        found = _ATTEMPT.search(answer.location)
        return int(found.group(1)) if found else None

    def turn_number(self, attempt_id: int) -> str | None:
        """The turn number the play page sends with its form; None once the attempt is over."""
        page = self.get(f"/attempts/{attempt_id}")
        found = _TURN.search(page.body) if page.status == 200 else None
        return found.group(1) if found else None

    def answer(self, attempt_id: int, text: str, turn: str | None) -> Answer:
        form = {"answer": text} if turn is None else {"answer": text, "expected_turn": turn}
        return self.post(f"/attempts/{attempt_id}", form)

    def end(self, attempt_id: int) -> Answer:
        """The end page's confirming button."""
        return self.post(f"/attempts/{attempt_id}/end", {"confirm": "yes"})
