"""Email over SMTP with the standard library (smtplib, email.message): the settings, messages
with a plain-text and an HTML part rendered from templates/email/, absolute links built from
TRAINER_BASE_URL (mails leave outside any request, and a link must never trust a request's Host
header), and sending that logs and records a failure instead of raising it.

Mail is off unless an SMTP server and TRAINER_BASE_URL are both set; the pages then say so."""

from __future__ import annotations

import logging
import smtplib
import ssl
import threading
from collections.abc import Callable, Mapping
from concurrent.futures import Future, ThreadPoolExecutor, wait
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formataddr, formatdate, make_msgid
from typing import Any
from urllib.parse import unquote, urlsplit

from flask import current_app, render_template

from ..domain.errors import TrainerError
from ..extensions import db
from ..models import MailLog

log = logging.getLogger(__name__)

TLS_MODES = ("none", "starttls", "ssl")
DEFAULT_PORTS = {"none": 25, "starttls": 587, "ssl": 465}
DEFAULT_TIMEOUT = 10.0  # seconds for the connection and each SMTP command
ERROR_MAX = 500  # MailLog.error: the server's answer, cut
BACKGROUND_THREADS = 2  # per web process, when there is no Redis queue: mails wait their turn
_POOL_KEY = "trainer.mail_pool"
_WARNED_KEY = "trainer.mail_warned"


class MailConfigError(TrainerError):
    """The SMTP settings cannot be used (the message says which one)."""


@dataclass(frozen=True)
class SmtpSettings:
    host: str
    port: int
    user: str | None
    password: str | None
    tls: str  # one of TLS_MODES
    timeout: float
    sender: str  # the From header


def parse_settings(config: Mapping[str, Any]) -> SmtpSettings | None:
    """The SMTP server the config names, or None when it names none. TRAINER_SMTP_URL
    (smtp://user:pass@host:port, or smtps:// for TLS from the first byte) wins over
    TRAINER_SMTP_HOST/_PORT/_USER/_PASSWORD; TRAINER_SMTP_TLS picks none, starttls or ssl
    (default: ssl for smtps://, starttls when there is a user to log in as, else none)."""
    url, host = config.get("TRAINER_SMTP_URL"), config.get("TRAINER_SMTP_HOST")
    tls = (config.get("TRAINER_SMTP_TLS") or "").strip().lower() or None
    if url:
        parts = urlsplit(url)
        if parts.scheme not in ("smtp", "smtps") or not parts.hostname:
            raise MailConfigError("TRAINER_SMTP_URL must look like smtp://user:password@host:port"
                                  " or smtps://...")
        try:
            port = parts.port
        except ValueError:
            raise MailConfigError("TRAINER_SMTP_URL has a port that is not a number.") from None
        host, user = parts.hostname, unquote(parts.username) if parts.username else None
        password = unquote(parts.password) if parts.password else None
        if parts.scheme == "smtps":
            tls = "ssl"
    elif host:
        port, user = config.get("TRAINER_SMTP_PORT"), config.get("TRAINER_SMTP_USER") or None
        password = config.get("TRAINER_SMTP_PASSWORD") or None
    else:
        return None
    tls = tls or ("starttls" if user else "none")
    if tls not in TLS_MODES:
        raise MailConfigError(f"TRAINER_SMTP_TLS must be one of {', '.join(TLS_MODES)}.")
    try:
        port = int(port) if port else DEFAULT_PORTS[tls]
        timeout = float(config.get("TRAINER_SMTP_TIMEOUT") or DEFAULT_TIMEOUT)
    except ValueError:
        raise MailConfigError("TRAINER_SMTP_PORT and TRAINER_SMTP_TIMEOUT must be numbers.") \
            from None
    base = urlsplit(config.get("TRAINER_BASE_URL") or "").hostname or host
    sender = config.get("TRAINER_MAIL_FROM") or formataddr(("Trainer", f"no-reply@{base}"))
    return SmtpSettings(host, port, user, password, tls, timeout, sender)


def settings() -> SmtpSettings | None:
    """The current app's SMTP settings when mail is on; None when it is off (logged once per
    app when it is off for a reason the admin should hear about)."""
    config = current_app.config
    try:
        found = parse_settings(config)
    except MailConfigError as exc:
        _warn_once(f"Email is off: {exc}")
        return None
    if found is not None and not _base_url_problem(config.get("TRAINER_BASE_URL")):
        return found
    if found is not None:
        _warn_once(f"Email is off: {_base_url_problem(config.get('TRAINER_BASE_URL'))}")
    return None


def is_enabled() -> bool:
    return settings() is not None


def _base_url_problem(url: str | None) -> str:
    parts = urlsplit(url or "")
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return ("TRAINER_BASE_URL must be set to the app's public address, e.g. "
                "https://trainer.example.com, for the links in mails.")
    return ""


def _warn_once(message: str) -> None:
    warned = current_app.extensions.setdefault(_WARNED_KEY, set())
    if message not in warned:
        warned.add(message)
        log.error(message)


def absolute_url(endpoint: str, **values: Any) -> str:
    """An absolute link to ``endpoint`` under TRAINER_BASE_URL (a path in it is kept), built
    without a request."""
    parts = urlsplit(current_app.config["TRAINER_BASE_URL"])
    adapter = current_app.url_map.bind(parts.netloc, script_name=parts.path.rstrip("/") or "/",
                                       url_scheme=parts.scheme)
    return adapter.build(endpoint, values, force_external=True)


def _header(text: str) -> str:
    """A header value from user data: no line breaks, so nothing can add a header."""
    return " ".join(str(text).split())


def compose(to_email: str, to_name: str, subject: str, template: str,
            **context: Any) -> EmailMessage:
    """A message with a plain-text part (email/<template>.txt) and an HTML alternative
    (email/<template>.html), both rendered with ``context``."""
    found = settings()
    if found is None:
        raise MailConfigError("Email is not set up.")
    context = {"base_url": absolute_url("auth.login"), "name": to_name, **context}
    message = EmailMessage()
    message["Subject"] = _header(subject)
    message["From"] = found.sender
    message["To"] = formataddr((_header(to_name), to_email))
    message["Date"] = formatdate(usegmt=True)
    message["Message-ID"] = make_msgid(domain=urlsplit(context["base_url"]).hostname)
    message["Auto-Submitted"] = "auto-generated"  # RFC 3834: no out-of-office replies, please
    message.set_content(render_template(f"email/{template}.txt", **context))
    message.add_alternative(render_template(f"email/{template}.html", **context), subtype="html")
    return message


class Mailer:
    """Sends messages over one SMTP connection, opened on the first and closed at the end of the
    ``with`` block. Each send is recorded in MailLog (committed); a failure is logged and
    returned as False, never raised, and the next send opens a new connection."""

    def __init__(self, found: SmtpSettings | None = None):
        self.settings = found or settings()
        self._smtp: smtplib.SMTP | None = None

    def __enter__(self) -> Mailer:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def send(self, message: EmailMessage, kind: str, user_id: int | None = None) -> bool:
        recipient = ", ".join(a.addr_spec for a in message["To"].addresses)
        try:
            if self.settings is None:
                raise MailConfigError("Email is not set up.")
            if self._smtp is None:
                self._smtp = _connect(self.settings)
            self._smtp.send_message(message)
        except (smtplib.SMTPException, OSError, ValueError, MailConfigError) as exc:
            error = f"{exc.__class__.__name__}: {exc}"[:ERROR_MAX]
            log.warning("mail %s to %s was not sent: %s", kind, recipient, error)
            self.close()
            _record(kind, recipient, user_id, ok=False, error=error)
            return False
        log.info("mail %s sent to %s", kind, recipient)
        _record(kind, recipient, user_id, ok=True)
        return True

    def close(self) -> None:
        smtp, self._smtp = self._smtp, None
        if smtp is None:
            return
        try:
            smtp.quit()
        except (smtplib.SMTPException, OSError):
            smtp.close()


def send(message: EmailMessage, kind: str, user_id: int | None = None) -> bool:
    """One message on a connection of its own."""
    with Mailer() as mailer:
        return mailer.send(message, kind, user_id)


def _connect(found: SmtpSettings) -> smtplib.SMTP:
    context = ssl.create_default_context()
    helo = urlsplit(current_app.config.get("TRAINER_BASE_URL") or "").hostname or "localhost"
    if found.tls == "ssl":
        smtp: smtplib.SMTP = smtplib.SMTP_SSL(found.host, found.port, local_hostname=helo,
                                              timeout=found.timeout, context=context)
    else:  # local_hostname given: smtplib's default asks DNS for this host's name, slowly
        smtp = smtplib.SMTP(found.host, found.port, local_hostname=helo, timeout=found.timeout)
    try:
        if found.tls == "starttls":
            smtp.starttls(context=context)
        if found.user:
            smtp.login(found.user, found.password or "")
    except BaseException:
        smtp.close()
        raise
    return smtp


def _record(kind: str, recipient: str, user_id: int | None, ok: bool, error: str = "") -> None:
    db.session.add(MailLog(kind=kind, recipient=recipient[:254], user_id=user_id, ok=ok,
                           error=error))
    db.session.commit()


# --- later, away from the request ------------------------------------------------------------

def in_background(job: Callable[..., Any], *args: Any) -> None:
    """Run ``job(*args)`` after the response: on `trainer worker` when REDIS_URL is set (``job``
    must be a module-level function that makes its own app context), else on one of this
    process's few mail threads. The request's answer and timing are the same whatever it does."""
    from .queue import get_queue

    queue = get_queue()
    if queue is not None:
        from redis.exceptions import RedisError

        try:
            queue.enqueue_call(job, args=args, result_ttl=0, timeout=120,
                               description=f"mail {job.__name__}")
            return
        except RedisError as exc:
            log.warning("Redis did not answer (%s): sending mail from the web process", exc)
    app = current_app._get_current_object()
    pool, pending = app.extensions.setdefault(_POOL_KEY, (ThreadPoolExecutor(
        BACKGROUND_THREADS, thread_name_prefix="trainer-mail"), set()))
    future = pool.submit(_run_in_app, app, job, args)
    with _PENDING_LOCK:
        pending.add(future)
    future.add_done_callback(_forget(pending))


_PENDING_LOCK = threading.Lock()


def _forget(pending: set[Future]) -> Callable[[Future], None]:
    def done(future: Future) -> None:
        with _PENDING_LOCK:
            pending.discard(future)
    return done


def _run_in_app(app: Any, job: Callable[..., Any], args: tuple) -> None:
    with app.app_context():
        try:
            job(*args)
        except Exception:
            log.exception("background mail job %s failed", job.__name__)
        finally:
            db.session.remove()


def wait_for_background(timeout: float | None = None) -> bool:
    """Wait for this app's background mail jobs (tests). True when none is left running."""
    found = current_app.extensions.get(_POOL_KEY)
    if found is None:
        return True
    with _PENDING_LOCK:
        futures = set(found[1])
    _, not_done = wait(futures, timeout)
    return not not_done
