"""Open Badges 3.0: the issuer's key, signing credentials as JWTs (VC-JOSE, typ "vc+jwt"),
issuing a clearance's badge and verifying one.

The key comes from TRAINER_ISSUER_KEY (a PEM or JWK string) or TRAINER_ISSUER_KEY_FILE; it is
never stored. Downloading again hands out the same credential while the clearance's expiry and
the key are unchanged; after a renewal or a new key, a new credential with a new status index.
jwcrypto is imported only when a badge is signed or checked.
"""

from __future__ import annotations

import json
import secrets
import uuid
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from typing import Any

from flask import current_app
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from ..domain import badges as domain
from ..domain.errors import TrainerError
from ..extensions import db
from ..models import Attempt, BadgeCredential, Clearance, User
from ..models._types import utcnow
from . import status_list
from .access import can_view_user
from .library import get_library

JWT_TYPE = "vc+jwt"
JWT_CONTENT_TYPE = "vc"
MEDIA_TYPE = "application/vc+jwt"
ALGORITHMS = {("EC", "P-256"): "ES256", ("OKP", "Ed25519"): "EdDSA"}
ISSUE_TRIES = 5  # a status index taken by a concurrent issue: draw another


class BadgeError(TrainerError):
    """A badge that cannot be issued as asked (no key, clearance not current...)."""


class BadgeKeyError(BadgeError):
    """The issuer key is missing or unusable; the message never contains key material."""


class BadgeHidden(BadgeError):
    """The clearance is not the actor's to see (the web answers 404)."""


@dataclass(frozen=True)
class Urls:
    """Where the app publishes what a credential points at; ``base`` has no trailing slash.
    The paths are the badges blueprint's routes."""

    base: str

    @property
    def issuer(self) -> str:
        return f"{self.base}/badges/issuer"

    def key(self, thumbprint: str) -> str:
        return f"{self.base}/badges/issuer/keys/{thumbprint}"

    def status(self, list_no: int) -> str:
        return f"{self.base}/badges/status/{list_no}"

    def achievement(self, category: str, level: int) -> str:
        return f"{self.base}/badges/achievements/{category}/{level}"


def is_configured() -> bool:
    """An issuer key is given (it may still turn out unusable: see issuer_key)."""
    config = current_app.config
    return bool(config.get("TRAINER_ISSUER_KEY") or config.get("TRAINER_ISSUER_KEY_FILE"))


def issuer_key():
    """The issuer's private key (a jwcrypto JWK) from the environment; BadgeKeyError if none."""
    config = current_app.config
    text, path = config.get("TRAINER_ISSUER_KEY"), config.get("TRAINER_ISSUER_KEY_FILE")
    if not text and path:
        try:
            with open(path, encoding="utf-8") as handle:
                text = handle.read()
        except OSError as exc:
            raise BadgeKeyError(f"TRAINER_ISSUER_KEY_FILE cannot be read: {exc.strerror}") from None
    if not text:
        raise BadgeKeyError("No issuer key is configured (TRAINER_ISSUER_KEY or "
                            "TRAINER_ISSUER_KEY_FILE; `trainer keys create` makes one).")
    return parse_key(text.strip())


@lru_cache(maxsize=4)
def parse_key(text: str):
    """A private EC P-256 or Ed25519 key from PEM or JWK JSON text."""
    from jwcrypto import jwk
    from jwcrypto.common import JWException

    try:
        key = (jwk.JWK.from_json(text) if text.startswith("{")
               else jwk.JWK.from_pem(text.encode()))
    except (JWException, ValueError, TypeError) as exc:
        raise BadgeKeyError(f"The issuer key is neither a PEM nor a JWK private key "
                            f"({type(exc).__name__}).") from None
    algorithm_of(key)
    if not key.has_private:
        raise BadgeKeyError("The issuer key is a public key: give the private key.")
    return key


def algorithm_of(key) -> str:
    found = ALGORITHMS.get((key.get("kty"), key.get("crv")))
    if found is None:
        raise BadgeKeyError(f"The issuer key must be EC P-256 (ES256) or Ed25519 (EdDSA), not "
                            f"{key.get('kty')} {key.get('crv') or ''}".rstrip() + ".")
    return found


def issuer(urls: Urls) -> domain.Issuer:
    return domain.Issuer(urls.issuer, current_app.config.get("TRAINER_ORG_NAME") or "Trainer",
                         urls.base + "/")


def public_jwk(urls: Urls) -> dict[str, Any]:
    key = issuer_key()
    return {**key.export_public(as_dict=True), "kid": urls.key(key.thumbprint()),
            "alg": algorithm_of(key), "use": "sig"}


def jwks(urls: Urls) -> dict[str, Any]:
    """The issuer's public key as a JSON Web Key Set."""
    return {"keys": [public_jwk(urls)]}


def sign(payload: dict[str, Any], urls: Urls) -> str:
    """``payload`` as a compact JWS: header alg, kid (a URL serving the public JWK), typ vc+jwt."""
    from jwcrypto import jws

    key = issuer_key()
    alg = algorithm_of(key)
    header = {"alg": alg, "kid": urls.key(key.thumbprint()), "typ": JWT_TYPE,
              "cty": JWT_CONTENT_TYPE}
    token = jws.JWS(json.dumps(payload, separators=(",", ":"), ensure_ascii=False).encode())
    token.add_signature(key, alg=alg, protected=json.dumps(header, separators=(",", ":")))
    return token.serialize(compact=True)


class BadSignature(Exception):
    """A token that is not a JWS signed by this issuer's key; the message says why."""


def read_signed(token: str) -> dict[str, Any]:
    """The JSON payload of a JWS signed with the issuer key, or BadSignature saying why not."""
    from jwcrypto import jws
    from jwcrypto.common import JWException

    key = issuer_key()
    parsed = jws.JWS()
    try:
        parsed.deserialize(token.strip())
        header = parsed.jose_header
    except (JWException, ValueError, TypeError):
        raise BadSignature("This is not a signed credential: a JWT is three base64url parts "
                           "separated by dots.") from None
    kid = header.get("kid") if isinstance(header, dict) else None
    if not isinstance(kid, str) or kid.rsplit("/", 1)[-1] != key.thumbprint():
        raise BadSignature("It was not signed with this issuer's key (its key id is not "
                           "one this app publishes).")
    try:
        parsed.verify(key, alg=algorithm_of(key))
        payload = json.loads(parsed.payload)
    except (JWException, ValueError, TypeError):
        raise BadSignature("The signature does not match: the credential was changed after "
                           "it was signed, or was never signed by this issuer.") from None
    if not isinstance(payload, dict):
        raise BadSignature("The signed content is not a credential.")
    return payload


def issue_badge(clearance: Clearance, actor: User, urls: Urls,
                now: datetime | None = None) -> BadgeCredential:
    """The signed credential for a current clearance, for its holder (or their manager, or an
    admin): the one issued before when still accurate, else a new one."""
    if not can_view_user(actor, clearance.user):
        raise BadgeHidden("no such clearance")
    now = now or utcnow()
    if not clearance.is_current(now):
        raise BadgeError("Only a current clearance can be downloaded as a badge: this one was "
                         "revoked or has expired.")
    key = issuer_key()
    kid = urls.key(key.thumbprint())
    earlier = db.session.scalar(select(BadgeCredential).where(
        BadgeCredential.clearance_id == clearance.id, BadgeCredential.key_id == kid,
        BadgeCredential.valid_until == clearance.expires_at)
        .order_by(BadgeCredential.id.desc()).limit(1))
    if earlier is not None:
        return earlier
    for _ in range(ISSUE_TRIES):
        list_no, index = status_list.allocate()
        credential_id = f"urn:uuid:{uuid.uuid4()}"
        token = sign(_credential(clearance, credential_id, urls,
                                 domain.StatusEntry(urls.status(list_no), index)), urls)
        row = BadgeCredential(credential_id=credential_id, clearance_id=clearance.id,
                              status_list=list_no, status_index=index, key_id=kid,
                              valid_until=clearance.expires_at, issued_at=now,
                              issued_by_id=actor.id, token=token)
        db.session.add(row)
        try:
            db.session.commit()
        except IntegrityError:  # another issue took the index first
            db.session.rollback()
            continue
        return row
    raise BadgeError("No free status list index was found; try again.")


def _credential(clearance: Clearance, credential_id: str, urls: Urls,
                status: domain.StatusEntry) -> dict[str, Any]:
    category = get_library().categories.get(clearance.category)
    authority = category.level(clearance.level) if category else None
    if authority is None:
        raise BadgeError(f"The library no longer has {clearance.category} level "
                         f"{clearance.level}, so no badge can describe it.")
    claim = domain.BadgeClaim(
        credential_id=credential_id, email=clearance.user.email, salt=secrets.token_hex(8),
        category=category, authority=authority, limit=clearance.limit,
        valid_from=clearance.granted_at, valid_until=clearance.expires_at,
        evidence=evidence_of(clearance), status=status)
    return domain.clearance_credential(claim, issuer(urls),
                                       urls.achievement(category.id, authority.level))


def evidence_of(clearance: Clearance) -> tuple[domain.Evidence, ...]:
    """The qualifying attempts (the grant's basis) as scenario titles and dates, oldest first."""
    if not clearance.basis:
        return ()
    scenarios = get_library().scenarios
    attempts = db.session.scalars(select(Attempt).where(Attempt.id.in_(list(clearance.basis)))
                                  .order_by(Attempt.finished_at, Attempt.id))
    found = []
    for attempt in attempts:
        scenario = scenarios.get(attempt.scenario_id)
        title = (scenario.title if scenario else
                 (attempt.scenario_snapshot or {}).get("title") or attempt.scenario_id)
        found.append(domain.Evidence(title, attempt.finished_at or attempt.started_at))
    return tuple(found)


def achievement_document(category_id: str, level: int, urls: Urls) -> dict[str, Any] | None:
    """An achievement on its own (with its JSON-LD context), or None when there is none."""
    category = get_library().categories.get(category_id)
    authority = category.level(level) if category else None
    if authority is None:
        return None
    body = domain.achievement(category, authority, urls.achievement(category_id, level),
                              issuer(urls))
    return {"@context": [domain.VC_CONTEXT, domain.OB_CONTEXT], **body}
