"""Audit events as sentences: "Manager Ann Lee granted Tara Singh Billing disputes, level 2:
refunds up to 250 (limit 250) ... on the evidence of attempts 12 and 15." Pure: the caller fetches
what ``wanted`` lists for a whole page at once (with whether the viewer may open each person and
attempt) and passes it in; an unknown action still reads as words, never as a dict."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from .audit_sentences import BUILDERS
from .audit_words import EventLike, Names, Part, Sentence, Words, ids_in, minute
from .authority_text import amount_text

# Detail keys that hold attempt ids and people's emails, and the actions whose subject is the
# email of the person they concern.
ATTEMPT_KEYS = ("attempt", "basis", "overridden_by_granter")
EMAIL_KEYS = ("manager",)
PERSON_SUBJECT_PREFIXES = ("clearance.", "score.", "user.", "login.")
LONGEST_VALUE = 120  # a fallback value is cut here, so the sentence stays a sentence


@dataclass(frozen=True)
class Wanted:
    """What a page of events names: fetch each kind in one query."""

    user_ids: frozenset[int]
    emails: frozenset[str]
    attempt_ids: frozenset[int]


def detail_of(event: EventLike) -> dict[str, Any]:
    return event.detail if isinstance(event.detail, dict) else {}


def wanted(events: Iterable[EventLike]) -> Wanted:
    user_ids, emails, attempt_ids = set(), set(), set()
    for event in events:
        detail = detail_of(event)
        if event.actor_id is not None:
            user_ids.add(event.actor_id)
        if event.subject and event.action.startswith(PERSON_SUBJECT_PREFIXES):
            emails.add(event.subject.strip().lower())
        emails.update(detail[k].strip().lower() for k in EMAIL_KEYS
                      if isinstance(detail.get(k), str))
        for key in ATTEMPT_KEYS:
            attempt_ids.update(ids_in(detail.get(key)))
    return Wanted(frozenset(user_ids), frozenset(emails), frozenset(attempt_ids))


def describe(event: EventLike, names: Names) -> Sentence:
    """The event as one sentence of text and links (``Link``), ending with a full stop."""
    words = Words(names)
    detail = detail_of(event)
    actor = words.by_id(event.actor_id)
    subject: Part = event.subject or ""
    if event.action.startswith(PERSON_SUBJECT_PREFIXES):
        subject = words.by_email(event.subject)
    build = BUILDERS.get(event.action)
    parts: list[Part] = []
    if build is not None:
        try:
            parts = build(event, detail, actor, subject, words)
        except (KeyError, TypeError, ValueError):  # an older or odd detail: say it plainly
            parts = []
    return _finished(parts or _fallback(event, detail, actor, subject))


def _fallback(event: EventLike, detail: dict[str, Any], actor: Part,
              subject: Part) -> list[Part]:
    """"Ada Admin: user updated (Tara Singh). Name: Tara S; active: yes."."""
    parts: list[Part] = [actor, f": {event.action.replace('.', ' ').replace('_', ' ')}"]
    if subject:
        parts += [" (", subject, ")"]
    shown = [f"{_key(k)}: {_value(v)}" for k, v in detail.items()]
    if not shown and event.detail and not isinstance(event.detail, dict):
        shown = [_value(event.detail)]
    if shown:
        parts.append(". " + _capital("; ".join(shown)))
    return parts


def _key(key: Any) -> str:
    return str(key).replace("_", " ")


def _value(value: Any) -> str:
    if isinstance(value, bool):
        text = "yes" if value else "no"
    elif value is None:
        text = "none"
    elif isinstance(value, dict):
        text = ", ".join(f"{_key(k)} {_value(v)}" for k, v in value.items()) or "none"
    elif isinstance(value, list | tuple):
        text = ", ".join(_value(v) for v in value) or "none"
    elif isinstance(value, float):
        text = amount_text(value)
    else:
        text = str(value)
        text = minute(text) if _looks_like_time(text) else text
    return text if len(text) <= LONGEST_VALUE else text[:LONGEST_VALUE - 1] + "…"


def _looks_like_time(text: str) -> bool:
    if len(text) < 16 or text[4:5] != "-" or "T" not in text:
        return False
    try:
        datetime.fromisoformat(text)
    except ValueError:
        return False
    return True


def _finished(parts: list[Part]) -> Sentence:
    parts = [p for p in parts if p != ""]
    if parts and isinstance(parts[0], str):
        parts[0] = _capital(parts[0])
    last = parts[-1] if parts else ""
    if not isinstance(last, str) or not last.rstrip().endswith((".", "!", "?")):
        parts.append(".")
    return tuple(parts)


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]
