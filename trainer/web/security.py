"""Web security wiring: Flask-Login, session cookies, proxy headers and response headers."""

from __future__ import annotations

from flask import Flask, Request, Response, request, session
from flask.sessions import SecureCookieSessionInterface, SessionMixin
from werkzeug.middleware.proxy_fix import ProxyFix

from ..extensions import login_manager
from ..services import auth
from . import api

SESSION_TOKEN_KEY = "session_token"  # the raw token; the database keeps only its sha256

CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "media-src 'self' blob:; object-src 'none'; base-uri 'self'; frame-ancestors 'none'; "
    "form-action 'self'"
)
# The microphone for voice mode's spoken answers (static/js/voice.js), on our own pages only.
PERMISSIONS_POLICY = "camera=(), microphone=(self), geolocation=(), payment=(), usb=()"
HSTS = "max-age=31536000; includeSubDomains"
# (lower-case name, name, value) of the headers every answer carries.
_ALWAYS = tuple((name.lower(), name, value) for name, value in (
    ("Content-Security-Policy", CONTENT_SECURITY_POLICY), ("X-Content-Type-Options", "nosniff"),
    ("Referrer-Policy", "same-origin"), ("X-Frame-Options", "DENY"),
    ("Permissions-Policy", PERMISSIONS_POLICY), ("Cross-Origin-Opener-Policy", "same-origin")))


HOST_COOKIE = "__Host-session"  # browsers accept it only Secure, with Path=/ and no Domain


class SessionInterface(SecureCookieSessionInterface):
    """Signed cookie sessions, marked Secure whenever the request itself came over HTTPS, and
    then named ``__Host-session``: a sibling subdomain cannot plant or overwrite it."""

    def get_cookie_secure(self, app: Flask) -> bool:
        return bool(app.config["SESSION_COOKIE_SECURE"]) or request.is_secure

    def get_cookie_name(self, app: Flask) -> str:
        return HOST_COOKIE if self.get_cookie_secure(app) else super().get_cookie_name(app)

    def get_cookie_domain(self, app: Flask) -> str | None:
        return None if self.get_cookie_secure(app) else super().get_cookie_domain(app)

    def get_cookie_path(self, app: Flask) -> str:
        return "/" if self.get_cookie_secure(app) else super().get_cookie_path(app)

    def open_session(self, app: Flask, request: Request) -> SessionMixin | None:
        """None at all for the routing API (bearer tokens only): a browser's cookie is neither
        read nor written there, and a helpdesk's request does not pay for a session. None for a
        static file either: the same for everyone, so its answer must not vary by cookie (a
        session read, even by Flask-Login's cookie check, adds ``Vary: Cookie``)."""
        path = request.path  # not routed yet: no blueprint or endpoint to ask
        if path.startswith(api.PREFIX) or path.startswith(f"{app.static_url_path}/"):
            return self.make_null_session(app)
        return super().open_session(app, request)


def init_security(app: Flask) -> None:
    hops = int(app.config.get("TRAINER_PROXY_FIX") or 0)
    if hops > 0:  # trust X-Forwarded-For/-Proto from exactly this many proxies in front of us
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops)
    app.session_interface = SessionInterface()
    login_manager.login_view = "auth.login"
    login_manager.login_message = "Please log in to see this page."
    login_manager.login_message_category = "info"
    login_manager.user_loader(_load_user)
    app.after_request(_security_headers)


def _load_user(user_id: str):
    return auth.user_for_session(session.get(SESSION_TOKEN_KEY), user_id,
                                 on_touch=_resend_cookie)


def _resend_cookie() -> None:
    """The cookie is signed and sent again (a new expiry, a new signature date) when the
    server-side session is seen again, not on every request (SESSION_REFRESH_EACH_REQUEST off:
    signing it cost a fifth of a small page)."""
    session.modified = True


def _security_headers(response: Response) -> Response:
    """Every answer's security headers, unless its route set one itself: added in one pass
    (six ``setdefault`` calls each searched the headers: 15 µs an answer, now 4)."""
    headers = response.headers
    present = {key.lower() for key in headers.keys()}
    headers.extend([(key, value) for low, key, value in _ALWAYS if low not in present])
    if request.is_secure:
        headers.setdefault("Strict-Transport-Security", HSTS)
    # "_user_id" rather than current_user: no database query, even while answering a failure
    if request.endpoint != "static" and (request.blueprint == "auth" or "_user_id" in session):
        if "no-store" not in headers.get("Cache-Control", ""):  # e.g. "private, no-store"
            headers["Cache-Control"] = "no-store"  # personal pages and CSRF tokens stay off disk
    return response
