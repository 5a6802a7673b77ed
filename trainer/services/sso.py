"""Single sign-on through an OpenID Connect provider: its settings, and whom a provider's
claims let in. A person is matched to an active user by a verified email; with
TRAINER_OIDC_CREATE_USERS a stranger becomes a new trainee (or manager, only through an explicit
role claim). Every outcome is audited like a password login. The protocol itself (discovery,
PKCE, state, nonce, the ID token's signature) is Authlib's, driven by web/sso.py."""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from flask import current_app

from ..extensions import db
from ..models import User
from . import audit, user_checks, users

log = logging.getLogger(__name__)

DEFAULT_ROLE = "trainee"
CLAIMABLE_ROLES = ("trainee", "manager")  # a claim never makes an admin
METHOD = "sso"  # the audit events' detail says how the person logged in

NOT_VERIFIED = ("{provider} has not verified the email address {email}, so it cannot be "
                "matched to a trainer account. Verify it there, then try again.")
NO_EMAIL = ("{provider} did not share an email address, so you cannot be matched to a trainer "
            "account. Ask an administrator to check the single sign-on settings.")
UNKNOWN = "There is no trainer account for {email}. Ask an administrator to add you."
INACTIVE = "Your trainer account ({email}) is deactivated. Ask an administrator if you need it."
NOT_CREATED = "Your trainer account could not be created: {problem}. Ask an administrator."


@dataclass(frozen=True)
class Settings:
    issuer: str
    client_id: str
    client_secret: str | None
    provider_name: str
    scopes: str
    create_users: bool
    name_claim: str
    department_claim: str
    default_department: str
    role_claim: str | None
    provider_logout: bool
    timeout: float

    @property
    def discovery_url(self) -> str:
        return self.issuer.rstrip("/") + "/.well-known/openid-configuration"


def settings() -> Settings | None:
    """The provider's settings, or None when single sign-on is not configured."""
    config = current_app.config
    issuer, client_id = config.get("TRAINER_OIDC_ISSUER"), config.get("TRAINER_OIDC_CLIENT_ID")
    if not issuer or not client_id:
        return None
    return Settings(  # checked, with their defaults, by trainer/settings.py
        issuer=issuer, client_id=client_id,
        client_secret=config["TRAINER_OIDC_CLIENT_SECRET"] or None,
        provider_name=config["TRAINER_OIDC_PROVIDER_NAME"],
        scopes=config["TRAINER_OIDC_SCOPES"],
        create_users=bool(config["TRAINER_OIDC_CREATE_USERS"]),
        name_claim=config["TRAINER_OIDC_NAME_CLAIM"],
        department_claim=config["TRAINER_OIDC_DEPARTMENT_CLAIM"],
        default_department=config["TRAINER_OIDC_DEFAULT_DEPARTMENT"],
        role_claim=config["TRAINER_OIDC_ROLE_CLAIM"] or None,
        provider_logout=bool(config["TRAINER_OIDC_PROVIDER_LOGOUT"]),
        timeout=float(config["TRAINER_OIDC_TIMEOUT"]))


def password_login_enabled() -> bool:
    return bool(current_app.config.get("TRAINER_PASSWORD_LOGIN", True))


@dataclass(frozen=True)
class SsoOutcome:
    """``user`` when they may come in, else ``refusal``: a message for the login page."""

    user: User | None = None
    refusal: str = ""
    created: bool = False


def _verified(value: object) -> bool:
    """Only a true ``email_verified`` counts (some providers send the string "true")."""
    return value is True or (isinstance(value, str) and value.strip().lower() == "true")


def _text(claims: Mapping[str, Any], name: str | None) -> str:
    value = claims.get(name) if name else None
    if isinstance(value, list | tuple):  # e.g. groups-style claims: the first one
        value = value[0] if value else None
    return " ".join(str(value).split()) if isinstance(value, str | int) else ""


def log_in_with_claims(claims: Mapping[str, Any], ip: str | None = None,
                       more_claims: Callable[[], Mapping[str, Any]] | None = None) -> SsoOutcome:
    """Decide whom the ID token's ``claims`` let in, audit it and commit. ``more_claims``
    fetches the provider's userinfo, asked only when the ID token lacks the email."""
    config = settings()
    assert config is not None, "single sign-on is not configured"
    if "email" not in claims and more_claims is not None:
        extra = more_claims()
        if extra.get("sub") == claims.get("sub"):  # OIDC Core 5.3.2: else it is not theirs
            claims = {**extra, **claims}
    raw_email = _text(claims, "email")
    subject = raw_email.lower() or f"sub:{claims.get('sub', '')}"
    if not raw_email:
        return _refuse(subject, "no email claim", NO_EMAIL.format(provider=config.provider_name),
                       ip)
    try:
        email = user_checks.check_email(raw_email)
    except user_checks.Invalid:
        return _refuse(subject, "bad email claim",
                       NO_EMAIL.format(provider=config.provider_name), ip)
    if not _verified(claims.get("email_verified")):
        return _refuse(email, "email not verified",
                       NOT_VERIFIED.format(provider=config.provider_name, email=email), ip)
    user = users.find_user(email)
    created = False
    if user is None:
        if not config.create_users:
            return _refuse(email, "unknown email", UNKNOWN.format(email=email), ip)
        try:
            user = _create(config, claims, email, ip)
        except users.UserError as exc:
            db.session.rollback()
            return _refuse(email, "creation refused", NOT_CREATED.format(problem=exc), ip)
        created = True
    if not user.active:
        return _refuse(email, "inactive", INACTIVE.format(email=email), ip)
    audit.record("login.succeeded", actor=user, subject=email, ip=ip,
                 detail={"method": METHOD, "created": created})
    db.session.commit()
    log.info("single sign-on succeeded: user=%s ip=%s created=%s", user.id, ip, created)
    return SsoOutcome(user=user, created=created)


def _create(config: Settings, claims: Mapping[str, Any], email: str, ip: str | None) -> User:
    """A new user from the claims: name and department as configured, trainee unless an
    explicitly configured role claim says manager (a claim can never make an admin)."""
    name = _text(claims, config.name_claim) or " ".join(
        part for part in (_text(claims, "given_name"), _text(claims, "family_name")) if part)
    name = (name or email.split("@")[0])[:user_checks.NAME_MAX]
    department = (_text(claims, config.department_claim)
                  or config.default_department)[:user_checks.DEPARTMENT_MAX]
    role = _text(claims, config.role_claim).lower() if config.role_claim else ""
    role = role if role in CLAIMABLE_ROLES else DEFAULT_ROLE
    return users.create_user(email, name, role, department, ip=ip)


def _refuse(subject: str, reason: str, message: str, ip: str | None) -> SsoOutcome:
    audit.record("login.failed", subject=subject, ip=ip,
                 detail={"method": METHOD, "reason": reason})
    db.session.commit()
    log.warning("single sign-on refused: subject=%r ip=%s reason=%s", subject, ip, reason)
    return SsoOutcome(refusal=message)


def record_failure(reason: str, ip: str | None = None, subject: str = "") -> None:
    """Audit a sign-on that failed before any identity was known (the provider's error, a
    state that does not match, the provider out of reach)."""
    audit.record("login.failed", subject=subject, ip=ip,
                 detail={"method": METHOD, "reason": reason[:200]})
    db.session.commit()
    log.warning("single sign-on failed: ip=%s reason=%s", ip, reason)
