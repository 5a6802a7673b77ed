"""Open Badges 3.0 credentials for clearances, and W3C Bitstring Status Lists, as plain data.

Builds the JSON of an ``OpenBadgeCredential`` (a W3C Verifiable Credential, data model 2.0) from a
clearance's facts, the issuer's profile and the status list entry; encodes and decodes the
revocation bitstring (GZIP, then multibase base64url); and checks a credential's validity dates.
No Flask, no database, no keys: signing lives in services/badges.py.
"""

from __future__ import annotations

import base64
import gzip
import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from .authority_text import amount_text, limit_text, lower_first
from .library import AuthorityLevel, Category

VC_CONTEXT = "https://www.w3.org/ns/credentials/v2"
OB_CONTEXT = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
CREDENTIAL_TYPES = ["VerifiableCredential", "OpenBadgeCredential"]
STATUS_LIST_TYPES = ["VerifiableCredential", "BitstringStatusListCredential"]
STATUS_PURPOSE = "revocation"
# The Bitstring Status List spec's minimum: 16 KB of bits, so one entry hides among many.
STATUS_LIST_BITS = 16 * 1024 * 8
MULTIBASE_BASE64URL = "u"
ACHIEVEMENT_TYPE = "License"  # OB 3.0 vocabulary: permission to act, after showing competence
LIMIT_RESULT_TYPE = "ext:ResolutionLimit"  # OB 3.0 allows "ext:" result types
EVIDENCE_GENRE = "Assessed role-play"


@dataclass(frozen=True)
class Issuer:
    """The organisation that issues badges: its profile's id (a URL that serves it) and name."""

    id: str
    name: str
    url: str

    def profile(self, standalone: bool = False) -> dict[str, Any]:
        """The OB 3.0 Profile; ``standalone`` adds the JSON-LD context, to serve it on its own."""
        body = {"id": self.id, "type": ["Profile"], "name": self.name, "url": self.url}
        return {"@context": [VC_CONTEXT, OB_CONTEXT], **body} if standalone else body


@dataclass(frozen=True)
class Evidence:
    """A qualifying attempt as evidence: the scenario's title and when it was passed."""

    title: str
    passed_at: datetime


@dataclass(frozen=True)
class StatusEntry:
    """Where a credential's revocation bit sits: the status list credential's URL and index."""

    list_url: str
    index: int


@dataclass(frozen=True)
class BadgeClaim:
    """What one clearance badge says, everything already looked up."""

    credential_id: str  # "urn:uuid:..."
    email: str
    salt: str
    category: Category
    authority: AuthorityLevel
    limit: Decimal
    valid_from: datetime
    valid_until: datetime
    evidence: tuple[Evidence, ...]
    status: StatusEntry


def iso(moment: datetime) -> str:
    """An XML Schema dateTime in UTC, to the second: 2026-12-06T09:30:00Z."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def parse_iso(value: Any) -> datetime | None:
    """A credential's dateTime as an aware datetime (naive ones read as UTC), or None."""
    if not isinstance(value, str):
        return None
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def identity_hash(email: str, salt: str) -> str:
    """OB 3.0 IdentityHash of an email: "sha256$" and the hex digest of the address and salt."""
    digest = hashlib.sha256((email.strip().lower() + salt).encode()).hexdigest()
    return f"sha256${digest}"


def achievement_name(category: Category, authority: AuthorityLevel) -> str:
    return f"{category.title}, level {authority.level}: {lower_first(authority.title)}"


def achievement(category: Category, authority: AuthorityLevel, achievement_id: str,
                issuer: Issuer) -> dict[str, Any]:
    """The OB 3.0 Achievement for holding ``authority`` in ``category``."""
    top = amount_text(authority.max_limit)
    return {
        "id": achievement_id,
        "type": ["Achievement"],
        "achievementType": ACHIEVEMENT_TYPE,
        "name": achievement_name(category, authority),
        "description": (f"Cleared to resolve customer complaints in the category "
                        f"\"{category.title}\" ({lower_first(category.description.rstrip('.'))})"
                        f" at level {authority.level}: {lower_first(authority.title)} "
                        f"({'no money' if top == '0' else f'limits up to {top}'})."),
        "criteria": {"narrative": (
            f"Pass {_complaints(authority.scenarios_required)} of this category at difficulty "
            f"{authority.min_difficulty} or more within the last 12 "
            f"months, every rubric dimension (empathy, ownership, accuracy) at its pass level; "
            f"then a manager grants the clearance, for at most 12 months.")},
        "resultDescription": [{
            "id": f"{achievement_id}#limit", "type": ["ResultDescription"],
            "name": "Resolution limit: the most the holder may refund, credit or pay",
            "resultType": LIMIT_RESULT_TYPE, "valueMin": "0", "valueMax": top}],
        "creator": issuer.profile(),
    }


def _complaints(count: int) -> str:
    return ("1 assessed role-played complaint" if count == 1
            else f"{count} different assessed role-played complaints")


def clearance_credential(claim: BadgeClaim, issuer: Issuer,
                         achievement_id: str) -> dict[str, Any]:
    """The unsigned OpenBadgeCredential for a clearance (no proof: the JWT secures it)."""
    item = achievement(claim.category, claim.authority, achievement_id, issuer)
    credential: dict[str, Any] = {
        "@context": [VC_CONTEXT, OB_CONTEXT],
        "id": claim.credential_id,
        "type": list(CREDENTIAL_TYPES),
        "issuer": issuer.profile(),
        "name": f"{item['name']} ({limit_text(claim.limit)})",
        "validFrom": iso(claim.valid_from),
        "validUntil": iso(claim.valid_until),
        "credentialSubject": {
            "type": ["AchievementSubject"],
            "identifier": [{"type": "IdentityObject", "identityType": "emailAddress",
                            "hashed": True, "identityHash": identity_hash(claim.email, claim.salt),
                            "salt": claim.salt}],
            "achievement": item,
            "result": [{"type": ["Result"], "resultDescription": f"{achievement_id}#limit",
                        "value": amount_text(claim.limit)}],
        },
        "credentialStatus": status_entry(claim.status),
    }
    if claim.evidence:
        credential["evidence"] = [
            {"type": ["Evidence"], "name": e.title, "genre": EVIDENCE_GENRE,
             "description": f"Assessed attempt passed on {e.passed_at.astimezone(UTC):%Y-%m-%d}"}
            for e in claim.evidence]
    return credential


def status_entry(entry: StatusEntry) -> dict[str, str]:
    """A BitstringStatusListEntry for revocation."""
    return {"id": f"{entry.list_url}#{entry.index}", "type": "BitstringStatusListEntry",
            "statusPurpose": STATUS_PURPOSE, "statusListIndex": str(entry.index),
            "statusListCredential": entry.list_url}


def encode_bitstring(set_bits: Iterable[int], size: int = STATUS_LIST_BITS) -> str:
    """The encodedList of a status list: bit 0 is the left-most bit of the first byte; GZIP
    (no timestamp, so the same bits always encode the same), base64url without padding, with the
    multibase prefix "u"."""
    bits = bytearray(size // 8)
    for index in set_bits:
        if not 0 <= index < size:
            raise ValueError(f"status index {index} is outside the list (0 to {size - 1})")
        bits[index // 8] |= 0x80 >> (index % 8)
    packed = base64.urlsafe_b64encode(gzip.compress(bytes(bits), mtime=0)).rstrip(b"=")
    return MULTIBASE_BASE64URL + packed.decode("ascii")


def decode_bitstring(encoded: str) -> bytes:
    """The bitstring of an encodedList (with or without the multibase prefix); ValueError when
    it is not one."""
    text = encoded[1:] if encoded.startswith(MULTIBASE_BASE64URL) else encoded
    try:
        return gzip.decompress(base64.urlsafe_b64decode(text + "=" * (-len(text) % 4)))
    except (ValueError, OSError, EOFError) as exc:
        raise ValueError(f"the status list is not GZIP and base64url: {exc}") from None


def bit_is_set(bits: bytes, index: int) -> bool:
    if not 0 <= index < len(bits) * 8:
        raise ValueError(f"status index {index} is outside the list of {len(bits) * 8} entries")
    return bool(bits[index // 8] & (0x80 >> (index % 8)))


def status_list_credential(list_url: str, issuer: Issuer, encoded: str,
                           valid_from: datetime) -> dict[str, Any]:
    """The BitstringStatusListCredential that publishes a list's revocation bits."""
    return {
        "@context": [VC_CONTEXT],
        "id": list_url,
        "type": list(STATUS_LIST_TYPES),
        "issuer": issuer.id,
        "validFrom": iso(valid_from),
        "credentialSubject": {"id": f"{list_url}#list", "type": "BitstringStatusList",
                              "statusPurpose": STATUS_PURPOSE, "encodedList": encoded},
    }


def validity_problem(credential: dict[str, Any], now: datetime) -> str | None:
    """Why the credential's dates do not hold at ``now`` (None: they do)."""
    valid_from = parse_iso(credential.get("validFrom"))
    valid_until = parse_iso(credential.get("validUntil"))
    if valid_from is None:
        return "it has no readable validFrom date"
    if now < valid_from:
        return f"it is not valid before {iso(valid_from)}"
    if "validUntil" in credential and valid_until is None:
        return "its validUntil date cannot be read"
    if valid_until is not None and now >= valid_until:
        return f"it expired on {iso(valid_until)}"
    return None


def status_reference(credential: dict[str, Any]) -> StatusEntry | None:
    """The credential's revocation status entry, or None when it has no readable one."""
    entries = credential.get("credentialStatus")
    for entry in entries if isinstance(entries, list) else [entries]:
        if (isinstance(entry, dict) and entry.get("type") == "BitstringStatusListEntry"
                and entry.get("statusPurpose") == STATUS_PURPOSE):
            index, url = entry.get("statusListIndex"), entry.get("statusListCredential")
            if isinstance(index, str) and index.isdigit() and isinstance(url, str):
                return StatusEntry(url, int(index))
    return None


def identity_matches(credential: dict[str, Any], email: str) -> bool | None:
    """Whether ``email`` is the holder's, by the credential's hashed email identifiers (None:
    the credential identifies its holder by no hashed email)."""
    subject = credential.get("credentialSubject")
    identifiers = subject.get("identifier") if isinstance(subject, dict) else None
    hashed = [i for i in identifiers if isinstance(i, dict) and i.get("hashed") is True
              and i.get("identityType") == "emailAddress"] if isinstance(identifiers, list) else []
    if not hashed:
        return None
    return any(identity_hash(email, str(i.get("salt") or "")) == i.get("identityHash")
               for i in hashed)
