"""The parts audit sentences are made of: the people and attempts an event names (with whether
the viewer may open them), links, times to the minute and lists ("attempts 12, 14 and 15")."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Protocol

from .authority_text import authority_phrase
from .library import Category


class EventLike(Protocol):
    actor_id: int | None
    action: str
    subject: str
    detail: Any


@dataclass(frozen=True)
class Person:
    id: int
    name: str
    email: str
    linked: bool = False  # the viewer may open their page


@dataclass(frozen=True)
class AttemptInfo:
    id: int
    user_id: int
    title: str  # the scenario's title
    link: str = ""  # "attempt" (someone's, for their reviewer), "own" (the viewer's), "": none


@dataclass(frozen=True)
class Link:
    """A part of a sentence that opens a page: ``kind`` "person", "attempt" or "own"."""

    kind: str
    id: int
    text: str


Part = str | Link
Sentence = tuple[Part, ...]


@dataclass(frozen=True)
class Names:
    """The people and attempts of a page of events, and the library's categories."""

    people: Mapping[int, Person] = field(default_factory=dict)
    by_email: Mapping[str, Person] = field(default_factory=dict)
    attempts: Mapping[int, AttemptInfo] = field(default_factory=dict)
    categories: Mapping[str, Category] = field(default_factory=dict)


def ids_in(value: Any) -> list[int]:
    """The whole numbers in a detail value (one, or a list of them)."""
    values = value if isinstance(value, list | tuple) else [value]
    return [v for v in values if isinstance(v, int) and not isinstance(v, bool)]


def minute(value: datetime | str) -> str:
    """A time to the minute, in UTC: "2027-12-06 23:59 UTC"; text that is no time unchanged."""
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value)
        except ValueError:
            return value
    if value.tzinfo is not None:
        value = value.astimezone(UTC)
    return f"{value:%Y-%m-%d %H:%M} UTC"


def listed(items: list[Part]) -> list[Part]:
    """"a", "a and b", "a, b and c", as parts."""
    parts: list[Part] = []
    for n, item in enumerate(items):
        if n:
            parts.append(" and " if n == len(items) - 1 else ", ")
        parts.append(item)
    return parts


def possessive(part: Part) -> list[Part]:
    return [part, "'s"]


def article(word: str) -> str:
    return "an" if word[:1].lower() in "aeiou" else "a"


def count(number: Any, word: str) -> str:
    return f"{number} {word}{'' if number == 1 else 's'}"


class Words:
    """The names, links and phrases of one page's sentences."""

    def __init__(self, names: Names) -> None:
        self.names = names

    def person(self, person: Person | None, fallback: str) -> Part:
        if person is None:
            return fallback or "someone"
        return Link("person", person.id, person.name) if person.linked else person.name

    def by_id(self, user_id: int | None, fallback: str = "the system") -> Part:
        return self.person(self.names.people.get(user_id) if user_id is not None else None,
                           fallback)

    def by_email(self, email: Any) -> Part:
        email = email if isinstance(email, str) else ""
        return self.person(self.names.by_email.get(email.strip().lower()), email)

    def attempt(self, attempt_id: int, text: str = "") -> Part:
        info = self.names.attempts.get(attempt_id)
        text = text or f"attempt {attempt_id}"
        return Link(info.link, attempt_id, text) if info and info.link else text

    def attempts(self, value: Any) -> list[Part]:
        """"attempt 12" or "attempts 12 and 15", each number a link when the viewer may open it."""
        numbers = sorted(ids_in(value))
        word = "attempt " if len(numbers) == 1 else "attempts "
        return [word, *listed([self.attempt(n, str(n)) for n in numbers])]

    def attempt_named(self, value: Any) -> list[Part]:
        """"attempt 12 (“Charged twice for the same month”)"."""
        (number,) = ids_in(value)
        info = self.names.attempts.get(number)
        return [self.attempt(number), f" (“{info.title}”)" if info and info.title else ""]

    def authority(self, detail: dict[str, Any], limit: bool = True) -> str:
        category_id = str(detail["category"])
        return authority_phrase(self.names.categories.get(category_id), category_id,
                                int(detail["level"]), detail.get("limit") if limit else None)


# What an action's sentence is made from: (event, detail, actor, subject, words) -> parts.
Builder = Callable[[EventLike, dict[str, Any], Part, Part, Words], list[Part]]
