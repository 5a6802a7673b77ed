"""Cross-cutting web security: headers, cookies, proxies, CSRF on every POST, route guards, CSP."""

from __future__ import annotations

import re
import uuid

import pytest
from flask import url_for
from werkzeug.routing import UUIDConverter

from trainer import create_app
from trainer.config import ROOT, TestConfig
from trainer.web.forms import is_safe_next, safe_next
from trainer.web.guards import role_required
from trainer.web.security import CONTENT_SECURITY_POLICY

from .. import factories
from ..conftest import post_form
from .isolated import IsolatedClient

MANAGERS_ONLY = "/_test/managers-only"


@pytest.fixture
def app(app):
    @app.get(MANAGERS_ONLY)
    @role_required("manager")
    def managers_only():
        return "for managers"

    app.test_client_class = IsolatedClient
    return app


def _app_with(tmp_path, **settings):
    config = {k: getattr(TestConfig, k) for k in dir(TestConfig) if k.isupper()}
    return create_app({**config, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'x.db'}",
                       **settings})


def _get(client, path: str, **kwargs):
    """GET and close the response (static files stream from an open file)."""
    with client.get(path, **kwargs) as response:
        response.get_data()
        return response


def _cookie(response, name: str = "session") -> str:
    [cookie] = [c for c in response.headers.getlist("Set-Cookie") if c.startswith(f"{name}=")]
    return cookie


# --- response headers -------------------------------------------------------------------------

@pytest.mark.parametrize("path", ["/login", "/_test/no-such-page", "/static/css/app.css"])
def test_security_headers_on_every_response(client, path):
    headers = _get(client, path).headers
    assert headers["Content-Security-Policy"] == (
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        "media-src 'self' blob:; object-src 'none'; base-uri 'self'; frame-ancestors 'none'; "
        "form-action 'self'")
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "same-origin"
    assert headers["X-Frame-Options"] == "DENY"
    assert "camera=()" in headers["Permissions-Policy"]
    assert "Strict-Transport-Security" not in headers  # plain http: HSTS would be ignored


def test_hsts_over_https(client):
    headers = client.get("/login", base_url="https://localhost").headers
    assert headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"


def test_pages_for_logged_in_users_are_not_stored(auth, client, ctx):
    assert "no-store" not in client.get("/_test/no-such-page").headers.get("Cache-Control", "")
    factories.user("manager", email="mo@example.com")
    auth.login("mo@example.com")
    assert client.get(MANAGERS_ONLY).headers["Cache-Control"] == "no-store"
    assert client.get("/_test/no-such-page").headers["Cache-Control"] == "no-store"
    assert "no-store" not in _get(client, "/static/css/app.css").headers.get("Cache-Control", "")


# --- session cookie ---------------------------------------------------------------------------

def test_session_cookie_is_secure_over_https(client):
    response = client.get("/login", base_url="https://localhost")
    cookie = _cookie(response, "__Host-session")
    assert "; Secure" in cookie and "; HttpOnly" in cookie and "; SameSite=Lax" in cookie
    assert "; Path=/" in cookie and "Domain" not in cookie  # what a __Host- cookie must have
    assert not any(c.startswith("session=") for c in response.headers.getlist("Set-Cookie"))


def test_host_cookie_ignores_a_configured_domain_and_path(tmp_path):
    app = _app_with(tmp_path, SESSION_COOKIE_DOMAIN="example.com", SESSION_COOKIE_PATH="/app")
    cookie = _cookie(app.test_client().get("/login", base_url="https://localhost"),
                     "__Host-session")
    assert "Domain" not in cookie and "; Path=/;" in cookie


def test_a_login_over_https_lives_in_the_host_cookie(client, ctx):
    factories.user("manager", email="mo@example.com")
    https = {"base_url": "https://localhost"}
    html = client.get("/login", **https).get_data(as_text=True)
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html).group(1)
    response = client.post("/login", data={"csrf_token": token, "email": "mo@example.com",
                                           "password": factories.PASSWORD},
                           headers={"Referer": "https://localhost/login"}, **https)
    assert response.status_code == 302  # (over HTTPS, Flask-WTF also wants a same-site Referer)
    assert client.get_cookie("__Host-session") is not None
    assert client.get_cookie("session") is None
    assert client.get(MANAGERS_ONLY, **https).status_code == 200


def test_session_cookie_over_http_is_not_secure(client):
    cookie = _cookie(client.get("/login"))
    assert "Secure" not in cookie
    assert "; HttpOnly" in cookie and "; SameSite=Lax" in cookie


def test_secure_cookies_can_be_forced(tmp_path):
    app = _app_with(tmp_path, SESSION_COOKIE_SECURE=True)
    assert "; Secure" in _cookie(app.test_client().get("/login"), "__Host-session")


def test_forwarded_proto_is_trusted_only_behind_a_configured_proxy(tmp_path):
    behind_lb = {"X-Forwarded-Proto": "https", "X-Forwarded-For": "198.51.100.7"}
    direct = _app_with(tmp_path).test_client().get("/login", headers=behind_lb)
    assert "Secure" not in _cookie(direct)
    assert "Strict-Transport-Security" not in direct.headers
    proxied = _app_with(tmp_path, TRAINER_PROXY_FIX=1).test_client().get("/login",
                                                                           headers=behind_lb)
    assert "; Secure" in _cookie(proxied, "__Host-session")
    assert "Strict-Transport-Security" in proxied.headers


def test_client_address_comes_from_the_trusted_proxy(tmp_path):
    from trainer.extensions import db
    from trainer.models import AuditEvent

    app = _app_with(tmp_path, TRAINER_PROXY_FIX=1)
    with app.app_context():
        db.create_all()
    client = app.test_client()
    post_form(client, "/login", data={"email": "x@example.com", "password": "not-it-123"},
              headers={"X-Forwarded-For": "203.0.113.5, 198.51.100.7"})
    with app.app_context():
        assert db.session.scalars(db.select(AuditEvent.ip)).all() == ["198.51.100.7"]


# --- CSRF and guards ----------------------------------------------------------------------

def _post_urls(app) -> list[str]:
    urls, adapter = [], app.url_map.bind("localhost")
    for rule in app.url_map.iter_rules():
        if "POST" not in rule.methods or rule.rule.startswith("/api/"):
            continue
        values = {arg: uuid.uuid4() if isinstance(rule._converters[arg], UUIDConverter) else 1
                  for arg in rule.arguments}
        urls.append(adapter.build(rule.endpoint, values))
    return urls


def test_every_form_post_needs_a_csrf_token(app, auth, client, ctx):
    factories.user("admin", email="root@example.com")
    auth.login("root@example.com")
    urls = _post_urls(app)
    assert "/login" in urls and "/logout" in urls
    for url in urls:
        assert client.post(url, data={}).status_code == 400, url


def _protected_pages(app) -> list[str]:
    with app.test_request_context():
        return [url_for("trainee.dashboard"), url_for("manager.team"), url_for("admin.users"),
                MANAGERS_ONLY]


def test_anonymous_users_are_sent_to_login(app, client):
    for page in _protected_pages(app):
        response = client.get(page)
        assert response.status_code == 302, page
        assert response.headers["Location"].startswith("/login?next="), page


def test_login_returns_to_the_page_that_asked_for_it(auth, client, ctx):
    factories.user("manager", email="mo@example.com")
    login_url = client.get(MANAGERS_ONLY).headers["Location"]
    response = post_form(client, login_url, data={"email": "mo@example.com",
                                                  "password": factories.PASSWORD})
    assert response.headers["Location"] == MANAGERS_ONLY
    assert client.get(MANAGERS_ONLY).get_data(as_text=True) == "for managers"


@pytest.mark.parametrize("role, status", [("trainee", 404), ("manager", 200), ("admin", 200)])
def test_role_guard(auth, client, ctx, role, status):
    factories.user(role, email=f"{role}@example.com")
    auth.login(f"{role}@example.com")
    assert client.get(MANAGERS_ONLY).status_code == status


# --- open redirects ----------------------------------------------------------------------------

@pytest.fixture
def trainee(ctx):
    return factories.user("trainee", email="pat.lee@example.com")


@pytest.mark.parametrize("next_url", [MANAGERS_ONLY, "/attempts/3?tab=feedback"])
def test_safe_next_is_followed(auth, trainee, next_url):
    response = auth.login("pat.lee@example.com", next_url=next_url.replace("?", "%3F")
                          .replace("=", "%3D"))
    assert response.headers["Location"] == next_url


@pytest.mark.parametrize("next_url", ["////evil.example", "//evil.example", "/\\evil.example",
                                      "https://evil.example", "http:evil.example",
                                      "javascript:alert(1)", "evil.example", "/%09/evil.example",
                                      "%2F%2Fevil.example", "/%5Cevil.example"])
def test_unsafe_next_falls_back_to_the_dashboard(auth, trainee, next_url):
    response = auth.login("pat.lee@example.com", next_url=next_url)
    assert response.status_code == 302
    assert response.headers["Location"] == "/"


@pytest.mark.parametrize("target, safe", [
    ("/", True), ("/attempts/3?tab=feedback#end", True), ("/team/people/4", True),
    (None, False), ("", False), ("////evil.example", False), ("//evil.example", False),
    ("/\\evil.example", False), ("/\\/evil.example", False), ("https://evil.example", False),
    ("javascript:alert(1)", False), ("JavaScript:alert(1)", False), ("evil.example/path", False),
    ("/\t/evil.example", False), ("/\n/evil.example", False), ("/ /evil.example", False),
])
def test_is_safe_next(target, safe):
    assert is_safe_next(target) is safe
    assert safe_next(target, "/fallback") == (target if safe else "/fallback")


# --- templates stay inside the Content-Security-Policy ----------------------------------------

INLINE = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>|<style\b|\sstyle=|\son[a-z]+=|javascript:", re.I)


def test_templates_have_no_inline_script_or_style():
    """CSP blocks inline code: it would silently stop working in the browser."""
    offenders = [f"{path.relative_to(ROOT)}: {match.group(0)!r}"
                 for path in sorted((ROOT / "templates").rglob("*.html"))
                 for match in INLINE.finditer(path.read_text(encoding="utf-8"))]
    assert offenders == []


def test_htmx_is_told_not_to_inject_its_indicator_styles(client):
    html = client.get("/login").get_data(as_text=True)
    assert """<meta name="htmx-config" content='{"includeIndicatorStyles":false}'>""" in html
    assert "style-src 'self';" in CONTENT_SECURITY_POLICY
