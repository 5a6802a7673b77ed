"""Verifying a badge this app issued: the signature, the validity dates and the revocation bit,
each check with a plain-language result. Reads nothing about the holder: what is shown is only
what the credential itself carries."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from ..domain import badges as domain
from ..models._types import utcnow
from .badges import BadgeKeyError, BadSignature, Urls, read_signed
from .status_list import list_exists, status_credential_token

STATUS_PATH = re.compile(r"/badges/status/(\d{1,9})$")
MAX_TOKEN_CHARS = 100_000
NOT_CHECKED = "Not checked: the signature must hold first."


@dataclass(frozen=True)
class Check:
    name: str
    passed: bool | None  # None: not checked
    message: str


@dataclass(frozen=True)
class Verification:
    checks: tuple[Check, ...]
    credential: dict[str, Any] | None = None  # only when the signature holds

    @property
    def valid(self) -> bool:
        return all(c.passed for c in self.checks)

    @property
    def failed(self) -> list[Check]:
        return [c for c in self.checks if c.passed is False]


def verify_badge(token: str, urls: Urls, now: datetime | None = None,
                 email: str | None = None) -> Verification:
    """Check a credential JWT: signature, then validity dates, then revocation status; and, when
    an ``email`` is given, that it is the holder's (by the credential's salted hash)."""
    now = now or utcnow()
    token = (token or "").strip()
    if len(token) > MAX_TOKEN_CHARS:
        return _signature_only(False, "This is far too long to be a credential from this app.")
    try:
        credential = read_signed(token)
    except BadgeKeyError as exc:
        return _signature_only(None, f"This app cannot check signatures: {exc}")
    except BadSignature as exc:
        return _signature_only(False, str(exc))
    if "OpenBadgeCredential" not in (credential.get("type") or []):
        return _signature_only(False, "The signature holds, but the content is not an Open "
                                      "Badges credential (a status list, perhaps).")
    signature = Check("Signature", True, "Signed by this issuer's key; nothing was changed.")
    problem = domain.validity_problem(credential, now)
    dates = Check("Validity dates", problem is None,
                  f"Not valid: {problem}." if problem else "Within its validity dates.")
    checks = (signature, dates, _status_check(credential, urls, now))
    if email:
        checks += (_holder_check(credential, email),)
    return Verification(checks, credential)


def _holder_check(credential: dict[str, Any], email: str) -> Check:
    matches = domain.identity_matches(credential, email)
    if matches is None:
        return Check("Holder", False, "The credential names its holder by no email address.")
    return Check("Holder", matches, "The email address given is the holder's." if matches
                 else "The email address given is not the holder's.")


def _signature_only(passed: bool | None, message: str) -> Verification:
    return Verification((Check("Signature", passed, message),
                         Check("Validity dates", None, NOT_CHECKED),
                         Check("Revocation status", None, NOT_CHECKED)))


def _status_check(credential: dict[str, Any], urls: Urls, now: datetime) -> Check:
    """Read the credential's bit in the status list credential the app publishes, through the
    same signed list a verifier elsewhere would fetch."""
    name = "Revocation status"
    entry = domain.status_reference(credential)
    match = STATUS_PATH.search(entry.list_url) if entry else None
    if entry is None or match is None or not list_exists(int(match.group(1))):
        return Check(name, False, "It names no status list of this issuer, so whether it was "
                                  "revoked cannot be told.")
    try:
        status = read_signed(status_credential_token(int(match.group(1)), urls, now))
        subject = status["credentialSubject"]
        if subject.get("statusPurpose") != domain.STATUS_PURPOSE:
            raise ValueError("the list is not a revocation list")
        revoked = domain.bit_is_set(domain.decode_bitstring(subject["encodedList"]), entry.index)
    except (BadSignature, KeyError, TypeError, ValueError) as exc:
        return Check(name, False, f"The status list cannot be read: {exc}.")
    if revoked:
        return Check(name, False, "Revoked: the organisation has withdrawn this clearance.")
    return Check(name, True, "Not revoked.")
