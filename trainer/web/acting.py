"""What the views share about the person acting: who they are (the user object, not the proxy,
for services and audit events), and a service's refusal put to them as a sentence."""

from __future__ import annotations

from flask_login import current_user

from ..models import User

_ENDS = (".", "!", "?")


def actor() -> User:
    """The logged-in user as a plain object: what services record as the actor."""
    return current_user._get_current_object()


def sentence(message: str) -> str:
    """A service's message ("the limit is too high") as a sentence: "The limit is too high."."""
    message = message.strip()
    message = message[:1].upper() + message[1:]
    return message if not message or message.endswith(_ENDS) else message + "."
