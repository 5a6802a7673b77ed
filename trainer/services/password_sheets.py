"""Generated one-time passwords: the one rule that makes them (for `trainer users import
--generate-passwords` and the web import alike), and the sheet that shows a web import's
passwords once, to the admin who ran it.

The sheet is split in two, like services/auth.py's pending secret: the database holds each
password XOR a pad derived from a random key (HMAC-SHA256 of the password's line), and only the
admin's session cookie holds the key. Neither half alone reveals a password. The sheet opens once
the import has finished, lists only the users the import created, and is deleted as it is read.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import secrets
import string
from datetime import timedelta
from typing import Any

from sqlalchemy import delete, select

from ..domain.errors import TrainerError
from ..extensions import db
from ..models import User, UserImport
from ..models._types import utcnow
from ..models.password_sheet import ImportPasswordSheet
from . import audit

log = logging.getLogger(__name__)

# 16 letters and digits: about 95 bits. Nothing a spreadsheet takes for a formula (csv_out would
# put a quote before a leading "-" and the admin would hand out a wrong password), and nothing
# to misread between similar punctuation.
ONE_TIME_PASSWORD_LENGTH = 16
ONE_TIME_PASSWORD_ALPHABET = string.ascii_letters + string.digits
KEY_BYTES = 32
# A sheet nobody downloaded is deleted after this long: its key lives in a browser session that
# has most likely ended by then, and the passwords can be set again one by one.
SHEET_KEPT_FOR = timedelta(days=1)
CSV_COLUMNS = ("email", "password")


class SheetGone(TrainerError):
    """The passwords cannot be shown (any more): the message says why and what to do."""


def one_time_password() -> str:
    """A random password for a user imported without one."""
    return "".join(secrets.choice(ONE_TIME_PASSWORD_ALPHABET)
                   for _ in range(ONE_TIME_PASSWORD_LENGTH))


def _pad(key: bytes, line: int, length: int) -> bytes:
    """The pad of one password: a fresh key per sheet and one line per password, so no pad is
    ever used twice."""
    out, block = b"", 0
    while len(out) < length:
        out += hmac.new(key, f"{line}:{block}".encode(), hashlib.sha256).digest()
        block += 1
    return out[:length]


def _xor(data: bytes, pad: bytes) -> bytes:
    return bytes(a ^ b for a, b in zip(data, pad, strict=True))


def seal(import_id: int, owner: User, emails: dict[int, str], generated: dict[int, str]) -> str:
    """Store the generated passwords (by line) masked, for ``owner`` alone; the key, hex, for
    the owner's session and nowhere else (committed)."""
    key = secrets.token_bytes(KEY_BYTES)
    entries = []
    for line, password in sorted(generated.items()):
        data = password.encode()
        entries.append({"line": line, "email": emails[line],
                        "password": _xor(data, _pad(key, line, len(data))).hex()})
    discard_old_sheets()
    db.session.add(ImportPasswordSheet(import_id=import_id, owner_id=owner.id, entries=entries))
    db.session.commit()
    return key.hex()


def is_waiting(job: UserImport, owner: User) -> bool:
    """Whether this import has passwords waiting for ``owner`` (whoever else asks: no)."""
    return db.session.scalar(select(ImportPasswordSheet.id).where(
        ImportPasswordSheet.import_id == job.id,
        ImportPasswordSheet.owner_id == owner.id)) is not None


def take(job: UserImport, owner: User, key_hex: Any, *,
         ip: str | None = None) -> list[dict[str, str]]:
    """The passwords of the users this import created, {"email", "password"} each, once: the
    sheet is deleted in the same transaction, and a second call (even at the same moment) gets
    SheetGone. The download is audited with the count, never a password."""
    if not job.is_finished:
        raise SheetGone("The import has not finished yet: the passwords can be downloaded once "
                        "it has.")
    sheet = db.session.scalar(select(ImportPasswordSheet).where(
        ImportPasswordSheet.import_id == job.id, ImportPasswordSheet.owner_id == owner.id))
    try:
        key = bytes.fromhex(key_hex) if isinstance(key_hex, str) else b""
    except ValueError:
        key = b""
    if sheet is None or len(key) != KEY_BYTES:
        raise SheetGone("These passwords are gone: they were downloaded already, or belong to "
                        "a session that has ended. Set a new password for anyone who needs one.")
    taken = db.session.execute(delete(ImportPasswordSheet).where(
        ImportPasswordSheet.id == sheet.id).execution_options(synchronize_session=False))
    if taken.rowcount != 1:  # someone else's request took it first
        db.session.rollback()
        raise SheetGone("These passwords were downloaded already.")
    rows = _opened(job, sheet.entries, key)
    audit.record("users.import_passwords_downloaded", owner, subject=job.source, ip=ip,
                 detail={"import": job.id, "passwords": len(rows)})
    db.session.commit()
    log.info("import %s: %s one-time password(s) downloaded", job.id, len(rows))
    return rows


def _opened(job: UserImport, entries: list[dict[str, Any]], key: bytes) -> list[dict[str, str]]:
    """Only the users the import created: not the rows it skipped, nor those it never reached."""
    skipped = {problem["line"] for problem in job.problems if problem.get("skipped")}
    wanted = [entry for entry in entries if entry["line"] not in skipped]
    exists = set(db.session.scalars(select(User.email).where(
        User.email.in_([entry["email"] for entry in wanted])))) if wanted else set()
    rows = []
    for entry in wanted:
        if entry["email"] not in exists:
            continue
        masked = bytes.fromhex(entry["password"])
        password = _xor(masked, _pad(key, entry["line"], len(masked)))
        rows.append({"email": entry["email"], "password": password.decode(errors="replace")})
    return rows


def discard_old_sheets() -> int:
    """Delete the sheets nobody downloaded within SHEET_KEPT_FOR (the caller commits)."""
    gone = db.session.execute(delete(ImportPasswordSheet).where(
        ImportPasswordSheet.created_at < utcnow() - SHEET_KEPT_FOR)
        .execution_options(synchronize_session=False))
    return gone.rowcount
