"""Password hashing and the password policy (ASVS: length 8-128, not a common password,
no composition rules)."""

from __future__ import annotations

import secrets
from functools import lru_cache

from werkzeug.security import check_password_hash, generate_password_hash

MIN_LENGTH, MAX_LENGTH = 8, 128


def hash_password(password: str) -> str:
    return generate_password_hash(password)  # scrypt, salted


def check_password(password_hash: str | None, password: str) -> bool:
    return bool(password_hash) and check_password_hash(password_hash, password)


@lru_cache(maxsize=1)
def _common_passwords() -> frozenset[str]:
    from zxcvbn.frequency_lists import FREQUENCY_LISTS  # 30,000 most common passwords

    return frozenset(FREQUENCY_LISTS["passwords"])


def password_problems(password: str, email: str = "", name: str = "") -> list[str]:
    """Why this password is refused; an empty list means it is acceptable."""
    problems = []
    if len(password) < MIN_LENGTH:
        problems.append(f"Use at least {MIN_LENGTH} characters.")
    if len(password) > MAX_LENGTH:
        problems.append(f"Use at most {MAX_LENGTH} characters.")
    lowered = password.lower()
    personal = {email.lower(), email.lower().split("@")[0], name.lower()} - {""}
    if lowered in _common_passwords() or lowered in personal:
        problems.append("This password is too common or too easy to guess: choose another.")
    return problems


def mask(password: str) -> tuple[str, str]:
    """(the password XOR a random pad of its length, the pad), both hex. Either half alone says
    nothing about the password: keep them in different places (a job's rows and its runner)."""
    data = password.encode()
    pad = secrets.token_bytes(len(data))
    return bytes(a ^ b for a, b in zip(data, pad, strict=True)).hex(), pad.hex()


def unmask(masked: str, pad: str) -> str:
    """The password back from its two halves; ValueError if they do not belong together."""
    if len(pad) != len(masked):
        raise ValueError("the pad does not fit the masked password")
    data = bytes(a ^ b for a, b in zip(bytes.fromhex(masked), bytes.fromhex(pad), strict=True))
    return data.decode()
