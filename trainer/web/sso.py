"""Logging in through an OpenID Connect provider (Authlib's Flask client): discovery, the
authorisation code flow with PKCE, state and nonce, then services/sso.py decides whom the
claims let in. Every failure at the provider ends on the login page with a message, never a 500.
Authlib is imported only once single sign-on is configured and used."""

from __future__ import annotations

import logging
from urllib.parse import urlencode

from flask import Blueprint, abort, current_app, redirect, request, session, url_for
from flask_login import current_user

from ..services import sso
from .auth import SSO_SESSION_KEY, _begin_session, home_url, render_login
from .forms import safe_next

log = logging.getLogger(__name__)
bp = Blueprint("sso", __name__)

CLIENT_NAME = "oidc"
EXTENSION = "trainer.oidc_client"
STATE_PREFIX = f"_state_{CLIENT_NAME}_"  # where Authlib keeps a pending flow in the session
NEXT_KEY = "sso_next"

UNREACHABLE = "{provider} cannot be reached just now, so you cannot log in with it. Try again " \
              "in a moment."
CANCELLED = "Logging in with {provider} was cancelled."
PROVIDER_ERROR = "{provider} refused to log you in ({detail}). Try again."
STALE = ("That sign-in did not start in this browser, or it has expired. Start again with the "
         "button below.")
BAD_ANSWER = "{provider}'s answer could not be checked, so you were not logged in. Try again."


def _settings() -> sso.Settings:
    config = sso.settings()
    if config is None:
        abort(404)
    return config


def _client(config: sso.Settings):
    """This app's Authlib client for the provider, made on first use (discovery happens lazily
    and is cached once it has succeeded)."""
    app = current_app._get_current_object()
    client = app.extensions.get(EXTENSION)
    if client is None:
        from authlib.integrations.flask_client import OAuth

        client_kwargs = {"scope": config.scopes, "code_challenge_method": "S256",
                         "default_timeout": config.timeout}
        if not config.client_secret:  # a public client: PKCE alone
            client_kwargs["token_endpoint_auth_method"] = "none"
        client = OAuth(app).register(
            CLIENT_NAME, client_id=config.client_id, client_secret=config.client_secret,
            server_metadata_url=config.discovery_url, client_kwargs=client_kwargs)
        app.extensions[EXTENSION] = client
    return client


@bp.get("/login/sso")
def start():
    config = _settings()
    target = safe_next(request.args.get("next"), None)
    if current_user.is_authenticated:
        return redirect(target or home_url(current_user))
    for key in [k for k in session if k.startswith(STATE_PREFIX)]:
        session.pop(key)  # one flow at a time: an abandoned one must not linger
    session[NEXT_KEY] = target
    try:
        return _client(config).authorize_redirect(url_for("sso.callback", _external=True))
    except Exception as exc:  # discovery failed: the provider is down or misnamed
        log.warning("single sign-on: discovery at %s failed: %r", config.discovery_url, exc)
        return render_login(UNREACHABLE.format(provider=config.provider_name), 502)


@bp.get("/login/sso/callback")
def callback():
    config = _settings()
    ip = request.remote_addr
    pending = any(key.startswith(STATE_PREFIX) for key in session)
    token, problem = _exchange(config)
    if problem:
        if pending:  # a flow this browser started; stray requests are only logged
            sso.record_failure(problem[0], ip=ip)
        else:
            log.warning("single sign-on callback without a pending flow: ip=%s", ip)
        return render_login(problem[1], problem[2])
    outcome = sso.log_in_with_claims(token["userinfo"], ip=ip,
                                     more_claims=lambda: _userinfo(config, token))
    if outcome.user is None:
        return render_login(outcome.refusal, 403)
    target = safe_next(session.get(NEXT_KEY), None)
    _begin_session(outcome.user)  # clears the session: nothing from the flow survives
    session[SSO_SESSION_KEY] = True
    return redirect(target or home_url(outcome.user))


def _exchange(config: sso.Settings) -> tuple[dict | None, tuple[str, str, int] | None]:
    """The provider's tokens for this callback, or (audit reason, message, status)."""
    import requests
    from authlib.common.errors import AuthlibBaseError
    from authlib.integrations.base_client import MismatchingStateError, OAuthError
    from joserfc.errors import JoseError

    provider = config.provider_name
    error = request.args.get("error")
    if error:  # Authlib raises before it clears the flow's state: clear it here
        session.pop(f"{STATE_PREFIX}{request.args.get('state', '')}", None)
    if error == "access_denied":
        return None, ("provider: access_denied", CANCELLED.format(provider=provider), 403)
    try:
        token = _client(config).authorize_access_token()
    except MismatchingStateError:
        return None, ("state mismatch", STALE, 400)
    except OAuthError as exc:
        detail = str(exc.description or exc.error or "no reason given")[:200]
        return None, (f"provider: {exc.error}: {detail}",
                      PROVIDER_ERROR.format(provider=provider, detail=detail), 403)
    except requests.RequestException as exc:
        log.warning("single sign-on: %s out of reach: %r", provider, exc)
        return None, ("provider unreachable", UNREACHABLE.format(provider=provider), 502)
    except (AuthlibBaseError, JoseError, ValueError, KeyError) as exc:
        log.warning("single sign-on: the provider's answer failed its checks: %r", exc)
        return None, (f"bad answer: {exc!r}", BAD_ANSWER.format(provider=provider), 502)
    except Exception as exc:  # anything else in the exchange: a message, never a 500
        log.exception("single sign-on: the exchange with %s failed", provider)
        return None, (f"failed: {exc!r}", BAD_ANSWER.format(provider=provider), 502)
    if not isinstance(token.get("userinfo"), dict):  # no ID token: nothing proves who it is
        return None, ("no id token", BAD_ANSWER.format(provider=provider), 502)
    return token, None


def _userinfo(config: sso.Settings, token: dict) -> dict:
    """The provider's userinfo, or nothing if it cannot be had."""
    try:
        return dict(_client(config).userinfo(token=token))
    except Exception as exc:  # the ID token's claims are then all there is
        log.warning("single sign-on: userinfo failed: %r", exc)
        return {}


def provider_logout_url() -> str | None:
    """Where to end the session at the provider too, when it advertises an end_session_endpoint
    and TRAINER_OIDC_PROVIDER_LOGOUT is on; None otherwise (or if it cannot be reached)."""
    config = sso.settings()
    if config is None or not config.provider_logout:
        return None
    try:
        endpoint = _client(config).load_server_metadata().get("end_session_endpoint")
    except Exception as exc:  # logging out here must never fail on it
        log.warning("single sign-on: no provider logout: %r", exc)
        return None
    if not endpoint:
        return None
    query = urlencode({"client_id": config.client_id,
                       "post_logout_redirect_uri": url_for("auth.login", _external=True)})
    return f"{endpoint}{'&' if '?' in endpoint else '?'}{query}"
