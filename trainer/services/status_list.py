"""Revocation of issued badges as W3C Bitstring Status Lists: a random free index for each new
credential, and each list published as a signed BitstringStatusListCredential whose bits are set
for the credentials whose clearance is revoked (read from Clearance.revoked_at when served, so
revoking a clearance needs no hook)."""

from __future__ import annotations

import secrets
from datetime import datetime

from sqlalchemy import func, select

from ..domain.badges import STATUS_LIST_BITS, encode_bitstring, status_list_credential
from ..extensions import db
from ..models import BadgeCredential, Clearance
from ..models._types import utcnow

# A list takes new entries until half full, then the next list opens: indexes are drawn at
# random, so a list's set bits do not tell in which order credentials were issued, and a free
# index is found in a draw or two.
LIST_FILL = STATUS_LIST_BITS // 2


def allocate() -> tuple[int, int]:
    """(list number, index) for a new credential: a random index not yet taken in the list
    now filling. A concurrent issue may still take it first (the unique constraint says so)."""
    issued = db.session.scalar(select(func.count()).select_from(BadgeCredential)) or 0
    list_no = issued // LIST_FILL
    taken = set(db.session.scalars(select(BadgeCredential.status_index)
                                   .where(BadgeCredential.status_list == list_no)))
    while True:
        index = secrets.randbelow(STATUS_LIST_BITS)
        if index not in taken:
            return list_no, index


def list_exists(list_no: int) -> bool:
    return db.session.scalar(select(BadgeCredential.id).where(
        BadgeCredential.status_list == list_no).limit(1)) is not None


def revoked_indexes(list_no: int) -> list[int]:
    """The list's indexes whose clearance is revoked (an expired one is not: validUntil says
    that)."""
    return list(db.session.scalars(
        select(BadgeCredential.status_index)
        .join(Clearance, Clearance.id == BadgeCredential.clearance_id)
        .where(BadgeCredential.status_list == list_no, Clearance.revoked_at.is_not(None))
        .order_by(BadgeCredential.status_index)))


def status_credential_token(list_no: int, urls, now: datetime | None = None) -> str:
    """The list as a signed BitstringStatusListCredential (a vc+jwt), as of now."""
    from .badges import issuer, sign

    credential = status_list_credential(urls.status(list_no), issuer(urls),
                                        encode_bitstring(revoked_indexes(list_no)),
                                        now or utcnow())
    return sign(credential, urls)
